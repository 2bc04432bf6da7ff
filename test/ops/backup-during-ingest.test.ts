// Issue 17's "Done when": a backup taken during Graphite ingest restores into a Loupe that serves,
// through /render, every point acknowledged before the backup started.
//
// "Acknowledged" is the point WAL's durability: the store's write() for the point resolved (with
// [store] fsync = batch, after the group's fdatasync). The test owns the store, so it records the
// points of each write() when that write resolves; points are sent over real Graphite TCP.
// Small WAL segments and chunks make segments rotate, commit and get deleted all through the backup;
// the in-process backup also pauses 1.5 s between its WAL copy and its database snapshot, the window
// in which copying the database first would lose points; it reads through the store's own connection,
// as automatic backups inside the server do. A second backup runs as a separate `loupe backup` process.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { connect, type Socket } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli, type CliIo } from "../../src/cli.js";
import { defaultConfig } from "../../src/config/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners } from "../../src/ingest/index.js";
import { createBackup, migrate, openDatabase, openStore } from "../../src/store/index.js";
import type { Sample } from "../../src/model/index.js";
import { spawnLoupe, TSX_LOADER } from "../helpers/spawn-loupe.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-backup-ingest-");
const SERIES = 20;
const BASE_S = Math.floor(Date.now() / 1000) - 2 * 86_400; // virtual seconds: one point per series per tick
const quiet: CliIo = { out: () => undefined, err: () => undefined };

interface Point {
  readonly name: string;
  readonly ts: number;
  readonly value: number;
}

const until = async (cond: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** Loupe on the restored data dir, asked for every test.* point through /render; answers the set "name@ts=value". */
async function servedPoints(dataDir: string, lastTick: number): Promise<Set<string>> {
  const cfg = join(dataDir, "..", `${dataDir.split("/").pop()}.ini`);
  writeFileSync(cfg, `[server]\nhttp_port = 0\n[paths]\ndata = ${dataDir}\n[ingest.graphite]\nenabled = false\n[alerting]\nenabled = false\n[collectors]\nself_series = off\n`);
  const loupe = spawnLoupe(["run", "--config", cfg]);
  try {
    const port = await loupe.ready;
    const url = `http://127.0.0.1:${port}/render?target=test.*&from=${BASE_S - 1}&until=${BASE_S + lastTick + 1}&format=json`;
    const res = await fetch(url);
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
    const served = new Set<string>();
    for (const s of body) for (const [v, t] of s.datapoints) if (v !== null) served.add(`${s.target}@${t * 1000}=${v}`);
    return served;
  } finally {
    loupe.child.kill("SIGTERM");
    await loupe.exited;
  }
}

test("a backup taken during Graphite ingest restores every point acknowledged before it started", { timeout: 180_000 }, async (t) => {
  const dataDir = join(dir, "data");
  mkdirSync(dataDir);
  const dbPath = join(dataDir, "loupe.db");
  const cfg = defaultConfig();
  const db = openDatabase(dbPath);
  migrate(db);
  const store = await openStore(db, {
    store: { ...cfg.store, fsync: "batch", chunk_points: 30, head_idle: 1000 },
    retention: cfg.retention,
    walPath: `${dbPath}.wal`,
    log: silentLogger,
    tuning: { walSegmentBytes: 16 * 1024 },
  });
  // acknowledged points, in the order their write() resolved
  const acked: Point[] = [];
  const sink = {
    write: async (batch: readonly Sample[]): Promise<void> => {
      const copy = batch.map((p) => ({ name: p.name, ts: p.ts, value: p.value }));
      await store.write(batch);
      for (const p of copy) acked.push(p);
    },
  };
  const ingest = new GraphiteIngest({ sink, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
  const listeners = await startGraphiteListeners({ tcp: { host: "127.0.0.1", port: 0 }, udp: null, allowFrom: [], ingest, log: silentLogger });
  const sock: Socket = await new Promise((resolve, reject) => {
    const s = connect(listeners.tcpPort!, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
  let tick = 0;
  const sender = setInterval(() => {
    let lines = "";
    for (let k = 0; k < 5; k++, tick++) for (let i = 0; i < SERIES; i++) lines += `test.s${i} ${tick * 1000 + i} ${BASE_S + tick}\n`;
    sock.write(lines);
  }, 20);

  try {
    await until(() => acked.length > 5_000, "ingest to flow");
    // backup 1, in this process on the store's own connection (as [backup] schedule runs), with a
    // pause between the WAL copy and the database snapshot
    const start1 = acked.length;
    const r1 = await createBackup({ dbPath, out: join(dir, "b1.tar"), source: db, afterWalCopied: () => new Promise((r) => setTimeout(r, 1500)) });
    const during1 = acked.length - start1;
    // backup 2: `loupe backup` as another process, the way an operator runs it
    const srcCfg = join(dir, "source.ini");
    writeFileSync(srcCfg, `[paths]\ndata = ${dataDir}\n`);
    const start2 = acked.length;
    const child = spawn(process.execPath, ["--import", TSX_LOADER, join(PROJECT_ROOT, "src", "entry.ts"), "backup", join(dir, "b2.tar"), "--config", srcCfg], { stdio: ["ignore", "pipe", "pipe"] });
    let childOut = "";
    child.stdout.on("data", (b: Buffer) => (childOut += b.toString()));
    child.stderr.on("data", (b: Buffer) => (childOut += b.toString()));
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 0, childOut);
    assert.match(childOut, /sha256 [0-9a-f]{64}/);
    const during2 = acked.length - start2;
    // ingest really flowed during both backups, and the WAL was part of them
    assert.ok(during1 > 1_000, `only ${during1} points acknowledged during backup 1`);
    assert.ok(during2 > 100, `only ${during2} points acknowledged during backup 2`);
    assert.ok(r1.walFiles > 0, "backup 1 holds point WAL segments");

    clearInterval(sender);
    sock.end();
    await listeners.close();
    const lastTick = tick;
    const ackedAll = acked.slice();
    await store.close();
    db.close();

    for (const [name, start] of [["b1", start1], ["b2", start2]] as const) {
      assert.equal(await runCli(["restore", join(dir, `${name}.tar`), "--data", join(dir, `restored-${name}`)], quiet), 0);
      const served = await servedPoints(join(dir, `restored-${name}`), lastTick);
      const missing = ackedAll.slice(0, start).filter((p) => !served.has(`${p.name}@${p.ts}=${p.value}`));
      assert.equal(missing.length, 0, `${name}: ${missing.length} of ${start} acknowledged points missing, e.g. ${JSON.stringify(missing.slice(0, 3))}`);
      // and nothing invented: every served point was sent
      const sent = new Set(ackedAll.map((p) => `${p.name}@${p.ts}=${p.value}`));
      assert.deepEqual([...served].filter((k) => !sent.has(k)).slice(0, 3), []);
      t.diagnostic(`${name}: ${start} points acknowledged before it started, all served after the restore (${served.size} served in all; ${name === "b1" ? during1 : during2} acknowledged while it ran)`);
    }
  } finally {
    clearInterval(sender);
    sock.destroy();
  }
});
