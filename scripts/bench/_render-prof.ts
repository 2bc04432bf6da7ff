/**
 * Store-only read timing for the render bench's data: `BENCH_RENDER_DB=<file> npx tsx scripts/bench/render.ts` once
 * (loads and keeps the store), then `BENCH_RENDER_DB=<file> [RUNS=40] [PRAGMAS="..."] node --import tsx
 * scripts/bench/_render-prof.ts` (add `--cpu-prof` for a profile): wall and CPU time (user + sys,
 * which a loaded machine inflates far less) of `store.select` of 100 series over 7 and 30 days at
 * maxPoints=300, and the chunk rows and bytes by tier.
 */
import { readFileSync } from "node:fs";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { openDatabase, openStore } from "../../src/store/index.js";

const path = process.env["BENCH_RENDER_DB"]!;
const end = Number(readFileSync(`${path}.end`, "utf8"));
const db = openDatabase(path);
for (const p of (process.env["PRAGMAS"] ?? "").split(";").filter(Boolean)) db.pragma(p);
const cfg = defaultConfig();
const clock = new FakeClock(end);
const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
const ids = store.findSeries("bench.*.cpu.*").map((s) => s.id);
const runs = Number(process.env["RUNS"] ?? 60);
for (const days of [7, 30]) {
  const from = end - days * 86_400_000;
  const times: number[] = [];
  const cpu: number[] = [];
  let n = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = process.cpuUsage();
    const r = store.select(ids, from, end, { maxPoints: 300 });
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
    times.push(performance.now() - t);
    n = r.timestamps.length;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  console.log(`${days} d: wall median ${times[runs >> 1]!.toFixed(1)} min ${times[0]!.toFixed(1)} ms; cpu median ${cpu[runs >> 1]!.toFixed(1)} min ${cpu[0]!.toFixed(1)} ms; ${n} points/series`);
}
const rows = db.prepare("SELECT tier, count(*) AS n, sum(length(data)) AS bytes FROM tsdb_chunks GROUP BY tier").all();
console.log(JSON.stringify(rows));
await store.close();
db.close();
