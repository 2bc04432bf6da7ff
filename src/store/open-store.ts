/**
 * Opening the time-series store: the local one (tsdb/) or, with `[store] backend = victoriametrics`,
 * the remote one (remote/). Re-exported by index.ts.
 */
import type { Config } from "../config/index.js";
import { systemClock, type Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { Db } from "./db.js";
import type { TimeSeriesStore } from "./api.js";
import { TsdbStore } from "./tsdb/engine.js";
import type { WalFs } from "./tsdb/wal.js";
import { openRemoteStore, type QueueWriter } from "./remote/index.js";

export interface OpenStoreOptions {
  readonly store: Config["store"];
  readonly retention: Config["retention"];
  /** Folder of the point WAL (created), e.g. `${config.database.path}.wal`. */
  readonly walPath: string;
  readonly log: Logger;
  readonly clock?: Clock;
  readonly metrics?: MetricsRegistry;
  /** `[store] backend = victoriametrics`: the disk-queued remote_write the points go to (src/forward startStoreWriter). */
  readonly remoteWriter?: QueueWriter;
  /** Tests: smaller WAL segments, rollup chunk sizes, no timers. */
  readonly tuning?: {
    readonly walSegmentBytes?: number;
    readonly rollupBuckets?: readonly [number, number];
    readonly commitChunks?: number;
    readonly chunksPerRow?: number;
    readonly timers?: boolean;
    readonly walFs?: WalFs;
  };
}

/** Opens the time-series store on a migrated database: loads the series index and replays the WAL. */
export async function openStore(db: Db, options: OpenStoreOptions): Promise<TimeSeriesStore> {
  const t = options.tuning ?? {};
  if (options.store.backend === "victoriametrics") {
    if (options.remoteWriter === undefined) throw new Error("[store] backend = victoriametrics: openStore needs remoteWriter (main.ts starts it)");
    const remote = await openRemoteStore({ store: options.store, writer: options.remoteWriter, log: options.log, clock: options.clock ?? systemClock, ...(options.metrics !== undefined ? { metrics: options.metrics } : {}), ...(t.timers !== undefined ? { timers: t.timers } : {}) });
    if (options.metrics !== undefined) registerStoreMetrics(options.metrics, remote);
    return remote;
  }
  const store = TsdbStore.open(db, {
    walDir: options.walPath,
    fsync: options.store.fsync,
    walFlushIntervalMs: options.store.wal_flush_interval,
    chunkPoints: options.store.chunk_points,
    chunkSpan: options.store.chunk_span,
    maxSize: options.store.max_size,
    headIdleMs: options.store.head_idle,
    maxSeries: options.store.max_series,
    retentionIntervalMs: options.store.retention_interval,
    retention: { raw: options.retention.raw, rollup1m: options.retention.rollup_1m, rollup1h: options.retention.rollup_1h },
    log: options.log.child({ module: "store" }),
    clock: options.clock ?? systemClock,
    ...(t.walSegmentBytes !== undefined ? { walSegmentBytes: t.walSegmentBytes } : {}),
    ...(t.rollupBuckets !== undefined ? { rollupBuckets: t.rollupBuckets } : {}),
    ...(t.commitChunks !== undefined ? { commitChunks: t.commitChunks } : {}),
    ...(t.chunksPerRow !== undefined ? { chunksPerRow: t.chunksPerRow } : {}),
    ...(t.timers !== undefined ? { timers: t.timers } : {}),
    ...(t.walFs !== undefined ? { walFs: t.walFs } : {}),
  });
  if (options.metrics !== undefined) registerStoreMetrics(options.metrics, store);
  return store;
}

/** Store figures computed on each /metrics scrape. */
export function registerStoreMetrics(metrics: MetricsRegistry, store: TimeSeriesStore): void {
  metrics.collect(() => {
    const s = store.stats();
    return [
      { name: "loupe_store_series", help: "series in the store", type: "gauge" as const, value: s.series },
      ...Object.entries(s.pointsByTier).map(([tier, v]) => ({ name: "loupe_store_points", help: "points stored per tier (raw includes the head)", type: "gauge" as const, labels: { tier }, value: v })),
      { name: "loupe_store_head_points", help: "points in open chunks (memory and WAL)", type: "gauge" as const, value: s.headPoints },
      { name: "loupe_store_chunks", help: "chunks stored", type: "gauge" as const, value: s.chunks },
      { name: "loupe_store_db_bytes", help: "bytes of the SQLite file and its WAL", type: "gauge" as const, value: s.dbBytes },
      { name: "loupe_store_wal_bytes", help: "bytes of the point WAL", type: "gauge" as const, value: s.walBytes },
      { name: "loupe_store_heads_closed_idle_total", help: "open chunks closed early: idle for [store] head_idle or open for chunk_span of wall-clock time", type: "counter" as const, value: s.headsClosedIdle ?? 0 },
      { name: "loupe_store_writes_refused_total", help: "writes refused (disk full, closed)", type: "counter" as const, value: s.writesRefused },
      { name: "loupe_store_points_too_old_total", help: "points dropped: older than their series' closed chunks", type: "counter" as const, value: s.pointsTooOld ?? 0 },
      { name: "loupe_store_max_series", help: "[store] max_series: the series budget", type: "gauge" as const, value: s.maxSeries ?? 0 },
      { name: "loupe_store_series_refused_total", help: "new series refused because the store held [store] max_series (each write that would have created one)", type: "counter" as const, value: s.seriesRefused ?? 0 },
      { name: "loupe_store_points_refused_total", help: "points dropped because their series was refused or got no head within [store] max_series", type: "counter" as const, value: s.pointsRefused ?? 0 },
      { name: "loupe_store_wal_replay_skipped_total", help: "points skipped by the WAL replay at start: their series got no head within [store] max_series", type: "counter" as const, value: s.walReplaySkipped ?? 0 },
      ...Object.entries(s.memory ?? {}).map(([part, v]) => ({ name: "loupe_memory_bytes", help: "memory by part, bytes (store parts; docs/format/memory.md)", type: "gauge" as const, labels: { part }, value: v })),
    ];
  });
}
