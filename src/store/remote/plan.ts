/**
 * The step of a read on the engine, chosen as the local store chooses it (src/store/tsdb/plan.ts) so
 * both backends answer a panel on the same grid: the engine keeps raw points, so every "tier" is a
 * rollup computed by the engine at read time, and the candidates are raw at the series' spacing,
 * 1 min, 5 min, 30 min and 1 h.
 *   - explicit `step`: kept;
 *   - `maxPoints`: raw when reading every point costs at most RAW_READ_VALUES over all series,
 *     else the coarsest candidate still giving RESOLUTION_SHARE of the points asked for, else the
 *     finest reading at most FALLBACK_VALUES_PER_POINT values per point;
 *   - neither: the series' spacing.
 */
import { BadRequestError } from "../../lib/errors.js";
import type { SelectOptions } from "../api.js";

export const RAW_READ_VALUES = 250_000;
export const RESOLUTION_SHARE = 0.9;
export const FALLBACK_VALUES_PER_POINT = 8;
export const DEFAULT_INTERVAL = 10_000;
const MIN_INTERVAL = 1000;
const ROLLUP_RES = [60_000, 300_000, 1_800_000, 3_600_000] as const;

export interface RemotePlan {
  readonly step: number;
  /** true: one value per bucket at the data's own spacing or finer (read raw points); false: a rollup. */
  readonly raw: boolean;
}

/** The finest of the series' spacings (at least 1 s; 10 s when none is known). */
export function spacingOf(intervals: Iterable<number>): number {
  let best = Infinity;
  for (const i of intervals) if (i > 0 && i < best) best = i;
  return Math.max(best === Infinity ? DEFAULT_INTERVAL : best, MIN_INTERVAL);
}

function stepFor(res: number, raw: boolean, want: number, range: number, maxPoints: number): number {
  let step: number;
  if (raw) {
    step = want;
    if (step > 1000) step = Math.ceil(step / 1000) * 1000;
  } else step = Math.ceil(want / res) * res;
  const inc = raw ? Math.max(1000, res) : res;
  while (Math.ceil(range / step) > maxPoints) step += inc;
  return step;
}

function planMaxPoints(n: number, range: number, maxPoints: number, interval: number): number {
  const want = Math.max(interval, Math.ceil(range / maxPoints));
  if (n * (range / interval) <= RAW_READ_VALUES) return stepFor(interval, true, want, range, maxPoints);
  const wanted = RESOLUTION_SHARE * Math.min(maxPoints, range / interval);
  for (let i = ROLLUP_RES.length - 1; i >= 0; i--) {
    const step = stepFor(ROLLUP_RES[i]!, false, want, range, maxPoints);
    if (range / step >= wanted) return step;
  }
  const all = [{ res: interval, raw: true }, ...ROLLUP_RES.map((res) => ({ res, raw: false }))];
  const fine = all.find((c) => range / c.res <= FALLBACK_VALUES_PER_POINT * maxPoints) ?? all[all.length - 1]!;
  return stepFor(fine.res, fine.raw, want, range, maxPoints);
}

/** The step of a read of `n` series whose finest spacing is `interval`, over [from, to). */
export function planRemote(n: number, interval: number, from: number, to: number, options: SelectOptions): RemotePlan {
  const range = Math.max(1, to - from);
  let step: number;
  if (options.step !== undefined) {
    if (!(options.step > 0) || !Number.isFinite(options.step)) throw new BadRequestError(`step must be a positive number of milliseconds, got ${options.step}`, "bad_step");
    step = Math.ceil(options.step);
  } else if (options.maxPoints !== undefined) {
    if (!(options.maxPoints >= 1)) throw new BadRequestError(`maxPoints must be at least 1, got ${options.maxPoints}`, "bad_max_points");
    step = planMaxPoints(n, range, Math.floor(options.maxPoints), interval);
  } else step = interval;
  return { step, raw: step <= interval };
}

/** Bucket starts: multiples of `step` from the first at or after `from`, while before `to`. */
export function bucketStarts(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t < to; t += step) out.push(t);
  return out;
}
