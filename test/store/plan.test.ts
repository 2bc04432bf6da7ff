// Tier choice (src/store/tsdb/plan.ts): raw within its read budget, else the cheapest tier or
// level that still gives ~maxDataPoints points, the 1h tier only where nothing finer covers the range.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DAY, HOUR, MINUTE } from "../../src/model/index.js";
import { MemSeries } from "../../src/store/tsdb/head.js";
import { planSelect } from "../../src/store/tsdb/plan.js";
import { TIER_1H, TIER_1M, TIER_RAW, type TierSettings } from "../../src/store/tsdb/tiers.js";

const NOW = Date.UTC(2026, 11, 1);
const defaults: TierSettings = { retention: [15 * DAY, 90 * DAY, 730 * DAY], rollupBuckets: [0, 120, 48], chunkSpan: 2 * HOUR };

function series(n: number, interval = 10_000): MemSeries[] {
  return Array.from({ length: n }, (_, i) => {
    const s = new MemSeries(i + 1, `p.s${i}`, `p.s${i}`, {});
    s.interval = interval;
    return s;
  });
}

interface Case {
  readonly name: string;
  readonly tiers?: TierSettings;
  readonly series: number;
  readonly interval?: number;
  readonly range: number;
  readonly maxPoints: number;
  readonly tier: number;
  /** Expected step, or the least number of points. */
  readonly step?: number;
  readonly atLeast?: number;
}

const cases: Case[] = [
  { name: "2 days of one 10 s series: raw, as graphite-web from raw data", series: 1, range: 2 * DAY, maxPoints: 300, tier: TIER_RAW, atLeast: 290 },
  { name: "2 days of 100 series: the 1m tier's 5-minute level", series: 100, range: 2 * DAY, maxPoints: 300, tier: TIER_1M, step: 10 * MINUTE },
  { name: "1 day of 100 series: the 5-minute level", series: 100, range: DAY, maxPoints: 300, tier: TIER_1M, step: 5 * MINUTE },
  { name: "7 days of 100 series: the 5-minute level, 288 points (1h would give 168)", series: 100, range: 7 * DAY, maxPoints: 300, tier: TIER_1M, step: 35 * MINUTE },
  { name: "30 days of 100 series (past raw retention): the 30-minute level, 288 points (1h: 240)", series: 100, range: 30 * DAY, maxPoints: 300, tier: TIER_1M, step: 150 * MINUTE },
  { name: "7 days at 1000 points: the minutes themselves", series: 100, range: 7 * DAY, maxPoints: 1000, tier: TIER_1M, step: 11 * MINUTE },
  { name: "200 days (past 1m retention): the 1h tier", series: 100, range: 200 * DAY, maxPoints: 300, tier: TIER_1H, step: 16 * HOUR },
  { name: "7 days with the 1m tier disabled: the 1h tier", tiers: { ...defaults, retention: [15 * DAY, 0, 730 * DAY] }, series: 100, range: 7 * DAY, maxPoints: 300, tier: TIER_1H, step: HOUR },
  { name: "a 60 s series over 7 days: raw is within budget for 20 series", series: 20, interval: MINUTE, range: 7 * DAY, maxPoints: 300, tier: TIER_RAW, atLeast: 290 },
  { name: "2 hours of 5000 series: raw (nothing coarser keeps the resolution)", series: 5000, range: 2 * HOUR, maxPoints: 300, tier: TIER_RAW, atLeast: 270 },
];

for (const c of cases) {
  test(`tier choice: ${c.name}`, () => {
    const from = NOW - c.range;
    const p = planSelect(c.tiers ?? defaults, NOW, series(c.series, c.interval), from, NOW, { maxPoints: c.maxPoints });
    assert.equal(p.tier, c.tier);
    if (c.step !== undefined) assert.equal(p.step, c.step);
    const points = Math.ceil(c.range / p.step);
    assert.ok(points <= c.maxPoints, `${points} points, at most ${c.maxPoints}`);
    if (c.atLeast !== undefined) assert.ok(points >= c.atLeast, `${points} points, at least ${c.atLeast}`);
  });
}

test("tier choice: an explicit step is kept, on the coarsest tier whose resolution divides it", () => {
  const from = NOW - 2 * DAY;
  for (const [step, tier] of [[10_000, TIER_RAW], [MINUTE, TIER_1M], [10 * MINUTE, TIER_1M], [HOUR, TIER_1H], [90 * MINUTE, TIER_1M]] as const) {
    const p = planSelect(defaults, NOW, series(1), from, NOW, { step });
    assert.deepEqual(p, { tier, step });
  }
});

test("tier choice: bad options are refused with a clear error", () => {
  assert.throws(() => planSelect(defaults, NOW, series(1), NOW - DAY, NOW, { step: 0 }), /step must be a positive number/);
  assert.throws(() => planSelect(defaults, NOW, series(1), NOW - DAY, NOW, { maxPoints: 0 }), /maxPoints must be at least 1/);
});
