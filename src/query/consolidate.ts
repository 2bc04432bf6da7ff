/**
 * graphite-web 1.1.x's maxDataPoints consolidation of a json answer (renderViewJson), in one place.
 *
 * Over all series of the answer, `timeRange = max(end) - min(start)`. A series whose
 * `timeRange / step` exceeds maxDataPoints is consolidated by `valuesPerPoint =
 * ceil(points / maxDataPoints)`: its start is nudged to `start + spp + start % step - start % spp`
 * (spp = valuesPerPoint × step, so bands stay put across refreshes), the first `nudge / step - 1`
 * values are dropped (graphite-web's `range(1, valuesToLose)`), then each run of valuesPerPoint
 * values becomes one with the series' consolidateBy function, null unless its share of non-null
 * values reaches the xFilesFactor. maxDataPoints = 1 consolidates the whole series into one point.
 * csv and raw answers are not consolidated (graphite-web does it for json only).
 */
import { AGG_FUNCS, seriesEnd, type Series, type Value } from "./series.js";

/** Python's % (the result has the divisor's sign). */
function pyMod(a: number, b: number): number {
  const m = a % b;
  return m !== 0 && m < 0 !== b < 0 ? m + b : m;
}

/** TimeSeries.consolidate + its consolidating iterator: runs of `vpp` values, the last one possibly short. */
function consolidateRuns(s: Series, values: readonly Value[], vpp: number): Value[] {
  const fn = AGG_FUNCS[s.consolidate];
  const out: Value[] = [];
  for (let i = 0; i < values.length; i += vpp) {
    const end = Math.min(values.length, i + vpp);
    let nonNull = 0;
    for (let k = i; k < end; k++) if (values[k] !== null) nonNull++;
    // graphite divides by valuesPerPoint even for the last, short run; avg_zero counts nulls as zeros
    out.push(nonNull > 0 && nonNull / vpp >= s.xff ? fn(values.slice(i, end)) : null);
  }
  return out;
}

/** Points of a consolidated series: values zipped with `range(start, end + 1, spp)` (the shorter wins). */
function zipTimes(s: Series, start: number, spp: number, values: Value[]): Series {
  const end = seriesEnd(s);
  const stamps = Math.max(0, Math.floor((end - start) / spp) + 1);
  return { ...s, start, step: spp, values: values.slice(0, stamps) };
}

export function consolidateSeriesForJson(s: Series, maxDataPoints: number, timeRange: number): Series {
  if (s.step <= 0 || s.values.length === 0) return s;
  if (maxDataPoints === 1) return zipTimes(s, s.start, s.step * s.values.length, consolidateRuns(s, s.values, s.values.length));
  const points = timeRange / s.step;
  if (!(maxDataPoints < points)) return s;
  const vpp = Math.ceil(points / maxDataPoints);
  const spp = vpp * s.step;
  const nudge = spp + pyMod(s.start, s.step) - pyMod(s.start, spp);
  const lose = Math.max(0, Math.floor(nudge / s.step) - 1);
  return zipTimes(s, s.start + nudge, spp, consolidateRuns(s, s.values.slice(lose), vpp));
}

/** The whole answer consolidated as renderViewJson does (timeRange taken over all its series). */
export function consolidateForJson(list: readonly Series[], maxDataPoints: number | undefined): Series[] {
  if (maxDataPoints === undefined || maxDataPoints <= 0 || list.length === 0) return [...list];
  let start = Infinity;
  let end = -Infinity;
  for (const s of list) {
    start = Math.min(start, s.start);
    end = Math.max(end, seriesEnd(s));
  }
  return list.map((s) => consolidateSeriesForJson(s, maxDataPoints, end - start));
}
