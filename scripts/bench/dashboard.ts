/**
 * Dashboard benchmark. Workload: a real store (SQLite in a temp folder, default config) holding
 * 7 days × 24 series at 60 s (`bench.pNN.sK`, 241,920 points), flushed so reads come from committed
 * chunks and rollups; a 12-panel dashboard (2 series per panel, 6 rows of two half-width time
 * series) over `now-7d`; the real pages, /public assets and POST /api/query over loopback; headless
 * Debian chromium (playwright-core) at 1366×820, a fresh browser context (cold cache) per load.
 *
 * Per load: first chart drawn (ms after navigation start, `window.__loupe.firstDrawAt`), all
 * panels drawn, bytes transferred (CDP encodedDataLength: headers + bodies, every request), and
 * requests. 1 warm-up then RUNS measured cold loads, then RUNS second visits in a context whose
 * HTTP cache holds the versioned assets; the table shows the median (and max).
 *
 * Target (issue 6): first chart ≤ 500 ms, ≤ 300 KB, ≤ 4 requests per page.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { chromium } from "playwright-core";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { queryRoutes } from "../../src/http/routes/api/query.js";
import { pageRoutes } from "../../src/http/routes/pages/index.js";
import { staticRoutes } from "../../src/http/routes/static.js";
import { SqliteAnnotationService, SqliteDashboardRepository, SqliteSnapshotRepository } from "../../src/store/dashboards/index.js";
import { RepositoryDashboardService, RepositorySnapshotService } from "../../src/dashboards/index.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import type { Sample } from "../../src/model/index.js";
import { printTable } from "./_table.js";

const RUNS = Number(process.env["BENCH_DASHBOARD_RUNS"] ?? 7);
const PANELS = 12;
const PER_PANEL = 2;
const DAYS = 7;
const STEP = 60_000;

const build = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-web.mjs")], { cwd: PROJECT_ROOT, stdio: "inherit" });
if (build.status !== 0) throw new Error("build-web failed");

const dir = mkdtempSync(join(tmpdir(), "loupe-bench-dashboard-"));
const cfg = defaultConfig();
const dbPath = join(dir, "loupe.db");
const db = openDatabase(dbPath);
migrate(db);
const end = Date.now();
const start = end - DAYS * 86_400_000;
const clock = new FakeClock(start);
const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });
const name = (p: number, k: number): string => `bench.p${String(p).padStart(2, "0")}.s${k}`;
for (let ts = Math.ceil(start / STEP) * STEP; ts < end; ts += 100 * STEP) {
  const batch: Sample[] = [];
  for (let j = 0; j < 100; j++) {
    const t = ts + j * STEP;
    if (t >= end) break;
    for (let p = 0; p < PANELS; p++) for (let k = 0; k < PER_PANEL; k++) batch.push({ name: name(p, k), ts: t, value: 50 + 40 * Math.sin(t / 3_600_000 + p + k) + Math.random() * 5 });
  }
  clock.set(ts);
  await store.write(batch);
}
clock.set(end);

const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep: 20 }));
dashboards.save(
  {
    uid: "bench",
    title: "Benchmark",
    time: { from: "now-7d", to: "now" },
    panels: Array.from({ length: PANELS }, (_, p) => ({
      id: p + 1,
      type: "timeseries" as const,
      title: `Panel ${p + 1}`,
      gridPos: { x: (p % 2) * 12, y: Math.floor(p / 2) * 8, w: 12, h: 8 },
      targets: [{ refId: "A", target: `bench.p${String(p).padStart(2, "0")}.*` }],
      options: { unit: "percent" as const, legend: ["avg" as const, "last" as const] },
    })),
  },
  "bench",
);
const auth: RequestHandler = (_req, res, next) => {
  res.locals["principal"] = OPEN_PRINCIPAL;
  res.locals["csrfToken"] = "bench";
  next();
};
const app = createApp({
  log: silentLogger,
  before: [auth],
  routers: [queryRoutes({ store, clock }), staticRoutes(), pageRoutes({ dashboards, annotations: new SqliteAnnotationService(db, clock), snapshots: new RepositorySnapshotService(new SqliteSnapshotRepository(db, clock)), defaultHome: "", clock })],
});
const http = await startHttpServer(app, "127.0.0.1", 0);
const url = `http://127.0.0.1:${http.port}/d/bench`;

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});

interface Load {
  firstChart: number;
  allPanels: number;
  bytes: number;
  queryBytes: number;
  requests: number;
}

async function loadOnce(warm = false): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 820 } });
  if (warm) {
    // a first visit fills the HTTP cache (versioned assets are cacheable for good)
    const first = await context.newPage();
    await first.goto(url);
    await first.waitForFunction(() => ((globalThis as unknown as { __loupe?: { loads: number } }).__loupe?.loads ?? 0) >= 1);
    await first.close();
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  if (!warm) await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls = new Map<string, string>();
  let bytes = 0;
  let queryBytes = 0;
  let requests = 0;
  cdp.on("Network.requestWillBeSent", (e) => {
    requests++;
    urls.set(e.requestId, e.request.url);
  });
  // a response from the HTTP cache is not a request to the server
  cdp.on("Network.requestServedFromCache", () => requests--);
  cdp.on("Network.responseReceived", (e) => {
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) requests--;
  });
  cdp.on("Network.loadingFinished", (e) => {
    bytes += e.encodedDataLength;
    if (urls.get(e.requestId)?.includes("/api/query")) queryBytes += e.encodedDataLength;
  });
  await page.goto(url);
  await page.waitForFunction(() => {
    const s = (globalThis as unknown as { __loupe?: { loads: number } }).__loupe;
    return s !== undefined && s.loads >= 1;
  });
  const firstChart = await page.evaluate(() => (globalThis as unknown as { __loupe: { firstDrawAt: number } }).__loupe.firstDrawAt);
  const allPanels = await page.evaluate(() => (globalThis as unknown as { __loupe: { allDrawnAt: number } }).__loupe.allDrawnAt);
  const drawn = await page.evaluate(() => Object.values((globalThis as unknown as { __loupe: { panels: Record<string, { points: number }> } }).__loupe.panels).filter((p) => p.points > 0).length);
  if (drawn !== PANELS) throw new Error(`only ${drawn} of ${PANELS} panels drew data`);
  if (process.env["BENCH_DASHBOARD_DEBUG"]) {
    console.error(await page.evaluate(`JSON.stringify(performance.getEntriesByType("resource").map((e) => [e.name.replace(/^.*\\//, ""), Math.round(e.startTime), Math.round(e.responseStart), Math.round(e.responseEnd)]))`));
  }
  await page.waitForTimeout(100);
  await context.close();
  return { firstChart, allPanels, bytes, queryBytes, requests };
}

await loadOnce(); // warm-up (server JIT, SQLite page cache)
const loads: Load[] = [];
for (let i = 0; i < RUNS; i++) loads.push(await loadOnce());
const warmLoads: Load[] = [];
for (let i = 0; i < RUNS; i++) warmLoads.push(await loadOnce(true));
await browser.close();
await http.close();
await store.close();
db.close();
rmSync(dir, { recursive: true, force: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};
const col = (k: keyof Load, from: Load[] = loads): number[] => from.map((l) => l[k]);
printTable(
  "Dashboard",
  `12 time-series panels (2 series each, 24 series × 7 days at 60 s = ${(24 * DAYS * 1440).toLocaleString("en-US")} points) over now-7d; headless chromium 1366×820 on loopback, cold cache per load; median (max) of ${RUNS} loads after 1 warm-up; then ${RUNS} second visits with a warm HTTP cache. Targets: first chart ≤ 500 ms, ≤ 300 KB, ≤ 4 requests.`,
  ["metric", "median", "max", "target"],
  [
    ["first chart drawn (ms after navigation)", median(col("firstChart")), Math.max(...col("firstChart")), "≤ 500"],
    ["all 12 panels drawn (ms)", median(col("allPanels")), Math.max(...col("allPanels")), ""],
    ["bytes transferred (KB)", median(col("bytes")) / 1024, Math.max(...col("bytes")) / 1024, "≤ 300"],
    ["  of which /api/query (KB)", median(col("queryBytes")) / 1024, Math.max(...col("queryBytes")) / 1024, ""],
    ["requests per page", median(col("requests")), Math.max(...col("requests")), "≤ 4"],
    ["warm cache (second visit): first chart drawn (ms)", median(col("firstChart", warmLoads)), Math.max(...col("firstChart", warmLoads)), ""],
    ["warm cache: bytes transferred (KB)", median(col("bytes", warmLoads)) / 1024, Math.max(...col("bytes", warmLoads)) / 1024, ""],
    ["warm cache: requests to the server", median(col("requests", warmLoads)), Math.max(...col("requests", warmLoads)), ""],
  ],
);
