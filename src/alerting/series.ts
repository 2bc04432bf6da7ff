/**
 * What the evaluator needs of query results, and how a series becomes an instance's labels and
 * one number: the reduction over the window.
 */
import type { Reducer } from "./model.js";

/** One series as the query layer returns it (query's Series has this shape). */
export interface SeriesData {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly start: number;
  readonly step: number;
  readonly values: ReadonlyArray<number | null>;
}

export interface QueryResult {
  readonly series: readonly SeriesData[];
  /** Why the target could not be evaluated. */
  readonly error?: string;
}

/**
 * Evaluates one Graphite target over [from, to); `now` anchors relative times inside functions.
 * `maxDataPoints` lets the store answer from rollups (backtests over days).
 */
export type QueryFn = ((target: string, from: number, to: number, now: number, maxDataPoints?: number) => QueryResult) & {
  /** A store whose points live elsewhere: fetches what the same query reads, before it runs (rejects when the engine cannot answer). */
  prefetch?: (target: string, from: number, to: number, now: number, maxDataPoints?: number) => Promise<void>;
  /** The same for everything `run` queries (preview, backtest): `run` is called in a recording pass, its result ignored. */
  prefetchAll?: (run: () => unknown) => Promise<void>;
};

export interface LabelOptions {
  /** Diamond's path prefix ([collectors] path_prefix, "servers"): `<prefix>.<host>.…` gives host. */
  readonly pathPrefix: string;
  /** Name of that label ("host"). */
  readonly hostLabel: string;
}

/** Labels of a series: its Graphite tags (but `name`), `host` from a Diamond path, `series` = its name. */
export function seriesLabels(s: SeriesData, o: LabelOptions): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.tags)) if (k !== "name" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) labels[k] = v;
  if (o.hostLabel !== "" && labels[o.hostLabel] === undefined) {
    const host = hostOf(s.tags["name"] ?? s.name, o.pathPrefix);
    if (host !== undefined) labels[o.hostLabel] = host;
  }
  labels["series"] = s.name;
  return labels;
}

const hostRes = new Map<string, RegExp>();

/** `<prefix>.<host>.…` anywhere in a name (also inside functions: `asPercent(servers.web1.…)`). */
export function hostOf(name: string, prefix: string): string | undefined {
  if (prefix === "") return name.includes(".") ? name.split(".")[0] : undefined;
  let re = hostRes.get(prefix);
  if (re === undefined) hostRes.set(prefix, (re = new RegExp(`(?:^|[(,\\s])${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\.([^.,()\\s]+)\\.`)));
  return re.exec(name)?.[1];
}

/**
 * The reduction of values[i0, i1) (all of them by default; the backtest slides a window without copying);
 * null when the window holds no value. `step` (ms) and `predictFor` serve predict_linear.
 */
export function reduceValues(values: ReadonlyArray<number | null>, how: Reducer, step = 1, predictFor = 0, i0 = 0, i1 = values.length): number | null {
  if (how === "predict_linear" || how === "silent_intervals") {
    const w = i0 === 0 && i1 === values.length ? values : values.slice(i0, i1);
    return how === "predict_linear" ? predictLinear(w, step, predictFor) : silentIntervals(w);
  }
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let first: number | null = null;
  let last: number | null = null;
  for (let i = i0; i < i1; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (first === null) first = v;
    last = v;
  }
  if (how === "count") return n;
  if (n === 0) return null;
  switch (how) {
    case "last":
      return last;
    case "avg":
      return sum / n;
    case "min":
      return min;
    case "max":
      return max;
    case "sum":
      return sum;
    case "delta":
      return last! - first!;
    default:
      return null;
  }
}

/** Below this R² the window shows no linear trend worth extrapolating (sawtooth, noise). */
export const PREDICT_MIN_R2 = 0.8;

/**
 * Least-squares line through the values (x = bucket start), evaluated `ahead` ms after the end of
 * the window. Falls back to the last value when the fit is poor (R² < 0.8) or flat.
 */
export function predictLinear(values: ReadonlyArray<number | null>, step: number, ahead: number): number | null {
  let n = 0;
  let sx = 0;
  let sy = 0;
  let last: number | null = null;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    n++;
    sx += i;
    sy += v;
    last = v;
  }
  if (n === 0) return null;
  if (n < 3) return last;
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    sxx += (i - mx) ** 2;
    sxy += (i - mx) * (v - my);
    syy += (v - my) ** 2;
  }
  if (sxx === 0 || syy === 0) return last;
  const slope = sxy / sxx; // per bucket
  const r2 = (sxy * sxy) / (sxx * syy);
  if (r2 < PREDICT_MIN_R2) return last;
  const xAt = values.length + ahead / Math.max(1, step);
  return my + slope * (xAt - mx);
}

/**
 * How many of the series' own intervals (the median spacing of its values) have passed since its
 * last value; the whole window (in buckets) when it holds no value at all.
 */
export function silentIntervals(values: ReadonlyArray<number | null>): number {
  const idx: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] !== null && !Number.isNaN(values[i])) idx.push(i);
  if (idx.length === 0) return values.length;
  const gaps: number[] = [];
  for (let k = 1; k < idx.length; k++) gaps.push(idx[k]! - idx[k - 1]!);
  gaps.sort((a, b) => a - b);
  const interval = gaps.length === 0 ? 1 : Math.max(1, gaps[Math.floor(gaps.length / 2)]!);
  return (values.length - 1 - idx[idx.length - 1]!) / interval;
}

/** Values of `s` whose timestamps fall in (from, to]: the window graphite-web (and so the query layer) answers. */
export function valuesIn(s: SeriesData, from: number, to: number): ReadonlyArray<number | null> {
  if (s.step <= 0) return s.values;
  const i0 = Math.max(0, Math.floor((from - s.start) / s.step) + 1);
  const i1 = Math.min(s.values.length, Math.floor((to - s.start) / s.step) + 1);
  return i0 === 0 && i1 === s.values.length ? s.values : s.values.slice(i0, Math.max(i0, i1));
}
