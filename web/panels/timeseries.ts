/**
 * Time series panel on uPlot: lines, areas, stacked areas or bars; unit-aware axes; legend with
 * min/max/avg/last (click a row to hide a series); thresholds; log scale; a tooltip listing every
 * series at the cursor; drag to zoom; click to annotate; annotation markers. uPlot draws at
 * devicePixelRatio, so lines stay crisp.
 */
import uPlot from "uplot";
import { h, clear } from "../lib/dom.js";
import { cssVar, seriesColor } from "../lib/theme.js";
import { formatValue, type Unit } from "../lib/units.js";
import { formatDateTime } from "../lib/time.js";
import type { Annotation } from "../lib/types.js";
import { drawnInfo, flatten, namedColor, reduce, type DrawnInfo, type FlatSeries, type PanelData, type PanelHost, type PanelView } from "./types.js";

function alpha(color: string, a: number): string {
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

export function timeseriesPanel(host: PanelHost): PanelView {
  const opts = host.panel.options;
  const unit = opts.unit as Unit;
  const chartEl = h("div", { class: "chart" });
  const legendEl = h("div", { class: "legend" });
  const tip = h("div", { class: "tooltip", hidden: true });
  const noData = h("div", { class: "nodata", hidden: true }, "No data");
  host.body.append(chartEl, legendEl);
  chartEl.append(tip, noData);

  let u: uPlot | undefined;
  let series: FlatSeries[] = [];
  let timestamps: number[] = [];
  let annotations: readonly Annotation[] = [];
  let range = { from: 0, to: 1 };
  let downX = -1;
  const hidden = new Set<string>();

  const fmt = (v: number | null | undefined): string => formatValue(v, unit, opts.decimals);

  function stackedValues(): Array<Array<number | null>> {
    const out: Array<Array<number | null>> = [];
    const acc = new Array<number>(timestamps.length).fill(0);
    for (const s of series) {
      if (hidden.has(s.name)) {
        out.push(s.values.map(() => null));
        continue;
      }
      out.push(s.values.map((v, i) => (v === null ? (acc[i] === 0 ? null : acc[i]!) : (acc[i] = acc[i]! + v))));
    }
    return out;
  }

  function chartData(): uPlot.AlignedData {
    const ys = opts.draw === "stacked" ? stackedValues() : series.map((s) => (opts.logScale ? s.values.map((v) => (v !== null && v > 0 ? v : null)) : [...s.values]));
    return [timestamps, ...ys] as uPlot.AlignedData;
  }

  function size(): { width: number; height: number } {
    const width = Math.max(50, Math.floor(host.body.clientWidth));
    const height = Math.max(40, Math.floor(host.body.clientHeight - legendEl.offsetHeight));
    return { width, height };
  }

  function drawOverlays(self: uPlot): void {
    const ctx = self.ctx;
    const { left, top, width, height } = self.bbox;
    ctx.save();
    ctx.beginPath();
    ctx.rect(left, top, width, height);
    ctx.clip();
    ctx.lineWidth = Math.max(1, devicePixelRatio);
    ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
    for (const t of opts.thresholds) {
      const y = Math.round(self.valToPos(t.value, "y", true)) + 0.5;
      if (y < top || y > top + height) continue;
      ctx.strokeStyle = namedColor(t.color);
      ctx.beginPath();
      ctx.moveTo(left, y);
      ctx.lineTo(left + width, y);
      ctx.stroke();
    }
    ctx.setLineDash([]);
    ctx.strokeStyle = cssVar("--annotation", "#5794f2");
    ctx.fillStyle = alpha(cssVar("--annotation", "#5794f2"), 0.12);
    for (const a of annotations) {
      const x = Math.round(self.valToPos(a.time, "x", true)) + 0.5;
      if (a.timeEnd > a.time) {
        const x2 = self.valToPos(a.timeEnd, "x", true);
        ctx.fillRect(x, top, x2 - x, height);
      }
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, top + height);
      ctx.stroke();
    }
    ctx.restore();
    // DOM markers (hover shows the text) along the bottom edge of the plot
    for (const m of Array.from(self.over.querySelectorAll(".anno"))) m.remove();
    for (const a of annotations) {
      if (a.time < range.from || a.time > range.to) continue;
      const x = self.valToPos(a.time, "x");
      const m = h("div", { class: "anno", title: `${formatDateTime(a.time)}\n${a.text}${a.tags.length ? `\n[${a.tags.join(", ")}]` : ""}`, "data-time": a.time });
      m.style.left = `${x - 5}px`;
      self.over.append(m);
    }
  }

  function updateTooltip(self: uPlot): void {
    const idx = self.cursor.idx;
    const left = self.cursor.left ?? -1;
    if (idx === null || idx === undefined || left < 0) {
      tip.hidden = true;
      return;
    }
    clear(tip);
    tip.append(h("div", { class: "tip-time" }, formatDateTime(timestamps[idx]!)));
    const rows = series
      .map((s, i) => ({ s, i, v: s.values[idx] ?? null }))
      .filter((r) => !hidden.has(r.s.name));
    if (opts.draw !== "stacked") rows.sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity));
    for (const r of rows.slice(0, 20)) {
      const sw = h("span", { class: "swatch" });
      sw.style.background = seriesColor(r.i);
      tip.append(h("div", { class: "tip-row" }, sw, h("span", { class: "tip-name" }, r.s.name), h("span", { class: "tip-val" }, fmt(r.v))));
    }
    tip.hidden = false;
    const ox = self.bbox.left / devicePixelRatio;
    const oy = self.bbox.top / devicePixelRatio;
    const w = tip.offsetWidth;
    const x = ox + left + 14 + w > chartEl.clientWidth ? ox + left - 14 - w : ox + left + 14;
    tip.style.left = `${Math.max(0, x)}px`;
    tip.style.top = `${oy + Math.min(Math.max(0, (self.cursor.top ?? 0) - 20), Math.max(0, self.bbox.height / devicePixelRatio - tip.offsetHeight))}px`;
  }

  function renderLegend(): void {
    clear(legendEl);
    const calcs = opts.legend;
    legendEl.className = calcs.length > 0 ? "legend table" : "legend";
    if (series.length === 0) return;
    if (calcs.length > 0) {
      const table = h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, ""), ...calcs.map((c) => h("th", {}, c)))));
      const body = h("tbody");
      series.forEach((s, i) => {
        const sw = h("span", { class: "swatch" });
        sw.style.background = seriesColor(i);
        const tr = h("tr", { class: hidden.has(s.name) ? "off" : "", "data-series": s.name }, h("td", { class: "name" }, sw, s.name), ...calcs.map((c) => h("td", { class: "num", "data-calc": c }, fmt(reduce(s.values, c)))));
        tr.addEventListener("click", () => toggle(s.name));
        body.append(tr);
      });
      table.append(body);
      legendEl.append(table);
    } else {
      series.forEach((s, i) => {
        const sw = h("span", { class: "swatch" });
        sw.style.background = seriesColor(i);
        const item = h("span", { class: hidden.has(s.name) ? "item off" : "item", "data-series": s.name }, sw, s.name);
        item.addEventListener("click", () => toggle(s.name));
        legendEl.append(item);
      });
    }
  }

  function toggle(name: string): void {
    if (hidden.has(name)) hidden.delete(name);
    else hidden.add(name);
    build();
  }

  function build(): void {
    u?.destroy();
    renderLegend();
    const axisColor = cssVar("--text-muted", "#8e8e8e");
    const gridColor = cssVar("--grid", "rgba(128,128,128,0.15)");
    const font = `11px ${cssVar("--font", "sans-serif")}`;
    const stacked = opts.draw === "stacked";
    const bars = opts.draw === "bars";
    const fillAll = opts.draw === "area" || stacked;
    const seriesOpts: uPlot.Series[] = [
      {},
      ...series.map((s, i): uPlot.Series => {
        const c = seriesColor(i);
        return {
          label: s.name,
          show: !hidden.has(s.name),
          stroke: c,
          width: bars ? 0 : 1.25,
          spanGaps: false,
          points: { show: false },
          ...(fillAll ? { fill: stacked ? alpha(c, 0.45) : alpha(c, 0.15) } : {}),
          ...(bars ? { fill: alpha(c, 0.8), paths: uPlot.paths.bars!({ size: [0.7, 40], align: 1 }) } : {}),
        };
      }),
    ];
    const bands: uPlot.Band[] = [];
    if (stacked) for (let i = series.length; i > 1; i--) bands.push({ series: [i, i - 1], fill: alpha(seriesColor(i - 1), 0.45) });
    const yRange: uPlot.Scale.Range = (_self, min, max) => {
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
    const o: uPlot.Options = {
      ...size(),
      ms: 1,
      pxAlign: true,
      legend: { show: false },
      series: seriesOpts,
      bands,
      scales: {
        x: { time: true, range: () => [range.from, range.to] },
        y: opts.logScale ? { distr: 3, log: 10, range: yRange } : { range: yRange },
      },
      axes: [
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, font, space: 60 },
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { show: false }, font, size: axisSize(font), values: (_s, splits) => splits.map((v) => (v === null || v === undefined ? "" : fmt(v))) },
      ],
      cursor: {
        drag: { x: true, y: false, setScale: false },
        sync: { key: "loupe" },
        points: { size: 6 },
      },
      hooks: {
        draw: [drawOverlays],
        setCursor: [updateTooltip],
        setSelect: [
          (self) => {
            const sel = self.select;
            if (sel.width > 3) {
              const from = Math.round(self.posToVal(sel.left, "x"));
              const to = Math.round(self.posToVal(sel.left + sel.width, "x"));
              host.onZoom?.({ from, to });
            }
            self.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    u = new uPlot(o, chartData(), chartEl);
    u.over.addEventListener("mousedown", (e) => (downX = e.clientX));
    u.over.addEventListener("mouseleave", () => (tip.hidden = true));
    u.over.addEventListener("click", (e) => {
      if (u === undefined || Math.abs(e.clientX - downX) > 3) return;
      if ((e.target as HTMLElement).classList.contains("anno")) return;
      const rect = u.over.getBoundingClientRect();
      host.onClickTime?.(Math.round(u.posToVal(e.clientX - rect.left, "x")), e.clientX, e.clientY);
    });
  }

  return {
    update(data: PanelData): DrawnInfo {
      const flat = flatten(data.results);
      const sameShape = u !== undefined && flat.series.length === series.length && flat.series.every((s, i) => s.name === series[i]!.name);
      series = flat.series;
      timestamps = flat.timestamps;
      annotations = data.annotations;
      range = data.range;
      if (sameShape && u !== undefined) {
        renderLegend();
        u.setData(chartData(), true);
      } else build();
      const info = drawnInfo(timestamps, series, annotations.filter((a) => a.time >= range.from && a.time <= range.to).length);
      noData.hidden = info.points > 0;
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
