/**
 * Reads: step alignment and consolidation into columnar arrays (uPlot's shape), on the tier and
 * step plan.ts chooses. Buckets start at multiples of the step, from the first one at or after
 * `from`, while they start before `to`; a bucket holds the data in [start, start + step). Empty
 * buckets are null; NaN points count as missing.
 *
 * The 1h tier is read from its committed chunks, its queued chunks, its in-memory builder and the
 * raw head, which together hold every point exactly once. The 1m tier, at a step of minutes, from
 * its chunks (made from data that left raw retention) and the raw points; at a multiple of 5
 * minutes from its 5-minute level (made as rows are sealed, head-close.ts) and the raw points that
 * level does not hold (rows whose `wm` is null, the open row, the head); at a multiple of 30
 * minutes from its 30-minute level for the compacted days (compact.ts: a row per complete 4-day block,
 * then daily rows) and as for 5 minutes after.
 */
import { BadRequestError } from "../../lib/errors.js";
import { planSelect } from "./plan.js";
import type { UnixMs } from "../../model/index.js";
import type { Consolidation, SelectOptions, SelectResult } from "../api.js";
import { decodeRaw } from "./chunkenc/index.js";
import type { MemSeries, PendingChunk } from "./head.js";
import { decodeRollupShared, type Buckets, type RollupField } from "./rollup.js";
import type { ChunkDb } from "./chunk-db.js";
import { LEVEL_BLOCK, LEVEL_TIERS, maxSpan, TIER_1M, TIER_30M, TIER_30M_BLOCK, TIER_5M, TIER_NAMES, TIER_RAW, TIER_RES, type TierSettings } from "./tiers.js";
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

/**
 * Calls `on` for every raw point of `s` in [from, to), ascending. `unrolled`: only the points no
 * 5-minute chunk holds (rows whose `wm` is null, the open row and the head), for a level read.
 */
export function readRawPoints(src: ReadSource, s: MemSeries, from: number, to: number, on: (ts: number, v: number) => void, unrolled = false): void {
  // rolled-up rows are skipped in SQLite; a series known to have none in the range is not asked
  if (unrolled && s.unrolledEnd === undefined) s.unrolledEnd = src.cdb.unrolledEnd(s.id);
  const rows = unrolled && s.unrolledEnd! < from ? [] : src.cdb.range(s.id, TIER_RAW, from, to, maxSpan(src.tiers, TIER_RAW), unrolled);
  for (const row of rows) {
    const d = decodeRaw(row.data);
    for (let i = 0; i < d.n; i++) {
      const t = d.ts[i]!;
      if (t >= from && t < to) on(t, d.values[i]!);
    }
  }
  for (const c of src.pendingOf(s, TIER_RAW)) {
    if (c.end < from || c.start >= to || (unrolled && c.wm !== null)) continue;
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

/** The 1m tier's widest level (LEVEL_TIERS) whose buckets fall whole into steps of `step`, else the 1m tier. */
function levelFor(step: number): number {
  let tier = TIER_1M;
  for (const t of LEVEL_TIERS) if (step % TIER_RES[t]! === 0 && TIER_RES[t]! > TIER_RES[tier]!) tier = t;
  return tier;
}

const DAY = 86_400_000;

function readTier(src: ReadSource, s: MemSeries, tier: number, a: Acc): void {
  const f = fieldFor(a.how);
  const avg = a.how === "avg";
  const add = (data: Uint8Array): void => {
    const d = decodeRollupShared(data, f, avg);
    addBuckets(a, d.ts, d.field, avg ? d.count : undefined, d.n);
  };
  if (tier === TIER_1M) {
    const level = levelFor(a.step);
    if (level === TIER_1M) {
      // minutes: the 1m chunks hold data that left raw retention; newer data is still raw
      for (const row of src.cdb.range(s.id, TIER_1M, a.first, a.to, maxSpan(src.tiers, TIER_1M))) add(row.data);
      readRawPoints(src, s, a.first, a.to, (t, v) => addPoint(a, t, v));
      return;
    }
    // the 30-minute level covers the compacted days; the 5-minute chunks and the raw points they
    // do not hold (rows whose wm is null, the open row, the head) the rest
    let from = a.first;
    if (level === TIER_30M) {
      // complete blocks in one row each, then the days after them in daily rows
      for (const row of src.cdb.range(s.id, TIER_30M_BLOCK, a.first, a.to, maxSpan(src.tiers, TIER_30M_BLOCK))) {
        add(row.data);
        from = Math.max(from, Math.floor(row.start_ts / LEVEL_BLOCK) * LEVEL_BLOCK + LEVEL_BLOCK);
      }
      for (const row of src.cdb.range(s.id, TIER_30M, a.first, a.to, maxSpan(src.tiers, TIER_30M))) {
        add(row.data);
        from = Math.max(from, Math.floor(row.start_ts / DAY) * DAY + DAY);
      }
    }
    const rows = from > a.first ? src.cdb.range(s.id, TIER_5M, from, a.to, 0) : src.cdb.range(s.id, TIER_5M, a.first, a.to, maxSpan(src.tiers, TIER_5M));
    for (const row of rows) add(row.data);
    for (const c of src.pendingOf(s, TIER_5M)) if (c.end >= from && c.start < a.to) add(c.data);
    if (from < a.to) readRawPoints(src, s, from, a.to, (t, v) => addPoint(a, t, v), true);
    return;
  }
  for (const row of src.cdb.range(s.id, tier, a.first, a.to, maxSpan(src.tiers, tier))) add(row.data);
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
  const { tier, step } = planSelect(src.tiers, src.opts.clock.now(), series, from, to, options);
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
