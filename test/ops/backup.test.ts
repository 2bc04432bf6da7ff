// loupe backup / restore: archive contents and checksums, what restore refuses, scheduled backups
// with keep, and the CLI. The backup taken during Graphite ingest is test/ops/backup-during-ingest.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type CliIo } from "../../src/cli.js";
import { defaultConfig, loadConfig } from "../../src/config/index.js";
import { startLoupe } from "../../src/main.js";
import { createLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { createBackup, lockDataDir, pruneBackups, readMigrations, restoreBackup, startBackupSchedule, backupFileName } from "../../src/store/index.js";
import { openTestStore } from "../store/helpers.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-backup-");
const T0 = Date.UTC(2026, 10, 25);
const SCHEMA = Math.max(...readMigrations().map((m) => m.version));

function capture(): CliIo & { outText: string; errText: string } {
  const io = { outText: "", errText: "", out: (t: string) => void (io.outText += t.endsWith("\n") ? t : `${t}\n`), err: (t: string) => void (io.errText += t.endsWith("\n") ? t : `${t}\n`) };
  return io;
}

/** A data dir with series a (closed chunks, in SQLite) and b (only in the point WAL: the store is left open). */
async function dataDir(name: string, close: boolean) {
  const d = join(dir, name);
  mkdirSync(d, { recursive: true });
  const s = await openTestStore(d, "loupe.db", { store: { chunk_points: 8 } });
  await s.store.write(Array.from({ length: 40 }, (_, i) => ({ name: "test.a", ts: T0 + i * 10_000, value: i })));
  (s.store as unknown as { flush(): void }).flush(); // test.a into SQLite chunks
  await s.store.write(Array.from({ length: 3 }, (_, i) => ({ name: "test.b", ts: T0 + i * 10_000, value: 100 + i })));
  if (close) await s.close();
  return { d, s };
}

async function readBack(d: string): Promise<{ a: number[]; b: number[] }> {
  const s = await openTestStore(d);
  const read = (key: string): number[] => {
    const id = s.store.getSeries(key)?.id;
    return id === undefined ? [] : s.store.readRaw(id, T0 - 1, T0 + 3_600_000).map((p) => p.value);
  };
  const r = { a: read("test.a"), b: read("test.b") };
  await s.close();
  return r;
}

test("a backup of a running store holds the database and the point WAL; restore brings back every point", async () => {
  const { d, s } = await dataDir("live", false);
  const out = join(dir, "out", "live.tar");
  const r = await createBackup({ dbPath: s.path, out, loupeVersion: "9.9.9" });
  assert.equal(r.schemaVersion, SCHEMA);
  assert.ok(r.walFiles >= 1, "the open store's WAL segment is in the backup");
  // one tar file, readable by tar(1), plus FILE.sha256 in sha256sum format
  const listed = execFileSync("tar", ["tf", out], { encoding: "utf8" }).trim().split("\n");
  assert.ok(listed.includes("loupe.db") && listed.includes("loupe-backup.json"), listed.join(","));
  assert.ok(listed.some((n) => /^loupe\.db\.wal\/\d{8}\.wal$/.test(n)));
  assert.equal(readFileSync(`${out}.sha256`, "utf8"), `${r.sha256}  live.tar\n`);
  // never onto the database's own files
  for (const bad of [s.path, `${s.path}-wal`, join(`${s.path}.wal`, "x.tar")]) await assert.rejects(createBackup({ dbPath: s.path, out: bad }), /one of the database's own files/);
  assert.equal(createHash("sha256").update(readFileSync(out)).digest("hex"), r.sha256);
  execFileSync("sha256sum", ["-c", "live.tar.sha256"], { cwd: join(dir, "out") });
  await s.close();

  const target = join(dir, "restored-live");
  const rr = await restoreBackup({ file: out, dbPath: join(target, "loupe.db") });
  assert.equal(rr.checksum, "file");
  assert.equal(rr.integrity, "ok");
  assert.equal(rr.manifest.loupe_version, "9.9.9");
  assert.deepEqual(await readBack(target), await readBack(d));
  assert.deepEqual((await readBack(target)).b, [100, 101, 102]);
  assert.equal((await readBack(target)).a.length, 40);
});

test("restore refuses a live data dir, and a non-empty one unless --force", async () => {
  const { s } = await dataDir("src2", true);
  const out = join(dir, "src2.tar");
  await createBackup({ dbPath: s.path, out });
  const { d: target } = await dataDir("target2", true);
  const dbPath = join(target, "loupe.db");

  const lock = lockDataDir(dbPath); // a running Loupe holds this
  await assert.rejects(restoreBackup({ file: out, dbPath, force: true }), (err: Error & { code?: string }) => {
    assert.equal(err.code, "restore_live");
    assert.match(err.message, /refusing to restore into a live data dir/);
    return true;
  });
  lock.release();

  await assert.rejects(restoreBackup({ file: out, dbPath }), (err: Error & { code?: string }) => {
    assert.equal(err.code, "restore_not_empty");
    assert.match(err.message, /--force/);
    return true;
  });
  const rr = await restoreBackup({ file: out, dbPath, force: true });
  assert.equal(rr.replaced, true);
  assert.equal((await readBack(target)).a.length, 40);
  assert.deepEqual(readdirSync(target).filter((n) => n.startsWith(".loupe-restore")), []);
});

test("a damaged backup is refused before the target is touched: whole-file sum, then member sums", async () => {
  const { s } = await dataDir("src3", true);
  const out = join(dir, "src3.tar");
  await createBackup({ dbPath: s.path, out });
  const bytes = readFileSync(out);
  bytes[2048] = bytes[2048]! ^ 0xff; // inside loupe.db's data
  writeFileSync(out, bytes);
  const dbPath = join(dir, "target3", "loupe.db");
  await assert.rejects(restoreBackup({ file: out, dbPath }), (err: Error & { code?: string }) => {
    assert.equal(err.code, "backup_checksum");
    assert.match(err.message, /does not match its SHA-256/);
    return true;
  });
  assert.equal(existsSync(dbPath), false);
  // without the .sha256 file the manifest still catches it
  execFileSync("rm", [`${out}.sha256`]);
  await assert.rejects(restoreBackup({ file: out, dbPath }), /loupe\.db does not match its checksum in the manifest/);
  assert.equal(existsSync(dbPath), false);
  // and a file that is not a backup at all
  writeFileSync(join(dir, "junk.tar"), "hello");
  await assert.rejects(restoreBackup({ file: join(dir, "junk.tar"), dbPath }), /not a complete backup archive/);
  assert.equal(existsSync(dbPath), false);
});

test("scheduled backups: the cron expression fires inside the server, keep prunes the oldest, /metrics counts runs", async () => {
  const { s } = await dataDir("src4", true);
  const bdir = join(dir, "auto");
  const metrics = new MetricsRegistry();
  const logs: string[] = [];
  const log = createLogger({ level: "info", format: "json", sink: { write: (l) => void logs.push(l) } });
  const backup = { ...defaultConfig().backup, schedule: "* * * * * *", keep: 2, dir: bdir };
  const sched = startBackupSchedule({ backup, dbPath: s.path, log, metrics });
  const deadline = Date.now() + 15_000;
  while (!(existsSync(bdir) && readdirSync(bdir).some((n) => n.endsWith(".tar")))) {
    assert.ok(Date.now() < deadline, "no scheduled backup within 15 s of a once-a-second schedule");
    await new Promise((r) => setTimeout(r, 100));
  }
  await sched.stop();
  for (let i = 0; i < 3; i++) await startBackupSchedule({ backup: { ...backup, schedule: "" }, dbPath: s.path, log, metrics }).runNow();
  const tars = readdirSync(bdir).filter((n) => n.endsWith(".tar")).sort();
  assert.equal(tars.length, 2);
  for (const t of tars) assert.ok(existsSync(join(bdir, `${t}.sha256`)));
  assert.match(metrics.expose(), /^loupe_backup_runs_total\{result="ok"\} [4-9]$/m);
  assert.ok(logs.some((l) => /"msg":"backup done"/.test(l) || /backup done/.test(l)));
  // prune only touches files named like automatic backups
  writeFileSync(join(bdir, "mine.tar"), "x");
  writeFileSync(join(bdir, backupFileName(new Date(0))), "x");
  assert.deepEqual(pruneBackups(bdir, 2), [backupFileName(new Date(0))]);
  assert.ok(existsSync(join(bdir, "mine.tar")));
});

test("CLI: loupe backup prints the SHA-256, loupe restore --data checks it, loupe version names the schema", async () => {
  const { d } = await dataDir("src5", true);
  const cfg = join(dir, "cli.ini");
  writeFileSync(cfg, `[paths]\ndata = ${d}\n`);
  const out = join(dir, "cli", "b.tar");
  let io = capture();
  assert.equal(await runCli(["backup", out, "--config", cfg], io), 0, io.errText);
  const sum = /sha256 ([0-9a-f]{64})/.exec(io.outText)?.[1];
  assert.equal(sum, readFileSync(`${out}.sha256`, "utf8").slice(0, 64));

  io = capture();
  assert.equal(await runCli(["restore", out, "--data", join(dir, "cli-restored")], io), 0, io.errText);
  assert.match(io.outText, new RegExp(`sha256 ${sum} verified; quick_check: ok`));
  assert.equal((await readBack(join(dir, "cli-restored"))).a.length, 40);

  // --config restores into the configured [database] path (relative: next to the config file)
  const restoredCfg = join(dir, "cli-restored-cfg.ini");
  writeFileSync(restoredCfg, "[paths]\ndata = cli-restored-by-config\n");
  io = capture();
  assert.equal(await runCli(["restore", out, "--config", restoredCfg], io), 0, io.errText);
  assert.equal((await readBack(join(dir, "cli-restored-by-config"))).a.length, 40);

  io = capture();
  assert.equal(await runCli(["restore", out, "--data", join(dir, "cli-restored"), "--sha256", "0".repeat(64)], io), 1);
  assert.match(io.errText, /does not match its SHA-256 \(--sha256/);
  io = capture();
  assert.equal(await runCli(["restore", out], io), 1);
  assert.match(io.errText, /either --data DIR or --config FILE/);

  io = capture();
  assert.equal(await runCli(["version"], io), 0);
  assert.match(io.outText, new RegExp(`^loupe \\d+\\.\\d+\\.\\d+ \\(schema version ${SCHEMA}, node v\\d+`));
});

test("startLoupe with [backup] schedule takes backups of its own running data dir, counted on /metrics", { timeout: 60_000 }, async () => {
  const d = join(dir, "server");
  const bdir = join(dir, "server-backups");
  const text = ["[server]\nhttp_port = 0", `[paths]\ndata = ${d}`, "[ingest.graphite]\nenabled = false", "[alerting]\nenabled = false", `[backup]\nschedule = * * * * * *\nkeep = 1\ndir = ${bdir}`].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  try {
    // a finished run is counted on /metrics (after its file and .sha256 are in place)
    const deadline = Date.now() + 30_000;
    const ok = /^loupe_backup_runs_total\{result="ok"\} [1-9]/m;
    while (!ok.test(await (await fetch(`http://127.0.0.1:${loupe.httpPort}/metrics`)).text())) {
      assert.ok(Date.now() < deadline, `no backup within 30 s:\n${logs.join("")}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(readdirSync(bdir).some((n) => n.endsWith(".tar.sha256")));
    assert.ok(logs.some((l) => l.includes("automatic backups on")));
  } finally {
    await loupe.stop(); // a backup running now is aborted and its partial file removed
  }
  assert.deepEqual(readdirSync(bdir).filter((n) => n.endsWith(".partial") || n.endsWith(".db.tmp")), []);
  const tar = readdirSync(bdir).filter((n) => n.endsWith(".tar")).sort().at(-1)!;
  const rr = await restoreBackup({ file: join(bdir, tar), dbPath: join(dir, "server-restored", "loupe.db") });
  assert.equal(rr.integrity, "ok");
});

test("restore run as root into a data dir owned by the service user gives the files to that user", { skip: process.getuid?.() !== 0 ? "needs root (chown)" : undefined }, async () => {
  const { s } = await dataDir("src7", true);
  const out = join(dir, "src7.tar");
  await createBackup({ dbPath: s.path, out });
  const target = join(dir, "owned");
  mkdirSync(target);
  chownSync(target, 65534, 65534); // nobody: stands for the loupe user
  await restoreBackup({ file: out, dbPath: join(target, "loupe.db") });
  for (const p of ["loupe.db", "loupe.db.wal"]) assert.equal(statSync(join(target, p)).uid, 65534, p);
});
