import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { spawnLoupe } from "./helpers/spawn-loupe.js";
import { tempDir } from "./helpers/tmp.js";
import { runCli } from "../src/cli.js";

const dir = tempDir();
const quiet = { out: () => undefined, err: () => undefined };

test("loupe run starts on embedded defaults (no config file), serves /healthz, and SIGTERM exits 0 within 2 s", async () => {
  // No loupe.ini in cwd: embedded defaults, with only the port moved off 3000 by the environment.
  const loupe = spawnLoupe(["run"], {
    cwd: dir,
    env: { LOUPE_SERVER_HTTP_PORT: "0", LOUPE_INGEST_GRAPHITE_TCP_ADDR: "127.0.0.1:0", LOUPE_INGEST_GRAPHITE_UDP_ADDR: "127.0.0.1:0", LOUPE_CONFIG: "" },
  });
  const port = await loupe.ready;
  assert.match(loupe.stderr(), /embedded defaults/);
  const res = await fetch(`http://127.0.0.1:${port}/healthz`);
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; version: string };
  assert.equal(body.status, "ok");
  assert.match(body.version, /^\d+\.\d+\.\d+/);
  assert.ok(existsSync(join(dir, "data", "loupe.db")), "creates ./data/loupe.db");

  const t0 = Date.now();
  loupe.child.kill("SIGTERM");
  const { code } = await loupe.exited;
  const ms = Date.now() - t0;
  assert.equal(code, 0, loupe.stderr());
  assert.ok(ms < 2000, `exited in ${ms} ms`);
  // Closed cleanly: SQLite removes the -wal file only when the last connection closes properly.
  assert.ok(!existsSync(join(dir, "data", "loupe.db-wal")), "WAL checkpointed and removed on close");
  const db = new Database(join(dir, "data", "loupe.db"), { readonly: true });
  assert.equal(db.pragma("integrity_check", { simple: true }), "ok");
  db.close();
});

test("loupe run refuses a non-loopback address without auth, explaining how to fix it", async () => {
  const f = join(dir, "open.ini");
  writeFileSync(f, `[server]\nhttp_addr = 0.0.0.0\nhttp_port = 0\n[paths]\ndata = ${join(dir, "d2")}\n`);
  const loupe = spawnLoupe(["run", "--config", f], { cwd: dir });
  const { code } = await loupe.exited;
  assert.equal(code, 1);
  assert.match(loupe.stderr(), /refusing to serve on 0\.0\.0\.0 without authentication/);
  assert.match(loupe.stderr(), /ssh -L 3000:localhost:3000/);
  assert.match(loupe.stderr(), /\[auth\.github\]/);
});

test("version, help and unknown commands", async () => {
  let out = "";
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (out += t) };
  assert.equal(await runCli(["version"], io), 0);
  assert.match(out, /^loupe \d+\.\d+\.\d+/);
  out = "";
  assert.equal(await runCli(["--help"], io), 0);
  assert.match(out, /run\s+run Loupe in the foreground/);
  assert.match(out, /check-config/);
  out = "";
  assert.equal(await runCli(["help", "run"], io), 0);
  assert.match(out, /SIGTERM/);
  assert.equal(await runCli(["frobnicate"], quiet), 1);
});

async function dbCheck(dbPath: string, ...extra: string[]): Promise<{ code: number; out: string }> {
  const ini = `${dbPath}.ini`;
  writeFileSync(ini, `[database]\npath = ${dbPath}\n`);
  let out = "";
  const io = { out: (t: string) => void (out += `${t}\n`), err: (t: string) => void (out += `${t}\n`) };
  const code = await runCli(["db", "check", "--config", ini, ...extra], io);
  return { code, out };
}

test("loupe db check: a healthy database passes; damaged chunks, counters and WAL are reported", async () => {
  const { openTestStore } = await import("./store/helpers.js");
  const d = join(dir, "dbcheck");
  const o = await openTestStore(d, "loupe.db");
  const t0 = o.clock.now();
  for (let i = 0; i < 300; i++) await o.store.write([{ name: "a.b", ts: t0 + i * 10_000, value: i }, { name: "a.c", ts: t0 + i * 10_000, value: -i }]);
  await o.close();
  const good = await dbCheck(o.path);
  assert.equal(good.code, 0, good.out);
  assert.match(good.out, /integrity_check: ok/);
  assert.match(good.out, /store: 2 series, \d+ chunks, \d+ decoded/);
  assert.match(good.out, /no problems found/);

  const db = new Database(o.path);
  db.prepare("UPDATE tsdb_chunks SET data = x'01ff' WHERE id = (SELECT min(id) FROM tsdb_chunks)").run();
  db.prepare("UPDATE tsdb_tier_stats SET points = points + 7 WHERE tier = 0").run();
  db.close();
  mkdirSync(o.walPath, { recursive: true });
  writeFileSync(join(o.walPath, "00000009.wal"), Buffer.concat([Buffer.from("LOUPEWL1"), Buffer.from([9, 0, 0, 0, 1, 2])]));
  const bad = await dbCheck(o.path);
  assert.equal(bad.code, 1, bad.out);
  assert.match(bad.out, /PROBLEM  store: chunk \d+ \(series \d+, tier 0\) (does not decode|holds)/);
  assert.match(bad.out, /PROBLEM  store: tier 0 counters say \d+ chunks \/ \d+ points, the chunks hold/);
  assert.match(bad.out, /wal: 00000009\.wal ends in 6 byte\(s\) of a torn record/);
  assert.match(bad.out, /restore from backup/);
  const quick = await dbCheck(o.path, "--quick", "--no-decode");
  assert.match(quick.out, /quick_check: ok/);
  assert.doesNotMatch(quick.out, /does not decode/);
});

test("loupe db check and loupe run on a corrupted file: exit 1 with the next step", async () => {
  const path = join(dir, "garbage", "loupe.db");
  mkdirSync(join(dir, "garbage"));
  writeFileSync(path, Buffer.alloc(32 * 1024, 0x42));
  const r = await dbCheck(path);
  assert.equal(r.code, 1);
  assert.match(r.out, /loupe db check: the database file .*garbage\/loupe\.db is corrupted or not a Loupe database/);
  assert.match(r.out, /Restore it from backup/);
  const loupe = spawnLoupe(["run", "--config", `${path}.ini`], { cwd: dir, env: { LOUPE_SERVER_HTTP_PORT: "0", LOUPE_INGEST_GRAPHITE_TCP_ADDR: "", LOUPE_INGEST_GRAPHITE_UDP_ADDR: "" } });
  const { code } = await loupe.exited;
  assert.equal(code, 1, loupe.stderr());
  assert.match(loupe.stderr(), /db_corrupt/);
  assert.match(loupe.stderr(), /run `loupe db check`/);
  assert.equal(await runCli(["db", "frobnicate"], quiet), 1);
});

test("loupe run on a read-only data dir exits 1 naming the folder and the next step", async () => {
  const data = join(dir, "readonly-data");
  mkdirSync(data);
  const ini = join(dir, "readonly.ini");
  writeFileSync(ini, `[paths]\ndata = ${data}\n[server]\nhttp_port = 0\n[ingest.graphite]\ntcp_addr = ""\nudp_addr = ""\n`);
  // unwritable even for root (immutable attribute), or by mode for other users
  const root = process.getuid?.() === 0;
  if (root) execFileSync("chattr", ["+i", data]);
  else chmodSync(data, 0o555);
  try {
    const loupe = spawnLoupe(["run", "--config", ini], { cwd: dir });
    const { code } = await loupe.exited;
    assert.equal(code, 1, loupe.stderr());
    assert.match(loupe.stderr(), /data_dir_read_only/);
    assert.match(loupe.stderr(), new RegExp(`the data directory ${data.replace(/\//g, "\\/")} is not writable`));
    assert.match(loupe.stderr(), /Make it writable by the user running Loupe/);
  } finally {
    if (root) execFileSync("chattr", ["-i", data]);
    else chmodSync(data, 0o755);
  }
});
