/**
 * `processes`: process counts by state, threads and open file handles, and the top consumers:
 * `top.<group>.cpu_percent`, `.rss_bytes`, `.io_read_bytes`, `.io_write_bytes` (per second) and
 * `.count`, for the top_n groups by each of top_by plus `top.other` — a bounded number of series
 * whatever runs on the host. Groups are process names (comm), systemd units or cgroup paths.
 */
import { opt } from "../config/index.js";
import { z } from "zod";
import type { Option } from "../config/index.js";
import { defineCollector } from "./types.js";
import type { ProcFs } from "./procfs.js";
import { addUsage, groupName, parsePidCgroup, parsePidIo, parsePidStatFull, selectTop, type GroupUsage, type PidStat, type TopCriterion } from "./top.js";

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

const CRITERIA = ["cpu", "rss", "io"] as const;

function criteriaOption(): Option<readonly TopCriterion[]> {
  const expected = `a list among ${CRITERIA.join(", ")}`;
  const schema = z.string().transform((s, ctx): readonly TopCriterion[] => {
    const items = s.split(",").map((x) => x.trim()).filter((x) => x !== "");
    const bad = items.filter((x) => !(CRITERIA as readonly string[]).includes(x));
    if (bad.length > 0 || items.length === 0) {
      ctx.addIssue({ code: "custom", message: `${bad.length > 0 ? `unknown ${bad.map((b) => JSON.stringify(b)).join(", ")}; ` : ""}expected ${expected}` });
      return z.NEVER;
    }
    return [...new Set(items)] as TopCriterion[];
  });
  return { kind: "list", expected, schema, default: "cpu, rss", help: "rank groups by these (cpu, rss, io); each keeps its own top_n (at most top_n × their number groups, plus other); io reads /proc/<pid>/io too, which doubles the cost", secret: false };
}

/** Processes read between two turns of the event loop (~5 ms of reading on a loaded machine). */
const YIELD_EVERY = 250;

/** Clock ticks per second of utime/stime (USER_HZ, 100 on every Linux port Node runs on). */
const USER_HZ = 100;

interface PidPrev {
  start: number;
  ticks: number;
  read: number | undefined;
  write: number | undefined;
}

type ReadSync = (path: string) => string;

/**
 * A synchronous reader of one process's files: the procfs's own when it has one (no promise per
 * file on the hot path), else the files read ahead asynchronously.
 */
async function pidReader(fs: ProcFs, pid: string, names: readonly string[]): Promise<ReadSync> {
  if (fs.readProcSync !== undefined) return fs.readProcSync.bind(fs);
  const got = new Map<string, string | Error>();
  for (const n of names) got.set(`${pid}/${n}`, await fs.readProc(`${pid}/${n}`).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))));
  return (path) => {
    const v = got.get(path);
    if (v === undefined || v instanceof Error) throw v ?? new Error(`not read: ${path}`);
    return v;
  };
}

/** The page size, from KernelPageSize in /proc/self/smaps (4096 when it cannot be read). */
async function pageSize(fs: ProcFs): Promise<number> {
  try {
    const m = /^KernelPageSize:\s+(\d+) kB/m.exec(await fs.readProc("self/smaps"));
    if (m !== null) return Number(m[1]) * 1024;
  } catch {
    // not readable: the common size
  }
  return 4096;
}

export const processesCollector = defineCollector({
  name: "processes",
  help: "processes by state, threads, file handles, and the top consumers (CPU, RSS, I/O) grouped by name, unit or cgroup",
  enabledByDefault: false,
  options: {
    top_n: opt.int(10, "groups kept per top_by criterion (the rest is summed into top.other); 0 turns the top consumers off", { min: 0, max: 1000 }),
    top_by: criteriaOption(),
    group_by: opt.enum(["name", "unit", "cgroup"], "name", "group processes by name (comm), systemd unit or cgroup path (from /proc/<pid>/cgroup)"),
  },
  create(options, env) {
    const prev = new Map<string, PidPrev>();
    let prevAt: number | undefined;
    let page: number | undefined;
    const wantIo = options.top_by.includes("io");
    const files = ["stat", ...(wantIo ? ["io"] : []), ...(options.group_by !== "name" ? ["cgroup"] : [])];
    const syncRead = env.procfs.readProcSync?.bind(env.procfs);
    return async (ctx) => {
      page ??= await pageSize(env.procfs);
      const pids = (await env.procfs.listProc("")).filter((n) => /^\d+$/.test(n));
      const stats: PidStat[] = [];
      const groups = new Map<string, GroupUsage>();
      const seconds = prevAt !== undefined ? (ctx.now - prevAt) / 1000 : 0;
      const seen = new Set<string>();
      let n = 0;
      for (const pid of pids) {
        // Synchronous reads: give the event loop (ingest, HTTP, the run's timeout) a turn now and then.
        if (++n % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
        if (ctx.signal.aborted) return;
        let s: PidStat | undefined;
        let read: ReadSync;
        try {
          read = syncRead ?? (await pidReader(env.procfs, pid, files));
          s = parsePidStatFull(read(`${pid}/stat`));
        } catch {
          continue; // exited between listing and reading
        }
        if (s === undefined) continue;
        stats.push(s);
        if (options.top_n === 0) continue;
        seen.add(pid);
        const usage = pidUsage(read, pid, s, prev, seconds, page, wantIo);
        const key = s.kernel ? "kernel_threads" : groupOf(read, pid, s, options.group_by);
        const g = groups.get(key);
        if (g === undefined) groups.set(key, usage);
        else addUsage(g, usage);
      }
      for (const pid of prev.keys()) if (!seen.has(pid)) prev.delete(pid);
      prevAt = ctx.now;
      for (const [k, v] of Object.entries(summarizeProcesses(stats))) ctx.gauge(k, v);
      if (options.top_n > 0) {
        const top = selectTop(groups, options.top_n, options.top_by);
        if (top.has("other")) env.limitHit?.("top_n", groups.size - (top.size - 1));
        publishTop(ctx, top, seconds > 0);
      }
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

/** One process's share of an interval; rates are 0 on the first sighting (no previous sample). */
function pidUsage(read: ReadSync, pid: string, s: PidStat, prev: Map<string, PidPrev>, seconds: number, page: number, wantIo: boolean): GroupUsage {
  let io: { read: number; write: number } | undefined;
  if (wantIo) {
    try {
      io = parsePidIo(read(`${pid}/io`));
    } catch {
      io = undefined; // another user's process: /proc/<pid>/io needs ptrace rights
    }
  }
  const p = prev.get(pid);
  const same = p !== undefined && p.start === s.start && seconds > 0;
  const usage: GroupUsage = {
    count: 1,
    cpuPercent: same ? (Math.max(0, s.ticks - p.ticks) * 100) / USER_HZ / seconds : 0,
    rssBytes: s.rssPages * page,
    ioRead: io === undefined ? undefined : same && p.read !== undefined ? Math.max(0, io.read - p.read) / seconds : 0,
    ioWrite: io === undefined ? undefined : same && p.write !== undefined ? Math.max(0, io.write - p.write) / seconds : 0,
  };
  prev.set(pid, { start: s.start, ticks: s.ticks, read: io?.read, write: io?.write });
  return usage;
}

function groupOf(read: ReadSync, pid: string, s: PidStat, by: "name" | "unit" | "cgroup"): string {
  if (by === "name") return groupName(s.comm);
  try {
    const c = parsePidCgroup(read(`${pid}/cgroup`));
    if (c !== undefined) return groupName(by === "unit" ? c.unit : c.path);
  } catch {
    // exited, or no cgroup file
  }
  return "unknown";
}

function publishTop(ctx: { gauge(name: string, value: number): void }, top: ReadonlyMap<string, GroupUsage>, rates: boolean): void {
  for (const [name, g] of top) {
    ctx.gauge(`top.${name}.count`, g.count);
    ctx.gauge(`top.${name}.rss_bytes`, g.rssBytes);
    if (!rates) continue;
    ctx.gauge(`top.${name}.cpu_percent`, g.cpuPercent);
    if (g.ioRead !== undefined) ctx.gauge(`top.${name}.io_read_bytes`, g.ioRead);
    if (g.ioWrite !== undefined) ctx.gauge(`top.${name}.io_write_bytes`, g.ioWrite);
  }
}
