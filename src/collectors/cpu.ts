/** `cpu`: jiffies per second from /proc/stat, total and per core (Diamond's CPUCollector). */
import { opt } from "../config/index.js";
import { defineCollector, MAX_U64 } from "./types.js";
import { roundTo } from "./units.js";

export const CPU_FIELDS = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"] as const;
export type CpuField = (typeof CPU_FIELDS)[number];

export interface CpuTimes {
  /** "total" for the aggregate line, "cpu0"… for cores. */
  readonly cpu: string;
  readonly times: Readonly<Partial<Record<CpuField, number>>>;
}

/** Parses the cpu lines of /proc/stat. Older kernels have fewer columns; missing ones are absent. */
export function parseProcStat(text: string): CpuTimes[] {
  const out: CpuTimes[] = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("cpu")) continue;
    const cols = line.trim().split(/\s+/);
    const label = cols[0]!;
    if (label !== "cpu" && !/^cpu\d+$/.test(label)) continue;
    const times: Partial<Record<CpuField, number>> = {};
    for (let i = 0; i < CPU_FIELDS.length && i + 1 < cols.length; i++) {
      const v = Number(cols[i + 1]);
      if (Number.isFinite(v)) times[CPU_FIELDS[i]!] = v;
    }
    out.push({ cpu: label === "cpu" ? "total" : label, times });
  }
  return out;
}

/**
 * Diamond's `simple` busy percent between two aggregate samples: 100 − idle × 100 / (user + nice +
 * system + idle) — only the first four columns, as Diamond reads them — rounded to an integer as
 * Diamond's wire format does (it publishes the text '%.4f' with precision 0).
 */
export function busyPercent(before: CpuTimes["times"], after: CpuTimes["times"]): number | undefined {
  let all = 0;
  for (const f of ["user", "nice", "system", "idle"] as const) all += (after[f] ?? 0) - (before[f] ?? 0);
  const idle = (after.idle ?? 0) - (before.idle ?? 0);
  if (!(all > 0)) return undefined;
  return roundTo(100 - (idle * 100) / all, 0);
}

export const cpuCollector = defineCollector({
  name: "cpu",
  help: "CPU time per second (jiffies/s, 100 = one core busy) from /proc/stat, total and per core",
  enabledByDefault: true,
  options: {
    percore: opt.bool(true, "also publish cpu0, cpu1, … besides total"),
    simple: opt.bool(false, "publish only percent (busy %, all cores, an integer as Diamond sends it)"),
    normalize: opt.bool(false, "divide total by the number of CPUs (100 = the whole machine busy)"),
    derivative: opt.bool(true, "publish jiffies per second; false: the raw jiffies counters since boot, as Diamond does"),
  },
  create(options, env) {
    let previous: CpuTimes["times"] | undefined;
    return async (ctx) => {
      const stats = parseProcStat(await env.procfs.readProc("stat"));
      const total = stats.find((s) => s.cpu === "total");
      if (total === undefined) throw new Error("/proc/stat has no cpu line");
      if (options.simple) {
        if (previous !== undefined) {
          const p = busyPercent(previous, total.times);
          if (p !== undefined) ctx.gauge("percent", p);
        }
        previous = total.times;
        return;
      }
      const ncpus = stats.length - 1;
      ctx.gauge("cpu_count", ncpus);
      for (const s of stats) {
        if (s.cpu !== "total" && !options.percore) continue;
        const div = options.normalize && s.cpu === "total" && ncpus > 0 ? ncpus : 1;
        for (const f of CPU_FIELDS) {
          const v = s.times[f];
          if (v === undefined) continue;
          if (!options.derivative) {
            ctx.gauge(`${s.cpu}.${f}`, v / div);
            continue;
          }
          const c = ctx.change(`${s.cpu}.${f}`, v, MAX_U64);
          if (c !== undefined) ctx.gauge(`${s.cpu}.${f}`, c.delta / c.seconds / div);
        }
      }
    };
  },
});
