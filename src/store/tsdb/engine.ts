/**
 * The time-series engine: series index + heads in memory, point WAL for crash safety, closed
 * chunks committed to SQLite in large transactions, rollups built as chunks close.
 *
 * Write path per sample: one Map lookup (key → series), an append into the head's typed arrays,
 * and a few bytes into the WAL group. Full heads are encoded into chunks and queued; queued chunks
 * are committed in one transaction when enough have gathered or a second has passed, after which
 * WAL segments nobody needs any more are deleted.
 */
import { statSync } from "node:fs";
import type { Clock } from "../../lib/clock.js";
import { StoreWriteError, errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import { parseSeriesKey, seriesKey, type Sample, type Tags, type UnixMs } from "../../model/index.js";
import type { PathNode, RawPoint, SelectOptions, SelectResult, SeriesInfo, StoreStats, TagMatcher, TimeSeriesStore, Tier } from "../api.js";
import { ChunkDb } from "./chunk-db.js";
import { decodeChunkInto, decodeRaw, encodeChunk, encodeChunkView, FORMAT_RAW } from "./chunkenc/index.js";
import { APPENDED, MemSeries, TOO_OLD, type PendingChunk } from "./head.js";
import { RollupBuilder } from "./rollup.js";
import { readRawPoints, selectSeries } from "./select.js";
import { SeriesIndex } from "./series-index.js";
import { builderFull, TIER_1H, TIER_NAMES, TIER_RAW, TIER_RES, tierEnabled, type TierSettings } from "./tiers.js";
import { PointWal, type FsyncPolicy, type WalFs } from "./wal.js";
import { applyRetention } from "./retention.js";
import { SeriesBudget } from "./budget.js";
import { storeMemory } from "./memory.js";
import type Database from "better-sqlite3";

export interface EngineOptions {
  readonly walDir: string;
  readonly fsync: FsyncPolicy;
  readonly walFlushIntervalMs: number;
  readonly chunkPoints: number;
  readonly chunkSpan: number;
  /** Bytes; 0 = no limit. */
  readonly maxSize: number;
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

/** Hourly buckets a builder must hold to be written at close (fewer are rebuilt from raw rows at start). */
const CLOSE_MIN_BUCKETS = 12;

const NO_TAGS: Readonly<Record<string, string>> = Object.freeze({});

export class TsdbStore implements TimeSeriesStore {
  readonly index = new SeriesIndex<MemSeries>();
  readonly cdb: ChunkDb;
  readonly tiers: TierSettings;
  private readonly wal: PointWal;
  private pending: PendingChunk[] = [];
  private lastCommit = 0;
  private failure: Error | undefined;
  private closed = false;
  private timers: NodeJS.Timeout[] = [];
  private committedPoints = [0, 0, 0];
  private committedChunks = 0;
  private writesRefused = 0;
  private droppedTooOld = 0;
  readonly budget: SeriesBudget;
  /** True while the WAL is replayed at start (budget refusals count as replay skips). */
  private replaying = false;
  /** Bumped when series are deleted (ids resolved by writers before must be resolved again). */
  seriesEpoch = 0;
  /** Tagged samples: frozen tags object → name → series (see taggedSeries); replaced when series are deleted. */
  private tagCache = new WeakMap<Tags, Map<string, MemSeries>>();
  // scratch for one batch's WAL record
  private bIds = new Float64Array(1024);
  private bTs = new Float64Array(1024);
  private bVs = new Float64Array(1024);
  // scratch for re-encoding a row's chunks as one
  private rowTs = new Float64Array(1024);
  private rowVs = new Float64Array(1024);
  private readonly chunkSpan: number;
  private readonly chunkPoints: number;

  private constructor(
    readonly db: Database.Database,
    readonly opts: EngineOptions,
  ) {
    this.cdb = new ChunkDb(db);
    this.budget = new SeriesBudget(opts.maxSeries ?? Number.MAX_SAFE_INTEGER, opts.log, opts.clock);
    this.chunkSpan = opts.chunkSpan;
    this.chunkPoints = opts.chunkPoints;
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

  static open(db: Database.Database, opts: EngineOptions): TsdbStore {
    const s = new TsdbStore(db, opts);
    s.load();
    return s;
  }

  // ---- start ----

  private newSeries(id: number, key: string): MemSeries {
    // an untagged series shares one string for key and name, and one empty tags object
    const { name, tags } = key.includes(";") ? parseSeriesKey(key) : { name: key, tags: NO_TAGS };
    const s = new MemSeries(id, key, name, tags);
    // the 1h tier is built as raw chunks close; the 1m tier when raw chunks leave raw retention (retention.ts)
    s.builders[TIER_1H] = tierEnabled(this.tiers, TIER_1H) ? new RollupBuilder(TIER_RES[TIER_1H]!) : undefined;
    this.index.add(s);
    return s;
  }

  private load(): void {
    const t0 = Date.now();
    for (const { id, key } of this.cdb.loadSeries()) this.newSeries(id, key);
    for (const r of this.cdb.pointsByTier()) {
      this.committedPoints[r.tier] = r.points;
      this.committedChunks += r.chunks;
    }
    // per series: end of the newest raw row (older points are refused), its last point (latest()
    // and spacing), the 1h builder's watermark; then the 1h builder is refilled past it
    let rebuilt = 0;
    for (const s of this.index.byId.values()) {
      const last = this.cdb.lastChunk(s.id, TIER_RAW);
      if (last !== undefined) {
        s.closedEnd = last.end_ts;
        // decoded into the reused scratch arrays: no garbage per series
        const n = last.points;
        if (this.rowTs.length < n) {
          this.rowTs = new Float64Array(n * 2);
          this.rowVs = new Float64Array(n * 2);
        }
        const got = last.data[0] === FORMAT_RAW ? decodeChunkInto(last.data, this.rowTs, this.rowVs, 0) : 0;
        const d = got === n ? { n, ts: this.rowTs, values: this.rowVs } : decodeRaw(last.data);
        if (d.n > 0) {
          s.lastTs = d.ts[d.n - 1]!;
          s.lastValue = d.values[d.n - 1]!;
          for (let i = Math.max(1, d.n - 8); i < d.n; i++) s.noteSpacing(d.ts[i]! - d.ts[i - 1]!);
        }
      }
      const b1h = s.builders[TIER_1H];
      if (b1h !== undefined) {
        const lastRollup = this.cdb.lastChunk(s.id, TIER_1H);
        if (lastRollup?.wm != null) b1h.wm = lastRollup.wm;
      }
      rebuilt += this.rebuildRollups(s);
    }
    const { r, unknown } = this.replayWal();
    this.commitPending();
    this.truncateWal();
    this.opts.log.info("store ready", {
      series: this.index.size,
      wal_records: r.records,
      wal_samples: r.samples,
      wal_unknown_series: unknown,
      rollup_chunks_rebuilt: rebuilt,
      ms: Date.now() - t0,
    });
    if (this.opts.timers !== false) {
      const commit = setInterval(() => this.tick(), this.opts.commitIntervalMs ?? 1000);
      commit.unref();
      const retention = setInterval(() => {
        try {
          this.runRetention();
        } catch (err) {
          this.opts.log.error("retention failed", { err: errorMessage(err) });
        }
      }, this.opts.retentionIntervalMs);
      retention.unref();
      this.timers.push(commit, retention);
    }
  }

  /**
   * Replays the WAL into the heads, oldest segment first, within the same series budget as writes
   * (points of series that would need a head beyond [store] max_series are skipped and counted).
   */
  private replayWal(): { r: { records: number; samples: number }; unknown: number } {
    if (this.index.size > this.budget.maxSeries)
      this.opts.log.warn("the database holds more series than [store] max_series: all stay readable, no new series are accepted, and only max_series of them get a head", { series: this.index.size, max_series: this.budget.maxSeries });
    let unknown = 0;
    this.replaying = true;
    let r: { records: number; samples: number };
    try {
      r = this.wal.replay((seg, id, ts, v) => {
        const s = this.index.byId.get(id);
        if (s === undefined) {
          unknown++;
          return;
        }
        this.appendOne(s, ts, v, seg);
      });
    } finally {
      this.replaying = false;
    }
    if (this.budget.replaySkipped > 0)
      this.opts.log.warn("wal replay skipped points of series beyond [store] max_series (no head budget left)", { skipped_points: this.budget.replaySkipped, max_series: this.budget.maxSeries });
    return { r, unknown };
  }

  /** Refills the 1h builder from raw chunks committed past its watermark (after a crash). */
  private rebuildRollups(s: MemSeries): number {
    let n = 0;
    const b1h = s.builders[TIER_1H];
    if (b1h !== undefined && s.closedEnd > b1h.wm) {
      for (const row of this.cdb.after(s.id, TIER_RAW, b1h.wm)) {
        // decoded into the reused scratch arrays when the row is one raw chunk (no garbage per row)
        const k = row.points;
        if (this.rowTs.length < k) {
          this.rowTs = new Float64Array(k * 2);
          this.rowVs = new Float64Array(k * 2);
        }
        const got = row.data[0] === FORMAT_RAW ? decodeChunkInto(row.data, this.rowTs, this.rowVs, 0) : 0;
        const d = got === k ? { n: k, ts: this.rowTs, values: this.rowVs } : decodeRaw(row.data);
        this.feedRollups(s, d.ts, d.values, d.n); // skips what is at or before the watermark
        n++;
      }
    }
    return n;
  }

  // ---- write ----

  /** A rejection when writes are refused now (closed, or a failed commit that fails again), else undefined. */
  private refuseNow(): Promise<void> | undefined {
    if (this.closed) return Promise.reject(new StoreWriteError("the store is closed", undefined, "store_closed"));
    if (this.failure !== undefined) {
      // retry the commit that failed; refuse while it keeps failing
      if (!this.tryCommit()) {
        this.writesRefused++;
        return Promise.reject(this.refusal(this.failure));
      }
    }
    return undefined;
  }

  /** Makes the scratch columns of a batch's WAL record hold n points. */
  private scratch(n: number): void {
    if (this.bIds.length < n) {
      const size = Math.max(n, this.bIds.length * 2);
      this.bIds = new Float64Array(size);
      this.bTs = new Float64Array(size);
      this.bVs = new Float64Array(size);
    }
  }

  /** Commits when enough chunks are queued, then logs the batch's m accepted points in the WAL. */
  private finishWrite(m: number): Promise<void> {
    if (this.pending.length >= (this.opts.commitChunks ?? 4096)) this.tryCommit();
    if (m === 0) return Promise.resolve();
    return this.wal.write(this.bIds, this.bTs, this.bVs, m).catch((err: unknown) => {
      this.writesRefused++;
      throw this.refusal(err as Error);
    });
  }

  seriesId(key: string): number | undefined {
    return this.index.byKey.get(key)?.id;
  }

  /** The columnar fast path (ResolvedWrites): like write() for series that exist, found by id. */
  writeResolved(ids: Float64Array, ts: Float64Array, values: Float64Array, n: number): Promise<void> {
    const refused = this.refuseNow();
    if (refused !== undefined) return refused;
    if (n === 0) return Promise.resolve();
    this.scratch(n);
    const index = this.index;
    const seg = this.wal.segment;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const s = index.get(ids[i]!);
      if (s !== undefined) m = this.takePoint(s, ts[i]!, values[i]!, seg, m);
    }
    return this.finishWrite(m);
  }

  write(batch: readonly Sample[]): Promise<void> {
    const refused = this.refuseNow();
    if (refused !== undefined) return refused;
    const n = batch.length;
    if (n === 0) return Promise.resolve();
    this.scratch(n);
    const byKey = this.index.byKey;
    const seg = this.wal.segment;
    let m = 0;
    let missing: number[] | undefined;
    for (let i = 0; i < n; i++) {
      const smp = batch[i]!;
      const s = smp.tags === undefined ? byKey.get(smp.name) : this.taggedSeries(smp.name, smp.tags);
      if (s === undefined) {
        if (smp.name !== "") (missing ??= []).push(i);
        continue;
      }
      m = this.takePoint(s, smp.ts, +smp.value, seg, m);
    }
    if (missing !== undefined) {
      // new series: created in one transaction, then their samples (in order)
      try {
        this.createSeries(missing.map((i) => { const smp = batch[i]!; return smp.tags === undefined ? smp.name : seriesKey(smp.name, smp.tags); }));
      } catch (err) {
        this.writesRefused++;
        return Promise.reject(this.refusal(err as Error));
      }
      for (const i of missing) {
        const smp = batch[i]!;
        const s = byKey.get(smp.tags === undefined ? smp.name : seriesKey(smp.name, smp.tags));
        if (s !== undefined) m = this.takePoint(s, smp.ts, +smp.value, seg, m);
        else this.budget.pointsRefused++; // its series was refused ([store] max_series)
      }
    }
    return this.finishWrite(m);
  }

  /**
   * The series of a tagged sample. Ingest hands out one frozen tags object per tag set (parsers
   * cache them), so series are cached per frozen tags object and name: two Map lookups instead of
   * building the canonical key (sorting the tag keys, concatenating) for every sample. Tags objects
   * that are not frozen could change between writes and always go through the key.
   */
  private taggedSeries(name: string, tags: Tags): MemSeries | undefined {
    if (!Object.isFrozen(tags)) return this.index.byKey.get(seriesKey(name, tags));
    let byName = this.tagCache.get(tags);
    let s = byName?.get(name);
    if (s !== undefined) return s;
    s = this.index.byKey.get(seriesKey(name, tags));
    if (s !== undefined) {
      if (byName === undefined) this.tagCache.set(tags, (byName = new Map()));
      byName.set(name, s);
    }
    return s;
  }

  /** Validates and appends one point, recording it for the WAL record at position m; returns the next m. */
  private takePoint(s: MemSeries, ts: number, v: number, seg: number, m: number): number {
    let t = ts;
    if (!Number.isSafeInteger(t)) {
      if (!Number.isFinite(t)) return m;
      t = Math.round(t);
    }
    if (t < 0 || t >= 2 ** 49) return m;
    if (!this.appendOne(s, t, v, seg)) return m;
    this.bIds[m] = s.id;
    this.bTs[m] = t;
    this.bVs[m] = v;
    return m + 1;
  }

  private refusal(err: Error): StoreWriteError {
    if (err instanceof StoreWriteError) return err;
    const code = (err as { code?: string }).code;
    const full = code === "ENOSPC" || code === "SQLITE_FULL" || /disk is full|no space/i.test(err.message);
    return new StoreWriteError(
      full ? `cannot store the write: disk full (${err.message}); data stored before stays readable` : `cannot store the write: ${err.message}`,
      err,
      full ? "store_full" : "store_write_failed",
    );
  }

  private createSeries(keys: string[]): void {
    let uniq = [...new Set(keys)].filter((k) => !this.index.byKey.has(k));
    const room = this.budget.room(this.index.size);
    if (uniq.length > room) {
      this.budget.refuseSeries(uniq.slice(room));
      uniq = uniq.slice(0, room);
    }
    if (uniq.length === 0) return;
    const ids = this.cdb.insertSeries(uniq, this.opts.clock.now());
    for (let i = 0; i < uniq.length; i++) this.newSeries(ids[i]!, uniq[i]!);
  }

  /** Appends one point (closing the head when needed); false when it was too old to keep. */
  private appendOne(s: MemSeries, t: number, v: number, seg: number): boolean {
    if (s.ts === undefined) {
      // a series' first head comes out of the [store] max_series budget (a too-old point takes none)
      if (t <= s.closedEnd) {
        this.droppedTooOld++;
        return false;
      }
      if (!this.budget.takeHead(this.replaying)) return false;
    }
    const n = s.n;
    if (n > 0) {
      const span = this.chunkSpan;
      if (t - s.headFirst >= span || s.headLast - t >= span) {
        if (t > s.closedEnd) this.closeHead(s);
      }
    }
    const cap = this.chunkPoints;
    const r = s.append(t, v, cap, seg);
    if (r === TOO_OLD) {
      this.droppedTooOld++;
      return false;
    }
    if (r === APPENDED && s.n >= cap) this.closeHead(s);
    return true;
  }

  /** Encodes the head into a raw chunk, adds it to the series' open row and feeds the rollups. */
  private closeHead(s: MemSeries): void {
    const n = s.n;
    if (n === 0) return;
    const ts = s.ts!;
    const vs = s.vs!;
    const bytes = encodeChunkView(ts, vs, n);
    s.keepChunk(bytes, ts[0]!, ts[n - 1]!, n, s.headSeg, this.opts.chunksPerRow ?? 6);
    s.closedEnd = ts[n - 1]!;
    this.feedRollups(s, ts, vs, n);
    s.n = 0;
    s.headSeg = Infinity;
    if (s.blockCount >= (this.opts.chunksPerRow ?? 6) || s.closedEnd - s.blockStart >= this.opts.chunkSpan) this.sealRow(s);
  }

  /** Queues the series' closed raw chunks as one row. */
  private sealRow(s: MemSeries): void {
    if (s.blockCount === 0) return;
    const points = s.blockPoints;
    const chunks = s.blockChunks();
    // one chunk for the whole row: the per-chunk headers (first timestamp, widths) are paid once
    let data: Uint8Array;
    if (chunks.length === 1) data = chunks[0]!.slice();
    else {
      if (this.rowTs.length < points) {
        this.rowTs = new Float64Array(points * 2);
        this.rowVs = new Float64Array(points * 2);
      }
      let off = 0;
      for (const bytes of chunks) off += decodeChunkInto(bytes, this.rowTs, this.rowVs, off);
      data = encodeChunk(this.rowTs, this.rowVs, points);
    }
    const c: PendingChunk = { series: s, tier: TIER_RAW, start: s.blockStart, end: s.blockEnd, points, wm: null, data, seg: s.blockSeg };
    this.pending.push(c);
    s.pending.push(c);
    s.clearBlock();
  }

  private feedRollups(s: MemSeries, ts: Float64Array, vs: Float64Array, n: number): void {
    const b1h = s.builders[TIER_1H];
    if (b1h === undefined) return;
    // points at or before the watermark are in the rollup already (a WAL replay after a crash
    // re-closes chunks whose rollup was committed before their row)
    let i = 0;
    while (i < n && ts[i]! <= b1h.wm) i++;
    if (i === n) return;
    if (i > 0) b1h.addPoints(ts.subarray(i, n), vs.subarray(i, n), n - i);
    else b1h.addPoints(ts, vs, n);
    if (b1h.n > 0 && builderFull(this.tiers, TIER_1H, b1h.n, b1h.first, b1h.newest)) this.closeBuilder(s, TIER_1H);
  }

  private closeBuilder(s: MemSeries, tier: number): void {
    const b = s.builders[tier];
    if (b === undefined || b.n === 0) return;
    const t = b.take();
    const c: PendingChunk = { series: s, tier, start: t.start, end: t.end, points: t.n, wm: t.wm, data: t.data, seg: Infinity };
    this.pending.push(c);
    s.pending.push(c);
  }

  // ---- commit ----

  private tick(): void {
    if (this.closed) return;
    if (this.pending.length > 0 || this.failure !== undefined) this.tryCommit();
  }

  /** Commits queued chunks; on failure remembers the error (writes are refused) and keeps them queued. */
  private tryCommit(): boolean {
    try {
      this.commitPending();
      if (this.failure !== undefined) this.opts.log.info("store writes accepted again");
      this.failure = undefined;
      return true;
    } catch (err) {
      if (this.failure === undefined) this.opts.log.error("store commit failed; refusing writes", { err: errorMessage(err) });
      this.failure = err as Error;
      return false;
    }
  }

  private commitPending(): void {
    this.lastCommit = this.opts.clock.now();
    const batch = this.pending;
    if (batch.length === 0) return;
    this.cdb.insertChunks(batch);
    this.pending = [];
    for (const c of batch) {
      c.series.pending = [];
      this.committedPoints[c.tier]! += c.points;
    }
    this.committedChunks += batch.length;
    this.truncateWal();
  }

  /** Deletes WAL segments whose points are all in committed chunks; closes heads that pin old segments. */
  private truncateWal(): void {
    let min = this.wal.segment;
    for (const c of this.pending) if (c.seg < min) min = c.seg;
    const current = this.wal.segment;
    let pinning = 0;
    for (const s of this.index.byId.values()) {
      let pin = s.n > 0 ? s.headSeg : Infinity;
      if (s.blockSeg < pin) pin = s.blockSeg;
      if (pin < min) {
        // a head or row that stays open for many segments (an idle series) would keep the WAL growing
        if (current - pin >= 3) {
          this.closeHead(s);
          this.sealRow(s);
          pinning++;
        } else min = pin;
      }
    }
    if (pinning > 0) return; // their chunks commit with the next batch, then the segments go
    this.wal.truncateBefore(min);
  }

  // ---- read ----

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

  select(ids: readonly number[], from: UnixMs, to: UnixMs, options: SelectOptions = {}): SelectResult {
    return selectSeries(this, ids, from, to, options);
  }

  readRaw(id: number, from: UnixMs, to: UnixMs): RawPoint[] {
    const s = this.index.byId.get(id);
    if (s === undefined) return [];
    const out: RawPoint[] = [];
    readRawPoints(this, s, from, to, (ts, value) => out.push({ ts, value }));
    return out;
  }

  *latest(): Iterable<{ readonly series: SeriesInfo; readonly ts: UnixMs; readonly value: number }> {
    for (const s of this.index.byId.values()) if (s.lastTs > -Infinity) yield { series: s, ts: s.lastTs, value: s.lastValue };
  }

  deleteSeries(glob: string): number {
    const victims = this.index.find(glob);
    if (victims.length === 0) return 0;
    const ids = new Set(victims.map((s) => s.id));
    this.pending = this.pending.filter((c) => !ids.has(c.series.id));
    this.cdb.deleteSeries([...ids]);
    this.tagCache = new WeakMap();
    this.seriesEpoch++;
    for (const s of victims) {
      if (s.ts !== undefined) this.budget.releaseHead();
      this.index.remove(s);
      s.n = 0;
      s.clearBlock();
      s.blockBuf = undefined;
      s.pending = [];
    }
    this.refreshCounts();
    return victims.length;
  }

  private refreshCounts(): void {
    this.committedPoints = [0, 0, 0];
    this.committedChunks = 0;
    for (const r of this.cdb.pointsByTier()) {
      this.committedPoints[r.tier] = r.points;
      this.committedChunks += r.chunks;
    }
  }

  stats(): StoreStats {
    let head = 0;
    for (const s of this.index.byId.values()) {
      head += s.n;
      head += s.blockPoints;
    }
    const byTier = [0, 0, 0];
    for (let t = 0; t < 3; t++) byTier[t] = this.committedPoints[t]!;
    for (const c of this.pending) byTier[c.tier]! += c.points;
    const pointsByTier = {} as Record<Tier, number>;
    TIER_NAMES.forEach((name, t) => (pointsByTier[name] = byTier[t]! + (t === TIER_RAW ? head : 0)));
    return {
      series: this.index.size,
      pointsByTier,
      headPoints: head,
      chunks: this.committedChunks + this.pending.length,
      dbBytes: this.dbBytes(),
      walBytes: this.wal.bytes(),
      writesRefused: this.writesRefused,
      pointsTooOld: this.droppedTooOld,
      maxSeries: this.budget.maxSeries,
      seriesRefused: this.budget.seriesRefused,
      pointsRefused: this.budget.pointsRefused,
      walReplaySkipped: this.budget.replaySkipped,
      memory: storeMemory(this.index.byId.values(), this.pending, this.wal.bufferedBytes(), this.db),
    };
  }

  /** Points refused because they were older than the series' closed chunks. */
  get tooOldDropped(): number {
    return this.droppedTooOld;
  }

  private dbBytes(): number {
    let b = 0;
    for (const suffix of ["", "-wal"]) {
      try {
        b += statSync(this.db.name + suffix).size;
      } catch {
        // in-memory database or no SQLite WAL file
      }
    }
    return b;
  }

  /** Chunks of a series and tier not yet committed (reads merge them). */
  pendingOf(s: MemSeries, tier: number): PendingChunk[] {
    return s.pending.filter((c) => c.tier === tier);
  }

  runRetention(): void {
    if (this.closed) return;
    this.tryCommit();
    applyRetention(this.cdb, this.tiers, this.opts.maxSize, this.opts.clock.now(), this.opts.log);
    this.truncateWal();
    this.refreshCounts();
  }

  /**
   * Closes every head and builder and commits them. At close (`atClose`), an hourly builder holding
   * fewer than CLOSE_MIN_BUCKETS buckets is not written: every stop would otherwise leave one tiny
   * rollup row per series (~150 bytes with its index entry, for a few buckets). Its buckets are
   * rebuilt at the next start from the raw rows past its watermark (rebuildRollups, as after a
   * crash), which costs at most that many hours of raw data per series to decode.
   */
  flush(atClose = false): void {
    for (const s of this.index.byId.values()) {
      this.closeHead(s);
      this.sealRow(s);
      if (!atClose || (s.builders[TIER_1H]?.n ?? 0) >= CLOSE_MIN_BUCKETS) this.closeBuilder(s, TIER_1H);
    }
    this.commitPending();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    await this.wal.drain();
    try {
      this.flush(true);
      await this.wal.close();
      this.wal.removeAll();
    } catch (err) {
      // the WAL stays: the next start replays it
      this.opts.log.error("store flush at close failed; the WAL will be replayed at next start", { err: errorMessage(err) });
      await this.wal.close().catch(() => undefined);
    }
  }
}
