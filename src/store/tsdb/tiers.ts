/** The storage tiers: raw points and the rollup resolutions. */
import type { Tier } from "../api.js";

export const TIER_RAW = 0;
export const TIER_1M = 1;
export const TIER_1H = 2;
export const TIER_NAMES: readonly Tier[] = ["raw", "1m", "1h"];
/** Bucket width of each rollup tier (raw has none). */
export const TIER_RES: readonly number[] = [0, 60_000, 3_600_000];

export interface TierSettings {
  /** Retention per tier in ms (raw: 0 keeps forever; rollups: 0 disables the tier). */
  readonly retention: readonly [number, number, number];
  /** Buckets per rollup chunk (index by tier). */
  readonly rollupBuckets: readonly [number, number, number];
  /** Longest span of a raw chunk. */
  readonly chunkSpan: number;
}

/**
 * Coarser levels kept in each 1m chunk, as multiples of a minute: a read whose step is a multiple
 * of 30 or 5 minutes decodes that level only (7 days at 300 points: 2,016 five-minute buckets a
 * series instead of 10,080; 30 days: 1,440 half-hour buckets instead of 43,200).
 */
export const LEVELS_1M: readonly number[] = [5, 30];

/** A 1m chunk spans at most a UTC day plus a row (compaction merges a day's rows into one chunk). */
const DAY = 86_400_000;

export function tierEnabled(t: TierSettings, tier: number): boolean {
  return tier === TIER_RAW || (t.retention[tier] ?? 0) > 0;
}

/** Longest time span a chunk of the tier can have (bounds range scans). */
export function maxSpan(t: TierSettings, tier: number): number {
  if (tier === TIER_RAW) return 2 * t.chunkSpan; // a row (block) closes once it spans chunkSpan
  if (tier === TIER_1M) return Math.max(DAY, (t.rollupBuckets[tier] ?? 1) * TIER_RES[tier]!) + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
  // the 1h builder is fed raw chunks (each up to a row's span) and closes once it holds its buckets
  return (t.rollupBuckets[tier] ?? 1) * TIER_RES[tier]! + maxSpan(t, TIER_RAW) + TIER_RES[tier]!;
}

/** Whether a rollup builder of this tier should become a chunk. */
export function builderFull(t: TierSettings, tier: number, n: number, first: number, last: number): boolean {
  const cap = t.rollupBuckets[tier] ?? 1;
  return n >= cap || last - first >= cap * TIER_RES[tier]!;
}
