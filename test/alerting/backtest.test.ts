/** Backtest and preview over a real store: 7 days of data, firing periods found where the data says. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../src/lib/clock.js";
import { backtest, preview, queryOver } from "../../src/alerting/index.js";
import type { Sample } from "../../src/model/index.js";
import { openTestStore } from "../store/helpers.js";
import { tempDir } from "../helpers/tmp.js";
import { rule } from "./helpers.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);
const LABELS = { pathPrefix: "servers", hostLabel: "host" };

/** web1 is high (20) for [2d+3h, 2d+5h) and [5d, 5d+1h) after the start, else 1; web2 always 1. */
function week(): Sample[] {
  const out: Sample[] = [];
  const start = NOW - 7 * DAY;
  const high = (t: number) => (t >= start + 2 * DAY + 3 * HOUR && t < start + 2 * DAY + 5 * HOUR) || (t >= start + 5 * DAY && t < start + 5 * DAY + HOUR);
  for (let t = start; t < NOW; t += MIN) {
    out.push({ name: "servers.web1.loadavg.01", ts: t, value: high(t) ? 20 : 1 });
    out.push({ name: "servers.web2.loadavg.01", ts: t, value: 1 });
  }
  return out;
}

test("backtest over 7 days: when the rule would have fired and how many notifications it would have sent", async () => {
  const s = await openTestStore(tempDir("loupe-bt-"), "tsdb.db", { clock: new FakeClock(NOW) });
  try {
    await s.store.write(week());
    const q = queryOver(s.store);
    const r = backtest(rule({ threshold: 10, for: 10 * MIN }), q, { from: NOW - 7 * DAY, to: NOW, step: MIN, maxSeries: 100, ...LABELS });
    assert.equal(r.error, undefined);
    assert.equal(r.step, 5 * MIN, "at most 2016 evaluations over 7 days");
    assert.equal(r.evaluations, 2016);
    assert.equal(r.series, 2);
    assert.deepEqual(r.fired.map((f) => f.labels["host"]), ["web1"]);
    const start = NOW - 7 * DAY;
    const periods = r.fired[0]!.firing;
    assert.equal(periods.length, 2);
    // fired `for` after the rise (within one step and the data's resolution), resolved at the fall
    assert.ok(Math.abs(periods[0]!.from - (start + 2 * DAY + 3 * HOUR + 10 * MIN)) <= 10 * MIN, `${(periods[0]!.from - start) / HOUR} h`);
    assert.ok(Math.abs(periods[0]!.to! - (start + 2 * DAY + 5 * HOUR)) <= 10 * MIN, `${(periods[0]!.to! - start) / HOUR} h`);
    assert.ok(Math.abs(periods[1]!.from - (start + 5 * DAY + 10 * MIN)) <= 10 * MIN);
    assert.equal(r.firingPeriods, 2);
    assert.equal(r.notifications, 4);

    const quiet = backtest(rule({ threshold: 30 }), q, { from: NOW - 7 * DAY, to: NOW, step: MIN, maxSeries: 100, ...LABELS });
    assert.deepEqual([quiet.firingPeriods, quiet.notifications], [0, 0]);
    const longFor = backtest(rule({ threshold: 10, for: 90 * MIN }), q, { from: NOW - 7 * DAY, to: NOW, step: MIN, maxSeries: 100, ...LABELS });
    assert.equal(longFor.firingPeriods, 1, "the 1 h period is shorter than for = 90m");
    const bad = backtest(rule({ expr: "nosuchFunction(x)" }), q, { from: NOW - DAY, to: NOW, step: MIN, maxSeries: 100, ...LABELS });
    assert.match(bad.error ?? "", /nosuchFunction/);
  } finally {
    await s.close();
  }
});

test("preview: each series' value now and whether the condition holds", async () => {
  const s = await openTestStore(tempDir("loupe-bt-"), "tsdb.db", { clock: new FakeClock(NOW) });
  try {
    await s.store.write([
      { name: "servers.web1.loadavg.01", ts: NOW - MIN, value: 12 },
      { name: "servers.web2.loadavg.01", ts: NOW - MIN, value: 3 },
    ]);
    const p = preview(rule({ threshold: 10 }), queryOver(s.store), NOW, { ...LABELS, maxSeries: 100 });
    assert.deepEqual(p.rows.map((r) => [r.labels["host"], r.value, r.matches]), [["web1", 12, true], ["web2", 3, false]]);
  } finally {
    await s.close();
  }
});

test("backtest and live evaluation agree: the same firing periods on random series (for, keep_firing_for)", async () => {
  const { Evaluator } = await import("../../src/alerting/index.js");
  const { openStateDb, scripted } = await import("./helpers.js");
  const { silentLogger } = await import("../../src/lib/logger.js");
  const { seededRandom } = await import("../helpers/rng.js");
  const random = seededRandom(12);
  let periods = 0;
  for (let round = 0; round < 20; round++) {
    const step = MIN;
    const n = 300;
    const start = NOW - n * step;
    const values = Array.from({ length: n }, () => (random() < 0.1 ? null : Math.round(random() * 20)));
    const s = { name: "servers.web1.x", tags: { name: "servers.web1.x" }, start, step, values };
    const r = rule({ expr: "x", threshold: 12, window: 3 * MIN, reduce: (["last", "avg", "max", "min"] as const)[round % 4]!, for: (round % 3) * MIN, keep_firing_for: (round % 2) * 2 * MIN });
    const bt = backtest(r, () => ({ series: [s] }), { from: start + 10 * MIN, to: NOW, step, maxSeries: 10, ...LABELS, maxEvaluations: 10_000 });
    const q = scripted();
    q.set("x", () => [s]);
    const ev = new Evaluator({ query: q.query, states: openStateDb().states, clock: new FakeClock(0), log: silentLogger, budgetMs: 1e9, maxInstancesPerRule: 10, ...LABELS });
    const live: Array<{ from: number; to: number | null }> = [];
    for (let t = start + 10 * MIN + step; t <= NOW; t += step) {
      for (const c of ev.evaluateRule({ ...r, no_data: "ok" }, t)) {
        if (c.fingerprint === "") continue;
        if (c.to === "firing") live.push({ from: t, to: null });
        if (c.from === "firing") live[live.length - 1] = { ...live[live.length - 1]!, to: t };
      }
    }
    const expected = bt.fired[0]?.firing ?? [];
    assert.deepEqual(expected, live, `round ${round}: ${JSON.stringify(r)}`);
    periods += live.length;
  }
  assert.ok(periods > 20, `the rounds fire (${periods} periods)`);
});
