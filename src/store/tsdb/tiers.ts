/** The storage tiers: raw points and the rollup resolutions. */
import type { Tier } from "../api.js";

export const TIER_RAW = 0;
export const TIER_1M = 1;
export const TIER_1H = 2;
export const TIER_NAMES: readonly Tier[] = ["raw", "1m", "1h"];
/**
 * Levels of the 1m tier, stored as tiers of their own (rows of `tsdb_chunks` with tier 3 and 4):
 * 5-minute buckets made as each raw row is sealed (head-close.ts) and merged a UTC day at a time,
 * and 30-minute buckets written per complete day (compact.ts). A read whose step is a multiple of
 * a level's width reads the level instead of raw points (7 days at 300 points: 2,016 five-minute
 * buckets a series instead of 60,480 points; 30 days: 1,440 half-hour buckets). The 1m tier's own
 * minutes are made only from raw data that leaves raw retention: they cost more bytes than the raw
 * points (docs/format/chunk.md). Levels follow the 1m tier's retention.
 */
export const TIER_5M = 3;
export const TIER_30M = 4;
/**
 * The 30-minute level again, one row per series and LEVEL_BLOCK (epoch-aligned) once the block's
 * days are complete: it replaces the block's daily 30-minute rows, so 30 days read ~8 rows a series
 * instead of 30 (compact.ts). Read together with TIER_30M.
 */
export const TIER_30M_BLOCK = 5;
export const LEVEL_TIERS: readonly number[] = [TIER_5M, TIER_30M];
/** Bucket width of each rollup tier and level (raw has none). */
export const TIER_RES: readonly number[] = [0, 60_000, 3_600_000, 300_000, 1_800_000, 1_800_000];
/** Span of one TIER_30M_BLOCK row: 4 UTC days from the epoch. */
export const LEVEL_BLOCK = 4 * 86_400_000;

export interface TierSettings {
  /** Retention per tier in ms (raw: 0 keeps forever; rollups: 0 disables the tier). */
  readonly retention: readonly [number, number, number];
  /** Buckets per rollup chunk (index by tier). */
  readonly rollupBuckets: readonly [number, number, number];
  /** Longest span of a raw chunk. */
  readonly chunkSpan: number;
}

/** A 1m chunk or level row spans at most a UTC day plus a row (compaction merges a day's rows into one chunk). */
const DAY = 86_400_000;

export function tierEnabled(t: TierSettings, tier: number): boolean {
  return tier === TIER_RAW || (t.retention[tier >= TIER_5M ? TIER_1M : tier] ?? 0) > 0;
}

/** Retention of a tier or level (levels keep the 1m tier's). */
export function tierRetention(t: TierSettings, tier: number): number {
  return t.retention[tier >= TIER_5M ? TIER_1M : tier]!;
}

/** Longest time span a chunk of the tier can have (bounds range scans). */
export function maxSpan(t: TierSettings, tier: number): number {
  if (tier === TIER_RAW) return 2 * t.chunkSpan; // a row (block) closes once it spans chunkSpan
  if (tier === TIER_30M) return DAY + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
  // a complete block's 5-minute chunks are merged into one row, as its 30-minute level
  if (tier === TIER_5M || tier === TIER_30M_BLOCK) return LEVEL_BLOCK + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
  if (tier === TIER_1M) return Math.max(DAY, (t.rollupBuckets[tier] ?? 1) * TIER_RES[tier]!) + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
  // the 1h builder is fed raw chunks (each up to a row's span) and closes once it holds its buckets
  return (t.rollupBuckets[tier] ?? 1) * TIER_RES[tier]! + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
}

/** Whether a rollup builder of this tier should become a chunk. */
export function builderFull(t: TierSettings, tier: number, n: number, first: number, last: number): boolean {
  const cap = t.rollupBuckets[tier] ?? 1;
  return n >= cap || last - first >= cap * TIER_RES[tier]!;
}
