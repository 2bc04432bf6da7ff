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
