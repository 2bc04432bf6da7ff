/**
 * `loupe restore`: checks a backup archive (the whole file against `FILE.sha256`, every member
 * against the manifest), refuses a data dir another process holds or one that already has a
 * database (unless forced, on a stopped one), then puts the database and its point WAL in place.
 * The data dir lock is held from the first check to the last rename, so Loupe cannot start on a
 * half-restored dir; nothing in the target is touched before the archive is verified.
 */
import { createHash, type Hash } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import Database from "better-sqlite3";
import { LoupeError } from "../lib/errors.js";
import { readTar } from "./backup-archive.js";
import { BACKUP_FORMAT, MANIFEST_NAME, syncDir, type BackupManifest, type BackupProgress } from "./backup.js";
import { lockDataDir } from "./lock.js";

const MEMBER = /^(loupe\.db|loupe\.db\.wal\/(\d{8}\.wal|rollup-state\.bin)|loupe-backup\.json)$/;

export interface RestoreOptions {
  readonly file: string;
  /** Where the database goes (`<data dir>/loupe.db`); its WAL folder becomes `<dbPath>.wal`. */
  readonly dbPath: string;
  /** Replace an existing database in a stopped data dir. */
  readonly force?: boolean;
  /** Expected SHA-256 of the whole file; by default read from `FILE.sha256` when present. */
  readonly sha256?: string;
  readonly onProgress?: (p: BackupProgress) => void;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  /** How the whole file was checked: against FILE.sha256, a given sum, or members only. */
  readonly checksum: "file" | "given" | "members-only";
  readonly sha256: string;
  readonly walFiles: number;
  readonly replaced: boolean;
  readonly integrity: string;
}

/** The SHA-256 expected for the archive, and where it came from. */
function expectedSum(opts: RestoreOptions): { sum: string | undefined; from: RestoreResult["checksum"] } {
  if (opts.sha256 !== undefined) return { sum: opts.sha256.trim().toLowerCase(), from: "given" };
  const side = `${opts.file}.sha256`;
  if (!existsSync(side)) return { sum: undefined, from: "members-only" };
  const m = /^([0-9a-fA-F]{64})\b/.exec(readFileSync(side, "utf8"));
  if (m === null) throw new LoupeError("backup_checksum_file", `${side} does not start with a SHA-256 (64 hex digits)`);
  return { sum: m[1]!.toLowerCase(), from: "file" };
}

async function hashFile(fh: FileHandle, size: number, onProgress?: (p: BackupProgress) => void): Promise<string> {
  const h = createHash("sha256");
  const buf = Buffer.allocUnsafe(1024 * 1024);
  let pos = 0;
  while (pos < size) {
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    h.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
    onProgress?.({ phase: "verify", done: pos, total: size });
  }
  return h.digest("hex");
}

/** What would be replaced in the target: the database, its SQLite WAL and shm, and a non-empty point WAL folder. */
function existingDatabase(dbPath: string): string[] {
  const found = [dbPath, `${dbPath}-wal`, `${dbPath}-shm`].filter((p) => existsSync(p));
  const walDir = `${dbPath}.wal`;
  if (existsSync(walDir) && readdirSync(walDir).length > 0) found.push(`${walDir}/`);
  return found;
}

/** Extracts the archive into `staging`, checking each member's hash against the manifest (last member). */
async function extract(fh: FileHandle, staging: string, onProgress?: (p: BackupProgress) => void): Promise<{ manifest: BackupManifest; walFiles: number }> {
  const got = new Map<string, { size: number; sha256: string }>();
  let manifestText: string | undefined;
  const total = (await fh.stat()).size;
  let done = 0;
  await readTar(fh, async (entry, read) => {
    if (!MEMBER.test(entry.name)) throw new LoupeError("backup_unexpected_member", `not a Loupe backup: unexpected member "${entry.name}"`);
    if (entry.name === MANIFEST_NAME) {
      const parts: Buffer[] = [];
      await read((c) => void parts.push(Buffer.from(c)));
      manifestText = Buffer.concat(parts).toString("utf8");
      return;
    }
    const dest = join(staging, entry.name);
    mkdirSync(dirname(dest), { recursive: true });
    const out = await open(dest, "wx", 0o640);
    const h: Hash = createHash("sha256");
    try {
      await read(async (c) => {
        h.update(c);
        let off = 0;
        while (off < c.length) off += (await out.write(c, off, c.length - off)).bytesWritten;
        done += c.length;
        onProgress?.({ phase: "extract", done, total });
      });
      await out.sync();
    } finally {
      await out.close();
    }
    got.set(entry.name, { size: entry.size, sha256: h.digest("hex") });
  });
  if (manifestText === undefined) throw new LoupeError("backup_no_manifest", `not a Loupe backup: no ${MANIFEST_NAME} in the archive (incomplete?)`);
  const manifest = parseManifest(manifestText);
  for (const m of manifest.members) {
    const g = got.get(m.name);
    if (g === undefined) throw new LoupeError("backup_member_missing", `damaged backup: ${m.name} is listed in the manifest but missing`);
    if (g.size !== m.size || g.sha256 !== m.sha256) throw new LoupeError("backup_member_checksum", `damaged backup: ${m.name} does not match its checksum in the manifest`);
    got.delete(m.name);
  }
  if (got.size > 0) throw new LoupeError("backup_unexpected_member", `damaged backup: ${[...got.keys()].join(", ")} not in the manifest`);
  if (!manifest.members.some((m) => m.name === "loupe.db")) throw new LoupeError("backup_no_database", "damaged backup: no loupe.db in it");
  return { manifest, walFiles: manifest.members.length - 1 };
}

function parseManifest(text: string): BackupManifest {
  let m: BackupManifest;
  try {
    m = JSON.parse(text) as BackupManifest;
  } catch (err) {
    throw new LoupeError("backup_manifest", `damaged backup: ${MANIFEST_NAME} is not JSON (${(err as Error).message})`);
  }
  if (m?.format !== BACKUP_FORMAT || !Array.isArray(m.members)) throw new LoupeError("backup_manifest", `not a Loupe backup: ${MANIFEST_NAME} has format ${JSON.stringify(m?.format)}`);
  if (m.format_version > 1) throw new LoupeError("backup_too_new", `the backup was written by a newer Loupe (backup format ${m.format_version}); restore it with that version`);
  return m;
}

/** Restores a backup into a stopped data dir (see the file comment). */
export async function restoreBackup(opts: RestoreOptions): Promise<RestoreResult> {
  const fh = await open(opts.file, "r").catch((err: NodeJS.ErrnoException) => {
    throw new LoupeError("backup_not_found", `cannot read ${opts.file}: ${err.code ?? err.message}`);
  });
  try {
    const expected = expectedSum(opts);
    const sha256 = await hashFile(fh, (await stat(opts.file)).size, opts.onProgress);
    if (expected.sum !== undefined && expected.sum !== sha256)
      throw new LoupeError("backup_checksum", `${opts.file} does not match its SHA-256 (${expected.from === "file" ? `${opts.file}.sha256` : "--sha256"}: ${expected.sum}, file: ${sha256}); it is damaged or not the file the sum was made for`);
    return await intoDataDir(fh, opts, { ...expected, sha256 });
  } finally {
    await fh.close();
  }
}

async function intoDataDir(fh: FileHandle, opts: RestoreOptions, sum: { from: RestoreResult["checksum"]; sha256: string }): Promise<RestoreResult> {
  let lock;
  try {
    lock = lockDataDir(opts.dbPath);
  } catch (err) {
    if ((err as LoupeError).code === "data_dir_locked") throw new LoupeError("restore_live", `refusing to restore into a live data dir: ${(err as Error).message}`, { cause: err });
    throw err;
  }
  const staging = join(dirname(opts.dbPath), `.loupe-restore-${process.pid}`);
  try {
    const existing = existingDatabase(opts.dbPath);
    if (existing.length > 0 && opts.force !== true)
      throw new LoupeError("restore_not_empty", `${dirname(opts.dbPath)} already holds a database (${existing.join(", ")}); restore into an empty data dir, or add --force to replace it (Loupe must be stopped)`);
    await rm(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true, mode: 0o750 });
    const { manifest, walFiles } = await extract(fh, staging, opts.onProgress);
    // verified: now replace
    for (const p of [opts.dbPath, `${opts.dbPath}-wal`, `${opts.dbPath}-shm`, `${opts.dbPath}.wal`]) await rm(p, { recursive: true, force: true });
    await rename(join(staging, "loupe.db"), opts.dbPath);
    const walStaged = join(staging, "loupe.db.wal");
    if (existsSync(walStaged)) await rename(walStaged, `${opts.dbPath}.wal`);
    else mkdirSync(`${opts.dbPath}.wal`, { mode: 0o750 });
    await syncDir(dirname(opts.dbPath));
    const integrity = quickCheck(opts.dbPath);
    giveToDataDirOwner(opts.dbPath);
    return { manifest, checksum: sum.from, sha256: sum.sha256, walFiles, replaced: existing.length > 0, integrity };
  } finally {
    await rm(staging, { recursive: true, force: true });
    lock.release();
  }
}

/**
 * Run as root (sudo loupe restore …) into a data dir owned by another user (loupe), the restored
 * files get that owner, so the service can write them.
 */
function giveToDataDirOwner(dbPath: string): void {
  if (process.getuid?.() !== 0) return;
  const { uid, gid } = statSync(dirname(dbPath));
  if (uid === 0) return;
  const walDir = `${dbPath}.wal`;
  for (const p of [dbPath, walDir, ...readdirSync(walDir).map((n) => join(walDir, n))]) chownSync(p, uid, gid);
}

/** SQLite's quick_check of the restored file ("ok" when sound). */
function quickCheck(path: string): string {
  const db = new Database(path, { fileMustExist: true });
  try {
    return (db.pragma("quick_check", { simple: true }) as string) ?? "no answer";
  } finally {
    db.close();
  }
}
