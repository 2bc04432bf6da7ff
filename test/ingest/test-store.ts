/**
 * The store the ingest end-to-end tests write to. Until src/store/index.ts lands this is an
 * in-memory stand-in with the TimeSeriesStore calls those tests use (findSeries, getSeries,
 * readRaw, latest); then it is the real store on a fresh temp database.
 */
import type { Sample } from "../../src/model/index.js";
import { seriesKey, parseSeriesKey } from "../../src/model/index.js";
import type { RawPoint, SeriesInfo } from "../../src/store/api.js";

export interface TestStore {
  write(batch: readonly Sample[]): Promise<void>;
  findSeries(glob: string): SeriesInfo[];
  getSeries(key: string): SeriesInfo | undefined;
  readRaw(id: number, from: number, to: number): RawPoint[];
  close(): Promise<void>;
}

function globToRegex(glob: string): RegExp {
  let re = "";
  for (const c of glob) re += c === "*" ? "[^.]*" : c === "?" ? "[^.]" : c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`^${re}$`);
}

export async function openTestStore(_dir: string): Promise<TestStore> {
  const series = new Map<string, { info: SeriesInfo; points: RawPoint[] }>();
  return {
    async write(batch) {
      for (const s of batch) {
        const key = seriesKey(s.name, s.tags);
        let e = series.get(key);
        if (e === undefined) {
          const { name, tags } = parseSeriesKey(key);
          e = { info: { id: series.size + 1, key, name, tags }, points: [] };
          series.set(key, e);
        }
        e.points.push({ ts: s.ts, value: s.value });
      }
    },
    findSeries(glob) {
      const re = globToRegex(glob);
      return [...series.values()].filter((e) => re.test(e.info.name)).map((e) => e.info);
    },
    getSeries(key) {
      return series.get(key)?.info;
    },
    readRaw(id, from, to) {
      for (const e of series.values()) if (e.info.id === id) return e.points.filter((p) => p.ts >= from && p.ts < to).sort((a, b) => a.ts - b.ts);
      return [];
    },
    async close() {},
  };
}
