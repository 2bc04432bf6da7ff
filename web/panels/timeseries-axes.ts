/** Time series panel, what uPlot draws with: series styles per draw mode, stacking bands, scales and axes. */
import uPlot from "uplot";
import { cssVar, seriesColor } from "../lib/theme.js";
import { yRange, type ChartState, type TimeseriesOptions } from "./timeseries-data.js";

/** `#rrggbb` with an alpha, as `rgba(...)`; other colours unchanged. */
export function alpha(color: string, a: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color);
  if (!m) return color;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255},${(n >> 8) & 255},${n & 255},${a})`;
}

let measureCtx: CanvasRenderingContext2D | null = null;

/** Y axis width that fits its widest label (uPlot calls this with the formatted tick labels). */
function axisSize(font: string): uPlot.Axis.Size {
  return (_self, values) => {
    if (!values || values.length === 0) return 40;
    measureCtx ??= document.createElement("canvas").getContext("2d");
    if (measureCtx === null) return 60;
    measureCtx.font = font;
    const widest = Math.max(...values.map((v) => measureCtx!.measureText(String(v)).width));
    return Math.ceil(widest) + 16;
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

/** Time axis and a unit-aware value axis, in the theme's colours. */
export function axes(format: (v: number) => string): uPlot.Axis[] {
  const axisColor = cssVar("--text-muted", "#8e8e8e");
  const gridColor = cssVar("--grid", "rgba(128,128,128,0.15)");
  const font = `11px ${cssVar("--font", "sans-serif")}`;
  return [
    { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, font, space: 60 },
    {
      stroke: axisColor,
      grid: { stroke: gridColor, width: 1 },
      ticks: { show: false },
      font,
      size: axisSize(font),
      values: (_s, splits) => splits.map((v) => (v === null || v === undefined ? "" : format(v))),
    },
  ];
}
