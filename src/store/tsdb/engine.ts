/**
 * The time-series engine: series index + heads in memory, point WAL for crash safety, closed
 * chunks committed to SQLite in large transactions, rollups built as chunks close.
 *
 * Write path per sample: one Map lookup (key → series), an append into the head's typed arrays,
 * and a few bytes into the WAL group. Full heads are encoded into chunks and queued; queued chunks
 * are committed in one transaction when enough have gathered or a second has passed, after which
 * WAL segments nobody needs any more are deleted.
 *
 * This file is the façade (TimeSeriesStore); the engine's concerns live apart, as Prometheus'
 * head does: engine-state.ts (shared state), head-append.ts (write path), head-close.ts (heads →
 * chunks, rollups), head-wal.ts (start and WAL replay), commit.ts (commit, WAL truncation,
 * retention, flush), head-read.ts and select.ts (reads), stats.ts (figures).
 */
import { errorMessage } from "../../lib/errors.js";
import type { Sample, UnixMs } from "../../model/index.js";
import type { PathNode, RawPoint, SelectOptions, SelectResult, SeriesInfo, StoreStats, TagMatcher, TimeSeriesStore } from "../api.js";
import { flushAll, runRetention, tick } from "./commit.js";
import { EngineState, type EngineOptions } from "./engine-state.js";
import { writeResolved, writeSamples } from "./head-append.js";
import { latestPoints, readRaw } from "./head-read.js";
import { loadEngine } from "./head-wal.js";
import { saveRollupState } from "./rollup-state.js";
import { selectSeries } from "./select.js";
import { engineStats, refreshCounts } from "./stats.js";
import type Database from "better-sqlite3";

export type { EngineOptions } from "./engine-state.js";

export class TsdbStore implements TimeSeriesStore {
  private readonly e: EngineState;
  private timers: NodeJS.Timeout[] = [];

  private constructor(db: Database.Database, opts: EngineOptions) {
    this.e = new EngineState(db, opts);
  }

  static open(db: Database.Database, opts: EngineOptions): TsdbStore {
    const s = new TsdbStore(db, opts);
    s.start();
    return s;
  }

  private start(): void {
    const t0 = Date.now();
    const e = this.e;
    const r = loadEngine(e);
    e.opts.log.info("store ready", {
      series: e.index.size,
      wal_records: r.walRecords,
      wal_samples: r.walSamples,
      wal_unknown_series: r.walUnknownSeries,
      rollup_chunks_rebuilt: r.rollupChunksRebuilt,
      rollup_builders_restored: r.rollupBuildersRestored,
      ms: Date.now() - t0,
    });
    if (e.opts.timers === false) return;
    const commit = setInterval(() => tick(e), e.opts.commitIntervalMs ?? 1000);
    const retention = setInterval(() => {
      try {
        runRetention(e);
      } catch (err) {
        e.opts.log.error("retention failed", { err: errorMessage(err) });
      }
    }, e.opts.retentionIntervalMs);
    commit.unref();
    retention.unref();
    this.timers.push(commit, retention);
  }

  // ---- write ----

  get seriesEpoch(): number {
    return this.e.seriesEpoch;
  }

  seriesId(key: string): number | undefined {
    return this.e.index.byKey.get(key)?.id;
  }

  writeResolved(ids: Float64Array, ts: Float64Array, values: Float64Array, n: number): Promise<void> {
    return writeResolved(this.e, ids, ts, values, n);
  }

  write(batch: readonly Sample[]): Promise<void> {
    return writeSamples(this.e, batch);
  }

  deleteSeries(glob: string): number {
    const e = this.e;
    const victims = e.index.find(glob);
    if (victims.length === 0) return 0;
    const ids = new Set(victims.map((s) => s.id));
    e.pending = e.pending.filter((c) => !ids.has(c.series.id));
    e.cdb.deleteSeries([...ids]);
    e.tagCache = new WeakMap();
    e.seriesEpoch++;
    for (const s of victims) {
      if (s.ts !== undefined) e.budget.releaseHead();
      e.index.remove(s);
      s.n = 0;
      s.clearBlock();
      s.blockBuf = undefined;
      s.pending = [];
    }
    refreshCounts(e);
    return victims.length;
  }

  // ---- read ----

  getSeries(key: string): SeriesInfo | undefined {
    return this.e.index.byKey.get(key);
  }

  findSeries(glob: string): SeriesInfo[] {
    return this.e.index.find(glob);
  }

  matchSeries(matchers: readonly TagMatcher[]): SeriesInfo[] {
    return this.e.index.match(matchers);
  }

  listChildren(query: string): PathNode[] {
    return this.e.index.listChildren(query);
  }

  select(ids: readonly number[], from: UnixMs, to: UnixMs, options: SelectOptions = {}): SelectResult {
    return selectSeries(this.e, ids, from, to, options);
  }

  readRaw(id: number, from: UnixMs, to: UnixMs): RawPoint[] {
    return readRaw(this.e, id, from, to);
  }

  latest(): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }> {
    return latestPoints(this.e);
  }

  stats(): StoreStats {
    return engineStats(this.e);
  }

  /** Points refused because they were older than the series' closed chunks. */
  get tooOldDropped(): number {
    return this.e.droppedTooOld;
  }

  // ---- maintenance ----

  runRetention(): void {
    runRetention(this.e);
  }

  /** Closes every head and builder and commits them (see flushAll). */
  flush(atClose = false): void {
    flushAll(this.e, atClose);
  }

  async close(): Promise<void> {
    const e = this.e;
    if (e.closed) return;
    e.closed = true;
    for (const t of this.timers) clearInterval(t);
    await e.wal.drain();
    try {
      flushAll(e, true);
      await e.wal.close();
      e.wal.removeAll();
    } catch (err) {
      // the WAL stays: the next start replays it
      e.opts.log.error("store flush at close failed; the WAL will be replayed at next start", { err: errorMessage(err) });
      await e.wal.close().catch(() => undefined);
      return;
    }
    try {
      saveRollupState(e.opts.walDir, e.index.byId.values());
    } catch (err) {
      e.opts.log.warn("rollup state not saved; the next start rebuilds it from raw rows", { err: errorMessage(err) });
    }
  }
}
