/**
 * The store's public contract, used by query/, http/ and main.ts. Implemented by src/store/ (the
 * façade in index.ts). Collectors and ingest see only model's SampleSink.
 */
import type { SampleSink, Tags, UnixMs } from "../model/index.js";

export interface SeriesInfo {
  readonly id: number;
  /** Canonical key: `name` or `name;k=v;…` (tags sorted). */
  readonly key: string;
  readonly name: string;
  readonly tags: Tags;
}

/** A tag matcher: `=`, `!=`, `=~` (regex, anchored), `!=~`. */
export interface TagMatcher {
  readonly key: string;
  readonly op: "=" | "!=" | "=~" | "!=~";
  readonly value: string;
}

/** One entry of a Graphite /metrics/find listing. */
export interface PathNode {
  /** Full path of this node, e.g. `servers.web1.cpu`. */
  readonly path: string;
  /** Last segment, e.g. `cpu`. */
  readonly text: string;
  /** A series exists with exactly this path. */
  readonly leaf: boolean;
  /** Deeper paths exist below it. */
  readonly expandable: boolean;
}

export type Consolidation = "avg" | "min" | "max" | "sum" | "last";
export type Tier = "raw" | "1m" | "1h";

export interface SelectOptions {
  /** Bucket width in ms. When absent: derived from maxPoints, else the finest natural interval of the data. */
  readonly step?: number;
  /** Point budget per series; the store picks the finest tier and a step that fit it. */
  readonly maxPoints?: number;
  readonly consolidate?: Consolidation;
}

/**
 * Columnar result ready for uPlot: one shared timestamp array (bucket starts, aligned to `step`,
 * from ≤ t < to) and one value array per requested series, null where a bucket has no data.
 */
export interface SelectResult {
  readonly from: UnixMs;
  readonly to: UnixMs;
  readonly step: number;
  readonly tier: Tier;
  readonly timestamps: readonly UnixMs[];
  readonly series: ReadonlyArray<{ readonly id: number; readonly values: ReadonlyArray<number | null> }>;
}

export interface RawPoint {
  readonly ts: UnixMs;
  readonly value: number;
}

export interface StoreStats {
  readonly series: number;
  readonly pointsByTier: Readonly<Record<Tier, number>>;
  readonly headPoints: number;
  readonly chunks: number;
  readonly dbBytes: number;
  readonly walBytes: number;
  readonly writesRefused: number;
  /** Points dropped because they were older than their series' closed chunks (late out-of-order data). */
  readonly pointsTooOld?: number;
  /** `[store] max_series`. */
  readonly maxSeries?: number;
  /** New series refused because the store held max_series. */
  readonly seriesRefused?: number;
  /** Points dropped because their series was refused, or could get no head within max_series. */
  readonly pointsRefused?: number;
  /** Points skipped by the WAL replay at start because their series could get no head within max_series. */
  readonly walReplaySkipped?: number;
  /** Open chunks closed early ([store] head_idle, or open for chunk_span of wall-clock time). */
  readonly headsClosedIdle?: number;
  /** The store's memory by part, in bytes (docs/format/memory.md). */
  readonly memory?: Readonly<Record<string, number>>;
}

/**
 * Optional fast path for ingest (the tsdb store has it): points of series resolved once by key,
 * written as columns — no Sample object and no key lookup per point. Same durability, validation
 * and refusals as write(). Ingest declares the same shape (ColumnarSink in src/ingest/batcher.ts).
 */
export interface ResolvedWrites {
  /** Id of an existing series by canonical key; undefined when it does not exist (write() creates it). */
  seriesId(key: string): number | undefined;
  /** Changes whenever series are deleted: ids resolved under an earlier epoch must be resolved again. */
  readonly seriesEpoch: number;
  /**
   * n points as columns (series id, timestamp, value). The arrays are read before it returns (the
   * caller may reuse them at once); points of ids that no longer exist are dropped.
   */
  writeResolved(ids: Float64Array, ts: Float64Array, values: Float64Array, n: number): Promise<void>;
}

/**
 * Stores whose points live elsewhere (the VictoriaMetrics backend, src/store/remote/): the
 * synchronous reads below answer from memory, so a reader first hands its evaluation to `prefetch`,
 * which runs it in recording mode, fetches what it read and keeps it; the reader then evaluates for
 * real, at once. The local store has no prefetch (its reads are in-process).
 */
export interface PrefetchingReads {
  /** Runs `evaluate` (synchronous, maybe several times, its result ignored) and fetches what it reads; rejects when the engine cannot answer. */
  prefetch(evaluate: () => unknown): Promise<void>;
}

export interface TimeSeriesStore extends SampleSink, Partial<ResolvedWrites>, Partial<PrefetchingReads> {
  /** Exact lookup by canonical key. */
  getSeries(key: string): SeriesInfo | undefined;
  /** Graphite glob over series names: `*`, `?`, `[a-z]`, `{a,b}` within one segment. */
  findSeries(glob: string): SeriesInfo[];
  /** Series by tag matchers (plus optional name glob), Graphite seriesByTag style. */
  matchSeries(matchers: readonly TagMatcher[]): SeriesInfo[];
  /** The next path segment under a glob, for /metrics/find (`servers.*` → hosts). */
  listChildren(query: string): PathNode[];
  /** Consolidated, step-aligned read of several series over [from, to). */
  select(ids: readonly number[], from: UnixMs, to: UnixMs, options?: SelectOptions): SelectResult;
  /** Every raw point of one series in [from, to), ascending, head included (exports, tests). */
  readRaw(id: number, from: UnixMs, to: UnixMs): RawPoint[];
  /** Latest point of every series (Prometheus include_series). */
  latest(): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }>;
  /** Deletes series matching a glob and all their data (tests, admin). Returns how many. */
  deleteSeries(glob: string): number;
  stats(): StoreStats;
  /** Runs retention and the size guard now (also runs on its own timer). */
  runRetention(): void;
  /** Flushes the head to chunks, stops timers; the database stays open (main.ts closes it). */
  close(): Promise<void>;
}
