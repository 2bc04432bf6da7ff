import { test } from "node:test";
import assert from "node:assert/strict";
import { stepForBudget } from "../../src/query/step.js";
import { evaluateTargets } from "../../src/query/index.js";
import { MemoryStore } from "./memory-store.js";

const H = 3_600_000;
const D = 24 * H;

test("whole hours when the hourly tier is within 2× of range / maxDataPoints; otherwise the store decides", async (t) => {
  const cases: Array<[string, number, number, number | undefined]> = [
    ["7 d / 300 (ideal 2,016 s)", 7 * D, 300, H],
    ["7 d / 100 (ideal 6,048 s)", 7 * D, 100, 2 * H],
    ["30 d / 300", 30 * D, 300, 3 * H],
    ["4 d / 300 (ideal 1,152 s)", 4 * D, 300, undefined],
    ["1 d / 300", D, 300, undefined],
    ["1 h / 1000", H, 1000, undefined],
  ];
  for (const [label, range, max, want] of cases) await t.test(label, () => assert.equal(stepForBudget(0, range, max), want));
});

test("the evaluator hands that step to the store, and maxPoints otherwise", () => {
  const st = new MemoryStore(10_000).add("a.b", [[0, 1]]);
  evaluateTargets(st, ["a.b"], 0, 7 * D, 300);
  evaluateTargets(st, ["a.b"], 0, D, 300);
  evaluateTargets(st, ["a.b"], 0, D);
  assert.deepEqual(
    st.selects.map((s) => s.options),
    [{ step: H }, { maxPoints: 300 }, {}],
  );
});
