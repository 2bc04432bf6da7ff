/**
 * The VictoriaMetrics store backend (issue 16) beside the local store. Workload: 100 series at 10 s
 * over 7 days (6,048,000 points, `bench.hostNN.cpu.metricMM`), written to a local store (SQLite file
 * in a temp folder, default config) and by remote_write to a VictoriaMetrics started here (Debian's
 * `victoria-metrics`, own data dir and port, -search.disableCache, stopped by its PID). Over real
 * HTTP on loopback, the same /render routes on each store:
 * - /render of the 100 series over 7 days at maxDataPoints=300 (one wildcard target, JSON);
 * - the same through sumSeries;
 * - the 100 series over the last hour (raw 10 s points, no maxDataPoints).
 * Each row: median and p95 of 20 sequential requests after 3 warm-ups (each request's window moves
 * by one second, as a refreshing dashboard's does, so the backend's read cache never answers), and
 * for the VictoriaMetrics backend the bytes that crossed the wire to the engine per request (request
 * and response bodies counted by its HTTP client).
 * `BENCH_VMB_SERIES`, `BENCH_VMB_DAYS` scale it down.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock, systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { encodeWriteRequest } from "../../src/lib/remote-write/encode.js";
import { compress } from "../../src/lib/remote-write/snappy.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { renderRoutes } from "../../src/http/routes/api/render.js";
import type { Sample } from "../../src/model/index.js";
import { EngineClient, RemoteStore, migrate, openDatabase, openStore, type TimeSeriesStore } from "../../src/store/index.js";
import { printTable } from "./_table.js";

const VM_BIN = "/usr/bin/victoria-metrics";
const SERIES = Number(process.env["BENCH_VMB_SERIES"] ?? 100);
const DAYS = Number(process.env["BENCH_VMB_DAYS"] ?? 7);
const INTERVAL = 10_000;
const RUNS = 20;
const WARMUP = 3;

if (!existsSync(VM_BIN)) {
  console.error(`vm-backend: ${VM_BIN} is missing (scripts/setup-test-deps.sh installs it)`);
  process.exit(1);
}

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });

const dir = mkdtempSync(join(tmpdir(), "loupe-bench-vmb-"));
const vmPort = await freePort();
const vmUrl = `http://127.0.0.1:${vmPort}`;
const vm = spawn(VM_BIN, [`-storageDataPath=${join(dir, "vm")}`, `-httpListenAddr=127.0.0.1:${vmPort}`, "-retentionPeriod=100y", "-search.disableCache", "-search.latencyOffset=0s"], { stdio: ["ignore", "ignore", "ignore"] });
const stopVm = (): void => void (vm.pid !== undefined && vm.exitCode === null && process.kill(vm.pid, "SIGTERM"));
process.on("exit", stopVm);
for (let i = 0; ; i++) {
  if ((await fetch(`${vmUrl}/health`).then((r) => r.ok).catch(() => false)) === true) break;
  if (i > 300) throw new Error("victoria-metrics did not start");
  await new Promise((r) => setTimeout(r, 100));
}

const end = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000;
const start = end - DAYS * 86_400_000;
const name = (i: number): string => `bench.host${String(i % 10).padStart(2, "0")}.cpu.metric${String(i).padStart(2, "0")}`;
const value = (i: number, t: number): number => Math.round((50 + 40 * Math.sin(t / 3_600_000 + i) + (i % 7)) * 1000) / 1000;

// the same points into both stores
const cfg = defaultConfig();
const dbPath = join(dir, "loupe.db");
const db = openDatabase(dbPath);
migrate(db);
const clock = new FakeClock(start);
const local = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });
const TICKS = 100;
let points = 0;
let wireWrite = 0;
const t0 = performance.now();
for (let ts = start + INTERVAL; ts <= end; ts += TICKS * INTERVAL) {
  const batch: Sample[] = [];
  const rw = Array.from({ length: SERIES }, (_, i) => ({ labels: [["__name__", name(i)]] as [string, string][], timestamps: [] as number[], values: [] as number[] }));
  for (let k = 0; k < TICKS; k++) {
    const t = ts + k * INTERVAL;
    if (t > end) break;
    for (let i = 0; i < SERIES; i++) {
      const v = value(i, t);
      batch.push({ name: name(i), ts: t, value: v });
      rw[i]!.timestamps.push(t);
      rw[i]!.values.push(v);
    }
  }
  clock.set(ts);
  await local.write(batch);
  const body = compress(encodeWriteRequest(rw));
  wireWrite += body.length;
  const res = await fetch(`${vmUrl}/api/v1/write`, { method: "POST", body, headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf" } });
  if (!res.ok) throw new Error(`remote_write: HTTP ${res.status} ${await res.text()}`);
  points += batch.length;
}
clock.set(end + 60_000);
const loadS = (performance.now() - t0) / 1000;
await fetch(`${vmUrl}/internal/force_flush`).catch(() => undefined);
await new Promise((r) => setTimeout(r, 2000));

const client = new EngineClient({ readUrl: vmUrl, headers: {}, timeoutMs: 60_000 });
const remote = new RemoteStore({ client, writer: { write: () => undefined }, clock: systemClock, log: silentLogger, maxSeries: 100_000, maxQuerySeries: 5000, maxCachedPoints: 5_000_000, indexRefreshMs: 60_000, indexLookbackMs: (DAYS + 2) * 86_400_000, timers: false });
await remote.refreshIndex();
if (remote.findSeries("bench.*.cpu.*").length !== SERIES) throw new Error(`index: ${remote.findSeries("bench.*.cpu.*").length} series, expected ${SERIES}`);

const open: RequestHandler = (_req, res, next) => {
  res.locals["principal"] = OPEN_PRINCIPAL;
  next();
};
async function serve(store: TimeSeriesStore): Promise<string> {
  const http = await startHttpServer(createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store, clock })] }), "127.0.0.1", 0);
  return `http://127.0.0.1:${http.port}`;
}
const bases = { local: await serve(local), vm: await serve(remote) };

interface Figures {
  p50: number;
  p95: number;
  n: number;
  wire: number;
}

async function measure(base: string, params: (i: number) => Record<string, string>): Promise<Figures> {
  const times: number[] = [];
  let n = 0;
  let wire = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const before = client.stats.bytesIn + client.stats.bytesOut;
    const t = performance.now();
    const res = await fetch(`${base}/render`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(params(i)).toString() });
    const text = await res.text();
    const el = performance.now() - t;
    if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
    if (i >= WARMUP) times.push(el);
    n = (JSON.parse(text) as Array<{ datapoints: unknown[] }>).reduce((a, s) => a + s.datapoints.length, 0);
    wire = client.stats.bytesIn + client.stats.bytesOut - before;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, n, wire };
}

const endS = end / 1000;
const cases: Array<[string, (i: number) => Record<string, string>]> = [
  [`/render ${SERIES} series, ${DAYS} d, maxDataPoints=300`, (i) => ({ target: "bench.*.cpu.*", from: String(endS - DAYS * 86_400 - i), until: String(endS - i), format: "json", maxDataPoints: "300" })],
  [`/render sumSeries of ${SERIES} series, ${DAYS} d, maxDataPoints=300`, (i) => ({ target: "sumSeries(bench.*.cpu.*)", from: String(endS - DAYS * 86_400 - i), until: String(endS - i), format: "json", maxDataPoints: "300" })],
  [`/render ${SERIES} series, last 1 h, raw 10 s points`, (i) => ({ target: "bench.*.cpu.*", from: String(endS - 3600 - i), until: String(endS - i), format: "json" })],
];
const rows: Array<Array<string | number>> = [];
for (const [k, [label, p]] of cases.entries()) {
  // each case on windows of its own (no answer of an earlier case in the backend's cache)
  const params = (i: number): Record<string, string> => p(i + 100 * k);
  const l = await measure(bases.local, params);
  const v = await measure(bases.vm, params);
  rows.push([label, l.p50, l.p95, v.p50, v.p95, v.n === l.n ? String(v.n) : `${v.n} (local ${l.n})`, `${(v.wire / 1024).toFixed(0)} KiB`]);
}
printTable(
  "VictoriaMetrics store backend beside the local store (issue 16)",
  `${SERIES} series × ${DAYS} d at 10 s (${points.toLocaleString("en-US")} points; loaded into both in ${loadS.toFixed(0)} s, ${(wireWrite / 2 ** 20).toFixed(0)} MiB of remote_write), /render over loopback HTTP, ms; wire = bytes between Loupe and VictoriaMetrics per request (request + response bodies). loadavg ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
  ["request", "local p50", "local p95", "vm p50", "vm p95", "points", "vm wire"],
  rows,
);
await remote.close();
await local.close();
db.close();
const exited = new Promise((r) => vm.once("exit", r));
stopVm();
await exited;
rmSync(dir, { recursive: true, force: true });
process.exit(0);
