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

export function tierEnabled(t: TierSettings, tier: number): boolean {
  return tier === TIER_RAW || (t.retention[tier] ?? 0) > 0;
}

/** Longest time span a chunk of the tier can have (bounds range scans). */
export function maxSpan(t: TierSettings, tier: number): number {
  if (tier === TIER_RAW) return 2 * t.chunkSpan; // a row (block) closes once it spans chunkSpan
  return (t.rollupBuckets[tier] ?? 1) * TIER_RES[tier]! + maxSpan(t, tier - 1) + TIER_RES[tier]!;
}

/** Whether a rollup builder of this tier should become a chunk. */
export function builderFull(t: TierSettings, tier: number, n: number, first: number, last: number): boolean {
  const cap = t.rollupBuckets[tier] ?? 1;
  return n >= cap || last - first >= cap * TIER_RES[tier]!;
}
