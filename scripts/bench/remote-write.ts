/**
 * remote_write benchmark (issue 15). Rates are per CPU-second of this process (user + system: other
 * work on the shared machine disturbs it far less than wall time), best of RUNS; wall rates beside.
 *
 * Workloads:
 * - "prom": 10,000 series × 1 sample per request, 5 labels each (`node_cpu_seconds_total{cpu,instance,
 *   job,mode}`-like) — what Prometheus sends (one sample per series per request is the usual shape).
 * - "dense": 1,000 series × 10 samples per request (a sender catching up, vmagent with larger batches).
 *
 * Rows:
 * - codec: snappy + WriteRequest decode (what ingest does before the store), encode with labels
 *   cached + snappy (what the forwarder does).
 * - ingest into Loupe: RemoteWriteIngest.write (decompress, decode, map, store write) into the real
 *   store on a temp file (fsync = batch), after a first request created the series; "+ HTTP" posts
 *   the same kind of bodies to POST /api/v1/write from a client process (scripts/bench/_rw-send.ts,
 *   2 requests in flight, bodies built before it starts): only Loupe's process is counted.
 *   Target ≥ 1,000,000 samples/s.
 * - forward to VictoriaMetrics: createRemoteWriteTarget.send of 10,000-point batches (Diamond paths,
 *   10,000 series, one tick per batch, sequential) into a single-node VictoriaMetrics on loopback
 *   (another process, the other core); VictoriaMetrics' vm_rows_inserted_total must rise by every point.
 *   Target ≥ 500,000 points/s with one core for Loupe.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { createRemoteWriteTarget } from "../../src/forward/targets/remote-write.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { remoteWriteRoutes } from "../../src/http/routes/api/remote-write.js";
import { RemoteWriteIngest } from "../../src/ingest/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { decodeWriteRequest } from "../../src/lib/remote-write/decode.js";
import { encodeLabels, encodeWriteRequestEncoded } from "../../src/lib/remote-write/encode.js";
import { compress, uncompress } from "../../src/lib/remote-write/snappy.js";
import { DEFAULT_DECODE_LIMITS } from "../../src/lib/remote-write/types.js";
import type { Sample } from "../../src/model/index.js";
import { openDatabase, migrate, openStore } from "../../src/store/index.js";
import { printTable } from "./_table.js";
import { BENCH_T0, benchLabels, benchRequest } from "./_rw-workload.js";
import { bestCpuRate, cpuSeconds } from "./_cpu.js";

const RUNS = Number(process.env["BENCH_RW_RUNS"] ?? 3);
const REQUESTS = Number(process.env["BENCH_RW_REQUESTS"] ?? 60);
const T0 = BENCH_T0;
const LIMITS = { ...DEFAULT_DECODE_LIMITS, maxBodyBytes: 64 << 20 };

interface Workload {
  readonly name: string;
  readonly series: number;
  readonly per: number;
}
const WORKLOADS: Workload[] = [
  { name: "prom (10,000 series × 1)", series: 10_000, per: 1 },
  { name: "dense (1,000 series × 10)", series: 1_000, per: 10 },
];

/** Items per CPU-second, best of RUNS windows of `seconds` of CPU. */
const cpuRate = (fn: () => number, seconds = 0.8): number => bestCpuRate(fn, RUNS, seconds);

type Row = [string, string, number, string];
const rows: Row[] = [];

function codecRows(w: Workload, encoded: readonly Uint8Array[]): void {
  const samples = w.series * w.per;
  const req = benchRequest(w, encoded, 0);
  const body = compress(encodeWriteRequestEncoded(req));
  rows.push(["decode: snappy + WriteRequest", w.name, cpuRate(() => decodeWriteRequest(uncompress(body, LIMITS.maxBodyBytes), LIMITS).timestamps.length), `${(body.length / samples).toFixed(1)} B/sample compressed`]);
  rows.push(["encode: WriteRequest (labels cached) + snappy", w.name, cpuRate(() => (compress(encodeWriteRequestEncoded(req)), samples)), ""]);
}

async function ingestRows(w: Workload, encoded: readonly Uint8Array[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-rw-"));
  try {
    const config = defaultConfig();
    const path = join(dir, "loupe.db");
    const db = openDatabase(path);
    migrate(db, undefined, path);
    const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger });
    const bodies = Array.from({ length: REQUESTS + 1 }, (_, r) => compress(encodeWriteRequestEncoded(benchRequest(w, encoded, r))));
    const ingest = new RemoteWriteIngest(store, LIMITS, silentLogger);
    await ingest.write(bodies[0]!); // creates the series
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 1; r <= REQUESTS; r++) await ingest.write(bodies[r]!);
    const n = REQUESTS * w.series * w.per;
    const wall = (performance.now() - t0) / 1000;
    rows.push(["ingest: decode + store write", w.name, n / cpuSeconds(c0), `wall ${Math.round(n / wall).toLocaleString("en-US")}/s`]);
    // the same through HTTP, from a client process (later timestamps than the first run's)
    const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
    const app = createApp({ log: silentLogger, before, routers: [remoteWriteRoutes({ sink: store, log: silentLogger, limits: LIMITS })] });
    const http = await startHttpServer(app, "127.0.0.1", 0);
    const viaHttp = await sendFromChild(`http://127.0.0.1:${http.port}/api/v1/write`, w, REQUESTS + 1);
    rows.push(["ingest + HTTP (client in another process)", w.name, viaHttp.samples / viaHttp.cpu, `wall ${Math.round(viaHttp.samples / viaHttp.wall).toLocaleString("en-US")}/s`]);
    await http.close();
    const stats = store.stats();
    if (stats.series < w.series) throw new Error(`store holds ${stats.series} series, expected ${w.series}`);
    await store.close();
    db.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs scripts/bench/_rw-send.ts; measures this process's CPU from its "start" to its "done". */
async function sendFromChild(url: string, w: Workload, first: number): Promise<{ samples: number; cpu: number; wall: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "bench", "_rw-send.ts"), url, String(w.series), String(w.per), String(REQUESTS), String(first)], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  let c0: NodeJS.CpuUsage | undefined;
  let t0 = 0;
  let out = "";
  return await new Promise((resolve, reject) => {
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (c0 === undefined && out.includes("start")) {
        c0 = process.cpuUsage();
        t0 = performance.now();
      }
      const m = /done (\d+)/.exec(out);
      if (m && c0 !== undefined) resolve({ samples: Number(m[1]), cpu: cpuSeconds(c0), wall: (performance.now() - t0) / 1000 });
    });
    child.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`_rw-send.ts exited ${code}`))));
  });
}

async function freePort(): Promise<number> {
  return await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

async function vmRowsInserted(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const m = /^vm_rows_inserted_total\{type="promremotewrite"\} (\d+)/m.exec(text);
  return m ? Number(m[1]) : 0;
}

async function forwardRow(): Promise<void> {
  const VM_BIN = "/usr/bin/victoria-metrics";
  if (!existsSync(VM_BIN)) {
    console.error(`remote-write bench: ${VM_BIN} missing (scripts/setup-test-deps.sh installs it); forwarding row skipped`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "loupe-bench-rw-vm-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const vm = spawn(VM_BIN, [`-storageDataPath=${join(dir, "data")}`, `-httpListenAddr=127.0.0.1:${port}`, "-retentionPeriod=100y"], { stdio: "ignore" });
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error("victoria-metrics did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
    const SERIES = 10_000;
    const TICKS = Number(process.env["BENCH_RW_TICKS"] ?? 60);
    const names = Array.from({ length: SERIES }, (_, i) => `servers.h${String(Math.floor(i / 100)).padStart(3, "0")}.bench.m${i % 100}`);
    const batches: Sample[][] = Array.from({ length: TICKS }, (_, t) => names.map((name, i) => ({ name, ts: T0 + t * 10_000, value: (i * 7 + t) % 1000 })));
    const target = createRemoteWriteTarget({ url: `${url}/api/v1/write`, headers: {}, timeoutMs: 30_000, tls: { insecureSkipVerify: false }, metricNames: "prometheus", pathPrefix: "servers", templates: [], separator: "." });
    const signal = new AbortController().signal;
    await target.send(batches[0]!, signal); // series registered, connection open
    const before = await vmRowsInserted(url);
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let t = 1; t < TICKS; t++) await target.send(batches[t]!, signal);
    const wall = (performance.now() - t0) / 1000;
    const cpu = cpuSeconds(c0);
    const n = (TICKS - 1) * SERIES;
    await target.close();
    const got = (await vmRowsInserted(url)) - before;
    if (got !== n) throw new Error(`VictoriaMetrics counted ${got} rows, ${n} sent`);
    rows.push(["forward: encode + send to VictoriaMetrics", "10,000 Diamond paths × 1, 10,000-point batches", n / cpu, `wall ${Math.round(n / wall).toLocaleString("en-US")}/s, ${got.toLocaleString("en-US")} rows counted by VM`]);
  } finally {
    vm.kill("SIGTERM");
    await new Promise((r) => vm.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  for (const w of WORKLOADS) {
    const encoded = Array.from({ length: w.series }, (_, i) => encodeLabels(benchLabels(i)));
    codecRows(w, encoded);
    await ingestRows(w, encoded);
  }
  await forwardRow();
  printTable(
    "remote_write",
    "Per CPU-second of Loupe's process (best of runs); targets: ingest ≥ 1,000,000 samples/s, forwarding ≥ 500,000 points/s. Workloads in scripts/bench/remote-write.ts.",
    ["what", "workload", "samples / CPU-s", "notes"],
    rows,
  );
}

await main();
