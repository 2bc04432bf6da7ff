/**
 * Alerting benchmark. Two workloads on a real store (SQLite file in a temp folder, default config):
 * - Backtest: 1,000 series × 7 days at 60 s (10,080,000 points, written oldest first), one rule
 *   `bench.host*.disk.*` replayed over the 7 days (2,016 evaluations per series, through the query
 *   layer with maxDataPoints so the store answers from its 1 m rollups). Median of 5 runs.
 *   Target (issue 12): under 2 s.
 * - Evaluation: 10,000 series (`bench.hostNNNN.cpu.mMM`, 1,000 hosts × 10) with the last 15 min
 *   at 10 s, and 1,000 rules (one per host: `bench.hostNNNN.cpu.*`, avg over 5 m > threshold, a
 *   tenth of them firing), evaluated as 10 groups of 100 with state written to SQLite as in
 *   production. CPU time of one full round (median of 5), as a share of one core at a 1 m interval.
 *   Target (issue 12): under 5 % of one core.
 * BENCH_ALERT_BT_SERIES / BENCH_ALERT_HOSTS scale the workloads down for a quick look.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import type { Sample } from "../../src/model/index.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { SqliteAlertStateStore } from "../../src/store/alerting/index.js";
import { backtest, Evaluator, queryOver, RULE_DEFAULTS, type Rule } from "../../src/alerting/index.js";
import { printTable } from "./_table.js";

const BT_SERIES = Number(process.env["BENCH_ALERT_BT_SERIES"] ?? 1000);
const HOSTS = Number(process.env["BENCH_ALERT_HOSTS"] ?? 1000);
const RUNS = 5;
const MIN = 60_000;
const DAY = 86_400_000;
const cfg = defaultConfig();
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function openBenchStore(name: string, clock: FakeClock) {
  const dir = mkdtempSync(join(tmpdir(), `loupe-bench-alert-${name}-`));
  const dbPath = join(dir, "loupe.db");
  const db = openDatabase(dbPath);
  migrate(db);
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  return { dir, db, store };
}

function rule(over: Partial<Rule>): Rule {
  return { alert: "Bench", expr: "", ...RULE_DEFAULTS, op: ">", threshold: 0, labels: {}, annotations: { summary: "{{ $labels.host }} {{ $value }}" }, uid: "bench", group: "bench", source: { kind: "ui" }, ...over };
}

// ---- backtest ----
const rows: Array<Array<string | number>> = [];
{
  const end = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const start = end - 7 * DAY;
  const clock = new FakeClock(start);
  const { dir, db, store } = await openBenchStore("bt", clock);
  const name = (i: number): string => `bench.host${String(Math.floor(i / 10)).padStart(3, "0")}.disk.fs${i % 10}`;
  const t0 = performance.now();
  let points = 0;
  for (let ts = start; ts < end; ts += 60 * MIN) {
    const batch: Sample[] = [];
    for (let t = ts; t < Math.min(end, ts + 60 * MIN); t += MIN) for (let i = 0; i < BT_SERIES; i++) batch.push({ name: name(i), ts: t, value: 50 + 30 * Math.sin(t / 7_200_000 + i) });
    clock.set(ts);
    await store.write(batch);
    points += batch.length;
  }
  clock.set(end);
  const loadS = (performance.now() - t0) / 1000;
  const q = queryOver(store);
  const r = rule({ expr: "bench.host*.disk.*", reduce: "avg", window: 10 * MIN, threshold: 75, for: 15 * MIN });
  const times: number[] = [];
  let result: ReturnType<typeof backtest> | undefined;
  for (let k = 0; k < RUNS; k++) {
    const t = performance.now();
    result = backtest(r, q, { from: end - 7 * DAY, to: end, step: MIN, maxSeries: 10_000, pathPrefix: "bench", hostLabel: "host" });
    times.push(performance.now() - t);
  }
  if (result?.error !== undefined) throw new Error(result.error);
  rows.push([`backtest 7 d × ${BT_SERIES} series (${result!.evaluations} evaluations each, data at ${result!.resolution / 1000} s)`, `${(median(times) / 1000).toFixed(2)} s`, `${result!.firingPeriods} firing periods, ${result!.notifications} notifications; ${points.toLocaleString("en-US")} points loaded in ${loadS.toFixed(1)} s`, "< 2 s"]);
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

// ---- evaluation of 1,000 rules over 10,000 series ----
{
  const end = Math.floor(Date.now() / MIN) * MIN;
  const clock = new FakeClock(end - 15 * MIN);
  const { dir, db, store } = await openBenchStore("eval", clock);
  const host = (h: number): string => `host${String(h).padStart(4, "0")}`;
  const batch: Sample[] = [];
  for (let t = end - 15 * MIN; t < end; t += 10_000) for (let h = 0; h < HOSTS; h++) for (let m = 0; m < 10; m++) batch.push({ name: `bench.${host(h)}.cpu.m${m}`, ts: t, value: (h % 10 === 0 ? 90 : 20) + m });
  await store.write(batch);
  clock.set(end);
  const states = new SqliteAlertStateStore(db);
  const ev = new Evaluator({ query: queryOver(store), states, clock, log: silentLogger, budgetMs: 60_000, maxInstancesPerRule: 1000, pathPrefix: "bench", hostLabel: "host" });
  const rules = Array.from({ length: HOSTS }, (_, h) => rule({ uid: `r${h}`, alert: `CpuHigh${h}`, expr: `bench.${host(h)}.cpu.*`, reduce: "avg", threshold: 80 }));
  const groups = Array.from({ length: 10 }, (_, g) => ({ name: `g${g}`, interval: MIN, rules: rules.filter((_, i) => i % 10 === g) }));
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    const c = process.cpuUsage();
    const t = performance.now();
    for (const g of groups) await ev.evaluateGroup(g, end + k * MIN);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
    wall.push(performance.now() - t);
  }
  const firing = ev.instances().filter((i) => i.state === "firing").length;
  const share = (median(cpu) / MIN) * 100;
  rows.push([`${rules.length} rules over ${HOSTS * 10} series, one round (${firing} firing instances)`, `${(median(cpu) / 1000).toFixed(2)} s CPU (${(median(wall) / 1000).toFixed(2)} s wall)`, `${share.toFixed(1)} % of one core at a 1 m interval`, "< 5 % of one core"]);
  await store.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

printTable("Alerting", "Backtest of one rule over 7 days of stored data; one evaluation round of many rules (medians of 5, state written to SQLite).", ["workload", "time", "result", "target"], rows);
