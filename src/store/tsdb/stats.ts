/** The engine's figures: points by tier (committed, queued and in heads), sizes, refusals, memory. */
import { statSync } from "node:fs";
import type { StoreStats, Tier } from "../api.js";
import type { EngineState } from "./engine-state.js";
import { storeMemory } from "./memory.js";
import { TIER_NAMES, TIER_RAW } from "./tiers.js";

/** Reloads the committed point and chunk counts from the database (after retention or deletes). */
export function refreshCounts(e: EngineState): void {
  e.committedPoints = [0, 0, 0];
  e.committedChunks = 0;
  for (const r of e.cdb.pointsByTier()) {
    e.committedPoints[r.tier] = r.points;
    e.committedChunks += r.chunks;
  }
}

export function engineStats(e: EngineState): StoreStats {
  let head = 0;
  for (const s of e.index.byId.values()) {
    head += s.n;
    head += s.blockPoints;
  }
  const byTier = [0, 0, 0];
  for (let t = 0; t < 3; t++) byTier[t] = e.committedPoints[t]!;
  for (const c of e.pending) if (c.tier < byTier.length) byTier[c.tier]! += c.points;
  const pointsByTier = {} as Record<Tier, number>;
  TIER_NAMES.forEach((name, t) => (pointsByTier[name] = byTier[t]! + (t === TIER_RAW ? head : 0)));
  return {
    series: e.index.size,
    pointsByTier,
    headPoints: head,
    chunks: e.committedChunks + e.pending.length,
    dbBytes: dbBytes(e),
    walBytes: e.wal.bytes(),
    writesRefused: e.writesRefused,
    pointsTooOld: e.droppedTooOld,
    maxSeries: e.budget.maxSeries,
    seriesRefused: e.budget.seriesRefused,
    pointsRefused: e.budget.pointsRefused,
    walReplaySkipped: e.budget.replaySkipped,
    headsClosedIdle: e.headsClosedIdle,
    memory: storeMemory(e.index.byId.values(), e.pending, e.wal.bufferedBytes(), e.db),
  };
}

/** Bytes of the SQLite file and its WAL file. */
export function dbBytes(e: EngineState): number {
  let b = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      b += statSync(e.db.name + suffix).size;
    } catch {
      // in-memory database or no SQLite WAL file
    }
  }
  return b;
}
