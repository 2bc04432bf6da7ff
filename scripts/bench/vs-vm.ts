/**
 * Loupe next to VictoriaMetrics (Debian's `victoria-metrics`), end to end (issue 13):
 * `npm run bench -- vs-vm [--scale 0.1] [--rounds 3] [--settle 30]`.
 *
 * Workload (scale 1 = 16,048,000 points): "wide" 10,000 series × 1,000 points at 10 s, then "deep"
 * 100 series × 7 days at 10 s (60,480 points each), Graphite plaintext over 4 TCP connections from
 * a separate process (_vsvm-send.ts), tick by tick. Both servers are started by this script on
 * loopback with their own data folder, run one after the other in alternation, and stopped by PID.
 *
 * Figures: accepted = points / sender time; visible = points / time until every point is counted
 * through the query API (Loupe: /render `sumSeries(offset(scale(P.*.*,0),1))`; VictoriaMetrics 1.79
 * has no /render, so `sum(count_over_time(...))` through /api/v1/query); disk of the data folder
 * `settle` s after the last point is visible and after a stop; peak RSS (VmHWM) and idle RSS (VmRSS
 * at settle); Q1 = 1 day of raw points of one deep series (Loupe /render, VM /api/v1/export); Q2 =
 * 7 days × 100 deep series at maxDataPoints=300 (Loupe /render with its own consolidation, VM
 * `avg_over_time[2016s]` at step 2016 s); start = time from spawn to a healthy HTTP answer on the
 * stopped data (a new process: Node and tsx start-up included); for Loupe also the store's own open
 * time from its log, with the rollup state saved at the stop and without it (rebuilt from raw rows).
 * Medians over rounds; the ratio row is Loupe / VictoriaMetrics.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { formatNumber, printTable } from "./_table.js";

const args = process.argv.slice(2);
const arg = (name: string, dflt: number): number => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : Number(process.env[`BENCH_VSVM_${name.toUpperCase()}`] ?? dflt);
};
const SCALE = arg("scale", 1);
const ROUNDS = arg("rounds", 1);
const SETTLE_S = arg("settle", 30);
const STEP_S = 10;
const WIDE = { prefix: "wide", series: Math.max(10, Math.round(10_000 * SCALE)), points: 1000 };
const DEEP = { prefix: "deep", series: Math.max(10, Math.round(100 * SCALE)), points: 7 * 8640 };
const NOW = Math.floor(Date.now() / 1000);
const WIDE_FIRST = NOW - WIDE.points * STEP_S - 600;
const DEEP_FIRST = NOW - DEEP.points * STEP_S - 600;
const VM_BIN = "/usr/bin/victoria-metrics";

interface Running {
  readonly child: ChildProcess;
  readonly http: number;
  readonly graphite: number;
  readonly exited: Promise<void>;
}

interface System {
  readonly name: string;
  start(dir: string, reuse: boolean): Promise<Running>;
  count(r: Running, prefix: string, from: number, to: number): Promise<number>;
  q1(r: Running): Promise<void>;
  q2(r: Running): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a !== null ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

async function getJson(url: string): Promise<unknown> {
  const r = await fetch(url);
  const text = await r.text();
  if (!r.ok) throw new Error(`${url}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function waitHealthy(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url}: not healthy after 60 s`);
}

function exitedOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

const loupe: System = {
  name: "Loupe",
  async start(dir, reuse) {
    const http = await freePort();
    const graphite = await freePort();
    const cfg = join(dir, "loupe.ini");
    if (!reuse)
      writeFileSync(cfg, [
        "[server]", "http_addr = 127.0.0.1", `http_port = ${http}`,
        "[paths]", `data = ${join(dir, "data")}`,
        "[auth.anonymous]", "enabled = true",
        "[query]", "max_points = 200000000", "max_series = 200000", "timeout = 120s",
        "[store]", "max_series = 1000000",
        "[ingest.graphite]", `tcp_addr = 127.0.0.1:${graphite}`, `udp_addr = ""`,
        ...["cpu", "memory", "loadavg", "diskspace", "iostat", "network", "vmstat", "uptime", "sockets", "tcp", "processes", "nginx"].flatMap((c) => [`[collector.${c}]`, "enabled = false"]),
      ].join("\n"));
    const text = readFileSync(cfg, "utf8").replace(/http_port = \d+/, `http_port = ${http}`).replace(/tcp_addr = 127\.0\.0\.1:\d+/, `tcp_addr = 127.0.0.1:${graphite}`);
    writeFileSync(cfg, text);
    const log = openSync(join(dir, "loupe.log"), "a");
    const child = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "src", "entry.ts"), "run", "--config", cfg], { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", log] });
    closeSync(log);
    const exited = exitedOf(child);
    await waitHealthy(`http://127.0.0.1:${http}/healthz`, child).catch((err: Error) => {
      throw new Error(`${err.message}\n${readFileSync(join(dir, "loupe.log"), "utf8").slice(-2000)}`);
    });
    return { child, http, graphite, exited };
  },
  async count(r, prefix, from, to) {
    const target = encodeURIComponent(`sumSeries(offset(scale(${prefix}.*.*,0),1))`);
    const j = (await getJson(`http://127.0.0.1:${r.http}/render?target=${target}&from=${from}&until=${to}&format=json`)) as Array<{ datapoints: Array<[number | null, number]> }>;
    let n = 0;
    for (const s of j) for (const [v] of s.datapoints) if (v !== null) n += v;
    return n;
  },
  async q1(r) {
    await getJson(`http://127.0.0.1:${r.http}/render?target=deep.h00000.m0&from=${NOW - 86400}&until=${NOW}&format=json`);
  },
  async q2(r) {
    await getJson(`http://127.0.0.1:${r.http}/render?target=deep.*.*&from=${DEEP_FIRST}&until=${NOW}&maxDataPoints=300&format=json`);
  },
};

const vm: System = {
  name: "VictoriaMetrics",
  async start(dir) {
    const http = await freePort();
    const graphite = await freePort();
    const child = spawn(VM_BIN, [`-storageDataPath=${join(dir, "data")}`, `-httpListenAddr=127.0.0.1:${http}`, `-graphiteListenAddr=127.0.0.1:${graphite}`, "-retentionPeriod=1y", "-search.disableCache", "-search.maxPointsPerTimeseries=1000000", "-search.maxSamplesPerQuery=2000000000"], { stdio: ["ignore", "ignore", "ignore"] });
    const exited = exitedOf(child);
    await waitHealthy(`http://127.0.0.1:${http}/health`, child);
    return { child, http, graphite, exited };
  },
  async count(r, prefix, from, to) {
    const q = encodeURIComponent(`sum(count_over_time({__name__=~"${prefix}\\\\..*"}[${to - from + 10}s]))`);
    const j = (await getJson(`http://127.0.0.1:${r.http}/api/v1/query?query=${q}&time=${to}&nocache=1`)) as { data: { result: Array<{ value: [number, string] }> } };
    return Number(j.data.result[0]?.value[1] ?? 0);
  },
  async q1(r) {
    const res = await fetch(`http://127.0.0.1:${r.http}/api/v1/export?match[]=${encodeURIComponent("deep.h00000.m0")}&start=${NOW - 86400}&end=${NOW}`);
    await res.text();
  },
  async q2(r) {
    const q = encodeURIComponent(`avg_over_time({__name__=~"deep\\\\..*"}[2016s])`);
    await getJson(`http://127.0.0.1:${r.http}/api/v1/query_range?query=${q}&start=${DEEP_FIRST}&end=${NOW}&step=2016s&nocache=1`);
  },
};

function duBytes(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.blocks * 512;
  let b = 0;
  for (const f of readdirSync(path)) b += duBytes(join(path, f));
  return b;
}

function rssMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

function send(port: number, w: typeof WIDE, first: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, ["--import", "tsx", join(PROJECT_ROOT, "scripts", "bench", "_vsvm-send.ts"), String(port), w.prefix, String(w.series), String(w.points), String(STEP_S), String(first)], { cwd: PROJECT_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    c.stdout.on("data", (b: Buffer) => (out += b.toString()));
    c.on("exit", (code) => (code === 0 ? resolve(Date.now()) : reject(new Error(`sender exited ${code}: ${out}`))));
  });
}

/** RSS (MiB) when the sender of a phase ended, before the visibility polls. */
const rssAfterSend = new Map<string, number>();

/** Sends one phase; returns [accepted pts/s, visible pts/s]. */
async function phase(sys: System, r: Running, w: typeof WIDE, first: number): Promise<[number, number]> {
  const total = w.series * w.points;
  const t0 = Date.now();
  const sent = await send(r.graphite, w, first);
  rssAfterSend.set(w.prefix, rssMiB(r.child.pid!, "VmRSS"));
  const last = first + (w.points - 1) * STEP_S;
  for (;;) {
    const n = await sys.count(r, w.prefix, first - STEP_S, last + STEP_S);
    if (n >= total) break;
    if (Date.now() - sent > 300_000) throw new Error(`${sys.name}: ${n} of ${total} ${w.prefix} points visible 5 minutes after sending`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const visible = Date.now();
  return [total / ((sent - t0) / 1000), total / ((visible - t0) / 1000)];
}

async function timed(fn: () => Promise<void>, n = 5): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
}

async function stop(r: Running): Promise<number> {
  const t = Date.now();
  r.child.kill("SIGTERM");
  await r.exited;
  return Date.now() - t;
}

type Figures = Record<string, number>;

function lastStoreReadyMs(dir: string): number {
  const all = [...readFileSync(join(dir, "loupe.log"), "utf8").matchAll(/store ready .* ms=(\d+)/g)];
  return all.length === 0 ? NaN : Number(all[all.length - 1]![1]);
}

async function round(sys: System): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), `loupe-vsvm-${sys.name}-`));
  try {
    const r = await sys.start(dir, false);
    const pid = r.child.pid!;
    const [wideAcc, wideVis] = await phase(sys, r, WIDE, WIDE_FIRST);
    const [deepAcc, deepVis] = await phase(sys, r, DEEP, DEEP_FIRST);
    await new Promise((res) => setTimeout(res, SETTLE_S * 1000));
    const points = WIDE.series * WIDE.points + DEEP.series * DEEP.points;
    const f: Figures = { wideAcc, wideVis, deepAcc, deepVis, rssAfterWideSend: rssAfterSend.get("wide")!, rssAfterDeepSend: rssAfterSend.get("deep")! };
    f["diskRunning"] = duBytes(join(dir, "data")) / points;
    f["idleRss"] = rssMiB(pid, "VmRSS");
    // a second look after as long again (Loupe closes heads idle for [store] head_idle, 30 s)
    await new Promise((res) => setTimeout(res, SETTLE_S * 1000));
    f["diskRunning2"] = duBytes(join(dir, "data")) / points;
    // Loupe's parts: the point WAL and SQLite's own WAL file
    f["pointWal"] = duBytes(join(dir, "data", "loupe.db.wal")) / points;
    f["sqliteWal"] = duBytes(join(dir, "data", "loupe.db-wal")) / points;
    f["q1"] = await timed(() => sys.q1(r));
    f["q2"] = await timed(() => sys.q2(r));
    f["peakRss"] = rssMiB(pid, "VmHWM");
    f["stopMs"] = await stop(r);
    f["diskStopped"] = duBytes(join(dir, "data")) / points;
    const t = Date.now();
    const again = await sys.start(dir, true);
    f["startMs"] = Date.now() - t;
    await stop(again);
    if (sys === loupe) {
      // the store's own open time (its "store ready" log line) with the rollup state saved at the
      // stop, then without it (rebuilt from raw rows, as before the state was saved)
      f["storeOpenMs"] = lastStoreReadyMs(dir);
      rmSync(join(dir, "data", "loupe.db.wal", "rollup-state.bin"), { force: true });
      await stop(await sys.start(dir, true));
      f["storeOpenRebuildMs"] = lastStoreReadyMs(dir);
    }
    return f;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const COLUMNS: Array<[key: string, label: string, fmt: (v: number) => string]> = [
  ["wideAcc", "wide accepted pts/s", (v) => formatNumber(v)],
  ["wideVis", "wide visible pts/s", (v) => formatNumber(v)],
  ["deepVis", "deep visible pts/s", (v) => formatNumber(v)],
  ["diskRunning", `disk running B/pt (+${SETTLE_S} s)`, (v) => v.toFixed(2)],
  ["diskRunning2", `disk running B/pt (+${2 * SETTLE_S} s)`, (v) => v.toFixed(2)],
  ["diskStopped", "disk stopped B/pt", (v) => v.toFixed(2)],
  ["peakRss", "peak RSS MiB", (v) => formatNumber(v)],
  ["idleRss", "idle RSS MiB", (v) => formatNumber(v)],
  ["q1", "Q1 ms", (v) => formatNumber(v)],
  ["q2", "Q2 ms", (v) => formatNumber(v)],
  ["startMs", "start ms", (v) => formatNumber(v)],
  ["stopMs", "stop ms", (v) => formatNumber(v)],
  ["storeOpenMs", "store open ms", (v) => formatNumber(v)],
  ["storeOpenRebuildMs", "store open ms, rollups rebuilt", (v) => formatNumber(v)],
];

async function main(): Promise<void> {
  if (!existsSync(VM_BIN)) {
    console.error(`vs-vm: ${VM_BIN} is missing (apt-get install victoria-metrics; scripts/setup-test-deps.sh installs it)`);
    process.exit(1);
  }
  const results = new Map<string, Figures[]>([["Loupe", []], ["VictoriaMetrics", []]]);
  for (let i = 0; i < ROUNDS; i++) {
    // alternating which goes first
    const order = i % 2 === 0 ? [vm, loupe] : [loupe, vm];
    for (const sys of order) {
      const f = await round(sys);
      results.get(sys.name)!.push(f);
      console.error(`vs-vm round ${i + 1} ${sys.name}: ${JSON.stringify(f)}`);
    }
  }
  const med = (name: string, key: string): number => median(results.get(name)!.map((f) => f[key] ?? NaN));
  const rows = ["VictoriaMetrics", "Loupe"].map((n) => [n, ...COLUMNS.map(([k, , fmt]) => fmt(med(n, k)))]);
  rows.push(["Loupe / VM", ...COLUMNS.map(([k]) => `${(med("Loupe", k) / med("VictoriaMetrics", k)).toFixed(2)}×`)]);
  const points = WIDE.series * WIDE.points + DEEP.series * DEEP.points;
  printTable(
    "Loupe vs VictoriaMetrics (end to end)",
    `scale ${SCALE}: ${formatNumber(points)} points (wide ${WIDE.series} series × ${WIDE.points}, deep ${DEEP.series} series × 7 days at 10 s), Graphite over 4 TCP connections from a separate process; medians of ${ROUNDS} alternating round(s). Not measured here: RSS per series at 100k/500k series.`,
    ["system", ...COLUMNS.map(([, l]) => l)],
    rows,
  );
}

await main();
