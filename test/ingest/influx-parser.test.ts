import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseLineProtocol, parseOneLine, parsePrecision, type Precision } from "../../src/ingest/influx/index.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { assertGolden } from "./golden.js";

const NOW = 1_750_000_000_000;
const DIR = join(PROJECT_ROOT, "test", "fixtures", "ingest", "influx");

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".lp")).sort()) {
  test(`golden: ${file}`, () => {
    const r = parseLineProtocol(readFileSync(join(DIR, file)), "ns", NOW);
    assertGolden(join(DIR, file.replace(/\.lp$/, ".golden.json")), r);
  });
}

const valid: Array<[string, string, Precision, Array<{ name: string; tags?: Record<string, string>; ts: number; value: number }>]> = [
  ["float and tags", "cpu,host=a usage=1.5 1700000000000000000", "ns", [{ name: "cpu.usage", tags: { host: "a" }, ts: 1_700_000_000_000, value: 1.5 }]],
  ["integer", "m f=-3i 1700000000", "s", [{ name: "m.f", ts: 1_700_000_000_000, value: -3 }]],
  ["unsigned", "m f=3u 1700000000000", "ms", [{ name: "m.f", ts: 1_700_000_000_000, value: 3 }]],
  ["booleans", "m a=t,b=FALSE,c=True 1700000000000000", "us", [
    { name: "m.a", ts: 1_700_000_000_000, value: 1 },
    { name: "m.b", ts: 1_700_000_000_000, value: 0 },
    { name: "m.c", ts: 1_700_000_000_000, value: 1 },
  ]],
  ["minutes", "m f=1 28333333", "m", [{ name: "m.f", ts: 28_333_333 * 60_000, value: 1 }]],
  ["hours", "m f=1 472222", "h", [{ name: "m.f", ts: 472_222 * 3_600_000, value: 1 }]],
  ["no timestamp is now", "m f=2", "ns", [{ name: "m.f", ts: NOW, value: 2 }]],
  ["escaped measurement and keys", "a\\ b,k\\=1=v\\,2 f\\ x=1 0", "ns", [{ name: "a b.f x", tags: { "k=1": "v,2" }, ts: 0, value: 1 }]],
  ["exponent float", "m f=1e3 0", "ns", [{ name: "m.f", ts: 0, value: 1000 }]],
];
for (const [name, line, precision, want] of valid) {
  test(`valid: ${name}`, () => {
    const r = parseOneLine(line, precision, NOW);
    assert.equal(r.error, undefined);
    assert.deepEqual(r.samples, want);
  });
}

const invalid: Array<[string, string, RegExp]> = [
  ["string field", 'm s="x"', /string field s is not supported/],
  ["no fields", "m 1700000000", /bad value|field without =/],
  ["only measurement", "m", /missing fields/],
  ["bad value", "m f=abc", /bad value for field f/],
  ["float with i", "m f=1.5i", /bad value/],
  ["negative unsigned", "m f=-1u", /bad value/],
  ["empty tag value", "m,t= f=1", /empty tag value/],
  ["empty tag key", "m,=v f=1", /empty tag key/],
  ["bad timestamp", "m f=1 12x", /bad timestamp/],
  ["trailing junk", "m f=1 1 2", /bad timestamp/],
  ["empty field value", "m f=", /bad value/],
  ["NaN", "m f=NaN", /bad value/],
];
for (const [name, line, re] of invalid) {
  test(`invalid: ${name}`, () => {
    const r = parseOneLine(line, "ns", NOW);
    assert.deepEqual(r.samples, []);
    assert.match(r.error ?? "", re);
  });
}

test("errors name their line; the other lines still give points", () => {
  const r = parseLineProtocol(Buffer.from("a f=1\n\n# c\nb f=x\nc f=2\n"), "ns", NOW);
  assert.deepEqual(r.errors.map((e) => e.line), [4]);
  assert.deepEqual(r.samples.map((s) => s.name), ["a.f", "c.f"]);
  assert.equal(r.lines, 3);
});

test("a bad field late in a line drops the whole line", () => {
  const r = parseOneLine("m a=1,b=2,c=\"s\"");
  assert.deepEqual(r.samples, []);
});

test("precision names of InfluxDB 1.x and 2.x", () => {
  assert.equal(parsePrecision(undefined), "ns");
  assert.equal(parsePrecision("n"), "ns");
  assert.equal(parsePrecision("u"), "us");
  assert.equal(parsePrecision("us"), "us");
  assert.equal(parsePrecision("ms"), "ms");
  assert.equal(parsePrecision("s"), "s");
  assert.equal(parsePrecision("x"), undefined);
});
