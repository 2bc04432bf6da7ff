/** Stat panel: one big reduced value per series, coloured by thresholds, with an optional sparkline. */
import uPlot from "uplot";
import { h, clear } from "../lib/dom.js";
import { cssVar, seriesColor } from "../lib/theme.js";
import { formatValue, type Unit } from "../lib/units.js";
import { drawnInfo, emptyMessage, flatten, reduce, thresholdColor, type PanelData, type PanelHost, type PanelView } from "./types.js";

export function statPanel(host: PanelHost): PanelView {
  const opts = host.panel.options;
  const wrap = h("div", { class: "stat-wrap" });
  host.body.append(wrap);
  let charts: uPlot[] = [];
  let last: PanelData | undefined;

  function draw(data: PanelData): ReturnType<typeof drawnInfo> {
    for (const c of charts) c.destroy();
    charts = [];
    clear(wrap);
    const flat = flatten(data.results);
    const shown = flat.series.slice(0, 8);
    if (shown.length === 0) wrap.append(emptyMessage(data.results));
    const sparks: Array<{ spark: HTMLElement; cell: HTMLElement; values: ReadonlyArray<number | null>; color: string }> = [];
    shown.forEach((s, i) => {
      const v = reduce(s.values, opts.reduce);
      const color = thresholdColor(v, opts.thresholds, opts.thresholds.length > 0 ? cssVar("--ok", "#73bf69") : seriesColor(i));
      const cell = h("div", { class: "stat" });
      const value = h("div", { class: "stat-value", "data-value": v === null ? "" : String(v) }, formatValue(v, opts.unit as Unit, opts.decimals));
      value.style.color = color;
      cell.append(value);
      if (shown.length > 1) cell.append(h("div", { class: "stat-name" }, s.name));
      wrap.append(cell);
      if (opts.sparkline && flat.timestamps.length > 1) {
        const spark = h("div", { class: "sparkline" });
        cell.append(spark);
        sparks.push({ spark, cell, values: s.values, color });
      }
    });
    // Sized once every cell is in the layout, so each sparkline fits its own cell.
    const height = Math.max(16, Math.min(60, Math.floor(host.body.clientHeight * 0.35)));
    for (const sp of sparks) {
      charts.push(
        new uPlot(
          {
            width: Math.max(40, sp.cell.clientWidth),
            height,
            ms: 1,
            legend: { show: false },
            cursor: { show: false },
            axes: [{ show: false }, { show: false }],
            scales: { x: { time: true, range: () => [data.range.from, data.range.to] } },
            series: [{}, { stroke: sp.color, fill: /^#[0-9a-f]{6}$/i.test(sp.color) ? `${sp.color}33` : undefined, width: 1.25, points: { show: false } }] as uPlot.Series[],
          },
          [flat.timestamps, [...sp.values]] as uPlot.AlignedData,
          sp.spark,
        ),
      );
    }
    return drawnInfo(flat.timestamps, flat.series, 0);
  }

  return {
    update(data) {
      last = data;
      return draw(data);
    },
    resize() {
      if (last) draw(last);
    },
    destroy() {
      for (const c of charts) c.destroy();
    },
  };
}
