/**
 * Output shapes: Graphite's render JSON (`[{target, tags, datapoints: [[value, unix_s]]}]`) and CSV
 * (`name,YYYY-MM-DD HH:MM:SS,value`, UTC), and the dashboard's columnar shape (one shared
 * timestamp array per query, uPlot's layout).
 */
import type { Series, Value } from "./series.js";

export interface RenderJsonSeries {
  readonly target: string;
  readonly tags: Record<string, string>;
  readonly datapoints: Array<[number | null, number]>;
}

function finite(v: Value): number | null {
  return v === null || !Number.isFinite(v) ? null : v;
}

export function toRenderJson(series: readonly Series[], options: { noNullPoints?: boolean } = {}): RenderJsonSeries[] {
  return series.map((s) => {
    const datapoints: Array<[number | null, number]> = [];
    for (let i = 0; i < s.values.length; i++) {
      const v = finite(s.values[i]!);
      if (v === null && options.noNullPoints === true) continue;
      datapoints.push([v, Math.floor((s.start + i * s.step) / 1000)]);
    }
    return { target: s.name, tags: s.tags, datapoints };
  });
}

/**
 * toRenderJson serialized straight to text: no intermediate arrays, and the `,ts]` tails shared by
 * the series of one grid (about twice as fast on large answers).
 */
export function renderJsonText(series: readonly Series[], options: { noNullPoints?: boolean } = {}): string {
  const out: string[] = [];
  let grid = "";
  let tails: string[] = [];
  for (const s of series) {
    const n = s.values.length;
    const key = `${s.start}/${s.step}/${n}`;
    if (key !== grid) {
      grid = key;
      tails = new Array<string>(n);
      for (let i = 0; i < n; i++) tails[i] = `,${Math.floor((s.start + i * s.step) / 1000)}]`;
    }
    const parts: string[] = [];
    for (let i = 0; i < n; i++) {
      const v = s.values[i]!;
      if (v !== null && Number.isFinite(v)) parts.push("[" + v + tails[i]!);
      else if (options.noNullPoints !== true) parts.push("[null" + tails[i]!);
    }
    out.push(`{"target":${JSON.stringify(s.name)},"tags":${JSON.stringify(s.tags)},"datapoints":[${parts.join(",")}]}`);
  }
  return `[${out.join(",")}]`;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toRenderCsv(series: readonly Series[]): string {
  let out = "";
  for (const s of series) {
    const name = csvField(s.name);
    for (let i = 0; i < s.values.length; i++) {
      const t = new Date(s.start + i * s.step).toISOString();
      const v = finite(s.values[i]!);
      out += `${name},${t.slice(0, 10)} ${t.slice(11, 19)},${v === null ? "" : String(v)}\r\n`;
    }
  }
  return out;
}

/** graphite-web's `format=raw`: `name,start,end,step|v1,v2,…` per line (seconds; floats as Python's repr, null as None). */
export function toRenderRaw(series: readonly Series[]): string {
  let out = "";
  for (const s of series) {
    const start = Math.floor(s.start / 1000);
    const step = Math.floor(s.step / 1000);
    const vals = s.values.map((v) => (v === null || !Number.isFinite(v) ? "None" : Number.isInteger(v) ? `${v}.0` : String(v)));
    out += `${s.name},${start},${start + step * s.values.length},${step}|${vals.join(",")}\n`;
  }
  return out;
}

export interface Columns {
  readonly step: number;
  readonly timestamps: number[];
  readonly series: Array<{ readonly target: string; readonly tags: Record<string, string>; readonly values: Array<number | null> }>;
}

/**
 * Puts a query's series on one time grid: the finest step among them, from the earliest start to
 * the latest end before `to`. Series on that grid are copied; coarser ones (summarize, constantLine) hold each
 * value over the time it covers, so every series has one value per shared timestamp.
 */
export function toColumns(series: readonly Series[], from?: number, to?: number): Columns {
  if (series.length === 0) {
    return { step: 0, timestamps: [], series: [] };
  }
  let grid = series[0]!;
  for (const s of series) if (s.step < grid.step || (s.step === grid.step && s.values.length > grid.values.length)) grid = s;
  const step = grid.step;
  // A bucket that starts before `from` (summarize, hitcount) still holds data of the range: kept
  // (within one range length). One that starts at or after `to` (summarize's empty trailing
  // bucket) is not.
  let start = series.reduce((m, s) => Math.min(m, s.start), Infinity);
  let end = series.reduce((m, s) => Math.max(m, s.start + s.values.length * s.step), -Infinity);
  if (from !== undefined && to !== undefined && start < from - (to - from)) start = from;
  if (to !== undefined && end > to) end = to;
  // keep the grid's phase
  const phase = ((grid.start % step) + step) % step;
  start = Math.ceil((start - phase) / step) * step + phase;
  const timestamps: number[] = [];
  for (let t = start; t < end; t += step) timestamps.push(t);
  return {
    step,
    timestamps,
    series: series.map((s) => {
      const values: Array<number | null> = new Array<number | null>(timestamps.length);
      if (s.step === step && (s.start - start) % step === 0) {
        const off = (s.start - start) / step;
        for (let i = 0; i < timestamps.length; i++) values[i] = finite(s.values[i - off] ?? null);
      } else {
        for (let i = 0; i < timestamps.length; i++) {
          const idx = Math.floor((timestamps[i]! - s.start) / s.step);
          values[i] = idx >= 0 ? finite(s.values[idx] ?? null) : null;
        }
      }
      return { target: s.name, tags: s.tags, values };
    }),
  };
}
