// Collectors: CPU milliseconds per cycle of all default collectors against the live /proc and /sys
// (target ≤ 3 ms, i.e. ≤ 0.03 % of a core at 10 s), per collector, and RSS over 10,000 cycles
// (target: flat). The clock is faked (+10 s per cycle) so rates are computed as in production.
// Then the processes collector (top consumers on) with BENCH_PROCESSES (2,000) real `sleep` children
// started by this bench in their own process group, and stopped by that group's id at the end
// (target ≤ 10 ms CPU per run).
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import type { Sample, SampleSink } from "../../src/model/index.js";
import { createCollectors } from "../../src/collectors/index.js";
import { printTable } from "./_table.js";

const CYCLES = Number(process.env["BENCH_COLLECTOR_CYCLES"] ?? 10_000);
const WARMUP = 200;
const gc = (globalThis as { gc?: () => void }).gc;

let samples = 0;
const sink: SampleSink = {
  async write(batch: readonly Sample[]) {
    samples += batch.length;
  },
};

const clock = new FakeClock(Date.now());
const c = await createCollectors({ config: defaultConfig("[collectors]\nhostname = bench\n"), sink, log: silentLogger, clock });
const names = c.scheduler.names;

/** [RSS, heap used] in MiB after a full gc. */
const memMiB = (): [number, number] => {
  gc?.();
  const m = process.memoryUsage();
  return [m.rss / 2 ** 20, m.heapUsed / 2 ** 20];
};
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function cycle(): Promise<void> {
  clock.advance(10_000);
  const out = await c.scheduler.runAll();
  for (const [n, o] of out) if (o !== "ok") throw new Error(`${n}: ${o}: ${c.scheduler.stats(n)?.lastError}`);
}

for (let i = 0; i < WARMUP; i++) await cycle();
const mem: [number, number, number][] = [[WARMUP, ...memMiB()]];
const samplesBefore = samples;
const cpu0 = cpuMs();
const wall0 = performance.now();
const checkpoints = new Set([1000, 2500, 5000, 7500, CYCLES]);
let cpuInCycles = 0;
for (let i = 1; i <= CYCLES; i++) {
  const a = cpuMs();
  await cycle();
  cpuInCycles += cpuMs() - a;
  if (checkpoints.has(i)) mem.push([WARMUP + i, ...memMiB()]);
}
const wall = performance.now() - wall0;
const cpuTotal = cpuMs() - cpu0;
const perCycleSamples = (samples - samplesBefore) / CYCLES;

// Each collector alone, 1,000 runs.
const per: (string | number)[][] = [];
for (const n of names) {
  const runs = 1000;
  const a = cpuMs();
  const w = performance.now();
  for (let i = 0; i < runs; i++) {
    clock.advance(10_000);
    await c.scheduler.run(n);
  }
  per.push([n, (cpuMs() - a) / runs, (performance.now() - w) / runs]);
}
await c.stop();

printTable(
  "Collectors",
  `All ${names.length} default collectors (${names.join(", ")}) on the live /proc and /sys of this machine, ${CYCLES.toLocaleString("en-US")} cycles after ${WARMUP} warm-up cycles, ~${Math.round(perCycleSamples)} samples per cycle to a counting sink. CPU is process user+system time (libuv threads included).`,
  ["measure", "value", "target"],
  [
    ["CPU ms per cycle (all default collectors)", cpuInCycles / CYCLES, "≤ 3 ms"],
    ["share of one core at a 10 s interval", `${((cpuInCycles / CYCLES / 10_000) * 100).toFixed(4)} %`, "≤ 0.03 %"],
    ["wall ms per cycle (collectors run concurrently)", wall / CYCLES, ""],
    ["CPU ms total / cycles (incl. loop overhead)", cpuTotal / CYCLES, ""],
    ...mem.map(([n, r, h]): (string | number)[] => [`RSS / JS heap after ${n.toLocaleString("en-US")} cycles (MiB, after gc)`, `${r.toFixed(1)} / ${h.toFixed(1)}`, n === mem[mem.length - 1]![0] ? "flat" : ""]),
    ["RSS growth, 1,200 cycles → last (MiB)", (mem[mem.length - 1]![1] - (mem.find(([n]) => n >= 1200) ?? mem[0]!)[1]), "≈ 0"],
    ["JS heap growth, first → last (MiB)", mem[mem.length - 1]![2] - mem[0]![2], "≈ 0"],
  ],
);
printTable("Collectors, one at a time", "Each default collector run alone 1,000 times.", ["collector", "CPU ms per run", "wall ms per run"], per);

// The processes collector with many processes: real sleep children, one process group.
const EXTRA = Number(process.env["BENCH_PROCESSES"] ?? 2000);
const countPids = (): number => readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
const group = spawn("sh", ["-c", `i=0; while [ $i -lt ${EXTRA} ]; do sleep 600 & i=$((i+1)); done; wait`], { detached: true, stdio: "ignore" });
const stopGroup = (): void => {
  try {
    process.kill(-group.pid!, "SIGTERM");
  } catch {
    // already gone
  }
};
process.on("exit", stopGroup);
const base = countPids();
for (let i = 0; i < 600 && countPids() < base + EXTRA; i++) await new Promise((r) => setTimeout(r, 50));
const prows: (string | number)[][] = [];
for (const [label, ini] of [
  ["defaults: group_by = name, top_by = cpu, rss (stat per process)", ""],
  ["top_by = cpu, rss, io (stat + io per process)", "top_by = cpu, rss, io\n"],
  ["group_by = unit (stat + cgroup per process)", "group_by = unit\n"],
  ["top_n = 0 (counts by state only)", "top_n = 0\n"],
] as const) {
  const pc = await createCollectors({ config: defaultConfig(`[collectors]\nhostname = bench\n[collector.processes]\n${ini}`), sink, log: silentLogger, clock, only: ["processes"] });
  const runs = 50;
  for (let i = 0; i < 3; i++) {
    clock.advance(10_000);
    await pc.scheduler.run("processes");
  }
  const before = samples;
  const a = cpuMs();
  for (let i = 0; i < runs; i++) {
    clock.advance(10_000);
    const o = await pc.scheduler.run("processes");
    if (o !== "ok") throw new Error(`processes: ${o}: ${pc.scheduler.stats("processes")?.lastError}`);
  }
  prows.push([label, (cpuMs() - a) / runs, Math.round((samples - before) / runs)]);
  await pc.stop();
}
const seen = countPids();
stopGroup();
printTable(
  "Processes collector with many processes",
  `${seen.toLocaleString("en-US")} processes on the machine during the runs (${EXTRA.toLocaleString("en-US")} \`sleep\` children started by the bench), top_n = 10, 50 runs each after 3 warm-up runs; samples include Loupe's own loupe.collector.* series.`,
  ["configuration", "CPU ms per run", "samples per run"],
  prows,
);
