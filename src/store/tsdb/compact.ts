/**
 * Compaction of the 1m tier: 1m chunks are made one per sealed raw row (~2 hours, head-close.ts);
 * a read over days would fetch a dozen rows a day per series (SQLite costs ~5 µs a row). Once a
 * UTC day is complete (it ended 2 × chunk_span ago, so its rows are sealed), a series' 1m chunks
 * starting in that day are merged into one chunk (with its 5- and 30-minute levels), in one
 * transaction: a crash leaves either the rows or the merged chunk. Each series remembers the day
 * it was compacted up to (in memory: after a start, one index scan per series finds what is left).
 */
import type { Logger } from "../../lib/logger.js";
import type { ChunkDb, ChunkRow } from "./chunk-db.js";
import { decodeRollup, encodeRollupLevels, RollupBuilder } from "./rollup.js";
import { LEVELS_1M, TIER_1M, TIER_RES } from "./tiers.js";

const DAY = 86_400_000;
const ALL_FIELDS = ["count", "min", "max", "sum", "last"] as const;

export interface CompactTarget {
  readonly id: number;
  /** Start of the first UTC day not yet compacted (-Infinity: unknown, after a start). */
  compacted1m: number;
}

/** Merges one day's chunks; false when they overlap in time (left as they are: reads merge them). */
function mergeDay(cdb: ChunkDb, id: number, rows: readonly ChunkRow[]): boolean {
  const b = new RollupBuilder(TIER_RES[TIER_1M]!);
  let wm = -Infinity;
  for (const row of rows) {
    const d = decodeRollup(row.data, ALL_FIELDS);
    if (b.n > 0 && d.n > 0 && d.ts[0]! < b.newest) return false;
    b.addBuckets({ n: d.n, ts: d.ts, count: d.count!, min: d.min!, max: d.max!, sum: d.sum!, last: d.last! }, -Infinity);
    if (row.wm !== null && row.wm > wm) wm = row.wm;
  }
  if (b.n === 0) return false;
  const data = encodeRollupLevels({ n: b.n, ts: b.ts, count: b.count, min: b.min, max: b.max, sum: b.sum, last: b.last }, TIER_RES[TIER_1M]!, LEVELS_1M);
  cdb.replaceChunks(
    rows.map((r) => r.id!),
    { series: { id }, tier: TIER_1M, start: b.first, end: b.newest, points: b.n, wm: wm === -Infinity ? null : wm, data },
  );
  return true;
}

/** Compacts the complete days of every series; returns how many chunks were merged away. */
export function compact1m(cdb: ChunkDb, series: Iterable<CompactTarget>, now: number, chunkSpan: number, log: Logger): number {
  const cut = Math.floor((now - 2 * chunkSpan) / DAY) * DAY;
  let merged = 0;
  let days = 0;
  for (const s of series) {
    if (s.compacted1m >= cut) continue;
    const from = s.compacted1m === -Infinity ? -(2 ** 62) : s.compacted1m;
    const starts = cdb.startsBetween(s.id, TIER_1M, from, cut);
    for (let i = 0; i < starts.length; ) {
      const day = Math.floor(starts[i]! / DAY) * DAY;
      let j = i + 1;
      while (j < starts.length && starts[j]! < day + DAY) j++;
      if (j - i > 1) {
        const rows = cdb.chunksStartingIn(s.id, TIER_1M, day, day + DAY);
        if (rows.length > 1 && mergeDay(cdb, s.id, rows)) {
          merged += rows.length - 1;
          days++;
        }
      }
      i = j;
    }
    s.compacted1m = cut;
  }
  if (days > 0) log.info("1m rollups compacted to one chunk a day", { days, chunks_merged: merged });
  return merged;
}
