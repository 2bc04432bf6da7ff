/**
 * Retention: drops whole chunks older than each tier's retention, then the size guard drops the
 * oldest raw chunks (then the oldest rollups) until the file's used pages fit `max_size`; finally
 * gives free pages back to the file system (incremental vacuum) and truncates SQLite's WAL.
 */
import type { Logger } from "../../lib/logger.js";
import type { ChunkDb, NewChunk } from "./chunk-db.js";
import { decodeRaw } from "./chunkenc/index.js";
import { RollupBuilder } from "./rollup.js";
import { builderFull, maxSpan, TIER_1H, TIER_1M, TIER_30M, TIER_30M_BLOCK, TIER_5M, TIER_NAMES, TIER_RAW, TIER_RES, tierEnabled, tierRetention, type TierSettings } from "./tiers.js";

/** Tiers in the order retention and the size guard drop them (the 1m tier's levels after it). */
const TIERS_OLDEST_FIRST = [TIER_RAW, TIER_1M, TIER_5M, TIER_30M, TIER_30M_BLOCK, TIER_1H];

function tierName(tier: number): string {
  return tier === TIER_5M ? "1m (5-minute level)" : tier === TIER_30M ? "1m (30-minute level)" : tier === TIER_30M_BLOCK ? "1m (30-minute level, 4-day rows)" : TIER_NAMES[tier]!;
}

/**
 * Builds 1m rollup chunks from the raw rows about to leave raw retention (in the caller's
 * transaction, before they are deleted). While raw data exists, minute reads consolidate it
 * directly: 1-minute buckets of 10 s data cost more bytes than the raw points (1.33 against 0.94
 * bytes a point on the store bench's data), so the tier's minutes are kept only for expired data;
 * its 5- and 30-minute levels are built as data arrives (head-close.ts, compact.ts).
 */
function rollUpExpiringRaw(cdb: ChunkDb, tiers: TierSettings, before: number): number {
  let made = 0;
  for (const id of cdb.seriesStartingBefore(TIER_RAW, before)) {
    const b = new RollupBuilder(TIER_RES[TIER_1M]!);
    const out: NewChunk[] = [];
    const flush = (): void => {
      if (b.n === 0) return;
      const t = b.take();
      out.push({ series: { id }, tier: TIER_1M, start: t.start, end: t.end, points: t.n, wm: t.wm, data: t.data });
    };
    for (const row of cdb.chunksStartingBefore(id, TIER_RAW, before)) {
      const d = decodeRaw(row.data);
      b.addPoints(d.ts, d.values, d.n);
      if (b.n > 0 && builderFull(tiers, TIER_1M, b.n, b.first, b.newest)) flush();
    }
    flush();
    cdb.insertChunks(out);
    made += out.length;
  }
  return made;
}

export interface RetentionResult {
  readonly droppedChunks: number;
  readonly droppedPoints: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

/** `walBytes`: the point WAL's size, counted with the database against maxSize (it is on disk too). */
export function applyRetention(cdb: ChunkDb, tiers: TierSettings, maxSize: number, now: number, log: Logger, walBytes = 0): RetentionResult {
  const bytesBefore = cdb.fileBytes();
  let droppedChunks = 0;
  let droppedPoints = 0;
  for (const tier of TIERS_OLDEST_FIRST) {
    const keep = tierRetention(tiers, tier);
    if (keep <= 0 && tier === TIER_RAW) continue;
    // a disabled rollup tier keeps nothing. Chunks are found by their start (an index seek per
    // series): one that starts within maxSpan of the cut goes at a later run, once it starts before it.
    const before = keep <= 0 ? Number.MAX_SAFE_INTEGER : now - keep - maxSpan(tiers, tier);
    const r = cdb.transaction(() => {
      const made = tier === TIER_RAW && tierEnabled(tiers, TIER_1M) ? rollUpExpiringRaw(cdb, tiers, before) : 0;
      if (made > 0) log.info("raw data rolled up to 1m before retention", { chunks: made });
      return cdb.dropStartingBefore(tier, before);
    });
    droppedChunks += r.chunks;
    droppedPoints += r.points;
    if (r.chunks > 0) log.info("retention dropped chunks", { tier: tierName(tier), chunks: r.chunks, points: r.points });
  }
  if (maxSize > 0) {
    for (const tier of TIERS_OLDEST_FIRST) {
      for (let used = cdb.usedBytes() + walBytes; used > maxSize; used = cdb.usedBytes() + walBytes) {
        const oldest = cdb.oldestStart(tier);
        if (oldest === undefined) break;
        // drop the oldest share of this tier's time span the excess suggests (at least an hour)
        const share = (used - maxSize) / used;
        const r = cdb.dropStartingBefore(tier, oldest + Math.max(3_600_000, Math.ceil((now - oldest) * share * 1.1)));
        droppedChunks += r.chunks;
        droppedPoints += r.points;
        log.warn("size guard dropped oldest data", { tier: tierName(tier), chunks: r.chunks, points: r.points, max_size: maxSize });
      }
    }
  }
  if (droppedChunks > 0) cdb.shrink();
  return { droppedChunks, droppedPoints, bytesBefore, bytesAfter: cdb.fileBytes() };
}
