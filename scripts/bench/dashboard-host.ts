/**
 * Host overview benchmark (issue 19: "first chart of the Host overview ≤ 500 ms median"). Workload:
 * the whole of Loupe as `loupe run` starts it (startLoupe: collectors on, store, dashboards, open
 * auth, pages) on a data folder seeded beforehand with one day of Diamond-style metrics at 10 s for
 * host `benchhost` (42 series: cpu.total.*, loadavg, memory, diskspace, iostat, network — what the
 * built-in dashboard queries), and the built-in Host overview (uid host-overview, now-1h).
 *
 * Per load, in a fresh chromium context (cold HTTP cache) at 1366×820: "first chart" is the time
 * from navigation start (performance.now() origin) to the first animation frame in which a
 * time-series panel has drawn points (polled each frame by an init script reading
 * window.__loupe.panels); also `__loupe.firstDrawAt` (any panel, stats included) and all panels
 * drawn. 1 warm-up, then RUNS loads (BENCH_DASHBOARD_RUNS, default 7); median and max. The machine's
 * 1-minute load average before and after is printed with the table (the figures are upper bounds
 * on a shared machine).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { chromium } from "playwright-core";
import { defaultConfig, loadConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { startLoupe } from "../../src/main.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import type { Sample } from "../../src/model/index.js";
import { printTable } from "./_table.js";

const RUNS = Number(process.env["BENCH_DASHBOARD_RUNS"] ?? 7);
const HOURS = Number(process.env["BENCH_DASHBOARD_HOURS"] ?? 24);
const STEP = 10_000;
const HOST = "benchhost";

const build = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-web.mjs")], { cwd: PROJECT_ROOT, stdio: "inherit" });
if (build.status !== 0) throw new Error("build-web failed");

/** The Diamond paths the Host overview reads, each with a plausible value at time t. */
function hostSeries(): Array<[string, (t: number) => number]> {
  const out: Array<[string, (t: number) => number]> = [];
  const wave = (t: number, period: number, phase = 0): number => 0.5 + 0.5 * Math.sin(t / period + phase);
  const cpu: Record<string, number> = { user: 40, nice: 1, system: 15, idle: 130, iowait: 8, irq: 1, softirq: 3, steal: 2 };
  for (const [state, v] of Object.entries(cpu)) out.push([`cpu.total.${state}`, (t) => v * (0.6 + 0.8 * wave(t, 900_000, v))]);
  for (const [k, p] of [["01", 300_000], ["05", 900_000], ["15", 2_700_000]] as const) out.push([`loadavg.${k}`, (t) => 2 * wave(t, p)]);
  const gib = 2 ** 30;
  out.push(["memory.MemTotal", () => 8 * gib], ["memory.MemAvailable", (t) => (3 + 2 * wave(t, 3_600_000)) * gib]);
  out.push(["memory.Cached", (t) => (1.5 + wave(t, 7_200_000)) * gib], ["memory.Buffers", () => 0.2 * gib], ["memory.MemFree", (t) => (1 + wave(t, 3_600_000)) * gib]);
  for (const fs of ["root", "boot"]) out.push([`diskspace.${fs}.byte_used`, (t) => (20 + t / 1e12) * gib], [`diskspace.${fs}.byte_avail`, (t) => (60 - t / 1e12) * gib]);
  for (const dev of ["sda", "sdb"]) {
    out.push([`iostat.${dev}.read_byte_per_second`, (t) => 5e6 * wave(t, 600_000)], [`iostat.${dev}.write_byte_per_second`, (t) => 2e6 * wave(t, 700_000)]);
    out.push([`iostat.${dev}.util_percentage`, (t) => 30 * wave(t, 800_000)]);
  }
  for (const nic of ["eth0", "lo"]) {
    for (const k of ["rx_byte", "tx_byte"]) out.push([`network.${nic}.${k}`, (t) => 1e6 * wave(t, 500_000, k.length)]);
    for (const k of ["rx_packets", "tx_packets"]) out.push([`network.${nic}.${k}`, (t) => 900 * wave(t, 500_000)]);
    for (const k of ["rx_errors", "tx_errors", "rx_drop", "tx_drop"]) out.push([`network.${nic}.${k}`, () => 0]);
  }
  return out;
}

/** Seeds the data folder through the store (as ingest would), then closes it for startLoupe. */
async function seed(dataDir: string, end: number): Promise<number> {
  const dbPath = join(dataDir, "loupe.db");
  const db = openDatabase(dbPath);
  migrate(db);
  const start = end - HOURS * 3_600_000;
  const clock = new FakeClock(start);
  const cfg = defaultConfig();
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  const series = hostSeries();
  let points = 0;
  for (let ts = Math.ceil(start / STEP) * STEP; ts < end; ts += 100 * STEP) {
    const batch: Sample[] = [];
    for (let j = 0; j < 100 && ts + j * STEP < end; j++) {
      const t = ts + j * STEP;
      for (const [path, value] of series) batch.push({ name: `servers.${HOST}.${path}`, ts: t, value: value(t) });
    }
    clock.set(ts);
    await store.write(batch);
    points += batch.length;
  }
  clock.set(end);
  await store.close();
  db.close();
  return points;
}

const dir = mkdtempSync(join(tmpdir(), "loupe-bench-host-"));
const points = await seed(dir, Date.now());
const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[collectors]", `hostname = ${HOST}`, "[ingest.graphite]", "tcp_addr =", "udp_addr =", "[alerting]", "enabled = false"].join("\n");
const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
const url = `http://127.0.0.1:${loupe.httpPort}/d/host-overview`;
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

/** Runs in the page before its scripts: notes the first frame in which a time-series panel has points. */
const WATCH_FIRST_CHART = `(() => {
  const tick = () => {
    const panels = (window.__loupe && window.__loupe.panels) || {};
    if (Object.values(panels).some((p) => p.type === "timeseries" && p.points > 0)) { window.__firstChartAt = performance.now(); return; }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})();`;

let queryBody: { body: string; headers: Record<string, string>; cookie?: string } | undefined;

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples?: number[];
  timeDeltas?: number[];
}

/** BENCH_DASHBOARD_PROFILE=1: the page's main-thread self time (ms) by function, top 15, to stderr. */
function printProfile(p: CpuProfile): void {
  const self = new Map<number, number>();
  (p.samples ?? []).forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas?.[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/^.*\//, "")}:${n.callFrame.lineNumber}`;
    byFn.set(key, (byFn.get(key) ?? 0) + (self.get(n.id) ?? 0));
  }
  console.error([...byFn].sort((a, b) => b[1] - a[1]).slice(0, 15).map(([k, ms]) => `${ms.toFixed(1).padStart(7)} ms  ${k}`).join("\n"));
}

interface Load {
  firstChart: number;
  firstDraw: number;
  allPanels: number;
  charts: number;
}

async function loadOnce(): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 820 } });
  await context.addInitScript(WATCH_FIRST_CHART);
  const page = await context.newPage();
  page.on("request", (req) => {
    if (req.url().includes("/api/query")) queryBody = { body: req.postData() ?? "", headers: req.headers() };
  });
  const profile = process.env["BENCH_DASHBOARD_PROFILE"] !== undefined ? await context.newCDPSession(page) : undefined;
  if (profile !== undefined) {
    await profile.send("Profiler.enable");
    await profile.send("Profiler.setSamplingInterval", { interval: 200 });
    await profile.send("Profiler.start");
  }
  await page.goto(url);
  await page.waitForFunction(() => typeof (globalThis as unknown as { __firstChartAt?: number }).__firstChartAt === "number", undefined, { timeout: 30_000 });
  if (profile !== undefined) printProfile((await profile.send("Profiler.stop")).profile);
  const r = await page.evaluate(() => {
    const g = globalThis as unknown as { __firstChartAt: number; __loupe: { firstDrawAt: number | null; allDrawnAt?: number; panels: Record<string, { type: string; points: number }> } };
    return { firstChart: g.__firstChartAt, firstDraw: g.__loupe.firstDrawAt ?? NaN, allPanels: g.__loupe.allDrawnAt ?? NaN, charts: Object.values(g.__loupe.panels).filter((p) => p.type === "timeseries" && p.points > 0).length };
  });
  if (process.env["BENCH_DASHBOARD_DEBUG"]) {
    console.error(await page.evaluate(`JSON.stringify(performance.getEntriesByType("resource").map((e) => [e.name.replace(/^.*\\//, ""), Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]))`), JSON.stringify(r));
    // the page's own steps (web/dashboard.ts, web/lib/dashboard-data.ts: performance.mark("loupe:…"))
    console.error(await page.evaluate(`JSON.stringify(performance.getEntriesByType("mark").map((e) => [e.name.replace("loupe:", ""), Math.round(e.startTime)]))`));
    console.error(await page.evaluate(`JSON.stringify((({ requestStart, responseStart, responseEnd, domInteractive, domContentLoadedEventEnd }) => ({ requestStart, responseStart, responseEnd, domInteractive, domContentLoadedEventEnd }))(performance.getEntriesByType("navigation")[0]), (k, v) => typeof v === "number" ? Math.round(v) : v)`));
  }
  if (queryBody !== undefined) queryBody.cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  await context.close();
  return r;
}

const loadBefore = loadavg()[0]!;
await loadOnce(); // warm-up (server JIT, SQLite page cache)
const loads: Load[] = [];
for (let i = 0; i < RUNS; i++) loads.push(await loadOnce());
const loadAfter = loadavg()[0]!;
// the dashboard's one /api/query replayed from Node: the server's share of the time
const serverMs: number[] = [];
for (let i = 0; i < RUNS && queryBody !== undefined; i++) {
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:${loupe.httpPort}/api/query`, { method: "POST", headers: { "content-type": "application/json", "x-csrf-token": queryBody.headers["x-csrf-token"] ?? "", cookie: queryBody.cookie ?? "" }, body: queryBody.body });
  await res.arrayBuffer();
  if (!res.ok) throw new Error(`replayed /api/query: ${res.status}`);
  serverMs.push(performance.now() - t0);
}
await browser.close();
await loupe.stop();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const col = (k: keyof Load): number[] => loads.map((l) => l[k]);
printTable(
  "Dashboard — Host overview",
  `The built-in Host overview (uid host-overview, now-1h) served by startLoupe (collectors on) from a data folder seeded with ${HOURS} h of 42 Diamond series for one host at 10 s (${points.toLocaleString("en-US")} points); headless chromium 1366×820 on loopback, a fresh context (cold cache) per load; median (max) of ${RUNS} loads after 1 warm-up. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. Target: first chart ≤ 500 ms median.`,
  ["metric", "median", "max", "target"],
  [
    ["first chart drawn (ms after navigation)", median(col("firstChart")), Math.max(...col("firstChart")), "≤ 500"],
    ["first panel drawn, stats included (ms)", median(col("firstDraw")), Math.max(...col("firstDraw")), ""],
    ["all panels drawn (ms)", median(col("allPanels")), Math.max(...col("allPanels")), ""],
    ["time-series panels with data", median(col("charts")), Math.max(...col("charts")), ""],
    ["its /api/query replayed from Node (ms, server share)", median(serverMs), Math.max(...serverMs), ""],
  ],
);
