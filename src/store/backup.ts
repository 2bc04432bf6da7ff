/**
 * Online backup and restore of a data dir: the SQLite database (through SQLite's online backup API)
 * and the point WAL folder (`<database>.wal/`), in one archive with a manifest of checksums and a
 * SHA-256 of the whole file next to it (`FILE.sha256`, `sha256sum -c` format).
 *
 * Consistency while Loupe writes (docs/format/backup.md): the point WAL is copied FIRST, the database
 * snapshot is taken AFTER. A point acknowledged before the backup started is durable either in a WAL
 * segment present at the start (each segment is opened at the start, so a segment deleted later is
 * still read whole) or in a chunk committed to SQLite before its segment was deleted — and the
 * snapshot, taken later, holds every chunk committed before it. The reverse order would lose points
 * whose chunk was committed, and segment deleted, between the two copies. Points in the copied WAL
 * that the snapshot also holds are skipped by the WAL replay at start, as after a crash.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { open, readdir, rename, rm, writeFile, type FileHandle } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import Database from "better-sqlite3";
import { LoupeError } from "../lib/errors.js";
import { TarWriter } from "./backup-archive.js";

export const BACKUP_FORMAT = "loupe-backup";
export const BACKUP_FORMAT_VERSION = 1;
export const MANIFEST_NAME = "loupe-backup.json";
const DB_MEMBER = "loupe.db";
const WAL_PREFIX = "loupe.db.wal/";
/** Files of the point WAL folder a backup carries: segments and the rollup state of a clean stop. */
const WAL_FILE = /^(\d{8}\.wal|rollup-state\.bin)$/;

export interface BackupProgress {
  readonly phase: "wal" | "database" | "archive" | "verify" | "extract";
  readonly done: number;
  readonly total: number;
}

export interface BackupOptions {
  /** The live database file (`[database] path`); its WAL folder is `<dbPath>.wal`. */
  readonly dbPath: string;
  /** The archive to write (replaced atomically when complete). */
  readonly out: string;
  readonly loupeVersion?: string;
  readonly onProgress?: (p: BackupProgress) => void;
  /** Stops a running backup (Loupe stopping); the partial file is removed. */
  readonly signal?: AbortSignal;
  /** The running server's own connection to dbPath: its commits do not restart the copy (see snapshotDatabase). */
  readonly source?: Database.Database;
  /** Tests: awaited between the WAL copy and the database snapshot (widens the window the order protects). */
  readonly afterWalCopied?: () => Promise<void>;
}

export interface ManifestMember {
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

export interface BackupManifest {
  readonly format: string;
  readonly format_version: number;
  readonly loupe_version: string;
  readonly schema_version: number;
  readonly started_at: string;
  readonly finished_at: string;
  readonly host: string;
  readonly source: string;
  readonly members: readonly ManifestMember[];
}

export interface BackupResult {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly walFiles: number;
  readonly dbBytes: number;
  readonly schemaVersion: number;
  /** Times the SQLite backup started over because Loupe committed during it (then copied at once). */
  readonly restarts: number;
  readonly ms: number;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new LoupeError("backup_aborted", "backup stopped (Loupe is stopping)");
}

function schemaVersionOf(db: Database.Database): number {
  try {
    return Number(db.prepare("SELECT max(version) FROM schema_migrations").pluck().get() ?? 0);
  } catch {
    return 0;
  }
}

/** Opens every WAL file now (the moment the backup starts): a segment deleted later is still read whole. */
async function openWalFiles(walDir: string): Promise<Array<{ name: string; fh: FileHandle }>> {
  let names: string[];
  try {
    names = (await readdir(walDir)).filter((n) => WAL_FILE.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: Array<{ name: string; fh: FileHandle }> = [];
  for (const name of names) {
    try {
      out.push({ name, fh: await open(join(walDir, name), "r") });
    } catch (err) {
      // removed between the listing and here: its points are committed to SQLite, which is copied next
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  return out;
}

/** Pages copied per backup step: at 16 KiB pages 16 MiB, a few milliseconds of a server's event loop. */
const STEP_PAGES = 1024;

/**
 * SQLite's online backup of `src` into `dest`. From Loupe's own connection (`source`, inside the
 * server) the copy follows Loupe's commits and never starts over. From another connection (the CLI)
 * it starts over when Loupe commits meanwhile; after three restarts the rest is copied in one step
 * (one read transaction: in WAL mode Loupe's writes go on meanwhile; only the CLI process waits).
 */
async function snapshotDatabase(src: Database.Database, dest: string, opts: BackupOptions): Promise<number> {
  let restarts = 0;
  let lastRemaining = Infinity;
  const ownConnection = opts.source !== undefined;
  await src.backup(dest, {
    progress: ({ totalPages, remainingPages }) => {
      checkAborted(opts.signal);
      if (remainingPages > lastRemaining) restarts++;
      lastRemaining = remainingPages;
      opts.onProgress?.({ phase: "database", done: totalPages - remainingPages, total: totalPages });
      return restarts >= 3 && !ownConnection ? 0x7fffffff : STEP_PAGES;
    },
  });
  return restarts;
}

/** The archive must not land on the database's own files (it would replace them when renamed into place). */
function refuseOwnFiles(dbPath: string, out: string): void {
  const db = resolve(dbPath);
  const o = resolve(out);
  const own = [db, `${db}-wal`, `${db}-shm`, `${db}.lock`, `${db}.lock-wal`, `${db}.lock-shm`, `${db}.wal`];
  if (own.includes(o) || o.startsWith(`${db}.wal/`))
    throw new LoupeError("backup_target", `refusing to write the backup to ${out}: that is one of the database's own files; choose a path outside them (e.g. ${join(dirname(db), "backups", "loupe.tar")})`);
}

/** Copies the opened WAL files into the archive, each as long as it is when its copy starts. */
async function copyWal(tar: TarWriter, walFiles: ReadonlyArray<{ name: string; fh: FileHandle }>, opts: BackupOptions): Promise<ManifestMember[]> {
  const members: ManifestMember[] = [];
  const walTotal = (await Promise.all(walFiles.map(async (w) => (await w.fh.stat()).size))).reduce((a, b) => a + b, 0);
  let walDone = 0;
  for (const w of walFiles) {
    checkAborted(opts.signal);
    // the size now: bytes appended later belong to points acknowledged after the start
    const size = (await w.fh.stat()).size;
    const name = `${WAL_PREFIX}${w.name}`;
    const sha256 = await tar.addFile(name, w.fh, size, (n) => {
      walDone += n;
      opts.onProgress?.({ phase: "wal", done: walDone, total: Math.max(walTotal, walDone) });
    });
    members.push({ name, size, sha256 });
  }
  return members;
}

/** Takes the database snapshot into `dbTmp` and adds it to the archive as loupe.db. */
async function copySnapshot(tar: TarWriter, dbTmp: string, opts: BackupOptions): Promise<{ member: ManifestMember; restarts: number; schemaVersion: number; bytes: number }> {
  const src = opts.source ?? new Database(opts.dbPath, { readonly: true, fileMustExist: true });
  let restarts: number;
  try {
    restarts = await snapshotDatabase(src, dbTmp, opts);
  } finally {
    if (src !== opts.source) src.close();
  }
  const copy = new Database(dbTmp, { readonly: true });
  const schemaVersion = schemaVersionOf(copy);
  copy.close();
  const fh = await open(dbTmp, "r");
  try {
    const bytes = (await fh.stat()).size;
    let done = 0;
    const sha256 = await tar.addFile(DB_MEMBER, fh, bytes, (n) => {
      done += n;
      opts.onProgress?.({ phase: "archive", done, total: bytes });
    });
    return { member: { name: DB_MEMBER, size: bytes, sha256 }, restarts, schemaVersion, bytes };
  } finally {
    await fh.close();
  }
}

/** Takes a backup of a data dir, safe while Loupe runs (see the file comment). */
export async function createBackup(opts: BackupOptions): Promise<BackupResult> {
  const t0 = Date.now();
  const startedAt = new Date(t0).toISOString();
  if (!existsSync(opts.dbPath)) throw new LoupeError("backup_no_database", `no database at ${opts.dbPath} (check [paths] data / [database] path or --config)`);
  refuseOwnFiles(opts.dbPath, opts.out);
  mkdirSync(dirname(opts.out), { recursive: true });
  const partial = `${opts.out}.partial`;
  const dbTmp = `${opts.out}.db.tmp`;
  for (const p of [partial, dbTmp, `${dbTmp}-wal`, `${dbTmp}-shm`]) rmSync(p, { force: true });
  const walFiles = await openWalFiles(`${opts.dbPath}.wal`); // T0: first the WAL …
  const members: ManifestMember[] = [];
  const out = await open(partial, "w", 0o640);
  const tar = new TarWriter(out);
  try {
    members.push(...(await copyWal(tar, walFiles, opts)));
    await opts.afterWalCopied?.();
    // … then the database, a consistent snapshot taken after
    const db = await copySnapshot(tar, dbTmp, opts);
    members.push(db.member);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      format_version: BACKUP_FORMAT_VERSION,
      loupe_version: opts.loupeVersion ?? "unknown",
      schema_version: db.schemaVersion,
      started_at: startedAt,
      finished_at: new Date().toISOString(),
      host: hostname(),
      source: opts.dbPath,
      members,
    };
    await tar.addBuffer(MANIFEST_NAME, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`));
    const sha256 = await tar.finish();
    await out.sync();
    await out.close();
    await rename(partial, opts.out);
    await writeFile(`${opts.out}.sha256`, `${sha256}  ${basename(opts.out)}\n`, { mode: 0o640 });
    await syncDir(dirname(opts.out));
    return { file: opts.out, sha256, bytes: tar.bytes, walFiles: walFiles.length, dbBytes: db.bytes, schemaVersion: db.schemaVersion, restarts: db.restarts, ms: Date.now() - t0 };
  } catch (err) {
    await out.close().catch(() => undefined);
    await rm(partial, { force: true });
    throw err;
  } finally {
    for (const w of walFiles) await w.fh.close().catch(() => undefined);
    for (const p of [dbTmp, `${dbTmp}-wal`, `${dbTmp}-shm`]) await rm(p, { force: true });
  }
}

export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
