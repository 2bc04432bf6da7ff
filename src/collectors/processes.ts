/** `processes`: process counts by state, threads and open file handles from /proc/<pid>/stat and /proc/sys/fs/file-nr. */
import { defineCollector } from "./types.js";

/** Kernel state letters → metric names. */
export const PROCESS_STATES: Readonly<Record<string, string>> = {
  R: "running",
  S: "sleeping",
  D: "blocked",
  Z: "zombie",
  T: "stopped",
  t: "stopped",
  I: "idle",
  X: "dead",
  W: "paging",
  P: "parked",
};

/** `/proc/<pid>/stat` → state letter and thread count. The command may contain spaces and parentheses. */
export function parsePidStat(text: string): { state: string; threads: number } | undefined {
  const close = text.lastIndexOf(")");
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(" ");
  const state = f[0];
  const threads = Number(f[17]);
  if (state === undefined || state === "" || !Number.isFinite(threads)) return undefined;
  return { state, threads };
}

/** "685\t0\t2466183" → allocated and maximum file handles. */
export function parseFileNr(text: string): { allocated: number; max: number } {
  const [a, , m] = text.trim().split(/\s+/).map(Number);
  if (a === undefined || m === undefined || !Number.isFinite(a) || !Number.isFinite(m)) throw new Error(`unexpected file-nr: ${JSON.stringify(text)}`);
  return { allocated: a, max: m };
}

/** Counts per state name (every name present, zero included), total and threads. */
export function summarizeProcesses(stats: readonly { state: string; threads: number }[]): Record<string, number> {
  const out: Record<string, number> = { total: 0, threads: 0 };
  for (const name of Object.values(PROCESS_STATES)) out[name] = 0;
  for (const s of stats) {
    const name = PROCESS_STATES[s.state] ?? "other";
    out[name] = (out[name] ?? 0) + 1;
    out["total"]!++;
    out["threads"]! += s.threads;
  }
  return out;
}

export const processesCollector = defineCollector({
  name: "processes",
  help: "processes by state (running, sleeping, blocked, zombie …), threads and open file handles",
  enabledByDefault: false,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      const pids = (await env.procfs.listProc("")).filter((n) => /^\d+$/.test(n));
      const stats: { state: string; threads: number }[] = [];
      for (const pid of pids) {
        if (ctx.signal.aborted) return;
        try {
          const s = parsePidStat(await env.procfs.readProc(`${pid}/stat`));
          if (s !== undefined) stats.push(s);
        } catch {
          // exited between listing and reading
        }
      }
      for (const [k, v] of Object.entries(summarizeProcesses(stats))) ctx.gauge(k, v);
      try {
        const fds = parseFileNr(await env.procfs.readProc("sys/fs/file-nr"));
        ctx.gauge("fds", fds.allocated);
        ctx.gauge("fds_max", fds.max);
      } catch {
        // file-nr is missing in some containers
      }
    };
  },
});
