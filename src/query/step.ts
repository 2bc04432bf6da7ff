/**
 * Step choice for a point budget (maxDataPoints). The store, given maxPoints, reads the coarsest
 * tier whose resolution is at most range / maxPoints. When the hourly tier is within 2× of that
 * ideal step, the query asks for whole hours instead: maxDataPoints is an upper bound (graphite-web
 * too returns an archive's coarser points), 168 hourly points draw a 7-day graph as well as 296
 * 34-minute ones, and reading 7 × 24 hourly rollups instead of 7 × 1,440 minute rollups per series
 * is what keeps a week-long dashboard fast. Shorter ranges are left to the store.
 */
const HOUR = 3_600_000;

export function stepForBudget(from: number, until: number, maxPoints: number): number | undefined {
  const ideal = (until - from) / maxPoints;
  if (!(ideal >= HOUR / 2)) return undefined;
  return Math.max(1, Math.ceil(ideal / HOUR)) * HOUR;
}
