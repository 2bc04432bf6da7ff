// Time-series store benchmark (issue 3): ingest through the store API with durability, bytes per
// point on disk, raw and consolidated read latency, peak RSS. `npm run bench -- store`.
//
// Workload ("wide" + "deep", like ../shared/ANCHORS.md):
// - wide: 10,000 series (1,000 hosts × 10 metrics, names servers.hostNNNN.<metric>) × 1,000 points
//   at 10 s, written tick by tick (one write() of 10,000 samples per tick);
// - deep: 100 series × 7 days at 10 s (60,480 points each), tick by tick (one write() of 100 samples);
// value shapes per series: 30 % counters with random integer increments 0–999, 20 % integer
// random-walk gauges, 20 % with 2 decimals, 20 % with 4 decimals (steps of ±50 in the last digit),
// 10 % constants. Up to 20,000 samples in flight (several senders, socket buffers); every write awaited.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { migrate, openDatabase, openStore, type TimeSeriesStore } from "../../src/store/index.js";
import { peakRssMiB, printTable } from "./_table.js";

const WIDE_SERIES = 10_000;
const WIDE_POINTS = 1_000;
const DEEP_SERIES = 100;
const DEEP_DAYS = 7;
const STEP = 10_000;
/** Samples written but not yet acknowledged, at most (what socket buffers and several senders hold). */
const IN_FLIGHT = 100_000;

type Shape = { kind: "counter" | "gauge" | "const"; decimals: number; value: number };

function rng(seed: number): () => number {
  // the state lives in a typed array: a closure variable above 2^31 would allocate a heap number on
  // every call, and that garbage would be counted in the store's RSS
  const st = new Uint32Array([seed]);
  return () => {
    st[0] = st[0]! + 0x6d2b79f5;
    let t = st[0]!;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);

function shapeFor(i: number): Shape {
  const k = i % 10;
  if (k < 3) return { kind: "counter", decimals: 0, value: Math.floor(rand() * 1e9) };
  if (k < 5) return { kind: "gauge", decimals: 0, value: Math.floor(rand() * 10000) };
  if (k < 7) return { kind: "gauge", decimals: 2, value: Math.round(rand() * 10000) / 100 };
  if (k < 9) return { kind: "gauge", decimals: 4, value: Math.round(rand() * 1e6) / 1e4 };
  return { kind: "const", decimals: 0, value: Math.floor(rand() * 100) };
}

function next(s: Shape): number {
  if (s.kind === "counter") s.value += Math.floor(rand() * 1000);
  else if (s.kind === "gauge") {
    const p = 10 ** s.decimals;
    s.value = Math.round(s.value * p + Math.round((rand() - 0.5) * 100)) / p;
  }
  return s.value;
}

const METRICS = ["cpu.total.user", "cpu.total.system", "cpu.total.idle", "memory.MemFree", "memory.Cached", "loadavg.01", "net.eth0.rx_bytes", "net.eth0.tx_bytes", "diskspace.root.byte_free", "uptime"];

async function ingest(store: TimeSeriesStore, names: string[], points: number, t0: number): Promise<number> {
  const shapes = names.map((_, i) => shapeFor(i));
  const inflight = new Set<Promise<void>>();
  const maxWrites = Math.max(1, Math.floor(IN_FLIGHT / names.length));
  let n = 0;
  // write() takes what it needs before it returns, so each series' Sample object is reused tick
  // after tick: the figures are the store's, not the garbage of a sample generator
  const batch: Array<{ name: string; ts: number; value: number }> = names.map((name) => ({ name, ts: 0, value: 0 }));
  for (let p = 0; p < points; p++) {
    const ts = t0 + p * STEP;
    for (let i = 0; i < names.length; i++) {
      const smp = batch[i]!;
      smp.ts = ts;
      smp.value = next(shapes[i]!);
    }
    const w = store.write(batch);
    inflight.add(w);
    void w.then(() => inflight.delete(w));
    n += names.length;
    if (inflight.size >= maxWrites) await Promise.race(inflight);
    if (process.env["BENCH_PROFILE"] !== undefined && p % (names.length > 1000 ? 100 : 10000) === 0) {
      const m = process.memoryUsage();
      console.error(`p ${p} rss ${(m.rss / 2 ** 20).toFixed(0)} heapTotal ${(m.heapTotal / 2 ** 20).toFixed(0)} heapUsed ${(m.heapUsed / 2 ** 20).toFixed(0)} external ${(m.external / 2 ** 20).toFixed(0)} ab ${(m.arrayBuffers / 2 ** 20).toFixed(0)}`);
    }
  }
  await Promise.all(inflight);
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-store-"));
  const path = join(dir, "loupe.db");
  const cfg = defaultConfig();
  // BENCH_FSYNC=off|always compares the durability policies (the default is the configured one, batch)
  const fsync = (process.env["BENCH_FSYNC"] ?? cfg.store.fsync) as typeof cfg.store.fsync;
  const now = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  try {
    let db = openDatabase(path);
    migrate(db);
    // BENCH_ROLLUP_1M=0 turns the 1m tier off (as before it was built as data arrives) to compare
    const retention = process.env["BENCH_ROLLUP_1M"] === "0" ? { ...cfg.retention, rollup_1m: 0 } : cfg.retention;
    const open = async (): Promise<TimeSeriesStore> => openStore(db, { store: { ...cfg.store, fsync }, retention, walPath: `${path}.wal`, log: silentLogger });
    let store = await open();
    const baseRss = process.memoryUsage().rss / 2 ** 20;

    const deepNames = Array.from({ length: DEEP_SERIES }, (_, i) => `deep.host${String(i).padStart(3, "0")}.${METRICS[i % METRICS.length]}`);
    const wideNames = Array.from({ length: WIDE_SERIES }, (_, i) => `servers.host${String(Math.floor(i / METRICS.length)).padStart(4, "0")}.${METRICS[i % METRICS.length]}`);
    const deepPoints = (DEEP_DAYS * 86_400_000) / STEP;

    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    let points = await ingest(store, deepNames, deepPoints, now - DEEP_DAYS * 86_400_000);
    points += await ingest(store, wideNames, WIDE_POINTS, now - WIDE_POINTS * STEP);
    const ingestS = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const ingestRss = await peakRssMiB();
    const cpuS = (cpu.user + cpu.system) / 1e6;
    if (process.env["BENCH_PROFILE"] !== undefined) console.error("after ingest: peak", await peakRssMiB());
    if (process.env["BENCH_PROFILE"] !== undefined) (globalThis as { gc?: () => void }).gc?.();
    if (process.env["BENCH_PROFILE"] !== undefined) console.error("ingest s", ingestS, "heap MiB", process.memoryUsage().heapUsed / 2 ** 20, "rss", process.memoryUsage().rss / 2 ** 20);
    const walPeak = store.stats().walBytes;

    // flush the heads and rollups, checkpoint SQLite's own WAL, measure the file
    await store.close();
    if (process.env["BENCH_PROFILE"] !== undefined) console.error("after close: peak", await peakRssMiB());
    db.pragma("wal_checkpoint(TRUNCATE)");
    const fileBytes = statSync(path).size;
    const rawBytes = (db.prepare("SELECT sum(length(data)) FROM tsdb_chunks WHERE tier = 0").pluck().get() as number) ?? 0;
    if (process.env["BENCH_PROFILE"] !== undefined) {
      try {
        for (const r of db.prepare("SELECT name, count(*) pages, sum(pgsize) bytes, sum(unused) unused FROM dbstat GROUP BY name ORDER BY bytes DESC LIMIT 6").all()) console.error(r);
        console.error("freelist", db.pragma("freelist_count", { simple: true }), "pages", db.pragma("page_count", { simple: true }));
      } catch (err) {
        console.error(String(err));
      }
    }
    const rollBytes = (db.prepare("SELECT sum(length(data)) FROM tsdb_chunks WHERE tier > 0").pluck().get() as number) ?? 0;
    db.close();
    const tierBytes = (db2: typeof db, where: string): number => (db2.prepare(`SELECT sum(length(data)) FROM tsdb_chunks WHERE ${where}`).pluck().get() as number | null) ?? 0;

    db = openDatabase(path);
    const reopenAt = performance.now();
    store = await open();
    const reopenMs = performance.now() - reopenAt;
    // the retention runs a running store makes every 10 minutes: compact the 1m tier's complete days
    const retentionAt = performance.now();
    const halves = (): number => db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 4").pluck().get() as number;
    for (let before = -1, runs = 0; halves() !== before && runs < 100; runs++) {
      before = halves();
      store.runRetention(); // one run works through a backlog ~500 ms at a time
    }
    const retentionMs = performance.now() - retentionAt;
    const oneMinBytes = tierBytes(db, "tier = 1");
    const levelBytes = tierBytes(db, "tier IN (3, 4)");
    const hourBytes = tierBytes(db, "tier = 2");
    db.pragma("wal_checkpoint(TRUNCATE)");
    const compactedBytes = statSync(path).size;
    if (process.env["BENCH_PROFILE"] !== undefined) console.error("after reopen: peak", await peakRssMiB(), "rss", process.memoryUsage().rss / 2 ** 20);
    const deepIds = deepNames.map((n) => store.getSeries(n)!.id);
    const one = store.getSeries(deepNames[3]!)!.id;
    const dayRead: number[] = [];
    let dayPoints = 0;
    for (let i = 0; i < 30; i++) {
      const a = performance.now();
      dayPoints = store.readRaw(one, now - 86_400_000, now).length;
      dayRead.push(performance.now() - a);
    }
    const weekRead: number[] = [];
    let weekShape = "";
    for (let i = 0; i < 20; i++) {
      const a = performance.now();
      const r = store.select(deepIds, now - 7 * 86_400_000, now, { maxPoints: 300, consolidate: "avg" });
      weekRead.push(performance.now() - a);
      weekShape = `${r.series.length} × ${r.timestamps.length} (${r.tier}, step ${r.step / 1000} s)`;
    }
    await store.close();
    db.close();
    const rss = await peakRssMiB();

    printTable(
      "Store (issue 3)",
      `${WIDE_SERIES.toLocaleString("en-US")} series × ${WIDE_POINTS} points + ${DEEP_SERIES} series × ${DEEP_DAYS} days at 10 s = ${points.toLocaleString("en-US")} points, tick by tick (one write per tick), ≤ ${IN_FLIGHT.toLocaleString("en-US")} samples in flight, fsync = ${fsync}; counters (random increments), random-walk gauges (0/2/4 decimals), constants. ` +
        `1m tier ${retention.rollup_1m > 0 ? "on" : "off (BENCH_ROLLUP_1M=0)"}; load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}.`,
      ["measure", "value", "target"],
      [
        ["ingest into the store API, durable (points/s)", points / ingestS, "≥ 3,000,000"],
        ["ingest wall time (s)", ingestS, ""],
        ["ingest CPU time of this process, user + sys (s; includes making the samples)", cpuS, ""],
        ["points per CPU second", points / cpuS, ""],
        ["bytes/point on disk (whole file, rollups included)", fileBytes / points, "≤ 1.2"],
        ["bytes/point in raw chunk data", rawBytes / points, ""],
        ["bytes/point in rollup chunk data (at stop)", rollBytes / points, ""],
        ["bytes/point in 1m chunk data, after compaction", oneMinBytes / points, ""],
        ["bytes/point in the 1m tier's 5- and 30-minute levels", levelBytes / points, ""],
        ["bytes/point in 1h chunk data", hourBytes / points, ""],
        ["bytes/point on disk after the first retention run (1m compacted; file not shrunk)", compactedBytes / points, ""],
        ["retention runs after reopen until the deep series' days are compacted (ms, all runs)", retentionMs, ""],
        ["point WAL size at end of ingest (MiB)", walPeak / 2 ** 20, ""],
        [`1 day × 1 series raw read, ${dayPoints} points (ms, median of 30; best ${Math.min(...dayRead).toFixed(2)})`, median(dayRead), "≤ 3"],
        [`7 days × 100 series → 300 points, ${weekShape}, after the retention run (ms, median of 20; best ${Math.min(...weekRead).toFixed(2)})`, median(weekRead), "≤ 25"],
        ["reopen of the closed store: series, last rows, hourly rollups rebuilt from raw rows (ms)", reopenMs, ""],
        ["peak RSS during ingest (MiB)", ingestRss, "≤ 150"],
        ["peak RSS of the whole run, reopen and reads included (MiB)", rss, ""],
        [`RSS before the first write: Node, ${import.meta.url.endsWith(".ts") ? "tsx, " : ""}modules, empty store (MiB)`, baseRss, ""],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Loupe runs compiled (`node dist/entry.js`), not through tsx, whose TypeScript loader costs ~40 MiB
 * of RSS. So under tsx this bench bundles itself (esbuild: types stripped, npm packages left
 * external) into node_modules/.loupe-bench/ — two levels below the project root, as src/ and dist/
 * modules are, so PROJECT_ROOT (migrations/) resolves alike — and runs that under plain node.
 * BENCH_TSX=1 keeps the old way (in this process, through tsx).
 */
async function runCompiled(): Promise<number> {
  const { build } = await import("esbuild");
  const root = join(fileURLToPath(import.meta.url), "..", "..", "..");
  const outDir = join(root, "node_modules", ".loupe-bench");
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, "store.mjs");
  await build({ entryPoints: [fileURLToPath(import.meta.url)], bundle: true, platform: "node", format: "esm", target: "node20", packages: "external", outfile, logLevel: "warning" });
  const r = spawnSync(process.execPath, ["--expose-gc", outfile], { stdio: "inherit", env: { ...process.env, LOUPE_BENCH_COMPILED: "1" } });
  return r.status ?? 1;
}

const underTsx = process.env["LOUPE_BENCH_COMPILED"] === undefined && process.env["BENCH_TSX"] === undefined && import.meta.url.endsWith(".ts");
if (underTsx) process.exitCode = await runCompiled();
else await main();
