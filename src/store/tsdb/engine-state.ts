/**
 * The engine's shared state: what the files of the engine (head-append, head-close, head-wal,
 * commit, head-read, stats) work on, as Prometheus' Head is one type whose methods live in several
 * files. Only src/store/tsdb/ uses it; the façade is TsdbStore (engine.ts).
 */
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { parseSeriesKey, type Tags } from "../../model/index.js";
import { ChunkDb } from "./chunk-db.js";
import { MemSeries, type PendingChunk } from "./head.js";
import { RollupBuilder } from "./rollup.js";
import { SeriesIndex } from "./series-index.js";
import { TIER_1H, TIER_RES, tierEnabled, type TierSettings } from "./tiers.js";
import { PointWal, type FsyncPolicy, type WalFs } from "./wal.js";
import { SeriesBudget } from "./budget.js";
import type Database from "better-sqlite3";

export interface EngineOptions {
  readonly walDir: string;
  readonly fsync: FsyncPolicy;
  readonly walFlushIntervalMs: number;
  readonly chunkPoints: number;
  readonly chunkSpan: number;
  /** Bytes (database file + point WAL); 0 = no limit. */
  readonly maxSize: number;
  /** `[store] head_idle`: an open chunk idle this long (wall clock) is closed and committed. */
  readonly headIdleMs?: number;
  readonly retentionIntervalMs: number;
  readonly retention: { readonly raw: number; readonly rollup1m: number; readonly rollup1h: number };
  readonly log: Logger;
  readonly clock: Clock;
  /** Tuning (tests): WAL segment size, buckets per rollup chunk, chunks per commit, commit period. */
  readonly walSegmentBytes?: number;
  readonly rollupBuckets?: readonly [number, number];
  readonly commitChunks?: number;
  readonly commitIntervalMs?: number;
  /** Raw chunks gathered into one SQLite row (default 6; a row also closes when it spans chunkSpan). */
  readonly chunksPerRow?: number;
  /** Run retention on a timer (default true). */
  readonly timers?: boolean;
  /** `[store] max_series`: new series beyond it are refused; as many heads at most (default: no limit). */
  readonly maxSeries?: number;
  /** The WAL's file-system layer (tests record the order of its calls). */
  readonly walFs?: WalFs;
}

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

export class EngineState {
  readonly index = new SeriesIndex<MemSeries>();
  readonly cdb: ChunkDb;
  readonly tiers: TierSettings;
  readonly wal: PointWal;
  readonly budget: SeriesBudget;
  readonly chunkSpan: number;
  readonly chunkPoints: number;
  readonly chunksPerRow: number;
  pending: PendingChunk[] = [];
  lastCommit = 0;
  failure: Error | undefined;
  closed = false;
  committedPoints = [0, 0, 0];
  committedChunks = 0;
  writesRefused = 0;
  droppedTooOld = 0;
  /** Heads closed because they were idle or open for chunk_span of wall-clock time. */
  headsClosedIdle = 0;
  /** Wall-clock time of the batch being written (one clock read per batch, not per point). */
  now = 0;
  lastSweep = 0;
  /** A series got COMPACT_SOON_ROWS level rows since compaction looked at it: tick runs a short compaction. */
  compactDue = false;
  /** The tick's compaction runs rewrote rows since the last shrink. */
  compactShrink = false;
  /** Wall-clock time of the last compaction started by tick. */
  lastCompactRun = 0;
  /** The WAL segment last seen by the idle sweep, and when it was first seen (wall clock). */
  segSeen = -1;
  segSeenAt = 0;
  /** True while the WAL is replayed at start (budget refusals count as replay skips). */
  replaying = false;
  /** Bumped when series are deleted (ids resolved by writers before must be resolved again). */
  seriesEpoch = 0;
  /** Tagged samples: frozen tags object → name → series (see taggedSeries); replaced when series are deleted. */
  tagCache = new WeakMap<Tags, Map<string, MemSeries>>();
  // scratch for one batch's WAL record
  bIds = new Float64Array(1024);
  bTs = new Float64Array(1024);
  bVs = new Float64Array(1024);
  // scratch for decoding a row's chunks
  rowTs = new Float64Array(1024);
  rowVs = new Float64Array(1024);

  constructor(
    readonly db: Database.Database,
    readonly opts: EngineOptions,
  ) {
    this.cdb = new ChunkDb(db);
    this.budget = new SeriesBudget(opts.maxSeries ?? Number.MAX_SAFE_INTEGER, opts.log, opts.clock);
    this.chunkSpan = opts.chunkSpan;
    this.chunkPoints = opts.chunkPoints;
    this.chunksPerRow = opts.chunksPerRow ?? 6;
    this.tiers = {
      retention: [opts.retention.raw, opts.retention.rollup1m, opts.retention.rollup1h],
      rollupBuckets: [0, opts.rollupBuckets?.[0] ?? 120, opts.rollupBuckets?.[1] ?? 48],
      chunkSpan: opts.chunkSpan,
    };
    this.wal = new PointWal({
      dir: opts.walDir,
      fsync: opts.fsync,
      flushIntervalMs: opts.walFlushIntervalMs,
      log: opts.log,
      ...(opts.walSegmentBytes !== undefined ? { segmentBytes: opts.walSegmentBytes } : {}),
      ...(opts.walFs !== undefined ? { fs: opts.walFs } : {}),
    });
  }

  /** Adds a series known by id and key to the index, with its rollup builders. */
  newSeries(id: number, key: string): MemSeries {
    // an untagged series shares one string for key and name, and one empty tags object
    const { name, tags } = key.includes(";") ? parseSeriesKey(key) : { name: key, tags: NO_TAGS };
    const s = new MemSeries(id, key, name, tags);
    // the 1h tier is built as raw chunks close; the 1m tier's 5-minute level as rows are sealed (head-close.ts rollRow)
    s.builders[TIER_1H] = tierEnabled(this.tiers, TIER_1H) ? new RollupBuilder(TIER_RES[TIER_1H]!) : undefined;
    this.index.add(s);
    return s;
  }

  /** Makes the row scratch arrays hold n points. */
  rowScratch(n: number): void {
    if (this.rowTs.length < n) {
      this.rowTs = new Float64Array(n * 2);
      this.rowVs = new Float64Array(n * 2);
    }
  }

  /** Chunks of a series and tier not yet committed (reads merge them). */
  pendingOf(s: MemSeries, tier: number): PendingChunk[] {
    return s.pending.filter((c) => c.tier === tier);
  }
}
