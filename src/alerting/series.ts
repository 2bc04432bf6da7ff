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

/** Evaluates one Graphite target over [from, to); `now` anchors relative times inside functions. */
export type QueryFn = (target: string, from: number, to: number, now: number) => QueryResult;

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
  const metric = s.tags["name"] ?? s.name;
  const prefix = o.pathPrefix === "" ? "" : `${o.pathPrefix}.`;
  if (o.hostLabel !== "" && labels[o.hostLabel] === undefined && metric.startsWith(prefix)) {
    const host = metric.slice(prefix.length).split(".")[0];
    if (host !== undefined && host !== "" && metric.length > prefix.length + host.length) labels[o.hostLabel] = host;
  }
  labels["series"] = s.name;
  return labels;
}

/** The values' reduction; null when the window holds no value. */
export function reduceValues(values: ReadonlyArray<number | null>, how: Reducer): number | null {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let first: number | null = null;
  let last: number | null = null;
  for (const v of values) {
    if (v === null || Number.isNaN(v)) continue;
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
  }
}

/** Values of `s` whose timestamps fall in [from, to). */
export function valuesIn(s: SeriesData, from: number, to: number): ReadonlyArray<number | null> {
  if (s.step <= 0) return s.values;
  const i0 = Math.max(0, Math.ceil((from - s.start) / s.step));
  const i1 = Math.min(s.values.length, Math.ceil((to - s.start) / s.step));
  return i0 === 0 && i1 === s.values.length ? s.values : s.values.slice(i0, Math.max(i0, i1));
}
