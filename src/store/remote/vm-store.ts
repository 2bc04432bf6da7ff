/**
 * The time-series store on a remote engine (VictoriaMetrics; any Prometheus-compatible read API
 * where the names allow). The contract of api.ts is synchronous, the engine is not; so:
 *   - writes update an in-memory series index (find, tags, listings stay synchronous) and go to a
 *     disk-queued remote_write forwarder (an engine outage loses nothing; the queue is bounded);
 *   - the index is also refreshed from the engine's series API on a timer (series other Loupes or
 *     agents wrote), bounded by [store] max_series;
 *   - reads of data are answered from a cache that `prefetch` fills: the reader runs its evaluation
 *     once through prefetch in recording mode (every select/readRaw it makes is noted and answered
 *     with nulls), the noted reads are fetched from the engine, and the evaluation repeats (a read
 *     that depended on fetched values is noted in the next round, MAX_ROUNDS at most); then the
 *     reader evaluates for real, synchronously, from the cache.
 */
import { BadRequestError, errorMessage } from "../../lib/errors.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { seriesKey, type Sample, type UnixMs } from "../../model/index.js";
import type { PathNode, RawPoint, SelectOptions, SelectResult, SeriesInfo, StoreStats, TagMatcher, TimeSeriesStore } from "../api.js";
import { SeriesIndex } from "../tsdb/series-index.js";
import { compileGlob } from "../tsdb/glob.js";
import type { EngineClient } from "./client.js";
import { bucketStarts, planRemote, spacingOf } from "./plan.js";
import { keyOfLabels, namesSelector } from "./promql.js";
import { fetchRaw, fetchSelect, type RawRequest, type ReadRequest, type SelectData, type SelectRequest } from "./reads.js";
import { ReadCache } from "./read-cache.js";

/** Rounds of a prefetch (a read that depends on values read in the round before). */
export const MAX_ROUNDS = 3;
/** A prefetch fetches again what was fetched longer ago than this (new points may have arrived). */
export const FRESH_MS = 5_000;
/** How far back the index refresh looks for each series' last point (latest()). */
export const LATEST_WINDOW_MS = 86_400_000;
/** How far back the index refresh measures the spacing of series it did not see written (whole seconds). */
export const INTERVAL_WINDOW_MS = 3_600_000;
/** Reads to the engine in flight at once per prefetch. */
const FETCH_CONCURRENCY = 4;

interface RemoteSeries extends SeriesInfo {
  interval: number;
  longer: number;
  lastTs: number;
  lastValue: number;
}

/** Where points go: the store forwarder's disk queue (startForwarder in src/forward). */
export interface QueueWriter {
  write(batch: readonly Sample[]): void;
}

export interface RemoteStoreOptions {
  readonly client: EngineClient;
  readonly writer: QueueWriter;
  readonly clock: Clock;
  readonly log: Logger;
  readonly maxSeries: number;
  readonly maxQuerySeries: number;
  readonly maxCachedPoints: number;
  readonly indexRefreshMs: number;
  readonly indexLookbackMs: number;
  /** Tests: no refresh timer. */
  readonly timers?: boolean;
}

export interface RemoteCounters {
  indexFull: number;
  refused: number;
  cacheMisses: number;
  fetches: number;
  fetchFailures: number;
  refreshFailures: number;
}

export class RemoteStore implements TimeSeriesStore {
  private readonly index = new SeriesIndex<RemoteSeries>();
  private nextId = 1;
  private readonly cache: ReadCache;
  private recording: Map<string, ReadRequest> | undefined;
  private gen = 0;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  readonly counters: RemoteCounters = { indexFull: 0, refused: 0, cacheMisses: 0, fetches: 0, fetchFailures: 0, refreshFailures: 0 };

  constructor(private readonly o: RemoteStoreOptions) {
    this.cache = new ReadCache(o.maxCachedPoints);
    if (o.timers !== false) {
      this.timer = setInterval(() => void this.refreshIndex().catch(() => undefined), o.indexRefreshMs);
      this.timer.unref();
    }
  }

  get client(): EngineClient {
    return this.o.client;
  }

  // ---- write ----

  private seriesOf(name: string, tags: Readonly<Record<string, string>> | undefined): RemoteSeries | undefined {
    const key = tags === undefined ? name : seriesKey(name, tags);
    let s = this.index.byKey.get(key);
    if (s !== undefined) return s;
    if (this.index.size >= this.o.maxSeries) {
      this.counters.indexFull++;
      return undefined;
    }
    s = { id: this.nextId++, key, name, tags: { ...(tags ?? {}) }, interval: 0, longer: 0, lastTs: -Infinity, lastValue: NaN };
    this.index.add(s);
    return s;
  }

  /** Indexes the points and queues them for the engine (durable on return, as the queue is). */
  async write(batch: readonly Sample[]): Promise<void> {
    for (const p of batch) {
      const s = this.seriesOf(p.name, p.tags);
      if (s === undefined) continue; // still sent: the engine has no such bound, only the index has
      if (p.ts > s.lastTs) {
        noteSpacing(s, p.ts - s.lastTs);
        s.lastTs = p.ts;
        s.lastValue = p.value;
      }
    }
    this.o.writer.write(batch);
  }

  // ---- series index ----

  getSeries(key: string): SeriesInfo | undefined {
    return this.index.byKey.get(key);
  }

  findSeries(glob: string): SeriesInfo[] {
    return this.index.find(glob);
  }

  matchSeries(matchers: readonly TagMatcher[]): SeriesInfo[] {
    return this.index.match(matchers);
  }

  listChildren(query: string): PathNode[] {
    return this.index.listChildren(query);
  }

  /** Loads the series the engine has seen within [store] index_lookback (at most max_series); one refresh at a time. */
  refreshIndex(): Promise<void> {
    this.refreshing ??= this.loadIndex().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async loadIndex(): Promise<void> {
    const now = this.o.clock.now();
    try {
      const rows = await this.o.client.series('{__name__=~".+"}', now - this.o.indexLookbackMs, now, this.o.maxSeries);
      let added = 0;
      for (const metric of rows) {
        const key = keyOfLabels(metric);
        if (key === undefined || this.index.byKey.has(key)) continue;
        const { __name__: name, ...tags } = metric;
        const clean = Object.fromEntries(Object.entries(tags).filter(([, v]) => v !== ""));
        if (this.seriesOf(name!, Object.keys(clean).length > 0 ? clean : undefined) !== undefined) added++;
      }
      if (added > 0) this.o.log.debug("series index refreshed", { added, series: this.index.size });
      await this.loadLatest(now);
    } catch (err) {
      this.counters.refreshFailures++;
      this.o.log.warn("series index refresh failed", { err: errorMessage(err) });
      throw err;
    }
  }

  /**
   * The last point of every series with one within LATEST_WINDOW (two instant queries), for latest()
   * (hosts page, Prometheus include_series) of series this Loupe did not write itself, and their
   * spacing (VictoriaMetrics' scrape_interval: the mean gap over INTERVAL_WINDOW, in whole seconds).
   */
  private async loadLatest(now: number): Promise<void> {
    const sel = `{__name__=~".+"}[${LATEST_WINDOW_MS}ms]`;
    const [times, values, spacing] = await Promise.all([
      this.o.client.query(`tlast_over_time(${sel}) keep_metric_names`, now),
      this.o.client.query(`last_over_time(${sel}) keep_metric_names`, now),
      // the spacing of series this Loupe did not write (the step of a read at their resolution)
      this.o.client.query(`scrape_interval({__name__=~".+"}[${INTERVAL_WINDOW_MS}ms]) keep_metric_names`, now),
    ]);
    for (const v of spacing) {
      const key = keyOfLabels(v.metric);
      const s = key === undefined ? undefined : this.index.byKey.get(key);
      const sec = Math.round(Number(v.value[1]));
      if (s !== undefined && s.interval === 0 && sec >= 1) s.interval = sec * 1000;
    }
    const lastValue = new Map<string, number>();
    for (const v of values) {
      const key = keyOfLabels(v.metric);
      if (key !== undefined) lastValue.set(key, Number(v.value[1]));
    }
    for (const t of times) {
      const key = keyOfLabels(t.metric);
      const s = key === undefined ? undefined : this.index.byKey.get(key);
      const value = key === undefined ? undefined : lastValue.get(key);
      const ts = Math.round(Number(t.value[1]) * 1000);
      if (s === undefined || value === undefined || !Number.isFinite(ts) || ts <= s.lastTs) continue;
      s.lastTs = ts;
      s.lastValue = value;
    }
  }

  // ---- reads ----

  private infos(ids: readonly number[]): RemoteSeries[] {
    const out: RemoteSeries[] = [];
    for (const id of ids) {
      const s = this.index.get(id);
      if (s !== undefined) out.push(s);
    }
    return out;
  }

  select(ids: readonly number[], from: UnixMs, to: UnixMs, options: SelectOptions = {}): SelectResult {
    if (ids.length > this.o.maxQuerySeries) {
      this.counters.refused++;
      throw new BadRequestError(`a read of ${ids.length} series is more than [store] max_query_series (${this.o.maxQuerySeries})`, "max_query_series");
    }
    const series = this.infos(ids);
    const interval = spacingOf(series.map((s) => s.interval));
    const plan = planRemote(ids.length, interval, from, to, options);
    const timestamps = bucketStarts(from, to, plan.step);
    const base = { from, to, step: plan.step, tier: "raw" as const, timestamps };
    const empty = (): SelectResult => ({ ...base, series: ids.map((id) => ({ id, values: timestamps.map(() => null) })) });
    // a probe for the data's spacing (no step, no maxPoints, one bucket) needs no data
    if (options.step === undefined && options.maxPoints === undefined && timestamps.length <= 1) return empty();
    const consolidate = options.consolidate ?? "avg";
    const key = `s\u0000${ids.join(",")}\u0000${from}\u0000${to}\u0000${plan.step}\u0000${consolidate}`;
    const data = this.lookup<SelectData>(key, () => ({ kind: "select", key, series: series.map((s) => ({ id: s.id, key: s.key, name: s.name })), from, to, step: plan.step, raw: plan.raw, consolidate }));
    if (data === undefined) return empty();
    return { ...base, series: ids.map((id) => ({ id, values: data.get(id) ?? timestamps.map(() => null) })) };
  }

  readRaw(id: number, from: UnixMs, to: UnixMs): RawPoint[] {
    const s = this.index.get(id);
    if (s === undefined) return [];
    const key = `r\u0000${id}\u0000${from}\u0000${to}`;
    return this.lookup<RawPoint[]>(key, (): RawRequest => ({ kind: "raw", key, series: { id, key: s.key, name: s.name }, from, to })) ?? [];
  }

  /** The cached answer of a read; undefined (and noted, when recording) when there is none yet. */
  private lookup<T>(key: string, request: () => ReadRequest): T | undefined {
    const hit = this.cache.get(key, this.recording !== undefined ? this.o.clock.now() - FRESH_MS : -Infinity);
    if (hit !== undefined) return hit as T;
    if (this.recording !== undefined) {
      if (!this.recording.has(key)) this.recording.set(key, request());
    } else this.counters.cacheMisses++;
    return undefined;
  }

  /** Runs `evaluate` in recording mode, fetches what it read, until it reads nothing new (MAX_ROUNDS). */
  async prefetch(evaluate: () => unknown): Promise<void> {
    const gen = ++this.gen;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const wanted = new Map<string, ReadRequest>();
      this.recording = wanted;
      try {
        evaluate();
      } catch {
        // the real evaluation reports it
      } finally {
        this.recording = undefined;
      }
      if (wanted.size === 0) return;
      await this.fetchAll([...wanted.values()], gen);
    }
  }

  private async fetchAll(requests: readonly ReadRequest[], gen: number): Promise<void> {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const r = requests[next++]!;
        this.counters.fetches++;
        try {
          if (r.kind === "raw") {
            const points = await fetchRaw(this.o.client, r);
            this.cache.put(r.key, points, points.length, gen, this.o.clock.now());
          } else {
            const data = await fetchSelect(this.o.client, r);
            this.cache.put(r.key, data, r.series.length * Math.max(1, Math.ceil((r.to - r.from) / r.step)), gen, this.o.clock.now());
          }
        } catch (err) {
          this.counters.fetchFailures++;
          throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, requests.length) }, worker));
  }

  latest(): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }> {
    const out: Array<{ series: SeriesInfo; ts: UnixMs; value: number }> = [];
    for (const s of this.index.byKey.values()) if (s.lastTs > -Infinity) out.push({ series: s, ts: s.lastTs, value: s.lastValue });
    return out;
  }

  /** Forgets matching series here and asks the engine to delete them (it does so in the background). */
  deleteSeries(glob: string): number {
    compileGlob(glob);
    const victims = this.index.find(glob);
    for (const s of victims) this.index.remove(s);
    this.cache.clear();
    if (victims.length > 0) {
      const names = [...new Set(victims.map((s) => s.name))];
      for (let i = 0; i < names.length; i += 500) {
        const sel = namesSelector(names.slice(i, i + 500));
        this.o.client.deleteSeries(sel).catch((err: unknown) => this.o.log.warn("engine delete_series failed", { selector: sel.slice(0, 200), err: errorMessage(err) }));
      }
    }
    return victims.length;
  }

  stats(): StoreStats {
    return {
      series: this.index.size,
      pointsByTier: { raw: 0, "1m": 0, "1h": 0 },
      headPoints: 0,
      chunks: 0,
      dbBytes: 0,
      walBytes: 0,
      writesRefused: 0,
      maxSeries: this.o.maxSeries,
      memory: { remote_cache: this.cache.points * 8 },
    };
  }

  /** The engine keeps its own retention (-retentionPeriod). */
  runRetention(): void {}

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.refreshing?.catch(() => undefined);
    this.cache.clear();
  }
}

/** The local store's spacing estimate (head.ts noteSpacing): the smallest recent gap, longer after 3 longer gaps. */
function noteSpacing(s: RemoteSeries, d: number): void {
  if (!(d > 0) || !Number.isFinite(d)) return;
  if (s.interval === 0 || d <= s.interval) {
    s.interval = d;
    s.longer = 0;
  } else if (++s.longer >= 3) {
    s.interval = d;
    s.longer = 0;
  }
}

