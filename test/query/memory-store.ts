/**
 * A small in-memory TimeSeriesStore for query tests: exact points in, select() consolidating them
 * into step-aligned buckets as the store contract describes. Not a test file (no .test.ts).
 */
import type { Consolidation, PathNode, RawPoint, SelectOptions, SelectResult, SeriesInfo, StoreStats, TagMatcher, TimeSeriesStore } from "../../src/store/api.js";
import type { Sample, Tags } from "../../src/model/index.js";
import { seriesKey } from "../../src/model/index.js";

function globToRegex(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += "[^.]*";
    else if (c === "?") re += "[^.]";
    else if (c === "[") {
      const end = glob.indexOf("]", i);
      re += glob.slice(i, end + 1);
      i = end;
    } else if (c === "{") {
      const end = glob.indexOf("}", i);
      re += `(?:${glob.slice(i + 1, end).split(",").map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export class MemoryStore implements TimeSeriesStore {
  private readonly series = new Map<string, { info: SeriesInfo; points: RawPoint[] }>();
  private nextId = 1;
  /** select() calls, for tests that check what the evaluator asked for. */
  readonly selects: Array<{ ids: readonly number[]; from: number; to: number; options: SelectOptions | undefined }> = [];

  constructor(private readonly interval = 10_000) {}

  add(name: string, points: ReadonlyArray<readonly [number, number]>, tags?: Tags): this {
    const key = seriesKey(name, tags);
    let s = this.series.get(key);
    if (!s) {
      s = { info: { id: this.nextId++, key, name, tags: tags ?? {} }, points: [] };
      this.series.set(key, s);
    }
    for (const [ts, value] of points) s.points.push({ ts, value });
    s.points.sort((a, b) => a.ts - b.ts);
    return this;
  }

  async write(batch: readonly Sample[]): Promise<void> {
    for (const p of batch) this.add(p.name, [[p.ts, p.value]], p.tags);
  }
  getSeries(key: string): SeriesInfo | undefined {
    return this.series.get(key)?.info;
  }
  findSeries(glob: string): SeriesInfo[] {
    if (!/[*?[{]/.test(glob)) return [...this.series.values()].filter((s) => s.info.name === glob).map((s) => s.info);
    const re = globToRegex(glob);
    return [...this.series.values()].filter((s) => re.test(s.info.name)).map((s) => s.info);
  }
  matchSeries(matchers: readonly TagMatcher[]): SeriesInfo[] {
    return [...this.series.values()]
      .map((s) => s.info)
      .filter((info) =>
        matchers.every((m) => {
          const v = m.key === "name" ? info.name : (info.tags[m.key] ?? "");
          switch (m.op) {
            case "=":
              return v === m.value;
            case "!=":
              return v !== m.value;
            case "=~":
              return new RegExp(`^(?:${m.value})`).test(v);
            case "!=~":
              return !new RegExp(`^(?:${m.value})`).test(v);
          }
        }),
      );
  }
  listChildren(query: string): PathNode[] {
    const depth = query.split(".").length;
    const re = globToRegex(query);
    const nodes = new Map<string, { leaf: boolean; expandable: boolean }>();
    for (const { info } of this.series.values()) {
      const parts = info.name.split(".");
      if (parts.length < depth) continue;
      const path = parts.slice(0, depth).join(".");
      if (!re.test(path)) continue;
      const n = nodes.get(path) ?? { leaf: false, expandable: false };
      if (parts.length === depth) n.leaf = true;
      else n.expandable = true;
      nodes.set(path, n);
    }
    return [...nodes.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, n]) => ({ path, text: path.split(".").pop()!, ...n }));
  }
  select(ids: readonly number[], from: number, to: number, options?: SelectOptions): SelectResult {
    this.selects.push({ ids, from, to, options });
    let step = options?.step ?? this.interval;
    if (options?.step === undefined && options?.maxPoints !== undefined) {
      const raw = Math.ceil((to - from) / options.maxPoints);
      step = Math.max(this.interval, Math.ceil(raw / this.interval) * this.interval);
    }
    const first = Math.ceil(from / step) * step;
    const timestamps: number[] = [];
    for (let t = first; t < to; t += step) timestamps.push(t);
    const how: Consolidation = options?.consolidate ?? "avg";
    const byId = new Map([...this.series.values()].map((s) => [s.info.id, s.points]));
    const series = ids.map((id) => {
      const buckets = timestamps.map(() => [] as number[]);
      for (const p of byId.get(id) ?? []) {
        if (p.ts < first || p.ts >= to) continue;
        buckets[Math.floor((p.ts - first) / step)]!.push(p.value);
      }
      const values = buckets.map((b) => {
        if (b.length === 0) return null;
        switch (how) {
          case "avg":
            return b.reduce((x, y) => x + y, 0) / b.length;
          case "sum":
            return b.reduce((x, y) => x + y, 0);
          case "min":
            return Math.min(...b);
          case "max":
            return Math.max(...b);
          case "last":
            return b[b.length - 1]!;
        }
      });
      return { id, values };
    });
    return { from, to, step, tier: "raw", timestamps, series };
  }
  readRaw(id: number, from: number, to: number): RawPoint[] {
    for (const s of this.series.values()) if (s.info.id === id) return s.points.filter((p) => p.ts >= from && p.ts < to);
    return [];
  }
  *latest(): Iterable<{ series: SeriesInfo; ts: number; value: number }> {
    for (const s of this.series.values()) {
      const p = s.points[s.points.length - 1];
      if (p) yield { series: s.info, ts: p.ts, value: p.value };
    }
  }
  deleteSeries(glob: string): number {
    const hit = this.findSeries(glob);
    for (const h of hit) this.series.delete(h.key);
    return hit.length;
  }
  stats(): StoreStats {
    return { series: this.series.size, pointsByTier: { raw: 0, "1m": 0, "1h": 0 }, headPoints: 0, chunks: 0, dbBytes: 0, walBytes: 0, writesRefused: 0 };
  }
  runRetention(): void {}
  async close(): Promise<void> {}
}
