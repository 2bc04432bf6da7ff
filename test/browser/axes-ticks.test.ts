/** Axis ticks without a browser: value ticks per unit family and range (web/lib/units.ts), time ticks and locale formats (web/panels/time-ticks.ts, web/lib/time.ts). */
process.env["TZ"] = "Europe/Berlin";
import { test } from "node:test";
import assert from "node:assert/strict";
import { axisTicks, decimalsFor, niceStep, type Unit } from "../../web/lib/units.js";
import { timeFormats, formatTimestamp } from "../../web/lib/time.js";
import { tickLabels, tickTimes, timeTicks } from "../../web/panels/time-ticks.js";

const KiB = 1024;
const MiB = KiB ** 2;
const GiB = KiB ** 3;

const valueCases: ReadonlyArray<[Unit, number, number, number, string[]]> = [
  // the examples: 0–74.5 GiB stepped by 18.6 GiB, 0–19.1 MiB/s by 9.54 MiB/s
  ["bytes", 0, 78 * GiB, 4, ["0 B", "20 GiB", "40 GiB", "60 GiB"]],
  ["bytes", 0, 18.6 * GiB, 4, ["0 B", "5 GiB", "10 GiB", "15 GiB"]],
  ["bytes", 0, 18.6 * GiB, 5, ["0 B", "4 GiB", "8 GiB", "12 GiB", "16 GiB"]],
  ["bytes", 0, 1.1 * GiB, 5, ["0 B", "0.5 GiB", "1.0 GiB"]],
  ["bytes", 0, 900, 9, ["0 B", "100 B", "200 B", "300 B", "400 B", "500 B", "600 B", "700 B", "800 B", "900 B"]],
  ["bytes", 0, 1000 * KiB, 3, ["0 B", "500 KiB", "1000 KiB"]],
  ["Bps", 0, 20 * MiB, 4, ["0 B/s", "5 MiB/s", "10 MiB/s", "15 MiB/s", "20 MiB/s"]],
  ["bps", 0, 9.5e8, 5, ["0 b/s", "200 Mb/s", "400 Mb/s", "600 Mb/s", "800 Mb/s"]],
  ["bps", 0, 2.5e4, 5, ["0 b/s", "5 kb/s", "10 kb/s", "15 kb/s", "20 kb/s", "25 kb/s"]],
  ["bits", 0, 3e9, 3, ["0 b", "1 Gb", "2 Gb", "3 Gb"]],
  ["percent", 0, 105, 5, ["0%", "50%", "100%"]],
  ["percent", 0, 105, 10, ["0%", "20%", "40%", "60%", "80%", "100%"]],
  ["percent", 99.1, 99.9, 4, ["99.2%", "99.4%", "99.6%", "99.8%"]],
  ["percent", 0, 41, 1, ["0%", "20%", "40%"]],
  ["percentunit", 0, 1.05, 5, ["0%", "50%", "100%"]],
  ["s", 0, 95, 4, ["0 s", "30 s", "60 s", "90 s"]],
  ["s", 0, 7200, 4, ["0 s", "30 min", "60 min", "90 min", "120 min"]],
  ["s", 0, 86400, 4, ["0 s", "6 h", "12 h", "18 h", "24 h"]],
  ["s", 0, 30 * 86400, 5, ["0 s", "7 d", "14 d", "21 d", "28 d"]],
  ["s", 0, 0.3, 3, ["0 s", "100 ms", "200 ms", "300 ms"]],
  ["ms", 0, 2500, 5, ["0 s", "500 ms", "1000 ms", "1500 ms", "2000 ms", "2500 ms"]],
  ["short", 0, 22.5e9, 5, ["0", "5G", "10G", "15G", "20G"]],
  ["short", -50, 50, 4, ["-50", "0", "50"]],
  ["ops", 0, 1500, 3, ["0 ops/s", "0.5k ops/s", "1.0k ops/s", "1.5k ops/s"]],
  ["none", 0, 1, 4, ["0", "0.5", "1.0"]],
  ["none", 0, 22.5e9, 4, ["0", "10G", "20G"]],
];

for (const [unit, min, max, count, want] of valueCases) {
  test(`${unit} ticks over ${min}..${max} (≤${count} steps)`, () => {
    const t = axisTicks(unit, min, max, count);
    assert.deepEqual(t.labels, want);
    assert.equal(t.values.length, t.labels.length);
    for (const v of t.values) assert.ok(v >= min - 1e-9 && v <= max + 1e-9, `${v} inside the range`);
  });
}

test("value ticks: empty, flat and inverted ranges", () => {
  assert.deepEqual(axisTicks("bytes", 0, Number.NaN, 4), { values: [], labels: [] });
  assert.deepEqual(axisTicks("bytes", 5, 1, 4), { values: [], labels: [] });
  assert.deepEqual(axisTicks("percent", 42, 42, 4), { values: [42], labels: ["42%"] });
});

test("round steps and their decimals", () => {
  assert.equal(niceStep(3.7), 5);
  assert.equal(niceStep(0.013), 0.02);
  assert.equal(niceStep(21), 50);
  assert.equal(niceStep(0), 1);
  assert.equal(decimalsFor(0.25), 2);
  assert.equal(decimalsFor(5), 0);
  assert.equal(decimalsFor(0.1 + 0.2), 1);
});

const en = timeFormats("en-US");
const gb = timeFormats("en-GB");
const measure = (s: string): number => s.length * 6.5;

test("12- or 24-hour per locale, in axis labels and tooltips", () => {
  const t = new Date(2026, 11, 3, 12, 33, 30).getTime();
  assert.equal(en.hour12, true);
  assert.equal(gb.hour12, false);
  assert.equal(en.seconds(t).replace("\u202f", " "), "12:33:30 PM");
  assert.equal(gb.seconds(t), "12:33:30");
  assert.equal(gb.minutes(new Date(2026, 11, 3, 9, 5).getTime()), "09:05");
  assert.equal(en.day(t), "Dec 3");
  assert.equal(gb.day(t), "3 Dec");
  assert.match(formatTimestamp(t, "en-US"), /Dec 3, 2026.*12:33:30\sPM/);
  assert.match(formatTimestamp(t, "en-GB"), /3 Dec 2026.*12:33:30$/);
});

const timeCases: ReadonlyArray<[string, number, number, number, number]> = [
  // [what, from, to, plot width, step ms]
  ["5 minutes, wide", new Date(2026, 11, 3, 12, 31, 10).getTime(), new Date(2026, 11, 3, 12, 36, 10).getTime(), 1200, 30e3],
  ["5 minutes, narrow", new Date(2026, 11, 3, 12, 31, 10).getTime(), new Date(2026, 11, 3, 12, 36, 10).getTime(), 200, 120e3],
  ["15 minutes", new Date(2026, 11, 3, 12, 20).getTime(), new Date(2026, 11, 3, 12, 35).getTime(), 600, 120e3],
  ["1 hour", new Date(2026, 11, 3, 11, 35).getTime(), new Date(2026, 11, 3, 12, 35).getTime(), 600, 300e3],
  ["2 days", new Date(2026, 11, 1, 12, 35).getTime(), new Date(2026, 11, 3, 12, 35).getTime(), 600, 6 * 3600e3],
  ["30 days", new Date(2026, 10, 3, 12, 35).getTime(), new Date(2026, 11, 3, 12, 35).getTime(), 600, 7 * 86400e3],
  ["1 year", new Date(2025, 11, 3).getTime(), new Date(2026, 11, 3).getTime(), 600, -3],
];

for (const [what, from, to, width, step] of timeCases) {
  test(`time ticks over ${what}: step, fit, nothing outside the plot`, () => {
    const t = timeTicks({ min: from, max: to, width, leftRoom: 0, rightRoom: 0, measure, formats: gb });
    assert.equal(t.step, step, `${what}: ${t.labels.join(" | ")}`);
    assert.ok(t.values.length >= 2);
    const pos = t.values.map((v) => ((v - from) / (to - from)) * width);
    t.labels.forEach((l, i) => {
      assert.ok(pos[i]! - measure(l) / 2 >= 0 && pos[i]! + measure(l) / 2 <= width, `${l} inside the plot`);
      if (i > 0) assert.ok(pos[i]! - pos[i - 1]! >= (measure(l) + measure(t.labels[i - 1]!)) / 2, `${l} clear of ${t.labels[i - 1]}`);
    });
  });
}

test("seconds read 12:33:30; the date appears only where the day changes", () => {
  const from = new Date(2026, 11, 3, 12, 33, 0).getTime();
  const times = tickTimes(from, from + 90e3, 30e3);
  assert.deepEqual(tickLabels(times, 30e3, gb), ["12:33:00", "12:33:30", "12:34:00", "12:34:30"]);
  const night = tickTimes(new Date(2026, 11, 2, 18).getTime(), new Date(2026, 11, 3, 12).getTime(), 6 * 3600e3);
  assert.deepEqual(tickLabels(night, 6 * 3600e3, gb), ["18:00", "3 Dec", "06:00", "12:00"]);
});

test("ticks follow the local clock across a DST change", () => {
  // Europe/Berlin leaves summer time on 2026-10-25 at 03:00
  const times = tickTimes(new Date(2026, 9, 24, 22).getTime(), new Date(2026, 9, 25, 8).getTime(), 3 * 3600e3);
  assert.deepEqual(times.map((t) => new Date(t).getHours()), [0, 3, 6]);
});

test("no room: no ticks rather than overlapping ones", () => {
  const t = timeTicks({ min: 0, max: 1000, width: 0, leftRoom: 0, rightRoom: 0, measure, formats: gb });
  assert.deepEqual(t.values, []);
});
