/** The shared time-expression parser under the server's rules (fixed UTC units) and the browser's (local calendar). */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  LOCAL_CALENDAR_ROUNDING,
  resolveTimeExpr,
  resolveTimeExprRange,
  UTC_FIXED_ROUNDING,
} from "../../src/lib/time-expr.js";

const NOW = Date.UTC(2024, 4, 15, 13, 45, 30, 250); // a Wednesday
const DAY = 86400e3;

// Forms whose result does not depend on the rounding rules.
const common: Array<[string, number]> = [
  ["now", NOW],
  [" now-6h ", NOW - 6 * 3600e3],
  ["now+1d", NOW + DAY],
  ["now-1.5h", NOW - 1.5 * 3600e3],
  ["now/s", Date.UTC(2024, 4, 15, 13, 45, 30)],
  ["now-1h/h", Date.UTC(2024, 4, 15, 12)],
  ["1715780730250", 1715780730250],
  ["2024-05-15T10:00:00Z", Date.UTC(2024, 4, 15, 10)],
];
for (const [expr, want] of common) {
  test(`${JSON.stringify(expr)} resolves alike under both rules`, () => {
    assert.equal(resolveTimeExpr(expr, NOW, UTC_FIXED_ROUNDING), want);
    assert.equal(resolveTimeExpr(expr, NOW, LOCAL_CALENDAR_ROUNDING), want);
  });
}

// The server's `/unit`: fixed lengths from the epoch, in UTC.
const fixed: Array<[string, number]> = [
  ["now/d", Date.UTC(2024, 4, 15)],
  ["now-1d/d", Date.UTC(2024, 4, 14)],
  ["now/w", Date.UTC(2024, 4, 9)], // a Thursday, as the epoch was
  ["now/M", Math.floor(NOW / (30 * DAY)) * 30 * DAY],
  ["now/y", Math.floor(NOW / (365 * DAY)) * 365 * DAY],
  ["now-0.0004s", NOW], // whole ms
];
for (const [expr, want] of fixed) {
  test(`server rules: ${expr}`, () => assert.equal(resolveTimeExpr(expr, NOW, UTC_FIXED_ROUNDING), want));
}

// The browser's `/unit`: the local calendar, whatever the time zone the tests run in.
const local: Array<[string, (t: number) => boolean]> = [
  ["now/d", (t) => t === new Date(2024, new Date(NOW).getMonth(), new Date(NOW).getDate()).getTime()],
  ["now/w", (t) => new Date(t).getDay() === 1 && NOW - t >= 0 && NOW - t < 7 * DAY],
  ["now/M", (t) => new Date(t).getDate() === 1 && new Date(t).getHours() === 0 && NOW - t < 31 * DAY],
  ["now/y", (t) => t === new Date(new Date(NOW).getFullYear(), 0, 1).getTime()],
  ["now-0.0004s", (t) => t === NOW - 0.4], // left as computed
];
for (const [expr, ok] of local) {
  test(`browser rules: ${expr}`, () => {
    const t = resolveTimeExpr(expr, NOW, LOCAL_CALENDAR_ROUNDING);
    assert.ok(t !== undefined && ok(t), `${expr} → ${String(t)}`);
  });
}

const invalid = ["", "now-", "now/x", "now-6h/", "yesterday-ish", "12345678"];
for (const expr of invalid) {
  test(`${JSON.stringify(expr)} is not a time expression`, () => {
    assert.equal(resolveTimeExpr(expr, NOW, UTC_FIXED_ROUNDING), undefined);
    assert.equal(resolveTimeExpr(expr, NOW, LOCAL_CALENDAR_ROUNDING), undefined);
  });
}

test("ranges: unreadable `to` is now, unreadable `from` 6 h before `to`, `from` not before `to` one minute before it", () => {
  for (const r of [UTC_FIXED_ROUNDING, LOCAL_CALENDAR_ROUNDING]) {
    assert.deepEqual(resolveTimeExprRange("now-1h", "now", NOW, r), { from: NOW - 3600e3, to: NOW });
    assert.deepEqual(resolveTimeExprRange("now-1h", "garbage", NOW, r), { from: NOW - 3600e3, to: NOW });
    assert.deepEqual(resolveTimeExprRange("garbage", "now-1h", NOW, r), { from: NOW - 7 * 3600e3, to: NOW - 3600e3 });
    assert.deepEqual(resolveTimeExprRange("now", "now", NOW, r), { from: NOW - 60e3, to: NOW });
  }
});
