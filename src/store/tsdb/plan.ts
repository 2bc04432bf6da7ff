/**
 * Tier choice of a read (select.ts reads what it plans).
 *
 * With `maxPoints` (a graph of that many points) the candidates are raw data at the series' spacing,
 * the 1m tier, its 5- and 30-minute levels (LEVEL_TIERS) and the 1h tier, each usable only where its
 * retention reaches back to `from`. Each candidate's step is the wanted one ((to − from) / maxPoints)
 * rounded up to a multiple of its resolution, as graphite-web's valuesPerPoint rounds it up on an
 * archive's step, so a coarse tier can give far fewer points than asked (7 days from 1h: 168).
 * 1. Raw, when reading every point costs at most RAW_READ_VALUES over all the series (exactly
 *    graphite-web's answer from raw data; 2 days of one 10 s series at 300 points: 300).
 * 2. Else the cheapest (coarsest) candidate that still gives RESOLUTION_SHARE of the points
 *    asked for: 7 days → 1m's 5-minute level (288 points), 30 days → its 30-minute level (288),
 *    1 day → 5-minute level (288); the 1h tier where nothing finer covers the range.
 * 3. Else (nothing gives that resolution: a short range at many points) the finest candidate that
 *    reads at most FALLBACK_VALUES_PER_POINT values per returned point, or the coarsest.
 *
 * With an explicit `step`, the coarsest tier whose resolution divides it (the step is kept); with
 * neither, raw at the data's spacing (or the finest tier whose retention covers `from`).
 */
import { BadRequestError } from "../../lib/errors.js";
import type { SelectOptions } from "../api.js";
import type { MemSeries } from "./head.js";
import { LEVEL_TIERS, TIER_1H, TIER_1M, TIER_RAW, TIER_RES, tierEnabled, type TierSettings } from "./tiers.js";

export interface Plan {
  readonly tier: number;
  readonly step: number;
}

/** Values (series × points) a maxPoints read may decode from raw data before a rollup is used. */
export const RAW_READ_VALUES = 250_000;
/** Share of the asked points a candidate must give to count as keeping the resolution. */
export const RESOLUTION_SHARE = 0.9;
/** Values per returned point a read may decode when no candidate keeps the resolution. */
export const FALLBACK_VALUES_PER_POINT = 8;

const DEFAULT_INTERVAL = 10_000;
const MIN_INTERVAL = 1000;

interface Candidate {
  readonly tier: number;
  /** Width of what is decoded: the raw spacing, a tier's resolution or a level's. */
  readonly res: number;
}

/** The finest natural interval of the series (Graphite time is in seconds: at least 1 s). */
function spacing(series: readonly (MemSeries | undefined)[]): number {
  let interval = Infinity;
  for (const s of series) if (s !== undefined && s.interval > 0 && s.interval < interval) interval = s.interval;
  return Math.max(interval === Infinity ? DEFAULT_INTERVAL : interval, MIN_INTERVAL);
}

function candidates(tiers: TierSettings, interval: number, covers: (t: number) => boolean): Candidate[] {
  const out: Candidate[] = [];
  if (covers(TIER_RAW)) out.push({ tier: TIER_RAW, res: interval });
  if (tierEnabled(tiers, TIER_1M) && covers(TIER_1M)) {
    out.push({ tier: TIER_1M, res: TIER_RES[TIER_1M]! });
    for (const t of LEVEL_TIERS) out.push({ tier: TIER_1M, res: TIER_RES[t]! });
  }
  if (tierEnabled(tiers, TIER_1H) && covers(TIER_1H)) out.push({ tier: TIER_1H, res: TIER_RES[TIER_1H]! });
  return out;
}

/** Step of a maxPoints read from a candidate: the wanted step rounded up to its resolution, within maxPoints. */
function stepOf(c: Candidate, want: number, range: number, maxPoints: number): number {
  let step: number;
  if (c.tier === TIER_RAW) {
    step = want;
    if (step > 1000) step = Math.ceil(step / 1000) * 1000;
  } else step = Math.ceil(want / c.res) * c.res;
  const inc = c.tier === TIER_RAW ? Math.max(1000, c.res) : c.res;
  while (Math.ceil(range / step) > maxPoints) step += inc;
  return step;
}

function planMaxPoints(list: readonly Candidate[], n: number, range: number, maxPoints: number, interval: number): Plan {
  const want = Math.max(interval, Math.ceil(range / maxPoints));
  const raw = list.find((c) => c.tier === TIER_RAW);
  if (raw !== undefined && n * (range / raw.res) <= RAW_READ_VALUES) return { tier: TIER_RAW, step: stepOf(raw, want, range, maxPoints) };
  // what the data can give at most: no more points than it has over the range
  const wanted = RESOLUTION_SHARE * Math.min(maxPoints, range / interval);
  for (let i = list.length - 1; i >= 0; i--) {
    const c = list[i]!;
    if (c.tier === TIER_RAW) continue;
    const step = stepOf(c, want, range, maxPoints);
    if (range / step >= wanted) return { tier: c.tier, step };
  }
  const fine = list.find((c) => range / c.res <= FALLBACK_VALUES_PER_POINT * maxPoints) ?? list[list.length - 1]!;
  return { tier: fine.tier, step: stepOf(fine, want, range, maxPoints) };
}

export function planSelect(tiers: TierSettings, now: number, series: readonly (MemSeries | undefined)[], from: number, to: number, options: SelectOptions): Plan {
  const interval = spacing(series);
  const range = Math.max(1, to - from);
  // retention: the range must start inside the tier's retention
  const covers = (t: number): boolean => {
    const keep = tiers.retention[t]!;
    return keep <= 0 ? t === TIER_RAW : from >= now - keep;
  };
  let list = candidates(tiers, interval, covers);
  if (list.length === 0) {
    // nothing reaches back to `from`: the longest-kept tier
    const enabled = [TIER_RAW, TIER_1M, TIER_1H].filter((t) => tierEnabled(tiers, t));
    const last = enabled[enabled.length - 1]!;
    list = [{ tier: last, res: last === TIER_RAW ? interval : TIER_RES[last]! }];
  }
  if (options.step !== undefined) {
    if (!(options.step > 0) || !Number.isFinite(options.step)) throw new BadRequestError(`step must be a positive number of milliseconds, got ${options.step}`, "bad_step");
    const step = Math.ceil(options.step);
    // an explicit step is kept: the coarsest tier whose resolution divides it
    let tier = list[0]!.tier;
    for (const c of list) if (c.tier !== TIER_RAW && c.res <= step && step % c.res === 0) tier = c.tier;
    return { tier, step };
  }
  if (options.maxPoints !== undefined) {
    if (!(options.maxPoints >= 1)) throw new BadRequestError(`maxPoints must be at least 1, got ${options.maxPoints}`, "bad_max_points");
    return planMaxPoints(list, series.length, range, Math.floor(options.maxPoints), interval);
  }
  const first = list[0]!;
  return { tier: first.tier, step: first.tier === TIER_RAW ? interval : TIER_RES[first.tier]! };
}
