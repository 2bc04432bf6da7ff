/**
 * Time series panel on uPlot: lines, areas, stacked areas or bars; unit-aware axes; legend with
 * min/max/avg/last (click a row to hide a series); thresholds; log scale; a tooltip listing every
 * series at the cursor; drag to zoom; click to annotate; annotation markers. uPlot draws at
 * devicePixelRatio, so lines stay crisp. The parts: data shaping (timeseries-data.ts), series
 * styles, scales and axes (timeseries-axes.ts), legend and tooltip (timeseries-legend.ts),
 * thresholds and annotations (timeseries-overlays.ts); this file holds the state and the events.
 */
import uPlot from "uplot";
import { h } from "../lib/dom.js";
import { formatValue, type Unit } from "../lib/units.js";
import { axes, scales, seriesOptions, stackBands } from "./timeseries-axes.js";
import { chartData, type ChartState, type TimeseriesOptions } from "./timeseries-data.js";
import { fitLegend, renderLegend, updateTooltip } from "./timeseries-legend.js";
import { drawOverlays } from "./timeseries-overlays.js";
import { drawnInfo, flatten, queryErrors, type DrawnInfo, type PanelData, type PanelHost, type PanelView } from "./types.js";

interface Elements {
  readonly chart: HTMLElement;
  readonly legend: HTMLElement;
  readonly tip: HTMLElement;
  readonly noData: HTMLElement;
}

function chartOptions(host: PanelHost, state: ChartState, els: Elements, size: { width: number; height: number }): uPlot.Options {
  const opts: TimeseriesOptions = host.panel.options;
  const fmt = (v: number | null | undefined): string => formatValue(v, opts.unit as Unit, opts.decimals);
  return {
    ...size,
    ms: 1,
    pxAlign: true,
    legend: { show: false },
    series: seriesOptions(state, opts),
    bands: stackBands(state, opts),
    scales: scales(state, opts),
    axes: axes(fmt, opts.unit as Unit, opts.logScale),
    cursor: { drag: { x: true, y: false, setScale: false }, sync: { key: "loupe" }, points: { size: 6 } },
    hooks: {
      draw: [(self) => drawOverlays(self, state, opts)],
      setCursor: [(self) => updateTooltip(self, els.tip, els.chart, state, opts, fmt)],
      setSelect: [
        (self) => {
          const sel = self.select;
          if (sel.width > 3) host.onZoom?.({ from: Math.round(self.posToVal(sel.left, "x")), to: Math.round(self.posToVal(sel.left + sel.width, "x")) });
          self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
        },
      ],
    },
  };
}

/** Mouse handling on the plot: hide the tooltip on leave; a click (not a drag, not on a marker) annotates. */
function listen(u: uPlot, host: PanelHost, tip: HTMLElement): void {
  let downX = -1;
  u.over.addEventListener("mousedown", (e) => (downX = e.clientX));
  u.over.addEventListener("mouseleave", () => (tip.hidden = true));
  u.over.addEventListener("click", (e) => {
    if (Math.abs(e.clientX - downX) > 3) return;
    if ((e.target as HTMLElement).classList.contains("anno")) return;
    const rect = u.over.getBoundingClientRect();
    host.onClickTime?.(Math.round(u.posToVal(e.clientX - rect.left, "x")), e.clientX, e.clientY);
  });
}

export function timeseriesPanel(host: PanelHost): PanelView {
  const opts: TimeseriesOptions = host.panel.options;
  const els: Elements = {
    chart: h("div", { class: "chart" }),
    legend: h("div", { class: "legend" }),
    tip: h("div", { class: "tooltip", hidden: true }),
    noData: h("div", { class: "nodata", hidden: true }, "No data"),
  };
  host.body.append(els.chart, els.legend);
  els.chart.append(els.tip, els.noData);

  let u: uPlot | undefined;
  const state: ChartState = { series: [], timestamps: [], annotations: [], range: { from: 0, to: 1 }, hidden: new Set<string>() };
  const fmt = (v: number | null | undefined): string => formatValue(v, opts.unit as Unit, opts.decimals);
  const size = (): { width: number; height: number } => ({
    width: Math.max(50, Math.floor(host.body.clientWidth)),
    height: Math.max(40, Math.floor(host.body.clientHeight - fitLegend(els.legend, host.body.clientHeight))),
  });
  const legend = (): void => renderLegend(els.legend, state, opts, fmt, toggle);

  function toggle(name: string): void {
    if (state.hidden.has(name)) state.hidden.delete(name);
    else state.hidden.add(name);
    build();
  }

  function build(): void {
    u?.destroy();
    legend();
    u = new uPlot(chartOptions(host, state, els, size()), chartData(state, opts), els.chart);
    // axis splits measure the plot box, which exists only after the first layout
    u.redraw(false, true);
    listen(u, host, els.tip);
  }

  return {
    update(data: PanelData): DrawnInfo {
      const flat = flatten(data.results);
      const sameShape = u !== undefined && flat.series.length === state.series.length && flat.series.every((s, i) => s.name === state.series[i]!.name);
      state.series = flat.series;
      state.timestamps = flat.timestamps;
      state.annotations = data.annotations;
      state.range = data.range;
      if (sameShape && u !== undefined) {
        legend();
        u.setData(chartData(state, opts), true);
      } else build();
      const info = drawnInfo(state.timestamps, state.series, state.annotations.filter((a) => a.time >= state.range.from && a.time <= state.range.to).length);
      // a failed query says so on the chart until a query succeeds, rather than "No data"
      const errors = queryErrors(data.results);
      els.noData.textContent = errors.length > 0 ? errors.join("\n") : "No data";
      els.noData.classList.toggle("query-error", errors.length > 0);
      els.noData.style.color = errors.length > 0 ? "var(--danger)" : "";
      els.noData.style.whiteSpace = errors.length > 0 ? "pre-line" : "";
      els.noData.hidden = info.points > 0 && errors.length === 0;
      return info;
    },
    resize(): void {
      u?.setSize(size());
    },
    destroy(): void {
      u?.destroy();
      u = undefined;
    },
  };
}
