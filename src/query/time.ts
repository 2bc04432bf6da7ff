/**
 * Graphite time expressions (graphite-web's attime), in UTC:
 * - `now`, `today`, `yesterday`, `tomorrow`, `midnight`, `noon`, `teatime`, with an optional
 *   offset: `now-6h`, `midnight+1h` (Grafana's `now-6h` form included);
 * - relative offsets alone: `-6h`, `-7d`, `-30min`, `+1h`, `-2weeks`;
 * - unix seconds (`1700000000`), `YYYYMMDD`, `HH:MM_YYYYMMDD`, `HH:MMYYYYMMDD`, `MM/DD/YY[YY]`;
 * - ISO 8601 (`2024-01-02T03:04:05Z`) as a convenience for the JSON API.
 * Units: s/sec/second, min/minute (and a bare `m`), h/hour, d/day, w/week, mon/month (30 days),
 * y/year (365 days). Everything returns milliseconds.
 */
import { BadRequestError } from "../lib/errors.js";
import type { UnixMs } from "../model/index.js";

const UNIT_MS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^(s|sec|secs|second|seconds)$/, 1000],
  [/^(min|mins|minute|minutes|m)$/, 60_000],
  [/^(h|hr|hrs|hour|hours)$/, 3_600_000],
  [/^(d|day|days)$/, 86_400_000],
  [/^(w|week|weeks)$/, 7 * 86_400_000],
  [/^(mon|month|months)$/, 30 * 86_400_000],
  [/^(y|year|years)$/, 365 * 86_400_000],
];

function bad(text: string, why: string): BadRequestError {
  return new BadRequestError(`invalid time ${JSON.stringify(text)}: ${why}`, "bad_time");
}

/** The unit of an interval word (`min`, `hours`…) in ms, or undefined. */
export function unitMs(unit: string): number | undefined {
  const u = unit.toLowerCase();
  for (const [re, ms] of UNIT_MS) if (re.test(u)) return ms;
  // graphite-web accepts any prefix-compatible spelling (e.g. "minu"); mirror its startswith rules
  if (u.startsWith("s")) return 1000;
  if (u.startsWith("mi")) return 60_000;
  if (u.startsWith("h")) return 3_600_000;
  if (u.startsWith("d")) return 86_400_000;
  if (u.startsWith("w")) return 7 * 86_400_000;
  if (u.startsWith("mo")) return 30 * 86_400_000;
  if (u.startsWith("y")) return 365 * 86_400_000;
  return undefined;
}

/**
 * A signed offset such as `-6h`, `+1d`, `5min`, `-1h30min`; no sign means positive (as
 * graphite-web's parseTimeOffset). Returns ms, or throws.
 */
export function parseOffset(text: string): number {
  let s = text.trim();
  if (s === "") throw bad(text, "empty offset");
  let sign = 1;
  if (s[0] === "-" || s[0] === "+") {
    sign = s[0] === "-" ? -1 : 1;
    s = s.slice(1);
  }
  const re = /(\d+)\s*([A-Za-z]+)/y;
  let total = 0;
  let matched = 0;
  re.lastIndex = 0;
  while (re.lastIndex < s.length) {
    const m = re.exec(s);
    if (m === null) throw bad(text, "expected <number><unit> such as 6h or 30min");
    const ms = unitMs(m[2]!);
    if (ms === undefined) throw bad(text, `unknown unit ${JSON.stringify(m[2])}`);
    total += Number(m[1]) * ms;
    matched++;
  }
  if (matched === 0) throw bad(text, "expected <number><unit>");
  return sign * total;
}

function utcDay(now: UnixMs): number {
  return Math.floor(now / 86_400_000) * 86_400_000;
}

function parseYmd(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31) return undefined;
  return Date.UTC(y, mo - 1, d);
}

/** A day part: today, yesterday, tomorrow, YYYYMMDD, MM/DD/YY[YY] (wall-clock ms of its midnight). */
function parseDay(r: string, now: UnixMs): number | undefined {
  if (r === "" || r === "today") return utcDay(now);
  if (r === "yesterday") return utcDay(now) - 86_400_000;
  if (r === "tomorrow") return utcDay(now) + 86_400_000;
  if (/^\d{8}$/.test(r)) return parseYmd(r);
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(r);
  if (m) {
    let y = Number(m[3]);
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
    return Date.UTC(y, Number(m[1]) - 1, Number(m[2]));
  }
  return undefined;
}

/** A time-of-day part at the start of the reference: midnight, noon, teatime, HH:MM[am|pm]. */
function parseTimeOfDay(r: string, original: string): { ms: number; rest: string } | undefined {
  for (const [word, h] of [["midnight", 0], ["noon", 12], ["teatime", 16]] as const) if (r.startsWith(word)) return { ms: h * 3_600_000, rest: r.slice(word.length) };
  const m = /^(\d{1,2}):(\d{2})(am|pm)?/.exec(r);
  if (!m) return undefined;
  let h = Number(m[1]);
  const min = Number(m[2]);
  if (m[3] === "pm" && h < 12) h += 12;
  if (m[3] === "am" && h === 12) h = 0;
  if (h > 23 || min > 59) throw bad(original, "hour or minute out of range");
  return { ms: h * 3_600_000 + min * 60_000, rest: r.slice(m[0].length) };
}

/**
 * The reference part (before any offset). `wall` says it is a wall-clock time (a day and a time of
 * day) that a `tz` shifts; `now` and unix seconds are instants.
 */
function parseReference(ref: string, now: UnixMs, original: string): { t: UnixMs; wall: boolean } {
  const r = ref.toLowerCase();
  if (r === "" || r === "now") return { t: now, wall: false };
  if (/^\d+$/.test(r) && !(r.length === 8 && parseYmd(r) !== undefined)) return { t: Number(r) * 1000, wall: false };
  // graphite-web: an optional time of day, then an optional day ("noon yesterday", "13:00_20261119")
  const tod = parseTimeOfDay(r, original);
  const day = parseDay(tod?.rest ?? r, now);
  if (day !== undefined) return { t: day + (tod?.ms ?? 0), wall: true };
  if (/^\d{4}-\d{2}-\d{2}[t ]/.test(r) || /^\d{4}-\d{2}-\d{2}$/.test(r)) {
    const t = Date.parse(ref.length === 10 ? `${ref}T00:00:00Z` : ref);
    if (Number.isFinite(t)) return { t, wall: false };
  }
  throw bad(original, "not a Graphite time (now, -6h, now-6h, unix seconds, HH:MM_YYYYMMDD, YYYYMMDD)");
}

/** Offset (ms) of a time zone from UTC at an instant, by Intl; 0 for UTC. */
function zoneOffset(tz: string, at: number): number {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" }).formatToParts(at);
  } catch {
    throw new BadRequestError(`unknown time zone ${JSON.stringify(tz)} (tz)`, "bad_time");
  }
  const n = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(n("year"), n("month") - 1, n("day"), n("hour") % 24, n("minute"), n("second"));
  return wall - Math.floor(at / 1000) * 1000;
}

/**
 * Parses a Graphite `from`/`until` value (or a number of seconds) to ms, within JavaScript's date
 * range. With `tz`, wall-clock forms (`21:00_20261119`, `midnight`, `noon yesterday`) are read in
 * that time zone, as graphite-web does; relative ones and unix seconds are unaffected.
 */
export function parseTime(text: string | number, now: UnixMs, tz?: string): UnixMs {
  const t = parseTimeUnchecked(text, now, tz);
  if (!Number.isFinite(t) || Math.abs(t) > 8.64e15) throw bad(String(text), "out of range");
  return t;
}

function reference(ref: string, now: UnixMs, original: string, tz: string | undefined): UnixMs {
  if (tz === undefined || tz === "" || tz.toUpperCase() === "UTC") return parseReference(ref, now, original).t;
  const local = parseReference(ref, now + zoneOffset(tz, now), original);
  if (!local.wall) return parseReference(ref, now, original).t;
  // wall clock in tz → instant (the offset at the guess, then corrected once for a DST edge)
  const guess = local.t - zoneOffset(tz, local.t);
  return local.t - zoneOffset(tz, guess);
}

function parseTimeUnchecked(text: string | number, now: UnixMs, tz?: string): UnixMs {
  if (typeof text === "number") {
    if (!Number.isFinite(text)) throw bad(String(text), "not a finite number");
    return text * 1000;
  }
  const trimmed = text.trim();
  if (trimmed === "") throw bad(text, "empty");
  // ISO dates contain '-' that is not an offset
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return parseReference(trimmed, now, text).t;
  // graphite-web drops '_', ',' and spaces before parsing ("04:00 20110501" = "04:00_20110501")
  const s = trimmed.replace(/[_, ]/g, "");
  if (s[0] === "-" || s[0] === "+") return now + parseOffset(s);
  const signs = [s.indexOf("-"), s.indexOf("+")].filter((x) => x > 0);
  if (signs.length > 0) {
    const at = Math.min(...signs);
    return reference(s.slice(0, at), now, text, tz) + parseOffset(s.slice(at));
  }
  return reference(s, now, text, tz);
}
