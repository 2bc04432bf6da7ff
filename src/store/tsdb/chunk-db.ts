/** Every SQL statement of the time-series store, prepared once. Tables: migrations/0002_tsdb.sql. */
import type Database from "better-sqlite3";

type Db = Database.Database;

export interface ChunkRow {
  /** Row id (only where a statement selects it). */
  readonly id?: number;
  readonly series_id: number;
  readonly tier: number;
  readonly start_ts: number;
  readonly end_ts: number;
  readonly points: number;
  readonly wm: number | null;
  readonly data: Uint8Array;
}

export interface NewChunk {
  readonly series: { readonly id: number };
  readonly tier: number;
  readonly start: number;
  readonly end: number;
  readonly points: number;
  readonly wm: number | null;
  readonly data: Uint8Array;
}

export class ChunkDb {
  private readonly insertSeriesStmt;
  private readonly insertChunkStmt;
  private readonly rangeStmt;
  private readonly rangeUnrolledStmt;
  private readonly unrolledEndStmt;
  private readonly afterStmt;
  private readonly lastChunkStmt;
  private readonly afterWmStmt;
  private readonly startsStmt;
  private readonly inStmt;
  private readonly unrolledInStmt;
  private readonly deleteByIdStmt;
  private readonly deleteInStmt;

  constructor(readonly db: Db) {
    this.insertSeriesStmt = db.prepare<[string, number], never>("INSERT INTO tsdb_series (key, created_at) VALUES (?, ?)");
    this.insertChunkStmt = db.prepare<[number, number, number, number, number, number | null, Uint8Array]>(
      "INSERT INTO tsdb_chunks (series_id, tier, start_ts, end_ts, points, wm, data) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    this.rangeStmt = db.prepare<[number, number, number, number, number], ChunkRow>(
      "SELECT start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts >= ? AND start_ts < ? AND end_ts >= ? ORDER BY start_ts",
    );
    this.rangeUnrolledStmt = db.prepare<[number, number, number, number, number], ChunkRow>(
      "SELECT start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts >= ? AND start_ts < ? AND end_ts >= ? AND wm IS NULL ORDER BY start_ts",
    );
    this.unrolledEndStmt = db.prepare<[number], number | null>("SELECT max(end_ts) FROM tsdb_chunks WHERE series_id = ? AND tier = 0 AND wm IS NULL").pluck();
    this.afterStmt = db.prepare<[number, number, number], ChunkRow>(
      "SELECT start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND end_ts > ? ORDER BY start_ts",
    );
    this.afterWmStmt = db.prepare<[number, number, number], ChunkRow>(
      "SELECT start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND wm > ? ORDER BY start_ts",
    );
    this.startsStmt = db.prepare<[number, number, number, number], number>("SELECT start_ts FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts >= ? AND start_ts < ? ORDER BY start_ts").pluck();
    this.inStmt = db.prepare<[number, number, number, number], ChunkRow>(
      "SELECT id, start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts >= ? AND start_ts < ? ORDER BY start_ts",
    );
    this.unrolledInStmt = db.prepare<[number, number, number], ChunkRow>(
      "SELECT id, start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = 0 AND start_ts >= ? AND start_ts < ? AND wm IS NULL ORDER BY start_ts",
    );
    this.deleteByIdStmt = db.prepare<[number]>("DELETE FROM tsdb_chunks WHERE id = ?");
    this.deleteInStmt = db.prepare<[number, number, number, number]>("DELETE FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts >= ? AND start_ts < ?");
    this.lastChunkStmt = db.prepare<[number, number], ChunkRow>(
      "SELECT start_ts, end_ts, points, wm, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? ORDER BY start_ts DESC LIMIT 1",
    );
  }

  loadSeries(): Array<{ id: number; key: string }> {
    return this.db.prepare("SELECT id, key FROM tsdb_series ORDER BY id").all() as Array<{ id: number; key: string }>;
  }

  /** Inserts series in one transaction; returns their ids in order. */
  insertSeries(keys: readonly string[], now: number): number[] {
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const k of keys) ids.push(Number(this.insertSeriesStmt.run(k, now).lastInsertRowid));
    })();
    return ids;
  }

  insertChunks(chunks: readonly NewChunk[]): void {
    const stmt = this.insertChunkStmt;
    this.db.transaction(() => {
      for (const c of chunks) stmt.run(c.series.id, c.tier, c.start, c.end, c.points, c.wm, c.data);
    })();
  }

  /**
   * Chunks overlapping [from, to), given the longest span a chunk of this tier may have
   * (`unrolled`: only raw rows no 5-minute chunk holds, wm null; the filter runs in SQLite, so the
   * rolled rows' data is never read).
   */
  range(seriesId: number, tier: number, from: number, to: number, maxSpan: number, unrolled = false): ChunkRow[] {
    return (unrolled ? this.rangeUnrolledStmt : this.rangeStmt).all(seriesId, tier, from - maxSpan, to, from);
  }

  /** End of the series' newest raw row no 5-minute chunk holds (wm null), -Infinity when none. */
  unrolledEnd(seriesId: number): number {
    return (this.unrolledEndStmt.get(seriesId) as number | null | undefined) ?? -Infinity;
  }

  /** Chunks ending after `ts` (rollup rebuild). */
  after(seriesId: number, tier: number, ts: number): ChunkRow[] {
    return this.afterStmt.all(seriesId, tier, ts === -Infinity ? -(2 ** 62) : ts);
  }

  /** Rollup chunks whose watermark is past `wm` (rebuilding the next tier). */
  afterWm(seriesId: number, tier: number, wm: number): ChunkRow[] {
    return this.afterWmStmt.all(seriesId, tier, wm === -Infinity ? -(2 ** 62) : wm);
  }

  lastChunk(seriesId: number, tier: number): ChunkRow | undefined {
    return this.lastChunkStmt.get(seriesId, tier);
  }

  pointsByTier(): Array<{ tier: number; points: number; chunks: number }> {
    return this.db.prepare("SELECT tier, points, chunks FROM tsdb_tier_stats").all() as Array<{ tier: number; points: number; chunks: number }>;
  }

  private tierPoints(tier: number): number {
    return (this.db.prepare("SELECT points FROM tsdb_tier_stats WHERE tier = ?").pluck().get(tier) as number | undefined) ?? 0;
  }

  deleteSeries(ids: readonly number[]): void {
    const delChunks = this.db.prepare("DELETE FROM tsdb_chunks WHERE series_id = ?");
    const delSeries = this.db.prepare("DELETE FROM tsdb_series WHERE id = ?");
    this.db.transaction(() => {
      for (const id of ids) {
        delChunks.run(id);
        delSeries.run(id);
      }
    })();
  }

  /**
   * Deletes, series by series (index seeks, never a scan of the chunks), the chunks of a tier that
   * start before `startBefore`; returns { chunks, points } removed.
   */
  dropStartingBefore(tier: number, startBefore: number): { chunks: number; points: number } {
    const p0 = this.tierPoints(tier);
    let chunks = 0;
    const del = this.db.prepare("DELETE FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts < ?");
    this.db.transaction(() => {
      for (const id of this.seriesIds()) chunks += del.run(id, tier, startBefore).changes;
    })();
    return { chunks, points: p0 - this.tierPoints(tier) };
  }

  private seriesIds(): number[] {
    return this.db.prepare("SELECT id FROM tsdb_series").pluck().all() as number[];
  }

  /** Series with chunks of a tier starting before `startBefore`. */
  seriesStartingBefore(tier: number, startBefore: number): number[] {
    const any = this.db.prepare("SELECT 1 FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts < ? LIMIT 1").pluck();
    return this.seriesIds().filter((id) => any.get(id, tier, startBefore) !== undefined);
  }

  /** One series' chunks of a tier starting before `startBefore`, oldest first. */
  chunksStartingBefore(seriesId: number, tier: number, startBefore: number): ChunkRow[] {
    return this.db.prepare("SELECT start_ts, end_ts, points, data FROM tsdb_chunks WHERE series_id = ? AND tier = ? AND start_ts < ? ORDER BY start_ts").all(seriesId, tier, startBefore) as ChunkRow[];
  }

  /** One series' chunks of a tier starting in [from, to), oldest first, with their row ids. */
  chunksStartingIn(seriesId: number, tier: number, from: number, to: number): ChunkRow[] {
    return this.inStmt.all(seriesId, tier, from, to);
  }

  /** One series' raw rows starting in [from, to) that no 5-minute chunk holds (wm null), oldest first. */
  unrolledStartingIn(seriesId: number, from: number, to: number): ChunkRow[] {
    return this.unrolledInStmt.all(seriesId, from, to);
  }

  /** Start of each chunk of a tier in [from, to) (the index alone, no chunk data), ascending. */
  startsBetween(seriesId: number, tier: number, from: number, to: number): number[] {
    return this.startsStmt.all(seriesId, tier, from, to) as number[];
  }

  /**
   * In one transaction: deletes chunks by row id and the chunks of `clear` tiers starting in
   * [from, to) of the series, then inserts `add`.
   */
  replaceChunks(seriesId: number, ids: readonly number[], clear: { tiers: readonly number[]; from: number; to: number }, add: readonly NewChunk[]): void {
    this.db.transaction(() => {
      for (const id of ids) this.deleteByIdStmt.run(id);
      for (const t of clear.tiers) this.deleteInStmt.run(seriesId, t, clear.from, clear.to);
      for (const c of add) this.insertChunkStmt.run(c.series.id, c.tier, c.start, c.end, c.points, c.wm, c.data);
    })();
  }

  /** Runs fn in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Oldest chunk start of a tier (one index seek per series), or undefined. */
  oldestStart(tier: number): number | undefined {
    const first = this.db.prepare("SELECT start_ts FROM tsdb_chunks WHERE series_id = ? AND tier = ? ORDER BY start_ts LIMIT 1").pluck();
    let min = Infinity;
    for (const id of this.seriesIds()) {
      const v = first.get(id, tier) as number | undefined;
      if (v !== undefined && v < min) min = v;
    }
    return min === Infinity ? undefined : min;
  }

  /** Bytes of the main database file in use (pages minus free pages). */
  usedBytes(): number {
    const pageSize = this.db.pragma("page_size", { simple: true }) as number;
    const pages = this.db.pragma("page_count", { simple: true }) as number;
    const free = this.db.pragma("freelist_count", { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  fileBytes(): number {
    const pageSize = this.db.pragma("page_size", { simple: true }) as number;
    return (this.db.pragma("page_count", { simple: true }) as number) * pageSize;
  }

  /** Gives free pages back to the file system and truncates SQLite's own WAL. */
  shrink(): void {
    this.db.pragma("incremental_vacuum");
    this.db.pragma("wal_checkpoint(TRUNCATE)");
  }
}
