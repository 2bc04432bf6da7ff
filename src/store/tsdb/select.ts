/**
 * Reads: tier choice, step alignment and consolidation into columnar arrays (uPlot's shape).
 *
 * Tier choice: with `maxPoints`, the finest tier holding at most READ_FACTOR × maxPoints points
 * over the range (raw counted at the data's spacing); with `step`, the coarsest tier whose
 * resolution divides the step (so the step is kept); with neither, raw at the data's spacing. A tier whose retention
 * does not reach back to `from` gives way to a coarser one. The step is then at least the wanted
 * one ((to - from) / maxPoints), rounded up to a multiple of the tier's resolution. Buckets start at multiples of the step, from the
 * first one at or after `from`, while they start before `to`; a bucket holds the data in
 * [start, start + step). Empty buckets are null; NaN points count as missing.
 *
 * The 1h tier is read from its committed chunks, its queued chunks, its in-memory builder and the
 * raw head, which together hold every point exactly once. The 1m tier holds only data that left
 * raw retention, so a 1m read adds the raw points of the range.
 */
import { BadRequestError } from "../../lib/errors.js";
import type { UnixMs } from "../../model/index.js";
import type { Consolidation, SelectOptions, SelectResult } from "../api.js";
import { decodeRaw } from "./chunkenc/index.js";
import type { MemSeries, PendingChunk } from "./head.js";
import { decodeRollup, type Buckets, type RollupField } from "./rollup.js";
import type { ChunkDb } from "./chunk-db.js";
import { maxSpan, TIER_1H, TIER_1M, TIER_NAMES, TIER_RAW, TIER_RES, tierEnabled, type TierSettings } from "./tiers.js";
import type { SeriesIndex } from "./series-index.js";
import type { Clock } from "../../lib/clock.js";

export interface ReadSource {
  readonly index: SeriesIndex<MemSeries>;
  readonly cdb: ChunkDb;
  readonly tiers: TierSettings;
  readonly opts: { readonly clock: Clock };
  pendingOf(s: MemSeries, tier: number): PendingChunk[];
}

/** Most buckets one select may return per series. */
export const MAX_BUCKETS = 1_000_000;
const DEFAULT_INTERVAL = 10_000;
const MIN_INTERVAL = 1000;
/**
 * With a point budget, a tier is used when it holds at most this many points per returned point
 * over the range: 1 day at 10 s → 300 points reads the 1m tier (step 5 min), 7 days reads 1h.
 */
export const READ_FACTOR = 8;

/** Calls `on` for every raw point of `s` in [from, to), ascending. */
export function readRawPoints(src: ReadSource, s: MemSeries, from: number, to: number, on: (ts: number, v: number) => void): void {
  for (const row of src.cdb.range(s.id, TIER_RAW, from, to, maxSpan(src.tiers, TIER_RAW))) {
    const d = decodeRaw(row.data);
    for (let i = 0; i < d.n; i++) {
      const t = d.ts[i]!;
      if (t >= from && t < to) on(t, d.values[i]!);
    }
  }
  for (const c of src.pendingOf(s, TIER_RAW)) {
    if (c.end < from || c.start >= to) continue;
    const d = decodeRaw(c.data);
    for (let i = 0; i < d.n; i++) {
      const t = d.ts[i]!;
      if (t >= from && t < to) on(t, d.values[i]!);
    }
  }
  if (s.blockCount > 0 && !(s.blockEnd < from || s.blockStart >= to)) for (const bytes of s.blockChunks()) {
    const d = decodeRaw(bytes);
    for (let i = 0; i < d.n; i++) {
      const t = d.ts[i]!;
      if (t >= from && t < to) on(t, d.values[i]!);
    }
  }
  const ts = s.ts;
  const vs = s.vs;
  if (ts !== undefined && vs !== undefined) {
    for (let i = 0; i < s.n; i++) {
      const t = ts[i]!;
      if (t >= from && t < to) on(t, vs[i]!);
    }
  }
}

interface Plan {
  readonly tier: number;
  readonly step: number;
}

function planSelect(src: ReadSource, series: readonly (MemSeries | undefined)[], from: number, to: number, options: SelectOptions): Plan {
  let interval = Infinity;
  for (const s of series) if (s !== undefined && s.interval > 0 && s.interval < interval) interval = s.interval;
  if (interval === Infinity) interval = DEFAULT_INTERVAL;
  // Graphite time is in seconds: a burst of points a few ms apart must not make millisecond buckets.
  interval = Math.max(interval, MIN_INTERVAL);
  const range = Math.max(1, to - from);
  let want: number;
  if (options.step !== undefined) {
    if (!(options.step > 0) || !Number.isFinite(options.step)) throw new BadRequestError(`step must be a positive number of milliseconds, got ${options.step}`, "bad_step");
    want = Math.ceil(options.step);
  } else if (options.maxPoints !== undefined) {
    if (!(options.maxPoints >= 1)) throw new BadRequestError(`maxPoints must be at least 1, got ${options.maxPoints}`, "bad_max_points");
    want = Math.max(interval, Math.ceil(range / Math.floor(options.maxPoints)));
  } else want = interval;

  const enabled = [TIER_RAW, TIER_1M, TIER_1H].filter((t) => tierEnabled(src.tiers, t));
  let tier = TIER_RAW;
  if (options.step === undefined && options.maxPoints !== undefined) {
    // the finest tier that answers within READ_FACTOR native points per returned point
    const budget = options.maxPoints * READ_FACTOR;
    tier = enabled[enabled.length - 1]!;
    for (const t of enabled) {
      const res = t === TIER_RAW ? interval : TIER_RES[t]!;
      if (range / res <= budget) {
        tier = t;
        break;
      }
    }
  } else {
    // an explicit step is kept: the coarsest tier whose resolution divides it
    for (const t of enabled) if (t !== TIER_RAW && TIER_RES[t]! <= want && (options.step === undefined || want % TIER_RES[t]! === 0)) tier = t;
  }
  // retention: the range must start inside the tier's retention, else use a coarser tier
  const now = src.opts.clock.now();
  const covers = (t: number): boolean => {
    const keep = src.tiers.retention[t]!;
    return keep <= 0 ? t === TIER_RAW : from >= now - keep;
  };
  if (!covers(tier)) {
    const coarser = enabled.filter((t) => t > tier);
    tier = coarser.find(covers) ?? coarser[coarser.length - 1] ?? tier;
  }
  let step: number;
  if (tier === TIER_RAW) {
    step = want;
    if (options.step === undefined && options.maxPoints !== undefined && step > 1000) step = Math.ceil(step / 1000) * 1000;
  } else {
    const res = TIER_RES[tier]!;
    step = Math.ceil(want / res) * res;
  }
  if (options.maxPoints !== undefined && options.step === undefined) {
    // a rounded step must still fit the budget
    while (Math.ceil(range / step) > options.maxPoints) step += tier === TIER_RAW ? Math.max(1000, interval) : TIER_RES[tier]!;
  }
  return { tier, step };
}

interface Acc {
  readonly first: number;
  readonly step: number;
  readonly to: number;
  readonly how: Consolidation;
  readonly val: Float64Array;
  readonly cnt: Float64Array;
}

function addPoint(a: Acc, t: number, v: number): void {
  if (t < a.first || t >= a.to || v !== v) return;
  const i = Math.floor((t - a.first) / a.step);
  switch (a.how) {
    case "avg":
    case "sum":
      a.val[i]! += v;
      break;
    case "min":
      if (a.cnt[i] === 0 || v < a.val[i]!) a.val[i] = v;
      break;
    case "max":
      if (a.cnt[i] === 0 || v > a.val[i]!) a.val[i] = v;
      break;
    case "last":
      a.val[i] = v;
      break;
  }
  a.cnt[i]!++;
}

function fieldFor(how: Consolidation): RollupField {
  return how === "avg" ? "sum" : how;
}

function addBuckets(a: Acc, ts: ArrayLike<number>, field: ArrayLike<number>, count: ArrayLike<number> | undefined, n: number): void {
  const { first, step, to, how, val, cnt } = a;
  for (let k = 0; k < n; k++) {
    const t = ts[k]!;
    if (t < first || t >= to) continue;
    const i = Math.floor((t - first) / step);
    const v = field[k]!;
    const c = count === undefined ? 1 : count[k]!;
    switch (how) {
      case "avg":
      case "sum":
        val[i]! += v;
        break;
      case "min":
        if (cnt[i] === 0 || v < val[i]!) val[i] = v;
        break;
      case "max":
        if (cnt[i] === 0 || v > val[i]!) val[i] = v;
        break;
      case "last":
        val[i] = v;
        break;
    }
    cnt[i]! += c;
  }
}

function addBuilder(a: Acc, b: Buckets): void {
  const f = fieldFor(a.how);
  addBuckets(a, b.ts, b[f], a.how === "avg" ? b.count : undefined, b.n);
}

function readTier(src: ReadSource, s: MemSeries, tier: number, a: Acc): void {
  const fields: RollupField[] = a.how === "avg" ? ["count", "sum"] : [fieldFor(a.how)];
  const f = fieldFor(a.how);
  const add = (data: Uint8Array): void => {
    const d = decodeRollup(data, fields);
    addBuckets(a, d.ts, d[f]!, a.how === "avg" ? d.count : undefined, d.n);
  };
  for (const row of src.cdb.range(s.id, tier, a.first, a.to, maxSpan(src.tiers, tier))) add(row.data);
  if (tier === TIER_1M) {
    // 1m rollups exist only for data that left raw retention: newer data is still raw
    readRawPoints(src, s, a.first, a.to, (t, v) => addPoint(a, t, v));
    return;
  }
  for (const c of src.pendingOf(s, tier)) if (c.end >= a.first && c.start < a.to) add(c.data);
  const own = s.builders[tier];
  if (own !== undefined) addBuilder(a, own);
  const ts = s.ts;
  const vs = s.vs;
  if (ts !== undefined && vs !== undefined) for (let i = 0; i < s.n; i++) addPoint(a, ts[i]!, vs[i]!);
}

export function selectSeries(src: ReadSource, ids: readonly number[], from: UnixMs, to: UnixMs, options: SelectOptions): SelectResult {
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new BadRequestError("from and to must be finite millisecond timestamps", "bad_range");
  const series = ids.map((id) => src.index.byId.get(id));
  const how = options.consolidate ?? "avg";
  const { tier, step } = planSelect(src, series, from, to, options);
  const first = Math.ceil(from / step) * step;
  const nb = to > first ? Math.ceil((to - first) / step) : 0;
  if (nb > MAX_BUCKETS) throw new BadRequestError(`the query would return ${nb} points per series (at most ${MAX_BUCKETS}): use a larger step or maxPoints`, "too_many_points");
  const timestamps: number[] = new Array<number>(nb);
  for (let i = 0; i < nb; i++) timestamps[i] = first + i * step;
  const out = series.map((s, k) => {
    const a: Acc = { first, step, to, how, val: new Float64Array(nb), cnt: new Float64Array(nb) };
    if (s !== undefined) {
      if (tier === TIER_RAW) readRawPoints(src, s, first, to, (t, v) => addPoint(a, t, v));
      else readTier(src, s, tier, a);
    }
    const values: Array<number | null> = new Array<number | null>(nb);
    for (let i = 0; i < nb; i++) {
      const c = a.cnt[i]!;
      values[i] = c === 0 ? null : how === "avg" ? a.val[i]! / c : a.val[i]!;
    }
    return { id: ids[k]!, values };
  });
  return { from: first, to: first + nb * step, step, tier: TIER_NAMES[tier]!, timestamps, series: out };
}
