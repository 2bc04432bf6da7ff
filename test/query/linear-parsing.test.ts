/**
 * The fixed regexes the query layer applies to user text (a target's bare tokens, series names set
 * by alias(), aliasQuery's newName) stay linear: a Viewer's 200 KB of crafted text answers at
 * once. Each of these took minutes with the ambiguous patterns they replaced (quadratic backtracking).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateTargets } from "../../src/query/index.js";
import { MemoryStore } from "./memory-store.js";

const M = 60_000;
const N = 200_000;

function st(): MemoryStore {
  return new MemoryStore(M).add("a.b", [[M, 1], [2 * M, 2]]);
}

const cases: Array<[what: string, target: string, check: (r: ReturnType<typeof evaluateTargets>[number]) => void]> = [
  ["a bare token of digits ending in a letter is a path, not a number", `scale(${"1".repeat(N)}x, 2)`, (r) => assert.deepEqual(r.series, [])],
  ["a number token is still a number", "scale(a.b, 1.5e0)", (r) => assert.deepEqual(r.series[0]!.values, [1.5, 3])],
  ["aliasByMetric over a name with many commas and a newline", `aliasByMetric(alias(a.b, "${"x,".repeat(N / 2)}\ny"))`, (r) => assert.equal(r.series[0]!.name.length > 0, true)],
  ["aliasByMetric cuts at the first comma after the last newline, as before", `aliasByMetric(alias(a.b, "p\nq,r,s"))`, (r) => assert.equal(r.series[0]!.name, "p\nq")],
  ["aliasQuery's newName with a long run of zero flags", `aliasQuery(a.b, "a", "a", "%${"0".repeat(N)}x")`, (r) => assert.equal(r.series[0]!.name, `%${"0".repeat(N)}x`)],
  ["aliasQuery's newName still formats widths and flags", `aliasQuery(a.b, "a", "a", "v=%05.1f|%-4d|%s")`, (r) => assert.equal(r.series[0]!.name, "v=002.0|2   |2.0")],
];
for (const [what, target, check] of cases)
  test(what, () => {
    const t0 = performance.now();
    const [r] = evaluateTargets(st(), [target], 0, 2 * M);
    assert.equal(r!.error, undefined, JSON.stringify(r!.error ?? null).slice(0, 300));
    check(r!);
    // generous: the backtracking versions needed minutes here
    assert.ok(performance.now() - t0 < 3_000, `${(performance.now() - t0).toFixed(0)} ms`);
  });
