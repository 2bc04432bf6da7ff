/** Gauge panel: a 240° arc from min to max (default 0–100), coloured by thresholds, per series. */
import { h, clear } from "../lib/dom.js";
import { cssVar, seriesColor } from "../lib/theme.js";
import { formatValue, type Unit } from "../lib/units.js";
import { drawnInfo, emptyMessage, flatten, reduce, thresholdColor, type PanelData, type PanelHost, type PanelView } from "./types.js";

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

function arc(cx: number, cy: number, r: number, a0: number, a1: number): string {
  const p = (a: number): string => `${(cx + r * Math.cos(a)).toFixed(2)} ${(cy + r * Math.sin(a)).toFixed(2)}`;
  const large = a1 - a0 > Math.PI ? 1 : 0;
  return `M ${p(a0)} A ${r} ${r} 0 ${large} 1 ${p(a1)}`;
}

export function gaugePanel(host: PanelHost): PanelView {
  const opts = host.panel.options;
  const wrap = h("div", { class: "gauge-wrap" });
  host.body.append(wrap);
  return {
    update(data: PanelData) {
      clear(wrap);
      const flat = flatten(data.results);
      const min = opts.min ?? 0;
      const max = opts.max ?? (opts.unit === "percentunit" ? 1 : 100);
      for (const [i, s] of flat.series.slice(0, 6).entries()) {
        const v = reduce(s.values, opts.reduce);
        const color = thresholdColor(v, opts.thresholds, opts.thresholds.length > 0 ? cssVar("--ok", "#73bf69") : seriesColor(i));
        const frac = v === null ? 0 : Math.min(1, Math.max(0, (v - min) / (max - min || 1)));
        const a0 = (150 * Math.PI) / 180;
        const span = (240 * Math.PI) / 180;
        const g = svg("svg", { viewBox: "0 0 100 80", class: "gauge", role: "img" });
        g.append(svg("path", { d: arc(50, 50, 38, a0, a0 + span), stroke: cssVar("--grid-strong", "#444"), "stroke-width": 9, fill: "none", "stroke-linecap": "round" }));
        if (frac > 0) g.append(svg("path", { d: arc(50, 50, 38, a0, a0 + span * frac), stroke: color, "stroke-width": 9, fill: "none", "stroke-linecap": "round" }));
        const t = svg("text", { x: 50, y: 56, "text-anchor": "middle", class: "gauge-text", fill: color });
        t.textContent = formatValue(v, opts.unit as Unit, opts.decimals);
        g.append(t);
        const cell = h("div", { class: "gauge-cell", "data-value": v === null ? "" : String(v) }, g as unknown as Node);
        if (flat.series.length > 1) cell.append(h("div", { class: "stat-name" }, s.name));
        wrap.append(cell);
      }
      if (flat.series.length === 0) wrap.append(emptyMessage(data.results));
      return drawnInfo(flat.timestamps, flat.series, 0);
    },
    resize() {},
    destroy() {},
  };
}
