/**
 * What the status page (`/admin/status`, `loupe status`) reads from the database: bytes per table and
 * index, bytes and time span held per storage tier, series count and growth, file sizes (SQLite file,
 * its WAL, the point WAL folder). Read-only: it also runs on a database opened read-only by the CLI.
 *
 * Per-table sizes come from SQLite's `dbstat` virtual table when it is compiled in (better-sqlite3 12
 * builds with SQLITE_ENABLE_DBSTAT_VTAB); otherwise per-table row counts with the file's page totals.
 * Both `dbstat` and the per-tier sums walk every page of the tables they measure, so callers cache the
 * result (the http status service keeps it for a minute).
 */
import { readdirSync, statSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { join } from "node:path";
import type { Tier } from "./api.js";
import type { Db } from "./db.js";

const TIERS: readonly Tier[] = ["raw", "1m", "1h"];

export interface TableUsage {
  readonly name: string;
  readonly kind: "table" | "index";
  /** The table an index belongs to (itself for a table). */
  readonly table: string;
  /** Bytes of its pages (dbstat), or null when dbstat is not available. */
  readonly bytes: number | null;
  readonly pages: number | null;
  /** Rows (tables only, fallback method only; null otherwise). */
  readonly rows: number | null;
}

export interface TierUsage {
  readonly tier: Tier;
  readonly chunks: number;
  readonly points: number;
  /** Bytes of the chunks' encoded data (the blobs, without row and index overhead). */
  readonly bytes: number;
  /** Start of the oldest chunk held, ms; null when the tier holds no chunk. */
  readonly oldestTs: number | null;
  /** End of the newest chunk held, ms. */
  readonly newestTs: number | null;
}

export interface DatabaseUsage {
  /** How per-table sizes were measured. */
  readonly method: "dbstat" | "row_counts";
  readonly pageSize: number;
  readonly pageCount: number;
  /** Pages on SQLite's free list (given back to the file system by incremental_vacuum). */
  readonly freePages: number;
  /** Largest first: tables and indexes. */
  readonly tables: readonly TableUsage[];
  readonly tiers: readonly TierUsage[];
  /** Series held, those created at or after `since`, and the oldest creation time (null: no series). */
  readonly series: { readonly total: number; readonly createdSince: number; readonly since: number; readonly oldestCreatedAt: number | null };
  /** Time the reading took, ms (it walks the tables). */
  readonly elapsedMs: number;
}

export interface FileUsage {
  /** The SQLite file. */
  readonly dbFileBytes: number;
  /** SQLite's own write-ahead log (`<db>-wal`). */
  readonly sqliteWalBytes: number;
  /** The store's point WAL folder (`<db>.wal/`). */
  readonly pointWalBytes: number;
}

export interface ReadUsageOptions {
  /** Count series created at or after this time (ms), e.g. now - 24 h. */
  readonly seriesSince: number;
  /** Tests: pretend dbstat is missing. */
  readonly dbstat?: boolean;
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0; // absent: no SQLite WAL file yet, or in-memory
  }
}

/** Bytes of every file directly in `dir` (the point WAL's segments); 0 when it does not exist. */
export function folderBytes(dir: string): number {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return 0;
  }
  let b = 0;
  for (const e of entries) b += fileSize(join(dir, e));
  return b;
}

/** Sizes of the database's files: the SQLite file, its WAL and the point WAL folder. */
export function readFileUsage(dbPath: string, pointWalDir: string): FileUsage {
  return { dbFileBytes: fileSize(dbPath), sqliteWalBytes: fileSize(`${dbPath}-wal`), pointWalBytes: folderBytes(pointWalDir) };
}

/** Whether this SQLite build has the dbstat virtual table. */
export function hasDbstat(db: Db): boolean {
  try {
    db.prepare("SELECT 1 FROM dbstat LIMIT 0").all();
    return true;
  } catch {
    return false;
  }
}

interface SchemaObject {
  readonly name: string;
  readonly type: "table" | "index";
  readonly tbl_name: string;
}

function schemaObjects(db: Db): SchemaObject[] {
  return db.prepare("SELECT name, type, tbl_name FROM sqlite_schema WHERE type IN ('table', 'index') ORDER BY name").all() as SchemaObject[];
}

/** Bytes and pages per table and index from dbstat (aggregate mode: one row per b-tree). */
function tablesByDbstat(db: Db, objects: readonly SchemaObject[]): TableUsage[] {
  const rows = db.prepare("SELECT name, pgsize AS bytes, pageno AS pages FROM dbstat WHERE aggregate = TRUE").all() as Array<{ name: string; bytes: number; pages: number }>;
  const byName = new Map(objects.map((o) => [o.name, o]));
  return rows.map((r) => {
    const o = byName.get(r.name);
    // sqlite_schema itself and autoindexes are b-trees too
    const kind = o?.type ?? (r.name.startsWith("sqlite_autoindex_") ? "index" : "table");
    return { name: r.name, kind, table: o?.tbl_name ?? r.name, bytes: r.bytes, pages: r.pages, rows: null };
  });
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** Without dbstat: rows per table (sizes unknown per table; the page totals still hold). */
function tablesByRowCount(db: Db, objects: readonly SchemaObject[]): TableUsage[] {
  return objects.map((o) => {
    const rows = o.type === "table" ? (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(o.name)}`).get() as { n: number }).n : null;
    return { name: o.name, kind: o.type, table: o.tbl_name, bytes: null, pages: null, rows };
  });
}

/** Chunks, points, encoded bytes and time span per tier: one pass over tsdb_chunks. */
function tierUsage(db: Db): TierUsage[] {
  const rows = db
    .prepare("SELECT tier, count(*) AS chunks, coalesce(sum(points), 0) AS points, coalesce(sum(length(data)), 0) AS bytes, min(start_ts) AS oldest, max(end_ts) AS newest FROM tsdb_chunks GROUP BY tier")
    .all() as Array<{ tier: number; chunks: number; points: number; bytes: number; oldest: number | null; newest: number | null }>;
  return TIERS.map((tier, i) => {
    const r = rows.find((x) => x.tier === i);
    return { tier, chunks: r?.chunks ?? 0, points: r?.points ?? 0, bytes: r?.bytes ?? 0, oldestTs: r?.oldest ?? null, newestTs: r?.newest ?? null };
  });
}

function seriesCounts(db: Db, since: number): DatabaseUsage["series"] {
  const r = db.prepare("SELECT count(*) AS total, coalesce(sum(created_at >= ?), 0) AS recent, min(created_at) AS oldest FROM tsdb_series").get(since) as { total: number; recent: number; oldest: number | null };
  return { total: r.total, createdSince: r.recent, since, oldestCreatedAt: r.oldest };
}

/** Reads the whole usage report in one read transaction (a consistent picture next to a writer). */
export function readDatabaseUsage(db: Db, options: ReadUsageOptions): DatabaseUsage {
  const started = performance.now();
  const read = db.transaction((): Omit<DatabaseUsage, "elapsedMs"> => {
    const objects = schemaObjects(db);
    const useDbstat = options.dbstat !== false && hasDbstat(db);
    const tables = useDbstat ? tablesByDbstat(db, objects) : tablesByRowCount(db, objects);
    tables.sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || (b.rows ?? 0) - (a.rows ?? 0) || a.name.localeCompare(b.name));
    return {
      method: useDbstat ? "dbstat" : "row_counts",
      pageSize: db.pragma("page_size", { simple: true }) as number,
      pageCount: db.pragma("page_count", { simple: true }) as number,
      freePages: db.pragma("freelist_count", { simple: true }) as number,
      tables,
      tiers: tierUsage(db),
      series: seriesCounts(db, options.seriesSince),
    };
  });
  // a deferred transaction only reads: fine on a read-only connection
  const usage = read.deferred();
  return { ...usage, elapsedMs: Math.round((performance.now() - started) * 10) / 10 };
}

const FROM_SOURCE = import.meta.url.endsWith(".ts");

/**
 * readDatabaseUsage on a read-only connection in a worker thread (status-worker.ts): the walk over
 * the pages takes ~2 s per 230 MiB on a busy 2-core VM, too long to block the event loop for.
 * From source (tests, tsx) the worker registers tsx first.
 */
export function readDatabaseUsageInWorker(dbPath: string, options: ReadUsageOptions): Promise<DatabaseUsage> {
  const entry = new URL(`./status-worker.${FROM_SOURCE ? "ts" : "js"}`, import.meta.url);
  const workerData = { path: dbPath, options };
  const worker = FROM_SOURCE
    ? new Worker(`(async () => { const { register } = await import(${JSON.stringify(import.meta.resolve("tsx/esm/api"))}); register(); await import(${JSON.stringify(entry.href)}); })()`, { eval: true, workerData })
    : new Worker(entry, { workerData });
  // a read still running when Loupe stops must not hold the process (its connection is read-only)
  worker.unref();
  return new Promise<DatabaseUsage>((resolve, reject) => {
    let settled = false;
    worker.once("message", (m: { ok: true; usage: DatabaseUsage } | { ok: false; error: string }) => {
      settled = true;
      if (m.ok) resolve(m.usage);
      else reject(new Error(`reading the database usage of ${dbPath}: ${m.error}`));
    });
    worker.once("error", (err) => {
      settled = true;
      reject(err);
    });
    worker.once("exit", (code) => {
      if (!settled) reject(new Error(`the status worker exited (${code}) without an answer`));
    });
  });
}
