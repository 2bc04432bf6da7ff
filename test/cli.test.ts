import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
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
