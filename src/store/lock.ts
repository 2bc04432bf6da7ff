/**
 * One Loupe per data dir: an exclusive lock taken before the database opens.
 *
 * The lock is a kernel byte-range lock (fcntl) held through SQLite on a small side file,
 * `<database>.lock`: the holder keeps a write transaction open on it for its whole life, after
 * committing its PID there. A second process fails to begin its own write transaction at once
 * (SQLITE_BUSY, no wait), reads the committed PID (WAL readers are never blocked by the writer) and
 * names it. The kernel drops the lock when the holder dies, however it dies (kill -9, OOM kill): a
 * stale lock cannot block a restart, and a PID reused by another program after a reboot cannot
 * either, since nothing is decided from the PID — it is only reported.
 *
 * Why not proper-lockfile (4.1.2, measured 2026-12-03): it locks by mkdir and proves liveness by
 * refreshing the folder's mtime on a timer; after kill -9 of the holder a restart got ELOCKED
 * ("Lock file is already being held", no PID) for 9.3 s until the lock went `stale` (10 s default,
 * 2 s minimum), and an event loop blocked longer than `stale` lets a second process in. This lock
 * is free again the moment the holder dies (test/store/lock.test.ts kills one with SIGKILL). An O_EXCL PID file with a process.kill(pid, 0) check has the PID-reuse problem and a race
 * when two starters remove the same stale file. The fcntl lock has neither, and SQLite is already
 * here to take it portably.
 */
import { mkdirSync } from "node:fs";
import { hostname } from "node:os";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { LoupeError } from "../lib/errors.js";

export interface DataDirLock {
  /** The lock file (`<database>.lock`). */
  readonly path: string;
  /** Gives the lock up (at stop; the kernel also drops it when the process dies). */
  release(): void;
}

/** A clear error for a database folder this process cannot write, with the next step. */
export function notWritableError(dir: string, err: unknown): LoupeError {
  const code = (err as { code?: string }).code ?? "";
  return new LoupeError(
    "data_dir_read_only",
    `the data directory ${dir} is not writable (${code || (err as Error).message}): Loupe keeps its database, point WAL and lock file there. ` +
      `Make it writable by the user running Loupe (chown/chmod, or remount read-write), or point [paths] data / [database] path at a writable place.`,
    { cause: err },
  );
}

function isNotWritable(err: unknown): boolean {
  const code = String((err as { code?: string }).code ?? "");
  return ["EACCES", "EPERM", "EROFS", "SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_READONLY_DIRECTORY"].includes(code) || code.startsWith("SQLITE_READONLY");
}

function holderOf(db: Database.Database): { pid: number; host: string; since: number } | undefined {
  try {
    return db.prepare("SELECT pid, host, since FROM holder LIMIT 1").get() as { pid: number; host: string; since: number } | undefined;
  } catch {
    return undefined; // the holder has not committed its row yet
  }
}

/** Takes the data dir lock of `dbPath` or throws `data_dir_locked` naming the PID holding it. */
export function lockDataDir(dbPath: string): DataDirLock {
  const path = `${dbPath}.lock`;
  const dir = dirname(path);
  let db: Database.Database;
  try {
    mkdirSync(dir, { recursive: true });
    db = new Database(path, { timeout: 0 });
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, host TEXT NOT NULL, since INTEGER NOT NULL)");
  } catch (err) {
    if (isNotWritable(err)) throw notWritableError(dir, err);
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw lockedError(dbPath, path, undefined);
    throw new LoupeError("data_dir_lock_failed", `cannot take the data dir lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    db.exec("BEGIN IMMEDIATE");
    db.exec("DELETE FROM holder");
    db.prepare("INSERT INTO holder (pid, host, since) VALUES (?, ?, ?)").run(process.pid, hostname(), Date.now());
    db.exec("COMMIT");
    // held until release() or death; another starter that slipped in between fails here and we report it
    db.exec("BEGIN IMMEDIATE");
  } catch (err) {
    const holder = holderOf(db);
    if (db.inTransaction) db.exec("ROLLBACK");
    db.close();
    if ((err as { code?: string }).code === "SQLITE_BUSY") throw lockedError(dbPath, path, holder);
    if (isNotWritable(err)) throw notWritableError(dir, err);
    throw new LoupeError("data_dir_lock_failed", `cannot take the data dir lock ${path}: ${(err as Error).message}`, { cause: err });
  }
  let held = true;
  return {
    path,
    release: () => {
      if (!held) return;
      held = false;
      if (db.inTransaction) db.exec("ROLLBACK");
      db.close();
    },
  };
}

function lockedError(dbPath: string, lockPath: string, holder: { pid: number; host: string; since: number } | undefined): LoupeError {
  const who = holder === undefined ? "another process" : `another Loupe (PID ${holder.pid} on ${holder.host}, running since ${new Date(holder.since).toISOString()})`;
  return new LoupeError(
    "data_dir_locked",
    `${who} is using ${dbPath} (lock ${lockPath}); two processes on one data dir lose acknowledged points. ` +
      `Stop it first, or give this one another [paths] data / [database] path.`,
  );
}
