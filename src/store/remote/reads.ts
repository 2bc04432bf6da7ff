/**
 * What a read needs from the engine, and how it is fetched: a consolidated read (`select`) becomes
 * an export of raw points bucketed here when its step is the data's own spacing (or the range is
 * too long for one range query), else one `query_range` of `<rollup>_over_time(…[step])` evaluated
 * at the end of each bucket, so a 30-day panel pulls one value per bucket, never the raw points.
 *
 * Bucket alignment: Loupe's bucket t holds [t, t + step); the engine's rollup at time e covers
 * (e − step, e], so each bucket is asked at e = t + step − 1 ms and labelled back to t.
 */
import type { Consolidation, RawPoint } from "../api.js";
import type { EngineClient, ExportedSeries } from "./client.js";
import { bucketStarts } from "./plan.js";
import { keyOfLabels, namesSelector, rollupQuery } from "./promql.js";

/** Points per series one range query may return (VictoriaMetrics' -search.maxPointsPerTimeseries default). */
export const MAX_RANGE_POINTS = 30_000;
/** Longest selector one request carries (VictoriaMetrics' -search.maxQueryLen is 16 KiB by default). */
export const MAX_SELECTOR_CHARS = 12_000;

export interface SelectRequest {
  readonly kind: "select";
  readonly key: string;
  readonly series: ReadonlyArray<{ readonly id: number; readonly key: string; readonly name: string }>;
  readonly from: number;
  readonly to: number;
  readonly step: number;
  readonly raw: boolean;
  readonly consolidate: Consolidation;
}

export interface RawRequest {
  readonly kind: "raw";
  readonly key: string;
  readonly series: { readonly id: number; readonly key: string; readonly name: string };
  readonly from: number;
  readonly to: number;
}

export type ReadRequest = SelectRequest | RawRequest;

/** Values per series id on the request's buckets (null: no data). */
export type SelectData = Map<number, Array<number | null>>;

/** Raw points of each requested series key in [from, to), ascending, one per timestamp. */
function rawByKey(rows: readonly ExportedSeries[], wanted: ReadonlySet<string>, from: number, to: number): Map<string, RawPoint[]> {
  const out = new Map<string, RawPoint[]>();
  for (const row of rows) {
    const key = keyOfLabels(row.metric);
    if (key === undefined || !wanted.has(key)) continue;
    let list = out.get(key);
    if (list === undefined) out.set(key, (list = []));
    for (let i = 0; i < row.timestamps.length; i++) {
      const ts = row.timestamps[i]!;
      const v = row.values[i];
      if (ts < from || ts >= to || typeof v !== "number" || Number.isNaN(v)) continue;
      list.push({ ts, value: v });
    }
  }
  for (const [k, list] of out) {
    list.sort((a, b) => a.ts - b.ts);
    out.set(k, list.filter((p, i) => i === 0 || list[i - 1]!.ts !== p.ts));
  }
  return out;
}

/** Consolidates ascending points into the buckets of `starts` (step apart). */
export function bucketPoints(points: readonly RawPoint[], starts: readonly number[], step: number, how: Consolidation): Array<number | null> {
  const out: Array<number | null> = starts.map(() => null);
  const counts = new Array<number>(starts.length).fill(0);
  const t0 = starts[0];
  if (t0 === undefined) return out;
  for (const p of points) {
    const i = Math.floor((p.ts - t0) / step);
    if (i < 0 || i >= starts.length) continue;
    const prev = out[i]!;
    const n = counts[i]!;
    counts[i] = n + 1;
    if (prev === null) out[i] = p.value;
    else if (how === "min") out[i] = Math.min(prev, p.value);
    else if (how === "max") out[i] = Math.max(prev, p.value);
    else if (how === "last") out[i] = p.value;
    else out[i] = prev + p.value; // sum, avg (divided below)
  }
  if (how === "avg") for (let i = 0; i < out.length; i++) if (out[i] !== null) out[i] = out[i]! / counts[i]!;
  return out;
}

export async function fetchRaw(client: EngineClient, r: RawRequest): Promise<RawPoint[]> {
  if (r.to <= r.from) return [];
  const rows = await client.export(namesSelector([r.series.name]), r.from, r.to - 1);
  return rawByKey(rows, new Set([r.series.key]), r.from, r.to).get(r.series.key) ?? [];
}

/**
 * Series in groups whose selector stays under MAX_SELECTOR_CHARS (VictoriaMetrics refuses a query
 * longer than -search.maxQueryLen, 16 KiB by default): a read of many series is several requests.
 */
export function selectorGroups<S extends { readonly name: string }>(series: readonly S[], maxChars = MAX_SELECTOR_CHARS): S[][] {
  const groups: S[][] = [];
  let cur: S[] = [];
  let len = 0;
  for (const s of series) {
    const add = s.name.length * 2 + 1; // escaped dots and the `|`
    if (cur.length > 0 && len + add > maxChars) {
      groups.push(cur);
      cur = [];
      len = 0;
    }
    cur.push(s);
    len += add;
  }
  if (cur.length > 0) groups.push(cur);
  return groups;
}

export async function fetchSelect(client: EngineClient, r: SelectRequest): Promise<SelectData> {
  const out: SelectData = new Map();
  for (const group of selectorGroups(r.series)) for (const [id, values] of await fetchSelectGroup(client, r, group)) out.set(id, values);
  return out;
}

async function fetchSelectGroup(client: EngineClient, r: SelectRequest, series: SelectRequest["series"]): Promise<SelectData> {
  const starts = bucketStarts(r.from, r.to, r.step);
  const out: SelectData = new Map();
  const first = starts[0];
  if (first === undefined || series.length === 0) return out;
  const last = starts[starts.length - 1]!;
  const selector = namesSelector(series.map((s) => s.name));
  const idOf = new Map(series.map((s) => [s.key, s.id]));
  if (r.raw || starts.length > MAX_RANGE_POINTS) {
    const end = Math.min(r.to, last + r.step);
    const byKey = rawByKey(await client.export(selector, first, end - 1), new Set(idOf.keys()), first, end);
    for (const [key, points] of byKey) out.set(idOf.get(key)!, bucketPoints(points, starts, r.step, r.consolidate));
    return out;
  }
  const matrix = await client.queryRange(rollupQuery(selector, r.consolidate, r.step), first + r.step - 1, last + r.step - 1, r.step);
  for (const row of matrix) {
    const key = keyOfLabels(row.metric);
    const id = key === undefined ? undefined : idOf.get(key);
    if (id === undefined) continue;
    const values: Array<number | null> = out.get(id) ?? starts.map(() => null);
    for (const [sec, text] of row.values) {
      const i = Math.round((Math.round(sec * 1000) + 1 - r.step - first) / r.step);
      const v = Number(text);
      if (i >= 0 && i < values.length && !Number.isNaN(v)) values[i] = v;
    }
    out.set(id, values);
  }
  return out;
}
