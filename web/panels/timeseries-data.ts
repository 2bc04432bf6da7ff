/** Time series panel, data shaping: the uPlot data arrays (stacked sums, log-scale gaps) and the y range. */
import type uPlot from "uplot";
import type { Annotation, Panel } from "../lib/types.js";
import type { FlatSeries } from "./types.js";

export type TimeseriesOptions = Panel["options"];

/** What the chart shows now; the panel replaces its fields on each update. */
export interface ChartState {
  series: FlatSeries[];
  timestamps: number[];
  annotations: readonly Annotation[];
  range: { from: number; to: number };
  /** Series names hidden by a click on the legend. */
  readonly hidden: Set<string>;
}

/** Running sums, series by series; a hidden series contributes nothing and draws nothing. */
export function stackedValues(state: ChartState): Array<Array<number | null>> {
  const out: Array<Array<number | null>> = [];
  const acc = new Array<number>(state.timestamps.length).fill(0);
  for (const s of state.series) {
    if (state.hidden.has(s.name)) {
      out.push(s.values.map(() => null));
      continue;
    }
    out.push(s.values.map((v, i) => (v === null ? (acc[i] === 0 ? null : acc[i]!) : (acc[i] = acc[i]! + v))));
  }
  return out;
}

/** uPlot's data: timestamps then one array per series (non-positive values left out on a log scale). */
export function chartData(state: ChartState, opts: TimeseriesOptions): uPlot.AlignedData {
  const ys =
    opts.draw === "stacked" ? stackedValues(state) : state.series.map((s) => (opts.logScale ? s.values.map((v) => (v !== null && v > 0 ? v : null)) : [...s.values]));
  return [state.timestamps, ...ys] as uPlot.AlignedData;
}

/** The y range: configured min/max, else from 0 (linear) with 5% headroom, stretched to a near threshold. */
export function yRange(opts: TimeseriesOptions): uPlot.Scale.Range {
  return (_self, min, max) => {
    let lo = opts.min ?? (opts.logScale ? min : Math.min(0, min));
    let hi = opts.max ?? max;
    for (const t of opts.thresholds) if (opts.max === undefined && t.value > hi && t.value < hi * 1.5) hi = t.value;
    if (opts.logScale) {
      // log axes need 0 < lo < hi: no data or non-positive bounds fall back to one decade
      if (!Number.isFinite(hi) || hi <= 0) return [1, 10];
      if (!Number.isFinite(lo) || lo <= 0 || lo >= hi) lo = hi / 10;
      return [lo, hi];
    }
    if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
    if (hi === lo) hi = lo + 1;
    const pad = (hi - lo) * 0.05;
    if (opts.max === undefined) hi += pad;
    if (opts.min === undefined && lo < 0) lo -= pad;
    return [lo, hi];
  };
}
