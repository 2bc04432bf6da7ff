/**
 * Grafana-style time expressions as page URLs carry them: `now`, `now-6h`, `now+1d`, `now/d` (start of
 * today), `now-1d/d` (start of yesterday), epoch ms, or anything `Date.parse` reads.
 *
 * Pure and dependency-free (no node: modules, no DOM): the server (src/http/views/time-range.ts) and the
 * browser bundle (web/lib/time.ts) both import it. They differ only in how `/unit` rounds down, which each
 * states by passing a `TimeRounding`: the browser uses the viewer's local calendar, the server (which does
 * not know the viewer's time zone) fixed-length units counted from the epoch in UTC.
 */

export type TimeUnit = "s" | "m" | "h" | "d" | "w" | "M" | "y";

/** Unit lengths in ms; a month is 30 days and a year 365 days. */
export const UNIT_MS: Readonly<Record<TimeUnit, number>> = {
  s: 1e3,
  m: 60e3,
  h: 3600e3,
  d: 86400e3,
  w: 7 * 86400e3,
  M: 30 * 86400e3,
  y: 365 * 86400e3,
};

/** How an expression resolves to an instant beyond plain arithmetic. */
export interface TimeRounding {
  /** Start of the `unit` containing `t` (what `/unit` means). */
  readonly startOf: (t: number, unit: TimeUnit) => number;
  /** Round `now ± amount` to whole ms before `/unit` (fractional amounts such as `now-0.0001s`). */
  readonly wholeMs: boolean;
}

/** `t` floored to a multiple of the unit's fixed length since the epoch (UTC; weeks start on Thursday). */
export function startOfFixedUnit(t: number, unit: TimeUnit): number {
  const u = UNIT_MS[unit];
  return Math.floor(t / u) * u;
}

/** Start of the local second/minute/hour/day/week (Monday)/month/year containing `t`. */
export function startOfLocalUnit(t: number, unit: TimeUnit): number {
  const d = new Date(t);
  switch (unit) {
    case "y":
      return new Date(d.getFullYear(), 0, 1).getTime();
    case "M":
      return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
    case "w": {
      const day = new Date(d.getFullYear(), d.getMonth(), d.getDate());
      day.setDate(day.getDate() - ((day.getDay() + 6) % 7));
      return day.getTime();
    }
    case "d":
      return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
    default:
      return startOfFixedUnit(t, unit);
  }
}

/** The server's rules: whole ms, `/unit` in fixed-length UTC units (an approximation of calendar days and weeks). */
export const UTC_FIXED_ROUNDING: TimeRounding = { startOf: startOfFixedUnit, wholeMs: true };

/** The browser's rules: `/unit` on the local calendar, `now ± amount` left as computed. */
export const LOCAL_CALENDAR_ROUNDING: TimeRounding = { startOf: startOfLocalUnit, wholeMs: false };

const RELATIVE = /^now(?:([+-])(\d+(?:\.\d+)?)(s|m|h|d|w|M|y))?(?:\/(s|m|h|d|w|M|y))?$/;

/** The instant `s` names relative to `now`; undefined when it is not a time expression. */
export function resolveTimeExpr(s: string, now: number, rounding: TimeRounding): number | undefined {
  const t = s.trim();
  if (t === "now") return now;
  const rel = RELATIVE.exec(t);
  if (rel) {
    let v = now;
    if (rel[1] !== undefined) {
      const d = Number(rel[2]) * UNIT_MS[rel[3] as TimeUnit];
      v = rel[1] === "-" ? now - d : now + d;
      if (rounding.wholeMs) v = Math.round(v);
    }
    return rel[4] === undefined ? v : rounding.startOf(v, rel[4] as TimeUnit);
  }
  if (/^\d{9,}$/.test(t)) return Number(t);
  const d = Date.parse(t);
  return Number.isFinite(d) ? d : undefined;
}

/**
 * A `from`/`to` pair as absolute ms: an unreadable `to` is `now`, an unreadable `from` 6 h before `to`,
 * and a `from` not before `to` becomes one minute before it.
 */
export function resolveTimeExprRange(from: string, to: string, now: number, rounding: TimeRounding): { from: number; to: number } {
  const end = resolveTimeExpr(to, now, rounding) ?? now;
  let start = resolveTimeExpr(from, now, rounding) ?? end - 6 * 3600e3;
  if (start >= end) start = end - 60e3;
  return { from: start, to: end };
}
