// Flat and reset counters through derivative / nonNegativeDerivative / perSecond, against graphite-web's
// semantics (webapp/graphite/render/functions.py: derivative, _nonNegativeDelta, perSecond):
// - derivative: val − prev, null when either is null (a null resets prev);
// - _nonNegativeDelta(val, prev, maxValue, minValue): val > maxValue or val < minValue → (null, prev = null);
//   first reading or a null → (null, prev = val); val ≥ prev → val − prev (a flat counter gives 0, not null);
//   a decrease: maxValue + 1 + val − prev − (minValue or 0) with maxValue, else val − minValue with minValue,
//   else null (reset);
// - perSecond: the same delta divided by the step in seconds, rounded to 6 decimals.
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateTargets } from "../../src/query/index.js";
import { MemoryStore } from "./memory-store.js";

type V = number | null;

function run(target: string, values: readonly V[], stepMs = 60_000): { name: string; values: V[] } {
  const st = new MemoryStore(stepMs);
  // graphite-web answers (from, until]: points at step 1..n are the n steps of (0, n·step]
  st.add("c.x", values.flatMap((v, i) => (v === null ? [] : [[(i + 1) * stepMs, v] as const])));
  const [r] = evaluateTargets(st, [target], 0, values.length * stepMs);
  assert.equal(r!.error, undefined, `${target}: ${r!.error?.message}`);
  assert.equal(r!.series.length, 1, target);
  const s = r!.series[0]!;
  return { name: s.name, values: [...s.values] };
}

// [description, input values, target, expected output]
const CASES: ReadonlyArray<[string, V[], string, V[]]> = [
  // flat counters: a delta of 0, never null
  ["flat: derivative", [5, 5, 5, 5], "derivative(c.x)", [null, 0, 0, 0]],
  ["flat: nonNegativeDerivative", [5, 5, 5, 5], "nonNegativeDerivative(c.x)", [null, 0, 0, 0]],
  ["flat: perSecond", [5, 5, 5, 5], "perSecond(c.x)", [null, 0, 0, 0]],
  ["flat at maxValue: nonNegativeDerivative", [255, 255, 255], "nonNegativeDerivative(c.x,255)", [null, 0, 0]],
  ["flat at minValue: nonNegativeDerivative", [10, 10, 10], "nonNegativeDerivative(c.x,minValue=10)", [null, 0, 0]],
  ["flat zero: perSecond", [0, 0, 0], "perSecond(c.x)", [null, 0, 0]],
  // increasing
  ["rising: derivative", [0, 60, 180, 180], "derivative(c.x)", [null, 60, 120, 0]],
  ["rising: nonNegativeDerivative", [0, 60, 180, 180], "nonNegativeDerivative(c.x)", [null, 60, 120, 0]],
  ["rising: perSecond divides by the step in seconds", [0, 60, 180, 180], "perSecond(c.x)", [null, 1, 2, 0]],
  ["rising: perSecond rounds to 6 decimals", [0, 1, 3], "perSecond(c.x)", [null, 0.016667, 0.033333]],
  // resets without maxValue/minValue: null at the reset, the next delta counts from the new value
  ["reset: derivative keeps the negative delta", [100, 160, 10, 70], "derivative(c.x)", [null, 60, -150, 60]],
  ["reset: nonNegativeDerivative", [100, 160, 10, 70], "nonNegativeDerivative(c.x)", [null, 60, null, 60]],
  ["reset: perSecond", [100, 160, 10, 70], "perSecond(c.x)", [null, 1, null, 1]],
  ["reset to zero: nonNegativeDerivative", [100, 0, 60], "nonNegativeDerivative(c.x)", [null, null, 60]],
  ["reset by one: nonNegativeDerivative", [100, 99, 99], "nonNegativeDerivative(c.x)", [null, null, 0]],
  ["negative values rising", [-10, -5, -5, -7], "nonNegativeDerivative(c.x)", [null, 5, 0, null]],
  // wraps with maxValue (and minValue)
  ["wrap at maxValue", [250, 255, 4, 10], "nonNegativeDerivative(c.x,255)", [null, 5, 5, 6]],
  ["wrap at maxValue: perSecond", [250, 255, 4, 10], "perSecond(c.x,255)", [null, 0.083333, 0.083333, 0.1]],
  ["wrap from maxValue to 0", [255, 0], "nonNegativeDerivative(c.x,255)", [null, 1]],
  ["wrap with maxValue and minValue", [250, 20, 30], "nonNegativeDerivative(c.x,255,10)", [null, 16, 10]],
  ["wrap with minValue only: val − minValue", [50, 20, 40], "nonNegativeDerivative(c.x,minValue=10)", [null, 10, 20]],
  ["wrap with minValue only: perSecond", [50, 20, 40], "perSecond(c.x,minValue=10)", [null, 0.166667, 0.333333]],
  // values beyond maxValue / below minValue are dropped and reset prev
  ["above maxValue is null and resets", [250, 300, 10, 20], "nonNegativeDerivative(c.x,255)", [null, null, null, 10]],
  ["just above maxValue", [250, 256, 10], "nonNegativeDerivative(c.x,255)", [null, null, null]],
  ["below minValue is null and resets", [50, 5, 30, 40], "nonNegativeDerivative(c.x,minValue=10)", [null, null, null, 10]],
  ["just below minValue", [50, 9, 30], "nonNegativeDerivative(c.x,minValue=10)", [null, null, null]],
  ["above maxValue: perSecond", [250, 300, 10, 70], "perSecond(c.x,255)", [null, null, null, 1]],
  // nulls: a gap gives null and the next value restarts from nothing
  ["gap: derivative", [10, null, 30, 40], "derivative(c.x)", [null, null, null, 10]],
  ["gap: nonNegativeDerivative", [10, null, 30, 40], "nonNegativeDerivative(c.x)", [null, null, null, 10]],
  ["gap: perSecond", [10, null, 30, 90], "perSecond(c.x)", [null, null, null, 1]],
  ["gap with maxValue", [10, null, 30, 40], "nonNegativeDerivative(c.x,255)", [null, null, null, 10]],
  ["leading nulls", [null, null, 7, 9], "nonNegativeDerivative(c.x)", [null, null, null, 2]],
  ["all null", [null, null, null], "perSecond(c.x)", [null, null, null]],
];

for (const [what, input, target, want] of CASES) {
  test(`counters: ${what}: ${target} of [${input.join(", ")}]`, () => {
    assert.deepEqual(run(target, input).values, want);
  });
}

test("counters: perSecond uses the series step (10 s and 5 min; sparser series read on the 10 s grid, as whisper's finest archive)", () => {
  assert.deepEqual(run("perSecond(c.x)", [0, 100, 100, 50, 150], 10_000).values, [null, 10, 0, null, 10]);
  assert.deepEqual(run("perSecond(c.x)", [0, 300, 900], 300_000).values, [null, 1, 2]);
});

test("counters: names follow graphite-web", () => {
  assert.equal(run("derivative(c.x)", [1, 2]).name, "derivative(c.x)");
  assert.equal(run("nonNegativeDerivative(c.x)", [1, 2]).name, "nonNegativeDerivative(c.x)");
  assert.equal(run("perSecond(c.x)", [1, 2]).name, "perSecond(c.x)");
});
