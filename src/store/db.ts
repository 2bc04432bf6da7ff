/**
 * Opens Loupe's SQLite file with the pragmas the store relies on.
 *
 * - journal_mode = WAL: readers (HTTP queries) never block the writer (ingest).
 * - synchronous = FULL: a committed transaction survives power loss, not only a process crash.
 *   The store commits chunks in batches (a few transactions a second), so the extra fsync per
 *   commit is cheap, and it lets the store truncate its own point WAL as soon as chunks are
 *   committed without a window where both copies could be lost.
 * - auto_vacuum = INCREMENTAL (set before the first table exists): retention can give pages back to
 *   the file system with `PRAGMA incremental_vacuum`, so the file shrinks after data is dropped.
 * - page_size = 16384 (fresh file only): the store's chunk rows are ~1 KiB; with 4 KiB pages about
 *   12 % of every page was left unused at its end, with 16 KiB pages about 3 %.
 * - busy_timeout = 5000: a second connection (a CLI command) waits instead of failing at once.
 * - cache_size = 2 MiB (was 16): the store keeps its hot data (heads, open rows, rollup builders)
 *   in its own memory and reads ~1 KiB chunk rows through the OS page cache; with 16 MiB the page
 *   cache filled during ingest for nothing (peak RSS of the store bench 179 → 167 MiB, reads and
 *   ingest unchanged: BENCHMARKS.md, Store).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { LoupeError } from "../lib/errors.js";

export type Db = Database.Database;

export interface OpenOptions {
  readonly readonly?: boolean;
  /** Page cache in KiB (default 2 MiB). */
  readonly cacheKiB?: number;
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  let db: Db;
  try {
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw new LoupeError("db_open_failed", `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.pragma("busy_timeout = 5000");
    if (options.readonly !== true) {
      // Only takes effect on a fresh file (before any table exists); harmless otherwise.
      db.pragma("page_size = 16384");
      db.pragma("auto_vacuum = INCREMENTAL");
      db.pragma("journal_mode = WAL");
    }
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    db.pragma("temp_store = MEMORY");
    db.pragma(`cache_size = -${options.cacheKiB ?? 2 * 1024}`);
  } catch (err) {
    db.close();
    throw new LoupeError("db_open_failed", `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  return db;
}
