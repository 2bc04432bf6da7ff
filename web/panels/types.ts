/** What every panel renderer gets and gives: the dashboard controller owns data, panels only draw. */
import type { AbsRange } from "../lib/time.js";
import { h } from "../lib/dom.js";
import { errorText, type Annotation, type Panel, type QueryResult } from "../lib/types.js";

export interface PanelData {
  /** This panel's query results, in target order (hidden targets left out). */
  readonly results: readonly QueryResult[];
  readonly range: AbsRange;
  readonly annotations: readonly Annotation[];
}

export interface PanelHost {
  readonly panel: Panel;
  /** The element to draw into (sized by the grid). */
  readonly body: HTMLElement;
  /** Drag-selected a time range on the chart. */
  onZoom?(range: AbsRange): void;
  /** Clicked a point in time (adds an annotation). */
  onClickTime?(time: number, clientX: number, clientY: number): void;
}

/** Facts about what was drawn, exposed on the panel element and `window.__loupe` for tests. */
export interface DrawnInfo {
  readonly series: ReadonlyArray<{ readonly name: string; readonly points: number; readonly last: number | null }>;
  readonly points: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly annotations: number;
}

export interface PanelView {
  update(data: PanelData): DrawnInfo;
  resize(): void;
  destroy(): void;
}

export interface FlatSeries {
  readonly name: string;
  readonly values: ReadonlyArray<number | null>;
}

/** Joins several results onto one time axis (they usually share it already). */
export function flatten(results: readonly QueryResult[]): { timestamps: number[]; series: FlatSeries[] } {
  const ok = results.filter((r) => r.error === undefined && r.timestamps.length > 0);
  if (ok.length === 0) return { timestamps: [], series: results.flatMap((r) => r.series.map((s) => ({ name: s.target, values: [] }))) };
  const first = ok[0]!;
  const same = ok.every((r) => r.timestamps.length === first.timestamps.length && r.timestamps[0] === first.timestamps[0] && r.step === first.step);
  if (same) return { timestamps: [...first.timestamps], series: ok.flatMap((r) => r.series.map((s) => ({ name: s.target, values: s.values }))) };
  const all = [...new Set(ok.flatMap((r) => r.timestamps))].sort((a, b) => a - b);
  const pos = new Map(all.map((t, i) => [t, i]));
  const series: FlatSeries[] = [];
  for (const r of ok)
    for (const s of r.series) {
      const vals: Array<number | null> = new Array(all.length).fill(null);
      r.timestamps.forEach((t, i) => (vals[pos.get(t)!] = s.values[i] ?? null));
      series.push({ name: s.target, values: vals });
    }
  return { timestamps: all, series };
}

export type Reducer = "last" | "avg" | "min" | "max" | "sum";

export function reduce(values: ReadonlyArray<number | null>, how: Reducer): number | null {
  let n = 0;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let last: number | null = null;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    n++;
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    last = v;
  }
  if (n === 0) return null;
  switch (how) {
    case "last":
      return last;
    case "avg":
      return sum / n;
    case "min":
      return min;
    case "max":
      return max;
    case "sum":
      return sum;
  }
}

export function countPoints(values: ReadonlyArray<number | null>): number {
  let n = 0;
  for (const v of values) if (v !== null) n++;
  return n;
}

/** Colour of a value against ascending thresholds (the highest one it reaches), or the default. */
const NAMED: Record<string, string> = { green: "#73bf69", red: "#f2495c", orange: "#ff9830", yellow: "#fade2a", blue: "#5794f2", purple: "#b877d9", "dark-red": "#c4162a", "dark-green": "#37872d" };

/** Grafana colour names to the hex it uses; anything else as is. */
export function namedColor(c: string): string {
  return NAMED[c] ?? c;
}

export function thresholdColor(v: number | null, thresholds: ReadonlyArray<{ value: number; color: string }>, dflt: string): string {
  let c = dflt;
  if (v === null) return c;
  for (const t of [...thresholds].sort((a, b) => a.value - b.value)) if (v >= t.value) c = namedColor(t.color);
  return c;
}

export function drawnInfo(timestamps: readonly number[], series: readonly FlatSeries[], annotations: number): DrawnInfo {
  const s = series.map((x) => ({ name: x.name, points: countPoints(x.values), last: reduce(x.values, "last") }));
  return {
    series: s,
    points: s.reduce((a, b) => a + b.points, 0),
    firstTime: timestamps[0] ?? null,
    lastTime: timestamps[timestamps.length - 1] ?? null,
    annotations,
  };
}

/** The errors of a panel's results, one line each (empty when every query succeeded). */
export function queryErrors(results: readonly QueryResult[]): string[] {
  return results.filter((r) => r.error !== undefined).map((r) => (results.length > 1 ? `${r.id}: ${errorText(r.error)}` : errorText(r.error)));
}

/** What a panel with nothing to show says: the query errors (they stay until a query succeeds), else "No data". */
export function emptyMessage(results: readonly QueryResult[]): HTMLElement {
  const errors = queryErrors(results);
  if (errors.length === 0) return h("div", { class: "stat-empty" }, "No data");
  const el = h("div", { class: "stat-empty query-error", title: errors.join("\n") }, errors.join("\n"));
  el.style.color = "var(--danger)";
  el.style.whiteSpace = "pre-line";
  return el;
}
