import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTime, parseOffset } from "../../src/query/index.js";

const NOW = Date.UTC(2026, 10, 25, 13, 37, 42);
const DAY0 = Date.UTC(2026, 10, 25);
const H = 3_600_000;

test("parses Graphite times", async (t) => {
  const cases: Array<[string, number]> = [
    ["now", NOW],
    ["-6h", NOW - 6 * H],
    ["-7d", NOW - 7 * 24 * H],
    ["-30min", NOW - 30 * 60_000],
    ["-5m", NOW - 5 * 60_000],
    ["-10s", NOW - 10_000],
    ["-2weeks", NOW - 14 * 24 * H],
    ["-1mon", NOW - 30 * 24 * H],
    ["-1y", NOW - 365 * 24 * H],
    ["+1h", NOW + H],
    ["now-6h", NOW - 6 * H],
    ["now-1h30min", NOW - 90 * 60_000],
    ["1700000000", 1_700_000_000_000],
    ["20240102", Date.UTC(2024, 0, 2)],
    ["04:05_20240102", Date.UTC(2024, 0, 2, 4, 5)],
    ["04:05 20240102", Date.UTC(2024, 0, 2, 4, 5)],
    ["04:0520240102", Date.UTC(2024, 0, 2, 4, 5)],
    ["16:00_20110501", Date.UTC(2011, 4, 1, 16)],
    ["04:05pm_20240102", Date.UTC(2024, 0, 2, 16, 5)],
    ["12:00am_20240102", Date.UTC(2024, 0, 2, 0, 0)],
    ["midnight", DAY0],
    ["today", DAY0],
    ["yesterday", DAY0 - 24 * H],
    ["midnight+1h", DAY0 + H],
    ["noon", DAY0 + 12 * H],
    ["01/02/2024", Date.UTC(2024, 0, 2)],
    ["2024-01-02T03:04:05Z", Date.UTC(2024, 0, 2, 3, 4, 5)],
  ];
  for (const [text, want] of cases)
    await t.test(text, () => {
      if (Number.isNaN(want)) assert.throws(() => parseTime(text, NOW), /invalid time/);
      else assert.equal(parseTime(text, NOW), want);
    });
});

test("numbers are unix seconds", () => {
  assert.equal(parseTime(1_700_000_000, NOW), 1_700_000_000_000);
});

test("bad times are 400 errors naming the input", async (t) => {
  for (const text of ["", "soon", "-6", "-6parsecs", "25:00_20240102", "now-", "abc-1h", "99999999999999999999", "-999999999999y"])
    await t.test(JSON.stringify(text), () => {
      assert.throws(
        () => parseTime(text, NOW),
        (err: unknown) => err instanceof Error && (err as { code?: string }).code === "bad_time" && (err as { status?: number }).status === 400,
      );
    });
});

test("offsets (timeShift, summarize intervals)", () => {
  assert.equal(parseOffset("1h"), H);
  assert.equal(parseOffset("-1d"), -24 * H);
  assert.equal(parseOffset("+5min"), 5 * 60_000);
  assert.equal(parseOffset("2hours"), 2 * H);
});

test("graphite-web's time of day before a day: noon yesterday, 13:00 yesterday, teatime tomorrow", () => {
  const now = Date.UTC(2026, 10, 20, 0, 0, 0);
  assert.equal(parseTime("noon yesterday", now), Date.UTC(2026, 10, 19, 12));
  assert.equal(parseTime("13:00 yesterday", now), Date.UTC(2026, 10, 19, 13));
  assert.equal(parseTime("teatime tomorrow", now), Date.UTC(2026, 10, 21, 16));
  assert.equal(parseTime("21:00_20261119", now), Date.UTC(2026, 10, 19, 21));
});

test("tz reads wall-clock forms in the zone (measured: 21:00_20261119 in Europe/Berlin is 20:00 UTC); relative ones stay", () => {
  const now = Date.UTC(2026, 10, 20, 0, 0, 0);
  assert.equal(parseTime("21:00_20261119", now, "Europe/Berlin"), Date.UTC(2026, 10, 19, 20));
  assert.equal(parseTime("20260701", now, "Europe/Berlin"), Date.UTC(2026, 5, 30, 22));
  assert.equal(parseTime("-1h", now, "America/New_York"), now - 3_600_000);
  assert.equal(parseTime("1795132800", now, "Europe/Berlin"), 1795132800 * 1000);
  assert.throws(() => parseTime("midnight", now, "Mars/Olympus"), /unknown time zone/);
});
