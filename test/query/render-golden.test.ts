/**
 * Golden tests for every render function: test/fixtures/render/<function>.json holds targets over
 * the fixed input in _input.json (60 s step) and the expected render JSON (target + datapoints),
 * written from graphite-web's documented semantics. `UPDATE_GOLDEN=1` rewrites the expectations
 * from the current output: review every changed value by reasoning before committing it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseSeriesKey } from "../../src/model/index.js";
import { evaluateTargets, toRenderJson, renderJsonText, functionSpecs, functionNames, parseTarget } from "../../src/query/index.js";
import { walkCalls } from "../../src/query/parser.js";
import { MemoryStore } from "./memory-store.js";

const DIR = join(import.meta.dirname, "..", "fixtures", "render");
const UPDATE = process.env["UPDATE_GOLDEN"] === "1";

interface Expected {
  target: string;
  datapoints: Array<[number | null, number]>;
}
interface Case {
  target: string;
  from?: number;
  until?: number;
  maxDataPoints?: number;
  expected?: Expected[];
  error?: string;
}
interface Golden {
  description: string;
  from: number;
  until: number;
  cases: Case[];
}

const input = JSON.parse(readFileSync(join(DIR, "_input.json"), "utf8")) as {
  step: number;
  series: Record<string, { start: number; values: Array<number | null> }>;
};

function store(): MemoryStore {
  const st = new MemoryStore(input.step * 1000);
  for (const [key, s] of Object.entries(input.series)) {
    const { name, tags } = parseSeriesKey(key);
    const points: Array<[number, number]> = [];
    s.values.forEach((v, i) => {
      if (v !== null) points.push([(s.start + i * input.step) * 1000, v]);
    });
    st.add(name, points, Object.keys(tags).length > 0 ? tags : undefined);
  }
  return st;
}

function run(c: Case, g: Golden): { expected?: Expected[]; error?: string } {
  const [r] = evaluateTargets(store(), [c.target], (c.from ?? g.from) * 1000, (c.until ?? g.until) * 1000, c.maxDataPoints, { now: g.until * 1000 });
  if (r!.error !== undefined) return { error: r!.error.code };
  const json = toRenderJson(r!.series);
  // the route's direct serializer must say exactly the same
  assert.deepEqual(JSON.parse(renderJsonText(r!.series)), JSON.parse(JSON.stringify(json)));
  return { expected: json.map((s) => ({ target: s.target, datapoints: s.datapoints })) };
}

/** Numbers compared to 12 significant digits (float noise aside, the values are exact). */
function close(actual: unknown, expected: unknown): boolean {
  if (typeof actual === "number" && typeof expected === "number") return actual === expected || Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected));
  if (Array.isArray(actual) && Array.isArray(expected)) return actual.length === expected.length && actual.every((a, i) => close(a, expected[i]));
  if (actual !== null && expected !== null && typeof actual === "object" && typeof expected === "object") {
    const ka = Object.keys(actual).sort();
    const ke = Object.keys(expected).sort();
    return close(ka, ke) && ka.every((k) => close((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k]));
  }
  return actual === expected;
}

function format(g: Golden): string {
  const j = (x: unknown): string => JSON.stringify(x);
  const cases = g.cases.map((c) => {
    const parts = Object.entries(c)
      .filter(([k]) => k !== "expected")
      .map(([k, v]) => `      ${j(k)}: ${j(v)}`);
    if (c.expected !== undefined)
      parts.push(c.expected.length === 0 ? `      "expected": []` : `      "expected": [\n${c.expected.map((e) => `        ${j(e)}`).join(",\n")}\n      ]`);
    return `    {\n${parts.join(",\n")}\n    }`;
  });
  return `{\n  "description": ${j(g.description)},\n  "from": ${g.from},\n  "until": ${g.until},\n  "cases": [\n${cases.join(",\n")}\n  ]\n}\n`;
}

const files = readdirSync(DIR).filter((f) => f.endsWith(".json") && !f.startsWith("_")).sort();

for (const file of files) {
  test(`render golden: ${file}`, () => {
    const path = join(DIR, file);
    const g = JSON.parse(readFileSync(path, "utf8")) as Golden;
    if (UPDATE) {
      for (const c of g.cases) {
        const got = run(c, g);
        delete c.expected;
        delete c.error;
        Object.assign(c, got);
      }
      writeFileSync(path, format(g));
      return;
    }
    for (const c of g.cases) {
      const got = run(c, g);
      if (c.error !== undefined) {
        assert.equal(got.error, c.error, `${c.target}: expected error ${c.error}`);
        continue;
      }
      assert.equal(got.error, undefined, `${c.target}: unexpected error ${got.error}`);
      assert.ok(close(got.expected, c.expected), `${c.target}\n  got:      ${JSON.stringify(got.expected)}\n  expected: ${JSON.stringify(c.expected)}`);
    }
  });
}

test("every required render function has a golden file", () => {
  const required = [
    "sumSeries", "averageSeries", "maxSeries", "minSeries", "diffSeries", "divideSeries", "asPercent", "scale", "offset", "absolute",
    "derivative", "nonNegativeDerivative", "perSecond", "integral", "movingAverage", "summarize", "hitcount", "timeShift", "keepLastValue",
    "transformNull", "alias", "aliasByNode", "aliasByMetric", "aliasSub", "groupByNode", "highestCurrent", "highestMax", "lowestCurrent",
    "sortByMaxima", "limit", "exclude", "grep", "constantLine", "seriesByTag",
  ];
  const known = new Set(functionSpecs().map((f) => f.name));
  for (const name of required) {
    assert.ok(known.has(name), `${name} is not implemented`);
    assert.ok(files.includes(`${name}.json`), `${name} has no golden file`);
  }
});

test("every registered function (and alias) is called in some golden case", () => {
  const used = new Set<string>();
  for (const file of files) {
    const g = JSON.parse(readFileSync(join(DIR, file), "utf8")) as Golden;
    for (const c of g.cases) for (const call of walkCalls(parseTarget(c.target))) used.add(call.name);
  }
  const missing = functionNames().filter((n) => !used.has(n));
  assert.deepEqual(missing, [], `functions without a golden case: ${missing.join(", ")}`);
});
