/**
 * Real `loupe run` processes on one data dir: the series budget holds under 2× max_series distinct
 * series with RSS under the documented bound (docs/format/memory.md), a restart after kill -9 comes
 * up (also with a smaller budget than the WAL was written with), and a second process on the same
 * data dir exits 1 naming the first's PID while every point acknowledged to the first is kept.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnLoupe, type LoupeProcess } from "../helpers/spawn-loupe.js";
import { tempDir } from "../helpers/tmp.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";

const dir = tempDir("loupe-run-budget-");

/** The documented bound (docs/format/memory.md): base process, with room for tsx, + max_series × 16 KiB. */
const BASE_BYTES = 256 * 1024 * 1024;
const PER_SERIES_BYTES = 16 * 1024;

function config(name: string, maxSeries: number): string {
  const ini = join(dir, `${name}.ini`);
  writeFileSync(
    ini,
    `[paths]\ndata = ${join(dir, name)}\n[server]\nhttp_port = 0\n[ingest.graphite]\ntcp_addr = ""\nudp_addr = ""\n[store]\nmax_series = ${maxSeries}\n`,
  );
  return ini;
}

function start(ini: string): LoupeProcess {
  return spawnLoupe(["run", "--config", ini], { cwd: dir });
}

async function stopAll(...ps: LoupeProcess[]): Promise<void> {
  for (const p of ps) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  await Promise.all(ps.map((p) => p.exited));
}

/** Influx line protocol, ms precision; resolves with the HTTP status. */
async function influx(port: number, lines: string[]): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/write?db=x&precision=ms`, { method: "POST", body: lines.join("\n") });
  await r.arrayBuffer();
  return r.status;
}

async function metric(port: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  assert.ok(m, `${name} on /metrics`);
  return Number(m[1]);
}

function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return Number(m![1]) * 1024;
}

test("2 × max_series distinct series: refused beyond the budget, RSS under the bound, restarts after kill -9 come up", async (t) => {
  const MAX = 2000;
  const ini = config("budget", MAX);
  const a = start(ini);
  try {
    const port = await a.ready;
    const t0 = Date.now() - 60_000;
    for (let p = 0; p < 3; p++) {
      for (let b = 0; b < 2 * MAX; b += 500) {
        const lines = Array.from({ length: 500 }, (_, i) => `load,host=h${b + i} value=${p} ${t0 + p * 10_000}`);
        assert.equal(await influx(port, lines), 204);
      }
    }
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    assert.equal(await metric(port, "loupe_store_series"), MAX);
    assert.ok((await metric(port, "loupe_store_series_refused_total")) >= MAX - 100);
    assert.ok((await metric(port, "loupe_store_points_refused_total")) >= 3 * (MAX - 100));
    assert.equal(await metric(port, "loupe_store_max_series"), MAX);
    const rss = await metric(port, "loupe_memory_rss_bytes");
    const bound = BASE_BYTES + MAX * PER_SERIES_BYTES;
    assert.ok(rssOf(a.child.pid!) < bound, `RSS ${rssOf(a.child.pid!)} under ${bound}`);
    assert.ok(rss > 0 && rss < bound);
    assert.ok((await metric(port, 'loupe_memory_bytes\\{part="heads"\\}')) > 0);
    t.diagnostic(`RSS with ${MAX} series (${2 * MAX} sent): ${(rssOf(a.child.pid!) / 2 ** 20).toFixed(1)} MiB, bound ${(bound / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    await stopAll(a);
  }
  // kill -9 left the lock and the WAL: the same budget comes up
  const b = start(ini);
  try {
    const port = await b.ready;
    assert.equal(await metric(port, "loupe_store_series"), MAX);
    assert.equal(await metric(port, "loupe_store_wal_replay_skipped_total"), 0);
  } finally {
    await stopAll(b);
  }
  // and a smaller budget than the WAL was written with replays what fits and comes up too
  writeFileSync(ini, readFileSync(ini, "utf8").replace(`max_series = ${MAX}`, "max_series = 500"));
  const c = start(ini);
  try {
    const port = await c.ready;
    assert.ok((await metric(port, "loupe_store_wal_replay_skipped_total")) > 0);
    assert.match(c.stderr(), /more series than \[store\] max_series/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
  } finally {
    await stopAll(c);
  }
});

test("a second loupe run on the same data dir exits 1 naming the first's PID; nothing acknowledged is lost", async () => {
  const ini = config("twice", 10_000);
  const first = start(ini);
  let second: LoupeProcess | undefined;
  const acked = new Map<string, number>();
  try {
    const port = await first.ready;
    const t0 = Date.now() - 3_600_000;
    let stop = false;
    const writer = (async () => {
      for (let b = 0; !stop || b < 20; b++) {
        const lines = Array.from({ length: 100 }, (_, i) => `twice,host=h${i % 10} v=${b * 100 + i} ${t0 + b * 1000 + i}`);
        if ((await influx(port, lines)) === 204) for (let i = 0; i < 100; i++) acked.set(`h${i % 10}`, (acked.get(`h${i % 10}`) ?? 0) + 1);
      }
    })();
    second = start(ini);
    const { code } = await second.exited;
    stop = true;
    await writer;
    assert.equal(code, 1, second.stderr());
    assert.match(second.stderr(), new RegExp(`another Loupe \\(PID ${first.child.pid} `));
    assert.match(second.stderr(), /data_dir_locked/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/healthz`)).status, 200);
    first.child.kill("SIGTERM");
    assert.equal((await first.exited).code, 0, first.stderr());
  } finally {
    await stopAll(first, ...(second !== undefined ? [second] : []));
  }
  // every acknowledged point is in the database
  const path = join(dir, "twice", "loupe.db");
  const db = openDatabase(path);
  migrate(db);
  const cfg = defaultConfig();
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger });
  let total = 0;
  for (const [host, n] of acked) {
    const s = store.matchSeries([{ key: "host", op: "=", value: host }]).find((x) => x.name.startsWith("twice"));
    assert.ok(s, host);
    const got = store.readRaw(s.id, 0, Date.now() + 1).length;
    assert.equal(got, n, host);
    total += got;
  }
  assert.ok(total >= 2000, `${total} points acknowledged and read back`);
  await store.close();
  db.close();
});
