/** Time series panel, what is drawn over the series: threshold lines, annotation lines and regions, and hover markers. */
import type uPlot from "uplot";
import { h } from "../lib/dom.js";
import { cssVar } from "../lib/theme.js";
import { formatTimestamp } from "../lib/time.js";
import { alpha } from "./timeseries-axes.js";
import type { ChartState, TimeseriesOptions } from "./timeseries-data.js";
import { namedColor } from "./types.js";

function drawThresholds(self: uPlot, opts: TimeseriesOptions): void {
  const ctx = self.ctx;
  const { left, top, width, height } = self.bbox;
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
}

function drawAnnotations(self: uPlot, state: ChartState): void {
  const ctx = self.ctx;
  const { top, height } = self.bbox;
  ctx.strokeStyle = cssVar("--annotation", "#5794f2");
  ctx.fillStyle = alpha(cssVar("--annotation", "#5794f2"), 0.12);
  for (const a of state.annotations) {
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
}

/** DOM markers (hover shows the text) along the bottom edge of the plot. */
function placeAnnotationMarkers(self: uPlot, state: ChartState): void {
  for (const m of Array.from(self.over.querySelectorAll(".anno"))) m.remove();
  for (const a of state.annotations) {
    if (a.time < state.range.from || a.time > state.range.to) continue;
    const x = self.valToPos(a.time, "x");
    const m = h("div", { class: "anno", title: `${formatTimestamp(a.time)}\n${a.text}${a.tags.length ? `\n[${a.tags.join(", ")}]` : ""}`, "data-time": a.time });
    m.style.left = `${x - 5}px`;
    self.over.append(m);
  }
}

/** uPlot `draw` hook: thresholds and annotations clipped to the plot, then the markers. */
export function drawOverlays(self: uPlot, state: ChartState, opts: TimeseriesOptions): void {
  const ctx = self.ctx;
  const { left, top, width, height } = self.bbox;
  ctx.save();
  ctx.beginPath();
  ctx.rect(left, top, width, height);
  ctx.clip();
  ctx.lineWidth = Math.max(1, devicePixelRatio);
  drawThresholds(self, opts);
  drawAnnotations(self, state);
  ctx.restore();
  placeAnnotationMarkers(self, state);
}
