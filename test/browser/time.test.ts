/** The browser's time expressions (web/lib/time.ts) and the server's (views/time-range.ts) agree. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseTime, parseDuration, resolveRange, shiftRange, zoomOut, describeRange } from "../../web/lib/time.js";
import { parseTimeExpr, resolveTimeRange } from "../../src/http/views/time-range.js";

const NOW = Date.UTC(2024, 4, 15, 13, 45, 30, 250); // a Wednesday

const cases: Array<[string, number | undefined]> = [
  ["now", NOW],
  ["now-6h", NOW - 6 * 3600e3],
  ["now-7d", NOW - 7 * 86400e3],
  ["now+1h", NOW + 3600e3],
  ["now-90s", NOW - 90e3],
  ["now-15m", NOW - 15 * 60e3],
  ["now/m", Date.UTC(2024, 4, 15, 13, 45)],
  ["now-1h/h", Date.UTC(2024, 4, 15, 12)],
  ["1715780730250", 1715780730250],
  ["2024-05-15T10:00:00Z", Date.UTC(2024, 4, 15, 10)],
  ["yesterday-ish", undefined],
  ["now-", undefined],
];

for (const [expr, want] of cases) {
  test(`time expression ${expr}`, () => {
    assert.equal(parseTime(expr, NOW), want, "browser");
    assert.equal(parseTimeExpr(expr, NOW), want, "server");
  });
}

test("now/d is the start of the local day in the browser", () => {
  const t = parseTime("now/d", NOW)!;
  const d = new Date(t);
  assert.deepEqual([d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()], [0, 0, 0, 0]);
  assert.ok(NOW - t >= 0 && NOW - t < 86400e3);
  assert.equal(new Date(parseTime("now-1w/w", NOW)!).getDay(), 1, "weeks start on Monday");
});

test("ranges resolve, shift by half and zoom out around the centre; bad input falls back to 6 h", () => {
  assert.deepEqual(resolveRange({ from: "now-1h", to: "now" }, NOW), { from: NOW - 3600e3, to: NOW });
  assert.deepEqual(resolveTimeRange("now-1h", "now", NOW), { from: NOW - 3600e3, to: NOW });
  assert.deepEqual(resolveRange({ from: "garbage", to: "now" }, NOW), { from: NOW - 6 * 3600e3, to: NOW });
  assert.deepEqual(resolveRange({ from: "now", to: "now-1h" }, NOW), { from: NOW - 3600e3 - 60e3, to: NOW - 3600e3 });
  assert.deepEqual(shiftRange({ from: 1000, to: 3000 }, -1), { from: 0, to: 2000 });
  assert.deepEqual(shiftRange({ from: 1000, to: 3000 }, 1), { from: 2000, to: 4000 });
  assert.deepEqual(zoomOut({ from: 1000, to: 3000 }), { from: 0, to: 4000 });
  assert.equal(describeRange({ from: "now-24h", to: "now" }, NOW), "Last 24 hours");
  assert.equal(describeRange({ from: "now-3h", to: "now" }, NOW), "Last 3h");
});

test("refresh durations", () => {
  assert.equal(parseDuration("5s"), 5000);
  assert.equal(parseDuration("1m"), 60000);
  assert.equal(parseDuration("1h"), 3600e3);
  assert.equal(parseDuration(""), undefined);
  assert.equal(parseDuration("often"), undefined);
});
