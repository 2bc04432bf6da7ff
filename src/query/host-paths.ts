/**
 * Which host a series belongs to, read from its name and tags, and the few vital figures the hosts
 * page shows (pure: no store access; src/query/hosts.ts drives it over the store's latest points).
 *
 * - Diamond paths: `<path_prefix>.<host>.<collector>.…` (`servers.web1.cpu.total.user`).
 * - collectd's write_graphite: `<Prefix><host><Postfix>.<plugin>[-<instance>].<type>[-<instance>][.<ds>]`
 *   (`collectd.web1.cpu-0.cpu-user`, `collectd.web1.load.load.shortterm`; dots of the host name arrive
 *   as `_`, EscapeCharacter). Prefix and Postfix are the sender's choice, so a collectd host is found by
 *   the shape of its paths: a known plugin followed by a known type; everything before the plugin
 *   segment is the host's root. The `SeparateInstances true` form (`cpu.0.cpu.user`) is not recognised.
 * - Tagged series (Influx line protocol, `name;host=web1` Graphite tags): the `host` tag.
 */
import type { Tags } from "../model/index.js";

export type HostSource = "local" | "diamond" | "collectd" | "tagged";

/** collectd plugins whose paths identify a collectd sender (plugin part before any `-instance`). */
const COLLECTD_PLUGINS = new Set(["cpu", "memory", "load", "df", "disk", "interface", "swap", "processes", "uptime", "users", "entropy", "contextswitch", "vmem", "irq", "tcpconns", "nginx", "apache", "mysql", "postgresql", "ntpd", "aggregation", "conntrack", "fhcount", "ipc", "cpufreq", "thermal", "sensors", "battery", "ping", "protocols"]);
/** collectd types (types.db) those plugins write (type part before any `-instance`). */
const COLLECTD_TYPES = new Set(["cpu", "percent", "memory", "load", "df_complex", "percent_bytes", "df_inodes", "percent_inodes", "disk_octets", "disk_ops", "disk_time", "disk_merged", "disk_io_time", "pending_operations", "if_octets", "if_packets", "if_errors", "if_dropped", "swap", "swap_io", "ps_state", "fork_rate", "uptime", "users", "entropy", "contextswitch", "vmpage_io", "vmpage_faults", "vmpage_number", "vmpage_action", "irq", "tcp_connections", "connections", "nginx_requests", "nginx_connections", "apache_requests", "apache_bytes", "apache_scoreboard", "apache_connections", "mysql_commands", "mysql_handler", "mysql_octets", "mysql_locks", "mysql_threads", "threads", "total_threads", "cache_result", "pg_numbackends", "pg_xact", "time_offset", "frequency_offset", "conntrack", "file_handles", "ipc", "cpufreq", "temperature", "fanspeed", "voltage", "charge", "current", "ping", "ping_stddev", "ping_droprate", "protocol_counter", "frequency"]);

const base = (segment: string): string => {
  const dash = segment.indexOf("-");
  return dash < 0 ? segment : segment.slice(0, dash);
};

/** The root (`collectd.web1`) and host (`web1`) of a collectd write_graphite path, if it is one. */
export function collectdRoot(name: string): { readonly root: string; readonly host: string } | undefined {
  const segs = name.split(".");
  const n = segs.length;
  // `<plugin>.<type>` last, or `<plugin>.<type>.<ds>` for types with several data sources (load, if_octets)
  for (const i of [n - 2, n - 3]) {
    if (i < 1) continue;
    if (COLLECTD_PLUGINS.has(base(segs[i]!)) && COLLECTD_TYPES.has(base(segs[i + 1]!)) && segs[i - 1] !== "") return { root: segs.slice(0, i).join("."), host: segs[i - 1]! };
  }
  return undefined;
}

/** The host of a Diamond path under `prefix` (at least one segment below the host), if it is one. */
export function diamondHost(name: string, prefix: string): string | undefined {
  const start = prefix.length + 1;
  if (name.charCodeAt(prefix.length) !== 46 /* . */ || !name.startsWith(prefix)) return undefined;
  const dot = name.indexOf(".", start);
  if (dot <= start || dot === name.length - 1) return undefined;
  return name.slice(start, dot);
}

export function taggedHost(tags: Tags): string | undefined {
  const h = tags["host"];
  return h === undefined || h === "" ? undefined : h;
}

export interface HostVitals {
  /** Busy share of all CPU time, percent. */
  readonly cpuPercent: number | null;
  /** Memory in use (not available to new programs), percent. */
  readonly memoryPercent: number | null;
  /** One-minute load average. */
  readonly load1: number | null;
  /** Root file system used, percent (df's Use%). */
  readonly diskPercent: number | null;
}

/** Latest values gathered for one host while its series are read. */
export class VitalsAccumulator {
  private cpuBusy = 0;
  private cpuAll = 0;
  private cpuSeen = false;
  private cpuIdlePercent: number | undefined;
  private memTotal: number | undefined;
  private memAvailable: number | undefined;
  private memUsed: number | undefined;
  private memAll = 0;
  private memPercent: number | undefined;
  private load1: number | undefined;
  private diskUsed: number | undefined;
  private diskFree: number | undefined;
  private diskPercent: number | undefined;

  /** A Diamond series: the path below `<prefix>.<host>.` starts at `name[from]`. */
  noteDiamond(name: string, from: number, v: number): void {
    // most series are none of these: one character test before any comparison
    const c = name.charCodeAt(from);
    if (c !== 99 /* c */ && c !== 109 /* m */ && c !== 108 /* l */ && c !== 100 /* d */) return;
    const rel = name.slice(from);
    const cpu = /^cpu\.total\.(user|nice|system|iowait|irq|softirq|steal|idle)$/.exec(rel);
    if (cpu !== null) return this.noteCpu(cpu[1] !== "idle", v);
    if (rel === "memory.MemTotal") this.memTotal = v;
    else if (rel === "memory.MemAvailable") this.memAvailable = v;
    else if (rel === "loadavg.01") this.load1 = v;
    else if (rel === "diskspace.root.byte_used") this.diskUsed = v;
    else if (rel === "diskspace.root.byte_avail") this.diskFree = v;
  }

  /** A collectd series: `rel` is the path below its root (`cpu-0.cpu-user`). */
  noteCollectd(rel: string, v: number): void {
    const cpu = /^cpu-\d+\.cpu-(user|nice|system|wait|interrupt|softirq|steal|idle)$/.exec(rel);
    if (cpu !== null) return this.noteCpu(cpu[1] !== "idle", v);
    const mem = /^memory\.memory-(used|free|buffered|cached|slab_recl|slab_unrecl)$/.exec(rel);
    if (mem !== null) {
      if (mem[1] === "used") this.memUsed = v;
      this.memAll += v;
    } else if (rel === "load.load.shortterm") this.load1 = v;
    else if (rel === "df-root.df_complex-used") this.diskUsed = v;
    else if (rel === "df-root.df_complex-free") this.diskFree = v;
  }

  /** A tagged series (Telegraf's names through Influx line protocol). */
  noteTagged(name: string, tags: Tags, v: number): void {
    if (name === "cpu.usage_idle" && tags["cpu"] === "cpu-total") this.cpuIdlePercent = v;
    else if (name === "mem.used_percent") this.memPercent = v;
    else if (name === "system.load1") this.load1 = v;
    else if (name === "disk.used_percent" && tags["path"] === "/") this.diskPercent = v;
  }

  private noteCpu(busy: boolean, v: number): void {
    this.cpuSeen = true;
    if (busy) this.cpuBusy += v;
    this.cpuAll += v;
  }

  result(): HostVitals {
    const pct = (part: number, whole: number): number | null => (whole > 0 && Number.isFinite(part) ? (100 * part) / whole : null);
    const cpu = this.cpuSeen ? pct(this.cpuBusy, this.cpuAll) : this.cpuIdlePercent !== undefined ? 100 - this.cpuIdlePercent : null;
    let mem: number | null = this.memPercent ?? null;
    if (this.memTotal !== undefined && this.memAvailable !== undefined) mem = pct(this.memTotal - this.memAvailable, this.memTotal);
    else if (this.memUsed !== undefined) mem = pct(this.memUsed, this.memAll);
    let disk: number | null = this.diskPercent ?? null;
    if (this.diskUsed !== undefined && this.diskFree !== undefined) disk = pct(this.diskUsed, this.diskUsed + this.diskFree);
    return { cpuPercent: cpu, memoryPercent: mem, load1: this.load1 ?? null, diskPercent: disk };
  }
}
