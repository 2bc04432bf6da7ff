/**
 * The value the query engine passes between functions: one named series on a regular grid
 * (`start + i * step`, ms), with Graphite's `pathExpression` (what aggregates put in their names)
 * and tags. Plus graphite-web's null-safe helpers, aggregation functions and normalize().
 */
import { BadRequestError } from "../lib/errors.js";
import type { Consolidation } from "../store/api.js";

export type Value = number | null;

export interface Series {
  name: string;
  /** Graphite's pathExpression: the glob that fetched it, or the name a function gave it. */
  pathExpression: string;
  tags: Record<string, string>;
  /** Timestamp of values[0], ms. */
  start: number;
  /** ms between values. */
  step: number;
  values: Value[];
  /** How maxDataPoints consolidation combines values (consolidateBy); average by default. */
  consolidate: AggName;
  /** Minimum share of non-null values a consolidated bucket needs (xFilesFactor). */
  xff: number;
}

export function seriesEnd(s: Series): number {
  return s.start + s.values.length * s.step;
}

export function makeSeries(name: string, start: number, step: number, values: Value[], from?: Partial<Series>): Series {
  return {
    name,
    pathExpression: name,
    tags: { ...(from?.tags ?? { name }) },
    start,
    step,
    values,
    consolidate: from?.consolidate ?? "average",
    xff: from?.xff ?? 0,
  };
}

/** A copy with a new name (and so a new pathExpression), like graphite-web's series.copy(name=…). */
export function renamed(s: Series, name: string, values: Value[] = s.values, over: Partial<Series> = {}): Series {
  return { ...s, tags: { ...s.tags }, name, pathExpression: name, values, ...over };
}

// ---- null-safe helpers (graphite-web's safe.py) ----

function nonNull(values: readonly Value[]): number[] {
  const out: number[] = [];
  for (const v of values) if (v !== null) out.push(v);
  return out;
}

export function safeSum(values: readonly Value[]): Value {
  let s = 0;
  let any = false;
  for (const v of values)
    if (v !== null) {
      s += v;
      any = true;
    }
  return any ? s : null;
}

export function safeLen(values: readonly Value[]): number {
  let n = 0;
  for (const v of values) if (v !== null) n++;
  return n;
}

export function safeDiv(a: Value, b: Value): Value {
  if (a === null || b === null || b === 0) return null;
  return a / b;
}

export function safeAvg(values: readonly Value[]): Value {
  return safeDiv(safeSum(values), safeLen(values));
}

export function safeMax(values: readonly Value[]): Value {
  let m: Value = null;
  for (const v of values) if (v !== null && (m === null || v > m)) m = v;
  return m;
}

export function safeMin(values: readonly Value[]): Value {
  let m: Value = null;
  for (const v of values) if (v !== null && (m === null || v < m)) m = v;
  return m;
}

export function safeLast(values: readonly Value[]): Value {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

export function safeFirst(values: readonly Value[]): Value {
  for (const v of values) if (v !== null) return v;
  return null;
}

/** First non-null value minus all the others (graphite-web's safeDiff). */
export function safeDiff(values: readonly Value[]): Value {
  const vs = nonNull(values);
  if (vs.length === 0) return null;
  let d = vs[0]!;
  for (let i = 1; i < vs.length; i++) d -= vs[i]!;
  return d;
}

export function safeMul(values: readonly Value[]): Value {
  if (values.length === 0) return null;
  let p = 1;
  for (const v of values) {
    if (v === null) return null;
    p *= v;
  }
  return p;
}

export function safeMedian(values: readonly Value[]): Value {
  const vs = nonNull(values).sort((a, b) => a - b);
  if (vs.length === 0) return null;
  const mid = vs.length >> 1;
  return vs.length % 2 === 0 ? (vs[mid - 1]! + vs[mid]!) / 2 : vs[mid]!;
}

export function safeStdDev(values: readonly Value[]): Value {
  const vs = nonNull(values);
  if (vs.length === 0) return null;
  const avg = vs.reduce((a, b) => a + b, 0) / vs.length;
  let s = 0;
  for (const v of vs) s += (v - avg) * (v - avg);
  return Math.sqrt(s / vs.length);
}

// ---- aggregation functions by name (graphite-web's getAggFunc) ----

export type AggName = "average" | "avg_zero" | "median" | "sum" | "min" | "max" | "diff" | "stddev" | "count" | "range" | "multiply" | "last" | "first";

const AGG_ALIASES: Readonly<Record<string, AggName>> = {
  average: "average",
  avg: "average",
  avg_zero: "avg_zero",
  median: "median",
  sum: "sum",
  total: "sum",
  min: "min",
  max: "max",
  diff: "diff",
  stddev: "stddev",
  count: "count",
  range: "range",
  rangeOf: "range",
  multiply: "multiply",
  last: "last",
  current: "last",
  first: "first",
};

export const AGG_NAMES: readonly string[] = Object.keys(AGG_ALIASES);

export function aggName(name: string): AggName {
  const a = AGG_ALIASES[name];
  if (a === undefined) throw new BadRequestError(`unknown aggregation function ${JSON.stringify(name)} (one of ${AGG_NAMES.join(", ")})`, "bad_argument");
  return a;
}

export type AggFn = (values: readonly Value[]) => Value;

export const AGG_FUNCS: Readonly<Record<AggName, AggFn>> = {
  average: safeAvg,
  avg_zero: (vs) => (vs.length === 0 ? null : (safeSum(vs) ?? 0) / vs.length),
  median: safeMedian,
  sum: safeSum,
  min: safeMin,
  max: safeMax,
  diff: safeDiff,
  stddev: safeStdDev,
  count: (vs) => {
    const n = safeLen(vs);
    return n === 0 ? null : n;
  },
  range: (vs) => {
    const mx = safeMax(vs);
    const mn = safeMin(vs);
    return mx === null || mn === null ? null : mx - mn;
  },
  multiply: safeMul,
  last: safeLast,
  first: safeFirst,
};

/** Whether a bucket with `nonNullCount` of `total` values is valid under xFilesFactor (graphite-web's xff). */
export function xffOk(nonNullCount: number, total: number, xff: number): boolean {
  if (nonNullCount === 0 || total === 0) return false;
  return nonNullCount / total >= xff;
}

/** Groups of `factor` consecutive values combined with the series' consolidation (TimeSeries.consolidate). */
export function consolidateBy(s: Series, factor: number): Series {
  if (factor <= 1) return s;
  const fn = AGG_FUNCS[s.consolidate];
  const out: Value[] = [];
  for (let i = 0; i < s.values.length; i += factor) {
    const buf = s.values.slice(i, i + factor);
    out.push(xffOk(safeLen(buf), buf.length, s.xff) ? fn(buf) : null);
  }
  return { ...s, step: s.step * factor, values: out };
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

export function lcm(a: number, b: number): number {
  return a === b ? a : (a / gcd(a, b)) * b;
}

/**
 * graphite-web's normalize(): brings series to their least common step (consolidating the finer
 * ones) and one time range. Rows are then read by time (`valueAt`), so series that start at
 * different times still line up.
 */
export function normalize(list: readonly Series[]): { series: Series[]; start: number; end: number; step: number; length: number } {
  if (list.length === 0) throw new BadRequestError("normalize of an empty series list", "empty_series_list");
  const step = list.map((s) => s.step).reduce(lcm);
  const series = list.map((s) => consolidateBy(s, Math.round(step / s.step)));
  const start = series.reduce((m, s) => Math.min(m, s.start), Infinity);
  const end = series.reduce((m, s) => Math.max(m, seriesEnd(s)), -Infinity);
  const length = Math.max(0, Math.ceil((end - start) / step));
  return { series, start, end: start + length * step, step, length };
}

/** The value of the series' bucket holding time t (null outside the series). */
export function valueAt(s: Series, t: number): Value {
  const off = t - s.start;
  if (off < 0) return null;
  return s.values[Math.floor(off / s.step)] ?? null;
}

/** Rows of a normalized list: for each time, every series' value. */
export function rows(n: ReturnType<typeof normalize>): Value[][] {
  const out: Value[][] = [];
  for (let i = 0; i < n.length; i++) {
    const t = n.start + i * n.step;
    out.push(n.series.map((s) => valueAt(s, t)));
  }
  return out;
}

/** The distinct path expressions of a list joined by commas (graphite-web's formatPathExpressions). */
export function formatPathExpressions(list: readonly Series[]): string {
  const seen: string[] = [];
  for (const s of list) if (!seen.includes(s.pathExpression)) seen.push(s.pathExpression);
  return seen.join(",");
}

/** Python's `%g`: 6 significant digits, trailing zeros stripped, exponent form outside 1e-4..1e6. */
export function formatG(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(6)))));
  if (exp < -4 || exp >= 6) {
    const [mant, e] = x.toExponential(5).split("e") as [string, string];
    const m = mant.includes(".") ? mant.replace(/0+$/, "").replace(/\.$/, "") : mant;
    const n = Number(e);
    return `${m}e${n < 0 ? "-" : "+"}${String(Math.abs(n)).padStart(2, "0")}`;
  }
  const fixed = x.toFixed(Math.max(0, 5 - exp));
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

/** Python's str() of a number argument: ints as written, floats always with a dot (5.0). */
export function pyNumber(x: number, isInt: boolean): string {
  if (isInt) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}
