import assert from "node:assert/strict";
import { test } from "node:test";
import { consolidateForJson, consolidateSeriesForJson } from "../../src/query/index.js";
import { makeSeries, type Value } from "../../src/query/series.js";

const S = 1000;
const N = 1795132800 * S;

/** A 10 s series over graphite's window (from, until]: values 0, 1, 2, … */
function window(from: number, until: number): ReturnType<typeof makeSeries> {
  const start = from + 10 * S;
  const n = (until - from) / (10 * S);
  return makeSeries("x", start, 10 * S, Array.from({ length: n }, (_, i): Value => i));
}

test("6 h at 10 s, maxDataPoints=100: 98 points 220 s apart from N-21460 (graphite-web 1.1.8)", () => {
  const s = consolidateSeriesForJson(window(N - 21_600 * S, N), 100, 21_600 * S);
  assert.equal(s.step, 220 * S);
  assert.equal(s.values.length, 98);
  assert.equal(s.start, N - 21_460 * S);
  // 12 values dropped (nudge 130 s → valuesToLose 13, range(1, 13)): the first run is 12..33
  assert.equal(s.values[0], (12 + 33) / 2);
});

test("consolidation uses the series' function and xFilesFactor, the last run divided by valuesPerPoint", () => {
  const base = makeSeries("x", 10 * S, 10 * S, [1, null, 3, 4, null, null, 7, null, null, null]);
  const max = consolidateSeriesForJson({ ...base, consolidate: "max" }, 4, 100 * S);
  assert.equal(max.step, 30 * S);
  // nudge 20 s: one value dropped, runs [null,3,4] [null,null,7] [null,null,null]
  assert.equal(max.start, 30 * S);
  assert.deepEqual(max.values, [4, 7, null]);
  const strict = consolidateSeriesForJson({ ...base, xff: 0.6 }, 4, 100 * S);
  assert.deepEqual(strict.values, [3.5, null, null]);
});

test("maxDataPoints=1 makes one point at the series' start; enough room leaves the series alone", () => {
  const s = window(N - 3600 * S, N);
  const one = consolidateSeriesForJson(s, 1, 3600 * S);
  assert.deepEqual(one.values, [(0 + 359) / 2]);
  assert.equal(one.start, N - 3590 * S);
  assert.equal(consolidateSeriesForJson(s, 360, 3600 * S), s);
});

test("the time range is taken over the whole answer", () => {
  const a = window(N - 3600 * S, N);
  const b = makeSeries("b", N - 600 * S, 10 * S, new Array<Value>(60).fill(1));
  const [ca, cb] = consolidateForJson([a, b], 60);
  assert.equal(ca!.step, 60 * S);
  assert.equal(cb!.step, 60 * S);
});
