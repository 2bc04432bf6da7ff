/**
 * Head → chunks: a full (or too long, or idle) head is encoded into a raw chunk kept in the series'
 * open row; a row is sealed and queued for commit when it holds chunksPerRow chunks or spans
 * chunkSpan, together with its 5-minute rollup chunk (rollRow); closed points feed the hourly
 * rollup builder, whose full chunks are queued too.
 */
import { decodeChunkInto, encodeChunk, encodeChunkView } from "./chunkenc/index.js";
import type { EngineState } from "./engine-state.js";
import type { MemSeries, PendingChunk } from "./head.js";
import { encodeRollup, RollupBuilder } from "./rollup.js";
import { builderFull, TIER_1H, TIER_5M, TIER_RAW, TIER_RES, tierEnabled } from "./tiers.js";

/**
 * A row (of 4 points or more) is rolled up to 5 minutes when it holds more than this many points
 * per 5 minutes it spans on average: sparser rows (a 5-minute series) are as cheap to read raw and
 * stay raw only (their raw row's `wm` stays null, which tells readers that no 5-minute chunk holds
 * them; compaction folds them into the day's 30-minute level).
 */
const ROLL_MIN_DENSITY = 1.5;
const rowRoller = new RollupBuilder(TIER_RES[TIER_5M]!);

/** Encodes the head into a raw chunk, adds it to the series' open row and feeds the rollups. */
export function closeHead(e: EngineState, s: MemSeries): void {
  const n = s.n;
  if (n === 0) return;
  const ts = s.ts!;
  const vs = s.vs!;
  const bytes = encodeChunkView(ts, vs, n);
  s.keepChunk(bytes, ts[0]!, ts[n - 1]!, n, s.headSeg, e.chunksPerRow);
  s.closedEnd = ts[n - 1]!;
  feedRollups(e, s, ts, vs, n);
  s.n = 0;
  s.headSeg = Infinity;
  if (s.blockCount >= e.chunksPerRow || s.closedEnd - s.blockStart >= e.chunkSpan) sealRow(e, s);
}

/** Queues the series' closed raw chunks as one row. */
export function sealRow(e: EngineState, s: MemSeries): void {
  if (s.blockCount === 0) return;
  const points = s.blockPoints;
  const chunks = s.blockChunks();
  // one chunk for the whole row: the per-chunk headers (first timestamp, widths) are paid once
  let data: Uint8Array;
  const roll = tierEnabled(e.tiers, TIER_5M) && points >= 4 && points > (ROLL_MIN_DENSITY * (s.blockEnd - s.blockStart)) / TIER_RES[TIER_5M]!;
  if (chunks.length === 1) {
    data = chunks[0]!.slice();
    if (roll) {
      e.rowScratch(points);
      decodeChunkInto(data, e.rowTs, e.rowVs, 0);
    }
  } else {
    e.rowScratch(points);
    let off = 0;
    for (const bytes of chunks) off += decodeChunkInto(bytes, e.rowTs, e.rowVs, off);
    data = encodeChunk(e.rowTs, e.rowVs, points);
  }
  // the row and its 5-minute chunk are queued together, so one commit holds both or neither
  const c: PendingChunk = { series: s, tier: TIER_RAW, start: s.blockStart, end: s.blockEnd, points, wm: roll ? s.blockEnd : null, data, seg: s.blockSeg };
  e.pending.push(c);
  s.pending.push(c);
  if (roll) rollRow(e, s, e.rowTs, e.rowVs, points);
  else if (s.unrolledEnd !== undefined && s.blockEnd > s.unrolledEnd) s.unrolledEnd = s.blockEnd;
  s.clearBlock();
}

/** Queues the 5-minute rollup chunk (the 1m tier's 5-minute level) of a row's points. */
function rollRow(e: EngineState, s: MemSeries, ts: Float64Array, vs: Float64Array, n: number): void {
  const b = rowRoller;
  b.reset();
  b.addPoints(ts, vs, n);
  if (b.n === 0) return; // only NaN points: nothing to roll up (the row is still marked: none of its points counts)
  const data = encodeRollup(b);
  const c: PendingChunk = { series: s, tier: TIER_5M, start: b.first, end: b.newest, points: b.n, wm: ts[n - 1]!, data, seg: Infinity };
  e.pending.push(c);
  s.pending.push(c);
}

export function feedRollups(e: EngineState, s: MemSeries, ts: Float64Array, vs: Float64Array, n: number): void {
  const b1h = s.builders[TIER_1H];
  if (b1h === undefined) return;
  // points at or before the watermark are in the rollup already (a WAL replay after a crash
  // re-closes chunks whose rollup was committed before their row)
  let i = 0;
  while (i < n && ts[i]! <= b1h.wm) i++;
  if (i === n) return;
  if (i > 0) b1h.addPoints(ts.subarray(i, n), vs.subarray(i, n), n - i);
  else b1h.addPoints(ts, vs, n);
  if (b1h.n > 0 && builderFull(e.tiers, TIER_1H, b1h.n, b1h.first, b1h.newest)) closeBuilder(e, s, TIER_1H);
}

export function closeBuilder(e: EngineState, s: MemSeries, tier: number): void {
  const b = s.builders[tier];
  if (b === undefined || b.n === 0) return;
  const t = b.take();
  const c: PendingChunk = { series: s, tier, start: t.start, end: t.end, points: t.n, wm: t.wm, data: t.data, seg: Infinity };
  e.pending.push(c);
  s.pending.push(c);
}

/**
 * Closes the heads (and seals the rows) of series idle for `[store] head_idle` of wall-clock time
 * (or 3 of their intervals, if longer, so a 5-minute series is not cut point by point), and heads
 * open for chunk_span of wall-clock time. Returns how many series were closed and how many still
 * hold an open head or row.
 */
export function closeIdleHeads(e: EngineState, now: number, idleMs: number): { closed: number; open: number } {
  let closed = 0;
  let open = 0;
  for (const s of e.index.byId.values()) {
    if (s.n === 0 && s.blockCount === 0) continue;
    const idle = now - s.touched >= Math.max(idleMs, 3 * s.interval);
    if (idle || (s.n > 0 && now - s.headAt >= e.chunkSpan)) {
      closeHead(e, s);
      sealRow(e, s);
      closed++;
    } else open++;
  }
  e.headsClosedIdle += closed;
  return { closed, open };
}
