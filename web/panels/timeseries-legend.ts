/** Time series panel, legend and tooltip: a list or a table of min/max/avg/last (click a row to hide a series), and every series at the cursor. */
import type uPlot from "uplot";
import { h, clear } from "../lib/dom.js";
import { seriesColor } from "../lib/theme.js";
import { formatTimestamp } from "../lib/time.js";
import type { ChartState, TimeseriesOptions } from "./timeseries-data.js";
import { reduce } from "./types.js";

type Format = (v: number | null | undefined) => string;

function swatch(i: number): HTMLElement {
  const sw = h("span", { class: "swatch" });
  sw.style.background = seriesColor(i);
  return sw;
}

export function renderLegend(legendEl: HTMLElement, state: ChartState, opts: TimeseriesOptions, fmt: Format, toggle: (name: string) => void): void {
  clear(legendEl);
  const calcs = opts.legend;
  legendEl.className = calcs.length > 0 ? "legend table" : "legend";
  if (state.series.length === 0) return;
  if (calcs.length > 0) {
    const table = h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, ""), ...calcs.map((c) => h("th", {}, c)))));
    const body = h("tbody");
    state.series.forEach((s, i) => {
      const cells = calcs.map((c) => h("td", { class: "num", "data-calc": c }, fmt(reduce(s.values, c))));
      const tr = h("tr", { class: state.hidden.has(s.name) ? "off" : "", "data-series": s.name }, h("td", { class: "name" }, swatch(i), s.name), ...cells);
      tr.addEventListener("click", () => toggle(s.name));
      body.append(tr);
    });
    table.append(body);
    legendEl.append(table);
  } else {
    state.series.forEach((s, i) => {
      const item = h("span", { class: state.hidden.has(s.name) ? "item off" : "item", "data-series": s.name }, swatch(i), s.name);
      item.addEventListener("click", () => toggle(s.name));
      legendEl.append(item);
    });
  }
}

/** The chart keeps at least this much height (px) when the legend grows. */
const MIN_CHART = 90;
/** Past this height (px) a legend scrolls even in a tall panel. */
const LEGEND_CAP = 260;

/**
 * Sizes the legend to its series: all of it while the chart keeps MIN_CHART px (or 60 % of the
 * panel), up to LEGEND_CAP; beyond that it scrolls. Returns the legend's height.
 */
export function fitLegend(legendEl: HTMLElement, bodyHeight: number): number {
  legendEl.style.maxHeight = "none";
  const natural = legendEl.scrollHeight;
  const room = Math.max(bodyHeight * 0.4, Math.min(bodyHeight - MIN_CHART, LEGEND_CAP));
  const fit = Math.max(0, Math.floor(Math.min(natural, room)));
  legendEl.style.maxHeight = `${fit}px`;
  return legendEl.offsetHeight;
}

/** uPlot `setCursor` hook: the time and up to 20 visible series (highest first unless stacked), kept inside the chart. */
export function updateTooltip(self: uPlot, tip: HTMLElement, chartEl: HTMLElement, state: ChartState, opts: TimeseriesOptions, fmt: Format): void {
  const idx = self.cursor.idx;
  const left = self.cursor.left ?? -1;
  if (idx === null || idx === undefined || left < 0) {
    tip.hidden = true;
    return;
  }
  clear(tip);
  tip.append(h("div", { class: "tip-time" }, formatTimestamp(state.timestamps[idx]!)));
  const rows = state.series.map((s, i) => ({ s, i, v: s.values[idx] ?? null })).filter((r) => !state.hidden.has(r.s.name));
  if (opts.draw !== "stacked") rows.sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity));
  for (const r of rows.slice(0, 20)) {
    tip.append(h("div", { class: "tip-row" }, swatch(r.i), h("span", { class: "tip-name" }, r.s.name), h("span", { class: "tip-val" }, fmt(r.v))));
  }
  tip.hidden = false;
  const ox = self.bbox.left / devicePixelRatio;
  const oy = self.bbox.top / devicePixelRatio;
  const w = tip.offsetWidth;
  const x = ox + left + 14 + w > chartEl.clientWidth ? ox + left - 14 - w : ox + left + 14;
  tip.style.left = `${Math.max(0, x)}px`;
  tip.style.top = `${oy + Math.min(Math.max(0, (self.cursor.top ?? 0) - 20), Math.max(0, self.bbox.height / devicePixelRatio - tip.offsetHeight))}px`;
}
