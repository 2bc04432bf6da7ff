/**
 * Time ranges as the URL carries them (`now-6h`, `now`, epoch ms, ISO dates) and their absolute form.
 * The expressions are parsed by the module the server shares (src/lib/time-expr.ts), with `/unit`
 * rounding on the viewer's local calendar.
 */
import {
  LOCAL_CALENDAR_ROUNDING,
  resolveTimeExpr,
  resolveTimeExprRange,
  UNIT_MS,
  type TimeUnit,
} from "../../src/lib/time-expr.js";

export interface RawRange {
  readonly from: string;
  readonly to: string;
}
export interface AbsRange {
  readonly from: number;
  readonly to: number;
}

/** Parses a duration like `5m`, `1h`, `30s`; undefined when not one. */
export function parseDuration(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w|M|y)$/.exec(s.trim());
  if (!m) return undefined;
  if (m[2] === "ms") return Number(m[1]);
  return Number(m[1]) * UNIT_MS[m[2] as TimeUnit];
}

/** `now`, `now-6h`, `now+1d`, `now/d` (start of the local day), `now-1d/d`, epoch ms, or anything Date.parse reads. */
export function parseTime(s: string, now: number): number | undefined {
  return resolveTimeExpr(s, now, LOCAL_CALENDAR_ROUNDING);
}

export function resolveRange(r: RawRange, now: number): AbsRange {
  return resolveTimeExprRange(r.from, r.to, now, LOCAL_CALENDAR_ROUNDING);
}

export function isRelative(r: RawRange): boolean {
  return r.from.startsWith("now") || r.to.startsWith("now");
}

export const QUICK_RANGES: ReadonlyArray<{ from: string; label: string }> = [
  { from: "now-5m", label: "Last 5 minutes" },
  { from: "now-15m", label: "Last 15 minutes" },
  { from: "now-1h", label: "Last 1 hour" },
  { from: "now-6h", label: "Last 6 hours" },
  { from: "now-24h", label: "Last 24 hours" },
  { from: "now-7d", label: "Last 7 days" },
  { from: "now-30d", label: "Last 30 days" },
];

export const REFRESH_CHOICES = ["", "5s", "10s", "30s", "1m", "5m", "15m", "30m", "1h"];

const pad = (n: number): string => String(n).padStart(2, "0");

/** Local `YYYY-MM-DD HH:MM:SS`, the format the absolute-range inputs take. */
export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Parses `YYYY-MM-DD HH:MM[:SS]` as local time (or any parseTime form). */
export function parseDateTime(s: string, now: number): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(s.trim());
  if (m) return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)).getTime();
  return parseTime(s, now);
}

export function describeRange(r: RawRange, now: number): string {
  if (r.to === "now") {
    const q = QUICK_RANGES.find((x) => x.from === r.from);
    if (q) return q.label;
    const m = /^now-(.+)$/.exec(r.from);
    if (m) return `Last ${m[1]}`;
  }
  const a = resolveRange(r, now);
  return `${formatDateTime(a.from)} to ${formatDateTime(a.to)}`;
}

/** Moves the range by half its width (earlier: -1, later: +1); the result is absolute. */
export function shiftRange(a: AbsRange, dir: -1 | 1): AbsRange {
  const w = a.to - a.from;
  return { from: Math.round(a.from + (dir * w) / 2), to: Math.round(a.to + (dir * w) / 2) };
}

/** Doubles the width around the centre. */
export function zoomOut(a: AbsRange): AbsRange {
  const w = a.to - a.from;
  return { from: Math.round(a.from - w / 2), to: Math.round(a.to + w / 2) };
}

export function formatDuration(ms: number): string {
  for (const [u, f] of [["d", 86400e3], ["h", 3600e3], ["m", 60e3], ["s", 1e3]] as const) if (ms >= f && ms % f === 0) return `${ms / f}${u}`;
  return `${ms}ms`;
}

// ---- display in the viewer's locale ---------------------------------------------------------------

/** Clock and date formats of one locale (undefined: the browser's), 12- or 24-hour as that locale writes it. */
export interface TimeFormats {
  readonly hour12: boolean;
  /** `12:33:30` / `12:33:30 PM` */
  seconds(ms: number): string;
  /** `12:33` / `12:33 PM` */
  minutes(ms: number): string;
  /** `3 Dec` / `Dec 3` */
  day(ms: number): string;
  /** `Dec 2026` */
  month(ms: number): string;
  /** Date and time to the second, for tooltips: `Dec 3, 2026, 12:33:30 PM`. */
  full(ms: number): string;
}

const formatsCache = new Map<string, TimeFormats>();

export function timeFormats(locale?: string): TimeFormats {
  const key = locale ?? "";
  const hit = formatsCache.get(key);
  if (hit) return hit;
  const cycle = new Intl.DateTimeFormat(locale, { hour: "numeric" }).resolvedOptions().hourCycle;
  const hour12 = cycle === "h11" || cycle === "h12";
  const clock: Intl.DateTimeFormatOptions = hour12 ? { hour: "numeric", minute: "2-digit", hour12: true } : { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  const fmt = (o: Intl.DateTimeFormatOptions): ((ms: number) => string) => {
    const f = new Intl.DateTimeFormat(locale, o);
    return (ms) => f.format(ms);
  };
  const out: TimeFormats = {
    hour12,
    seconds: fmt({ ...clock, second: "2-digit" }),
    minutes: fmt(clock),
    day: fmt({ month: "short", day: "numeric" }),
    month: fmt({ month: "short", year: "numeric" }),
    full: fmt({ year: "numeric", month: "short", day: "numeric", ...clock, second: "2-digit" }),
  };
  formatsCache.set(key, out);
  return out;
}

/** A timestamp for tooltips and legends, in the browser's locale. */
export function formatTimestamp(ms: number, locale?: string): string {
  return timeFormats(locale).full(ms);
}
