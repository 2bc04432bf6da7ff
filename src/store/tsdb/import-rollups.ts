/**
 * History import (`loupe import …`): points older than everything a series holds, written straight
 * into the tiers instead of through the head.
 *
 * Why not the normal write path: a head refuses points older than the series' closed chunks
 * (TOO_OLD) and the hourly builder skips points at or before its watermark, so history written
 * after Loupe has collected a series for a day would be dropped. Here, per series:
 *
 *   - points inside the span the series already holds (from its oldest to its newest stored time,
 *     any tier, queued chunks, head, builder) are skipped as already stored: running an import
 *     twice adds nothing, and a series Loupe collected itself keeps its own points where both
 *     overlap. Points before that span (history) and after it (the next part of the same import,
 *     read in time order) are written;
 *   - points older than the longest retention are skipped (retention would drop them at once);
 *   - the rest become raw rows (≤ chunkPoints × chunksPerRow points, spanning < chunk_span) and
 *     their hourly rollup chunks (≤ the tier's buckets, watermark = the newest point folded), in
 *     one transaction. Raw rows older than raw retention are rolled up to 1m and dropped by the
 *     next retention run, as any raw data is (the caller runs it after the import).
 *
 * Before points are appended after a series' newest, its head and hourly builder are closed into
 * queued chunks (so what they hold is rolled up), and the series then gets the closed end, last
 * point, spacing and hourly watermark a restart would load from the new rows: the running engine
 * and a restarted one agree.
 */
import { StoreWriteError } from "../../lib/errors.js";
import type { TimeSeriesStore } from "../api.js";
import { encodeChunk } from "./chunkenc/index.js";
import type { NewChunk } from "./chunk-db.js";
import { TsdbStore } from "./engine.js";
import type { EngineState } from "./engine-state.js";
import type { MemSeries } from "./head.js";
import { RollupBuilder } from "./rollup.js";
import { closeBuilder, closeHead, sealRow } from "./head-close.js";
import { refreshCounts } from "./stats.js";
import { tryCommit } from "./commit.js";
import { tierEnabled, TIER_1H, TIER_RAW, TIER_RES } from "./tiers.js";

export interface HistoryPoints {
  /** Canonical series key (`name` or `name;k=v;…`). */
  readonly key: string;
  /** Timestamps in ms, any order (sorted here; for equal timestamps the last one wins). */
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface HistoryResult {
  /** Points written. */
  readonly added: number;
  /** Points inside the span the series already holds (an earlier import, or Loupe's own data). */
  readonly alreadyStored: number;
  /** Points older than the longest retention, or not finite. */
  readonly skipped: number;
  /** Points of a series refused by [store] max_series. */
  readonly refused: number;
}

/** The engine behind the store façade (the import works below the head, on the engine's state). */
function engineOf(store: TimeSeriesStore): EngineState {
  if (!(store instanceof TsdbStore)) throw new TypeError("history import needs the local tsdb store");
  const e = (store as unknown as { readonly e?: EngineState }).e;
  if (e === undefined) throw new TypeError("history import: the tsdb store's engine state is not where import-rollups.ts expects it (TsdbStore.e)");
  return e;
}

/** Oldest and newest time the series holds anywhere (chunks of every tier, queued chunks, head, builder). */
function storedSpan(e: EngineState, s: MemSeries): { oldest: number; newest: number } {
  const row = e.db.prepare("SELECT MIN(start_ts) AS a, MAX(COALESCE(wm, end_ts)) AS b FROM tsdb_chunks WHERE series_id = ?").get(s.id) as { a: number | null; b: number | null } | undefined;
  let oldest = row?.a ?? Infinity;
  let newest = row?.b ?? -Infinity;
  for (const c of s.pending) {
    oldest = Math.min(oldest, c.start);
    newest = Math.max(newest, c.wm ?? c.end);
  }
  if (s.blockCount > 0) {
    oldest = Math.min(oldest, s.blockStart);
    newest = Math.max(newest, s.blockEnd);
  }
  if (s.n > 0) {
    oldest = Math.min(oldest, s.headFirst);
    newest = Math.max(newest, s.headLast);
  }
  for (const b of s.builders) {
    if (b !== undefined && b.n > 0) oldest = Math.min(oldest, b.first);
    if (b !== undefined) newest = Math.max(newest, b.wm);
  }
  newest = Math.max(newest, s.closedEnd, s.lastTs);
  return { oldest, newest };
}

/** Oldest time any enabled tier keeps (-Infinity when raw data is kept forever). */
function retentionHorizon(e: EngineState, now: number): number {
  const keep = e.tiers.retention;
  if (keep[TIER_RAW]! <= 0) return -Infinity;
  let horizon = now - keep[TIER_RAW]!;
  for (const t of [1, 2]) if (tierEnabled(e.tiers, t)) horizon = Math.min(horizon, now - keep[t]!);
  return horizon;
}

function seriesFor(e: EngineState, key: string): { s: MemSeries } | undefined {
  const have = e.index.byKey.get(key);
  if (have !== undefined) return { s: have };
  if (e.budget.room(e.index.size) < 1) {
    e.budget.refuseSeries([key]);
    return undefined;
  }
  const [id] = e.cdb.insertSeries([key], e.opts.clock.now());
  return { s: e.newSeries(id!, key) };
}

/** Sorted, deduplicated (last wins) points from `from` on, outside [oldest, newest]. */
function keep(p: HistoryPoints, from: number, oldest: number, newest: number): { ts: Float64Array; vs: Float64Array; n: number; dropped: number; stored: number } {
  const order: number[] = [];
  let dropped = 0;
  let stored = 0;
  for (let i = 0; i < p.ts.length; i++) {
    const t = p.ts[i]!;
    if (!Number.isSafeInteger(t) || t < from || t < 0) dropped++;
    else if (t >= oldest && t <= newest) stored++;
    else order.push(i);
  }
  order.sort((a, b) => p.ts[a]! - p.ts[b]! || a - b);
  const ts = new Float64Array(order.length);
  const vs = new Float64Array(order.length);
  let n = 0;
  for (const i of order) {
    const t = p.ts[i]!;
    if (n > 0 && ts[n - 1] === t) {
      vs[n - 1] = p.values[i]!;
      stored++; // a duplicate of a point kept
      continue;
    }
    ts[n] = t;
    vs[n] = p.values[i]!;
    n++;
  }
  return { ts, vs, n, dropped, stored };
}

/** Raw rows: at most `maxPoints` points each, spanning less than `span`. */
function rawRows(id: number, ts: Float64Array, vs: Float64Array, n: number, maxPoints: number, span: number): NewChunk[] {
  const out: NewChunk[] = [];
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && j - i < maxPoints && ts[j]! - ts[i]! < span) j++;
    out.push({ series: { id }, tier: TIER_RAW, start: ts[i]!, end: ts[j - 1]!, points: j - i, wm: null, data: encodeChunk(ts.subarray(i, j), vs.subarray(i, j), j - i) });
    i = j;
  }
  return out;
}

/** Hourly rollup chunks of the points, one per window of the tier's buckets. */
function hourlyRows(e: EngineState, id: number, ts: Float64Array, vs: Float64Array, n: number): NewChunk[] {
  const res = TIER_RES[TIER_1H]!;
  const window = (e.tiers.rollupBuckets[TIER_1H] ?? 48) * res;
  const out: NewChunk[] = [];
  let i = 0;
  while (i < n) {
    const w = Math.floor(ts[i]! / window);
    let j = i + 1;
    while (j < n && Math.floor(ts[j]! / window) === w) j++;
    const b = new RollupBuilder(res);
    b.addPoints(ts.subarray(i, j), vs.subarray(i, j), j - i);
    if (b.n > 0) {
      const t = b.take();
      out.push({ series: { id }, tier: TIER_1H, start: t.start, end: t.end, points: t.n, wm: ts[j - 1]!, data: t.data });
    }
    i = j;
  }
  return out;
}

/**
 * Writes one series' history older than what it holds (see the file comment). Synchronous: one
 * SQLite transaction. The caller runs `store.runRetention()` once after the import.
 */
export function importHistory(store: TimeSeriesStore, points: HistoryPoints): HistoryResult {
  const e = engineOf(store);
  if (e.closed) throw new StoreWriteError("the store is closed", undefined, "store_closed");
  if (points.ts.length !== points.values.length) throw new RangeError(`history of ${points.key}: ${points.ts.length} timestamps but ${points.values.length} values`);
  const now = e.opts.clock.now();
  const found = seriesFor(e, points.key);
  if (found === undefined) return { added: 0, alreadyStored: 0, skipped: 0, refused: points.ts.length };
  const s = found.s;
  const span = storedSpan(e, s);
  const k = keep(points, retentionHorizon(e, now), span.oldest, span.newest);
  if (k.n === 0) return { added: 0, alreadyStored: k.stored, skipped: k.dropped, refused: 0 };
  const last = k.ts[k.n - 1]!;
  const appends = last > span.newest;
  if (appends) {
    // what the head and the hourly builder hold is older: queue it (rolled up) before newer rows exist
    closeHead(e, s);
    sealRow(e, s);
    closeBuilder(e, s, TIER_1H);
    // committed now: a restart after a kill rebuilds the hourly builder only past the newest rollup's watermark
    if (!tryCommit(e)) throw new StoreWriteError(`history of ${points.key}: cannot commit the series' open chunks first: ${e.failure?.message ?? "unknown"}`, e.failure, "store_write_failed");
  }
  const rows = rawRows(s.id, k.ts, k.vs, k.n, e.chunkPoints * e.chunksPerRow, e.chunkSpan);
  if (s.builders[TIER_1H] !== undefined) rows.push(...hourlyRows(e, s.id, k.ts, k.vs, k.n));
  e.cdb.insertChunks(rows);
  refreshCounts(e);
  if (appends) {
    // what a restart would load from the newest raw row and the newest hourly chunk
    s.closedEnd = last;
    s.lastTs = last;
    s.lastValue = k.vs[k.n - 1]!;
    for (let i = Math.max(1, k.n - 8); i < k.n; i++) s.noteSpacing(k.ts[i]! - k.ts[i - 1]!);
    const b = s.builders[TIER_1H];
    if (b !== undefined) b.wm = b.base = last;
  }
  return { added: k.n, alreadyStored: k.stored, skipped: k.dropped, refused: 0 };
}
