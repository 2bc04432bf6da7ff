/**
 * Render benchmark. Workload: a real store (SQLite file in a temp folder, default config) holding
 * 30 days × 100 series at 10 s (25,920,000 points, `bench.hostNN.cpu.metricMM`), written oldest
 * first in batches, then retention runs until nothing is left to compact (raw older than 15 days
 * goes, rolled up to 1m; the 1m tier's 5-minute chunks of complete days are merged and their
 * 30-minute level written) so reads come from committed chunks and rollups, as in a store that has
 * run for 30 days. Then, over real HTTP on loopback:
 * - `/render` of the 100 series over 7 days with maxDataPoints=300 (one wildcard target, JSON);
 * - the same over 30 days;
 * - the same through `sumSeries` (100 series read, one returned);
 * - `POST /api/query` with the same target (the dashboard's columnar shape);
 * - `/render` of the 100 series over the last hour without maxDataPoints (raw 10 s points).
 * Each row: median and p95 of 40 sequential requests after 5 warm-ups, timed until the client has
 * the response's bytes (the client runs in the same process, so its decoding is left out); the
 * in-process rows split the time between the store's read and the query layer.
 *
 * Target (issue 5): /render of 100 series over 7 days with maxDataPoints=300 ≤ 25 ms.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { renderRoutes } from "../../src/http/routes/api/render.js";
import { queryRoutes } from "../../src/http/routes/api/query.js";
import type { Sample } from "../../src/model/index.js";
import { evaluateTargets, renderJsonText } from "../../src/query/index.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { printTable } from "./_table.js";

const SERIES = Number(process.env["BENCH_RENDER_SERIES"] ?? 100);
const DAYS = Number(process.env["BENCH_RENDER_DAYS"] ?? 30);
const WEEK = Math.min(7, DAYS);
const INTERVAL_S = 10;
const RUNS = 40;
const WARMUP = 5;

// BENCH_RENDER_DB=<file>: keep the loaded store there and reuse it on the next run (iterating on reads)
const keep = process.env["BENCH_RENDER_DB"];
const reuse = keep !== undefined && existsSync(keep) && existsSync(`${keep}.end`);
const end = reuse ? Number(readFileSync(`${keep}.end`, "utf8")) : Math.floor(Date.now() / 3_600_000) * 3_600_000;
const start = end - DAYS * 86_400_000;
const dir = mkdtempSync(join(tmpdir(), "loupe-bench-render-"));
const cfg = defaultConfig();
const dbPath = keep ?? join(dir, "loupe.db");
const db = openDatabase(dbPath);
migrate(db);
const clock = new FakeClock(reuse ? end : start);
const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });

const name = (i: number): string => `bench.host${String(i % 10).padStart(2, "0")}.cpu.metric${String(i).padStart(2, "0")}`;
const t0 = performance.now();
const TICKS_PER_BATCH = 100;
let points = reuse ? DAYS * SERIES * (86_400 / INTERVAL_S) : 0;
for (let ts = reuse ? end : start; ts < end; ts += TICKS_PER_BATCH * INTERVAL_S * 1000) {
  const batch: Sample[] = [];
  for (let k = 0; k < TICKS_PER_BATCH; k++) {
    const t = ts + k * INTERVAL_S * 1000;
    if (t >= end) break;
    for (let i = 0; i < SERIES; i++) batch.push({ name: name(i), ts: t, value: 50 + 40 * Math.sin(t / 3_600_000 + i) + (i % 7) });
  }
  clock.set(ts);
  await store.write(batch);
  points += batch.length;
}
clock.set(end);
const loadS = (performance.now() - t0) / 1000;
// retention until the 1m tier's levels are compacted for every complete day (a store that ran for
// 30 days did it a day at a time; one run works through a backlog ~500 ms at a time)
const levelRows = (): number => db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier >= 3").pluck().get() as number;
for (let before = -1, runs = 0; levelRows() !== before && runs < 500; runs++) {
  before = levelRows();
  store.runRetention();
}
// what each tier costs on disk (chunk data, without SQLite's row and index overhead)
const tierBytes = db.prepare("SELECT tier, sum(length(data)) AS bytes, count(*) AS chunks, sum(points) AS points FROM tsdb_chunks GROUP BY tier ORDER BY tier").all() as Array<{ tier: number; bytes: number; chunks: number; points: number }>;

const open: RequestHandler = (_req, res, next) => {
  res.locals["principal"] = OPEN_PRINCIPAL;
  next();
};
const app = createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store, clock }), queryRoutes({ store, clock })] });
const http = await startHttpServer(app, "127.0.0.1", 0);
const base = `http://127.0.0.1:${http.port}`;

async function measure(request: () => Promise<Response>, check: (body: unknown) => number): Promise<{ p50: number; p95: number; n: number; bytes: number }> {
  let n = 0;
  let bytes = 0;
  const times: number[] = [];
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t = performance.now();
    const res = await request();
    // the client (same process) only takes the bytes inside the timing; decoding comes after
    const buf = Buffer.from(await res.arrayBuffer());
    const el = performance.now() - t;
    const text = buf.toString("utf8");
    if (res.status !== 200) throw new Error(`status ${res.status}: ${text.slice(0, 200)}`);
    if (i >= WARMUP) times.push(el);
    n = check(JSON.parse(text));
    bytes = buf.length;
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)]!, p95: times[Math.floor(times.length * 0.95)]!, n, bytes };
}

const weekStart = end - WEEK * 86_400_000;
const week = { from: String(weekStart / 1000), until: String(end / 1000) };
const month = { from: String(start / 1000), until: String(end / 1000) };
type Render = Array<{ datapoints: unknown[] }>;
const points0 = (b: unknown): number => (b as Render).reduce((a, s) => a + s.datapoints.length, 0);
const form = (pairs: Record<string, string>): RequestInit => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(pairs).toString() });

const rows: Array<[string, number, number, number, string]> = [];
const add = (label: string, r: { p50: number; p95: number; n: number; bytes: number }): void => {
  rows.push([label, r.p50, r.p95, r.n, `${(r.bytes / 1024).toFixed(0)} KiB`]);
};

add(`/render ${SERIES} series, ${WEEK} d, maxDataPoints=300 (form POST)`, await measure(() => fetch(`${base}/render`, form({ target: "bench.*.cpu.*", ...week, format: "json", maxDataPoints: "300" })), points0));
if (DAYS > WEEK) add(`/render ${SERIES} series, ${DAYS} d, maxDataPoints=300 (form POST)`, await measure(() => fetch(`${base}/render`, form({ target: "bench.*.cpu.*", ...month, format: "json", maxDataPoints: "300" })), points0));
add(`/render sumSeries of ${SERIES} series, ${WEEK} d, maxDataPoints=300`, await measure(() => fetch(`${base}/render`, form({ target: "sumSeries(bench.*.cpu.*)", ...week, format: "json", maxDataPoints: "300" })), points0));
add(`POST /api/query ${SERIES} series, ${WEEK} d, maxDataPoints=300`, await measure(
  () => fetch(`${base}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: weekStart, to: end, maxDataPoints: 300, queries: [{ id: "a", target: "bench.*.cpu.*" }] }) }),
  (b) => {
    const r = (b as { results: Array<{ series: Array<{ values: unknown[] }> }> }).results[0]!;
    return r.series.reduce((a, s) => a + s.values.length, 0);
  },
));
add(`/render ${SERIES} series, last 1 h, raw 10 s points`, await measure(() => fetch(`${base}/render?${new URLSearchParams({ target: "bench.*.cpu.*", from: String(end / 1000 - 3600), until: String(end / 1000), format: "json" })}`), points0));

// where the time goes: the store's read alone, then the query layer in process (no HTTP)
const ids = store.findSeries("bench.*.cpu.*").map((s) => s.id);
const inProcess = (label: string, fn: () => number): void => {
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < WARMUP + RUNS; i++) {
    const t = performance.now();
    n = fn();
    if (i >= WARMUP) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  rows.push([label, times[Math.floor(times.length / 2)]!, times[Math.floor(times.length * 0.95)]!, n, "-"]);
};
for (const [days, from] of [[WEEK, weekStart], [DAYS, start]] as const) {
  if (days === WEEK && from === start && DAYS > WEEK) continue;
  inProcess(`store.select alone, ${days} d, maxPoints=300 (in process)`, () => {
    const r = store.select(ids, from, end, { maxPoints: 300 });
    return r.series.length * r.timestamps.length;
  });
  inProcess(`evaluateTargets + JSON text, ${days} d (in process)`, () => {
    const [r] = evaluateTargets(store, ["bench.*.cpu.*"], from, end, 300, { now: end });
    return renderJsonText(r!.series).length > 0 ? r!.series.reduce((a, s) => a + s.values.length, 0) : 0;
  });
  if (days === DAYS) break;
}
const tierOf = (from: number): string => {
  const r = store.select(ids, from, end, { maxPoints: 300 });
  return `${r.tier} tier at a ${r.step / 1000} s step`;
};
const NAMES = ["raw", "1m", "1h", "1m 5-minute level", "1m 30-minute level (days)", "1m 30-minute level (4-day rows)"];
const bytesLine = tierBytes.map((t) => `${NAMES[t.tier]} ${(t.bytes / 1e6).toFixed(1)} MB in ${t.chunks} chunks (${t.tier === 0 ? `${(t.bytes / t.points).toFixed(2)} B/raw point` : `${(t.bytes / t.points).toFixed(1)} B/bucket`})`).join(", ");

printTable(
  "Render",
  `Real store (temp SQLite file, default config) with ${DAYS} days × ${SERIES} series at ${INTERVAL_S} s = ${points.toLocaleString("en-US")} points (loaded in ${loadS.toFixed(1)} s); ` +
    `then retention runs until every complete day is compacted; chunk data by tier: ${bytesLine}. Requests over HTTP on loopback, ${RUNS} sequential runs after ${WARMUP} warm-ups; the ${WEEK}-day reads use the ${tierOf(weekStart)}, the ${DAYS}-day reads the ${tierOf(start)}. ` +
    `Load average ${loadavg().map((x) => x.toFixed(1)).join(" ")}. Target: /render of 100 series over 7 days and over 30 days with maxDataPoints=300 ≤ 25 ms each.`,
  ["request", "median ms", "p95 ms", "points returned", "body"],
  rows,
);

await http.close();
await store.close();
db.close();
if (keep !== undefined) writeFileSync(`${keep}.end`, String(end));
rmSync(dir, { recursive: true, force: true });
