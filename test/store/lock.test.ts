import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { describeDbError, lockDataDir, migrate, openDatabase } from "../../src/store/index.js";
import { TSX_LOADER } from "../helpers/spawn-loupe.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-lock-");

test("a second lock on the same data dir is refused, naming the holder's PID; after release it is free", () => {
  const path = join(dir, "a", "loupe.db");
  const first = lockDataDir(path);
  assert.equal(first.path, `${path}.lock`);
  assert.throws(() => lockDataDir(path), (err: Error & { code?: string }) => {
    assert.equal(err.code, "data_dir_locked");
    assert.match(err.message, new RegExp(`another Loupe \\(PID ${process.pid} on .*\\) is using ${path.replace(/\//g, "\\/")}`));
    assert.match(err.message, /Stop it first/);
    return true;
  });
  first.release();
  first.release(); // idempotent
  const again = lockDataDir(path);
  again.release();
});

test("another data dir is not affected", () => {
  const a = lockDataDir(join(dir, "x", "loupe.db"));
  const b = lockDataDir(join(dir, "y", "loupe.db"));
  a.release();
  b.release();
});

test("a lock left by a process killed with SIGKILL does not block the next start", async () => {
  const path = join(dir, "killed", "loupe.db");
  const script = `import { lockDataDir } from ${JSON.stringify(join(import.meta.dirname, "..", "..", "src", "store", "lock.ts"))};
lockDataDir(${JSON.stringify(path)}); process.stdout.write("locked\\n"); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ["--import", TSX_LOADER, "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr.on("data", (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (b: Buffer) => (b.toString().includes("locked") ? resolve() : undefined));
    child.on("exit", (code) => reject(new Error(`child exited ${code}: ${err}`)));
  });
  assert.throws(() => lockDataDir(path), new RegExp(`PID ${child.pid} `));
  const exited = new Promise((r) => child.on("exit", r));
  child.kill("SIGKILL");
  await exited;
  const lock = lockDataDir(path); // no stale lock, no wait
  lock.release();
});

/** Makes `d` unwritable even for root (immutable attribute), or by mode for other users. */
function makeReadOnly(d: string): () => void {
  if (process.getuid?.() === 0) {
    execFileSync("chattr", ["+i", d]);
    return () => execFileSync("chattr", ["-i", d]);
  }
  chmodSync(d, 0o555);
  return () => chmodSync(d, 0o755);
}

test("a read-only data dir is reported with the folder and the next step", () => {
  const d = join(dir, "ro");
  mkdirSync(d);
  const undo = makeReadOnly(d);
  try {
    assert.throws(() => lockDataDir(join(d, "loupe.db")), (err: Error & { code?: string }) => {
      assert.equal(err.code, "data_dir_read_only");
      assert.match(err.message, new RegExp(`the data directory ${d.replace(/\//g, "\\/")} is not writable`));
      assert.match(err.message, /Make it writable by the user running Loupe/);
      return true;
    });
    assert.throws(() => openDatabase(join(d, "loupe.db")), /cannot write the database .*read-only for this user/);
  } finally {
    undo();
  }
});

test("a corrupted database file is reported with the next step", () => {
  const path = join(dir, "corrupt.db");
  writeFileSync(path, Buffer.alloc(64 * 1024, 0x5a));
  assert.throws(() => openDatabase(path), (err: Error & { code?: string }) => {
    assert.equal(err.code, "db_corrupt");
    assert.match(err.message, /corrupt\.db is corrupted or not a Loupe database/);
    assert.match(err.message, /restore it from backup, or run `loupe db check`/i);
    return true;
  });
});

test("corruption found past the header (a damaged page) gets the same message", () => {
  const path = join(dir, "damaged.db");
  const db = openDatabase(path);
  migrate(db);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  // overwrite every page after the first with garbage: sqlite_master's children are gone
  const buf = Buffer.alloc(16384 * 3, 0xa5);
  const fd = openSync(path, "r+");
  writeSync(fd, buf, 0, buf.length, 16384);
  closeSync(fd);
  let seen: unknown;
  try {
    const d2 = openDatabase(path);
    try {
      migrate(d2, undefined, path);
      d2.prepare("SELECT count(*) FROM tsdb_series").get();
      d2.prepare("SELECT count(*) FROM users").get();
    } finally {
      d2.close();
    }
  } catch (err) {
    seen = describeDbError(err, path);
  }
  assert.ok(seen instanceof Error, "corruption is detected");
  assert.equal((seen as { code?: string }).code, "db_corrupt", String(seen));
  assert.match((seen as Error).message, /run `loupe db check`/);
});

