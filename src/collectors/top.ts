/**
 * Top consumers for the `processes` collector: per-process samples from /proc/<pid>/stat (and io,
 * cgroup) grouped by name, systemd unit or cgroup, ranked by CPU, RSS and I/O, and cut to the top N
 * per criterion plus one `other` group, so the number of series stays bounded whatever the host runs.
 * Pure functions; the reading is in processes.ts.
 */

/** What one /proc/<pid>/stat line gives the top-N code. */
export interface PidStat {
  readonly comm: string;
  readonly state: string;
  readonly threads: number;
  /** PF_KTHREAD set: a kernel thread (grouped as `kernel_threads`). */
  readonly kernel: boolean;
  /** utime + stime, clock ticks. */
  readonly ticks: number;
  /** Start time after boot, clock ticks (tells a reused pid apart). */
  readonly start: number;
  /** Resident pages. */
  readonly rssPages: number;
}

const PF_KTHREAD = 0x00200000;

/** `/proc/<pid>/stat`; the command may contain spaces and parentheses. */
export function parsePidStatFull(text: string): PidStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  // Only fields 0…21 after the command are needed: find their starts without splitting all 50.
  const starts: number[] = [close + 2];
  for (let i = 0; i < 22; i++) {
    const sp = text.indexOf(" ", starts[i]!);
    starts.push(sp < 0 ? text.length + 1 : sp + 1);
  }
  if (starts[22]! > text.length + 1 || starts[21]! > text.length) return undefined;
  const field = (i: number): string => text.slice(starts[i]!, starts[i + 1]! - 1);
  const n = (i: number): number => Number(field(i));
  const stat: PidStat = {
    comm: text.slice(open + 1, close),
    state: field(0),
    threads: n(17),
    kernel: (n(6) & PF_KTHREAD) !== 0,
    ticks: n(11) + n(12),
    start: n(19),
    rssPages: n(21),
  };
  if (![stat.threads, stat.ticks, stat.start, stat.rssPages].every(Number.isFinite)) return undefined;
  return stat;
}

/** `/proc/<pid>/io` → read_bytes and write_bytes (storage I/O, not the page cache). */
export function parsePidIo(text: string): { read: number; write: number } | undefined {
  const r = /^read_bytes:\s*(\d+)/m.exec(text);
  const w = /^write_bytes:\s*(\d+)/m.exec(text);
  if (r === null || w === null) return undefined;
  return { read: Number(r[1]), write: Number(w[1]) };
}

/**
 * `/proc/<pid>/cgroup` → the cgroup path (v2 `0::/…`, else the v1 systemd or first hierarchy) and
 * its systemd unit: the last `*.service` / `*.scope` / `*.socket`…, else the last `*.slice`.
 */
export function parsePidCgroup(text: string): { path: string; unit: string } | undefined {
  const lines = text.split("\n").filter((l) => l !== "");
  const line = lines.find((l) => l.startsWith("0::")) ?? lines.find((l) => l.includes(":name=systemd:")) ?? lines[0];
  if (line === undefined) return undefined;
  const path = line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1);
  const parts = path.split("/").filter((p) => p !== "");
  const unit = [...parts].reverse().find((p) => /\.(service|scope|socket|mount|swap|timer)$/.test(p)) ?? [...parts].reverse().find((p) => p.endsWith(".slice")) ?? "root";
  return { path: path === "" ? "/" : path, unit };
}

/** A Graphite-safe, bounded group name: letters, digits, _ and - only, at most 64 characters. */
export function groupName(text: string): string {
  const s = text.replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 64);
  if (s === "") return "unknown";
  return s === "other" || s === "kernel_threads" ? `${s}_` : s;
}

/** One group's figures for one interval. */
export interface GroupUsage {
  count: number;
  /** Percent of one CPU (100 = one core busy). */
  cpuPercent: number;
  rssBytes: number;
  /** Bytes per second; undefined when no process of the group had a readable /proc/<pid>/io. */
  ioRead: number | undefined;
  ioWrite: number | undefined;
}

export type TopCriterion = "cpu" | "rss" | "io";

function score(g: GroupUsage, c: TopCriterion): number {
  if (c === "cpu") return g.cpuPercent;
  if (c === "rss") return g.rssBytes;
  return (g.ioRead ?? 0) + (g.ioWrite ?? 0);
}

/**
 * The groups kept: for each criterion the `n` highest (ties by name), united; everything else summed
 * into `other` (present whenever a group was left out). At most n × criteria.length + 1 groups.
 */
export function selectTop(groups: ReadonlyMap<string, GroupUsage>, n: number, by: readonly TopCriterion[]): Map<string, GroupUsage> {
  const keep = new Set<string>();
  const entries = [...groups];
  for (const c of by) {
    entries.sort((a, b) => score(b[1], c) - score(a[1], c) || (a[0] < b[0] ? -1 : 1));
    for (const [name] of entries.slice(0, n)) keep.add(name);
  }
  const out = new Map<string, GroupUsage>();
  let other: GroupUsage | undefined;
  for (const [name, g] of groups) {
    if (keep.has(name)) {
      out.set(name, g);
      continue;
    }
    other ??= { count: 0, cpuPercent: 0, rssBytes: 0, ioRead: undefined, ioWrite: undefined };
    addUsage(other, g);
  }
  if (other !== undefined) out.set("other", other);
  return out;
}

export function addUsage(into: GroupUsage, g: GroupUsage): void {
  into.count += g.count;
  into.cpuPercent += g.cpuPercent;
  into.rssBytes += g.rssBytes;
  if (g.ioRead !== undefined) into.ioRead = (into.ioRead ?? 0) + g.ioRead;
  if (g.ioWrite !== undefined) into.ioWrite = (into.ioWrite ?? 0) + g.ioWrite;
}
