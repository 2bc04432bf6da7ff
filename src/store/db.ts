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

const CORRUPT = new Set(["SQLITE_CORRUPT", "SQLITE_NOTADB", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE", "SQLITE_CORRUPT_VTAB"]);
const READ_ONLY = new Set(["EACCES", "EPERM", "EROFS", "SQLITE_READONLY", "SQLITE_READONLY_DIRECTORY", "SQLITE_READONLY_DBMOVED", "SQLITE_CANTOPEN", "SQLITE_PERM"]);

/**
 * A database error with the next step when it is one an operator must act on: a corrupted file
 * (`db_corrupt`: restore from backup or run `loupe db check`) or a file/folder Loupe cannot write
 * (`db_read_only`). Other errors come back as they are.
 */
export function describeDbError(err: unknown, path: string): unknown {
  const code = String((err as { code?: string }).code ?? "");
  const msg = (err as Error).message;
  if (CORRUPT.has(code) || /database disk image is malformed|file is not a database/i.test(msg ?? "")) {
    return new LoupeError(
      "db_corrupt",
      `the database file ${path} is corrupted or not a Loupe database (${msg}). ` +
        `Restore it from backup, or run \`loupe db check\` to see what is damaged; Loupe does not start on it to avoid making it worse.`,
      { cause: err },
    );
  }
  if (READ_ONLY.has(code) || code.startsWith("SQLITE_READONLY")) {
    return new LoupeError(
      "db_read_only",
      `cannot write the database ${path} (${code}: ${msg}): the file or its folder ${dirname(path)} is read-only for this user. ` +
        `Make both writable by the user running Loupe (chown/chmod, or remount read-write), or point [database] path at a writable place.`,
      { cause: err },
    );
  }
  return err;
}

function openFailed(err: unknown, path: string): unknown {
  const d = describeDbError(err, path);
  return d !== err ? d : new LoupeError("db_open_failed", `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
}

export function openDatabase(path: string, options: OpenOptions = {}): Db {
  let db: Db;
  try {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { readonly: options.readonly ?? false, fileMustExist: options.readonly ?? false });
  } catch (err) {
    throw openFailed(err, path);
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
    throw openFailed(err, path);
  }
  return db;
}
