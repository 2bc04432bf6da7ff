/**
 * Retention: drops whole chunks older than each tier's retention, then the size guard drops the
 * oldest raw chunks (then the oldest rollups) until the file's used pages fit `max_size`; finally
 * gives free pages back to the file system (incremental vacuum) and truncates SQLite's WAL.
 */
import type { Logger } from "../../lib/logger.js";
import type { ChunkDb } from "./chunk-db.js";
import { TIER_1H, TIER_1M, TIER_NAMES, TIER_RAW, type TierSettings } from "./tiers.js";

export interface RetentionResult {
  readonly droppedChunks: number;
  readonly droppedPoints: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
}

export function applyRetention(cdb: ChunkDb, tiers: TierSettings, maxSize: number, now: number, log: Logger): RetentionResult {
  const bytesBefore = cdb.fileBytes();
  let droppedChunks = 0;
  let droppedPoints = 0;
  for (const tier of [TIER_RAW, TIER_1M, TIER_1H]) {
    const keep = tiers.retention[tier]!;
    if (keep <= 0 && tier === TIER_RAW) continue;
    // a disabled rollup tier keeps nothing
    const r = cdb.dropBefore(tier, keep <= 0 ? Number.MAX_SAFE_INTEGER : now - keep);
    droppedChunks += r.chunks;
    droppedPoints += r.points;
    if (r.chunks > 0) log.info("retention dropped chunks", { tier: TIER_NAMES[tier], chunks: r.chunks, points: r.points });
  }
  if (maxSize > 0) {
    for (const tier of [TIER_RAW, TIER_1M, TIER_1H]) {
      while (cdb.usedBytes() > maxSize) {
        const oldest = cdb.oldestStart(tier);
        if (oldest === undefined) break;
        // drop the oldest hour (of this tier's chunk starts) at a time
        const r = cdb.dropStartingBefore(tier, oldest + 3_600_000);
        droppedChunks += r.chunks;
        droppedPoints += r.points;
        log.warn("size guard dropped oldest data", { tier: TIER_NAMES[tier], chunks: r.chunks, points: r.points, max_size: maxSize });
      }
    }
  }
  if (droppedChunks > 0) cdb.shrink();
  return { droppedChunks, droppedPoints, bytesBefore, bytesAfter: cdb.fileBytes() };
}
