/** Time series panel, what uPlot draws with: series styles per draw mode, stacking bands, scales and axes. */
import uPlot from "uplot";
import { cssVar, seriesColor } from "../lib/theme.js";
import { timeFormats } from "../lib/time.js";
import { axisTicks, type Unit } from "../lib/units.js";
import { timeTicks } from "./time-ticks.js";
import { yRange, type ChartState, type TimeseriesOptions } from "./timeseries-data.js";

/** `#rrggbb` with an alpha, as `rgba(...)`; other colours unchanged. */
export function alpha(color: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

let measureCtx: CanvasRenderingContext2D | null = null;

/** Width of a label in px as the axis draws it (an estimate when canvas is unavailable). */
function measurer(font: string): (label: string) => number {
  return (label) => {
    measureCtx ??= document.createElement("canvas").getContext("2d");
    if (measureCtx === null) return label.length * 7;
    measureCtx.font = font;
    return measureCtx.measureText(label).width;
  };
}

/** Y axis width that fits its widest label (uPlot calls this with the formatted tick labels). */
function axisSize(font: string): uPlot.Axis.Size {
  const measure = measurer(font);
  return (_self, values) => {
    if (!values || values.length === 0) return 40;
    return Math.ceil(Math.max(...values.map((v) => measure(String(v))))) + 16;
  };
}

/** The plot rectangle in CSS px (uPlot's bbox is in device px and empty before the first layout). */
function plotBox(self: uPlot): { left: number; width: number; height: number } {
  const r = devicePixelRatio || 1;
  if (self.bbox?.width > 0) return { left: self.bbox.left / r, width: self.bbox.width / r, height: self.bbox.height / r };
  return { left: 60, width: Math.max(50, self.width - 70), height: Math.max(30, self.height - 40) };
}

/** uPlot splits and values of the time axis: local-clock steps whose labels fit and stay inside the chart. */
function timeAxis(font: string): Pick<uPlot.Axis, "splits" | "values"> {
  const measure = measurer(font);
  let last: { values: number[]; labels: string[] } = { values: [], labels: [] };
  return {
    splits: (self, _i, min, max) => {
      const box = plotBox(self);
      last = timeTicks({ min, max, width: box.width, leftRoom: box.left, rightRoom: Math.max(0, self.width - box.left - box.width), measure, formats: timeFormats() });
      return last.values;
    },
    values: (_self, splits) => (splits.length === last.values.length && splits.every((v, i) => v === last.values[i]) ? last.labels : splits.map((v) => timeFormats().minutes(v))),
  };
}

/** uPlot splits and values of a linear value axis: round steps of the unit the axis shows. */
function valueAxis(unit: Unit, format: (v: number) => string): Pick<uPlot.Axis, "splits" | "values"> {
  let last: { values: number[]; labels: string[] } = { values: [], labels: [] };
  return {
    splits: (self, _i, min, max) => {
      last = axisTicks(unit, min, max, Math.max(1, Math.floor(plotBox(self).height / 32)));
      return last.values;
    },
    values: (_self, splits) => (splits.length === last.values.length && splits.every((v, i) => v === last.values[i]) ? last.labels : splits.map((v) => format(v))),
  };
}

/** One uPlot series per data series (index 0 is the x axis): lines, areas, stacked areas or bars. */
export function seriesOptions(state: ChartState, opts: TimeseriesOptions): uPlot.Series[] {
  const stacked = opts.draw === "stacked";
  const bars = opts.draw === "bars";
  const fillAll = opts.draw === "area" || stacked;
  return [
    {},
    ...state.series.map((s, i): uPlot.Series => {
      const c = seriesColor(i);
      return {
        label: s.name,
        show: !state.hidden.has(s.name),
        stroke: c,
        width: bars ? 0 : 1.25,
        spanGaps: false,
        points: { show: false },
        ...(fillAll ? { fill: stacked ? alpha(c, 0.45) : alpha(c, 0.15) } : {}),
        ...(bars ? { fill: alpha(c, 0.8), paths: uPlot.paths.bars!({ size: [0.7, 40], align: 1 }) } : {}),
      };
    }),
  ];
}

/** Stacked areas fill between each series and the one below it. */
export function stackBands(state: ChartState, opts: TimeseriesOptions): uPlot.Band[] {
  const bands: uPlot.Band[] = [];
  if (opts.draw === "stacked") for (let i = state.series.length; i > 1; i--) bands.push({ series: [i, i - 1], fill: alpha(seriesColor(i - 1), 0.45) });
  return bands;
}

/** The x scale shows the requested range whatever the data; y per yRange, log10 when asked. */
export function scales(state: ChartState, opts: TimeseriesOptions): uPlot.Scales {
  const range = yRange(opts);
  return {
    x: { time: true, range: () => [state.range.from, state.range.to] },
    y: opts.logScale ? { distr: 3, log: 10, range } : { range },
  };
}

/** Time axis and a unit-aware value axis (uPlot's own log splits on a log scale), in the theme's colours. */
export function axes(format: (v: number) => string, unit: Unit, log: boolean): uPlot.Axis[] {
  const axisColor = cssVar("--text-muted", "#8e8e8e");
  const gridColor = cssVar("--grid", "rgba(128,128,128,0.15)");
  const font = `11px ${cssVar("--font", "sans-serif")}`;
  return [
    { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, font, ...timeAxis(font) },
    {
      stroke: axisColor,
      grid: { stroke: gridColor, width: 1 },
      ticks: { show: false },
      font,
      size: axisSize(font),
      ...(log ? { values: (_s: uPlot, splits: number[]) => splits.map((v) => (v === null || v === undefined ? "" : format(v))) } : valueAxis(unit, format)),
    },
  ];
}
