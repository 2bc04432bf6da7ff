import type { UnixMs } from "./time.js";

/** Tag key → value. Keys are sorted when a series key is built. */
export type Tags = Readonly<Record<string, string>>;

/**
 * One point of one series. A Graphite path is a series whose `name` is the path and whose tags
 * are empty (ingest templates may add tags). Influx `m,tag=v f=1` becomes name `m.f` with tags.
 */
export interface Sample {
  readonly name: string;
  readonly tags?: Tags;
  readonly ts: UnixMs;
  readonly value: number;
}

/**
 * Where collectors and ingest write. `write` resolves once the batch is durable according to the
 * store's fsync policy (so a protocol may acknowledge its sender), and rejects with a
 * StoreWriteError when the store cannot take it (disk full, size guard, shutting down).
 */
export interface SampleSink {
  write(batch: readonly Sample[]): Promise<void>;
}

/** Canonical series key: `name` or `name;k1=v1;k2=v2` with keys sorted (Graphite tagged-series form). */
export function seriesKey(name: string, tags?: Tags): string {
  if (tags === undefined) return name;
  const keys = Object.keys(tags);
  if (keys.length === 0) return name;
  keys.sort();
  let key = name;
  for (const k of keys) key += `;${k}=${tags[k]}`;
  return key;
}

/** Inverse of seriesKey. */
export function parseSeriesKey(key: string): { name: string; tags: Tags } {
  const parts = key.split(";");
  const name = parts[0] ?? "";
  const tags: Record<string, string> = {};
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const eq = p.indexOf("=");
    if (eq > 0) tags[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { name, tags };
}
