/** `memory`: /proc/meminfo in bytes (Diamond's MemoryCollector names: memory.MemFree …). */
import { opt } from "../config/index.js";
import { defineCollector } from "./types.js";

export const MEMORY_KEYS = [
  "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "Active", "Inactive", "Dirty", "Shmem",
  "SwapTotal", "SwapFree", "SwapCached", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Committed_AS",
] as const;

/** `Key: 123 kB` lines → values in bytes (kB × 1024); lines without a unit (HugePages_Total) as they are. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line);
    if (m === null) continue;
    const v = Number(m[2]);
    out.set(m[1]!.replace(/[()]/g, "_").replace(/_$/, ""), m[3] === "kB" ? v * 1024 : v);
  }
  return out;
}

export const memoryCollector = defineCollector({
  name: "memory",
  help: "memory and swap from /proc/meminfo, in bytes",
  enabledByDefault: true,
  options: {
    detailed: opt.bool(false, "publish every /proc/meminfo line, not only the usual ones"),
  },
  create(options, env) {
    const keys = new Set<string>(MEMORY_KEYS);
    return async (ctx) => {
      const info = parseMeminfo(await env.procfs.readProc("meminfo"));
      if (info.size === 0) throw new Error("/proc/meminfo is empty");
      for (const [k, v] of info) if (options.detailed || keys.has(k)) ctx.gauge(k, v);
    };
  },
});
