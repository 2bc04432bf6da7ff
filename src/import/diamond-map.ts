/**
 * diamond.conf (and its collectors / handlers config folders) → Loupe INI sections, with a warning
 * for every option Loupe has no equivalent for (file, line, section, key). No I/O: the caller reads
 * the files and validates the result with Loupe's own config loader.
 *
 * Diamond's rules kept: a collector runs only with `enabled = True`; its options are [[default]]
 * under [collectors], then its [[XCollector]] section, then `<collectors_config_path>/XCollector.conf`;
 * intervals are seconds (Diamond's default 300). Handlers named in [server] handlers become
 * `[forward.<name>]` sections with the keys of the fleet's forwarders.
 */
import { asList, asText, type ConfSection, type ConfValue } from "./configobj.js";

/** What the mapping needs to know of a Loupe collector. */
export interface LoupeCollectorInfo {
  readonly name: string;
  readonly path: string;
  readonly enabledByDefault: boolean;
  /** Option name → kind (bool, duration, list, string, int, regex, …). */
  readonly options: ReadonlyMap<string, string>;
}

/** A configobj file read: where it came from and its root. */
export interface ConfFile {
  readonly file: string;
  readonly root: ConfSection;
}

export interface DiamondInput {
  readonly main: ConfFile;
  /** `<collectors_config_path>/*.conf` by collector class (file stem). */
  readonly collectorFiles: ReadonlyMap<string, ConfFile>;
  /** `<handlers_config_path>/*.conf` by handler class. */
  readonly handlerFiles: ReadonlyMap<string, ConfFile>;
  readonly collectors: readonly LoupeCollectorInfo[];
  /** Whether this Loupe has `[forward.<name>]` sections (else they are written commented out). */
  readonly forwarders: boolean;
}

export interface DiamondOutput {
  readonly ini: string;
  readonly warnings: string[];
}

/** Diamond collector class → Loupe collector. */
export const DIAMOND_COLLECTORS: Readonly<Record<string, string>> = {
  CPUCollector: "cpu",
  MemoryCollector: "memory",
  LoadAverageCollector: "loadavg",
  DiskSpaceCollector: "diskspace",
  DiskUsageCollector: "iostat",
  NetworkCollector: "network",
  VMStatCollector: "vmstat",
  UptimeCollector: "uptime",
  SockstatCollector: "sockets",
  TCPCollector: "tcp",
  NginxCollector: "nginx",
};

const HOSTNAME_METHODS = new Set(["smart", "fqdn_short", "fqdn", "fqdn_rev", "uname_short", "uname_rev", "hostname", "hostname_short", "hostname_rev"]);

interface Located {
  readonly v: ConfValue;
  readonly where: string;
}

/** Keys of a section with where each was written. */
function located(file: string, path: string, s: ConfSection | undefined): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [k, v] of s?.keys ?? []) out.set(k, { v, where: `${file}:${v.line}: ${path}` });
  return out;
}

const isTrue = (v: ConfValue | undefined): boolean => /^(true|yes|on|1)$/i.test(asText(v) ?? "");
const secs = (v: ConfValue | undefined): number | undefined => {
  const t = asText(v);
  return t !== undefined && /^\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : undefined;
};

class Writer {
  readonly lines: string[] = [];
  readonly warnings: string[] = [];

  warn(where: string, key: string, why: string): void {
    this.warnings.push(`${where} ${key}: ${why}`);
  }

  section(name: string, entries: Array<[string, string]>, commented = false): void {
    const p = commented ? "; " : "";
    this.lines.push("", `${p}[${name}]`, ...entries.map(([k, v]) => `${p}${k} = ${v}`));
  }
}

/** An option value in Loupe's syntax for its kind. */
function loupeValue(kind: string, v: ConfValue): string | undefined {
  switch (kind) {
    case "bool":
      return isTrue(v) ? "true" : /^(false|no|off|0)$/i.test(asText(v) ?? "") ? "false" : undefined;
    case "duration": {
      const s = secs(v);
      return s === undefined ? asText(v) : `${s}s`;
    }
    case "list":
      return asList(v).join(", ");
    default:
      return asText(v);
  }
}

interface Globals {
  interval: number;
  prefix: string;
  hostname: string | undefined;
  hostnameMethod: string | undefined;
}

function mapGlobals(w: Writer, input: DiamondInput, collectorsSec: ConfSection | undefined): Globals {
  const file = input.main.file;
  const defaults = located(file, "[collectors] [[default]]", collectorsSec?.sections.get("default"));
  const g: Globals = { interval: secs(defaults.get("interval")?.v) ?? 300, prefix: asText(defaults.get("path_prefix")?.v) ?? "servers", hostname: asText(defaults.get("hostname")?.v), hostnameMethod: asText(defaults.get("hostname_method")?.v) };
  const entries: Array<[string, string]> = [["interval", `${g.interval}s`], ["path_prefix", g.prefix]];
  if (g.hostname !== undefined && g.hostname !== "") entries.push(["hostname", g.hostname]);
  if (g.hostnameMethod !== undefined) {
    if (HOSTNAME_METHODS.has(g.hostnameMethod)) entries.push(["hostname_method", g.hostnameMethod]);
    else w.warn(defaults.get("hostname_method")!.where, "hostname_method", `"${g.hostnameMethod}" has no equivalent (Loupe knows ${[...HOSTNAME_METHODS].join(", ")}); set [collectors] hostname instead`);
  }
  for (const [k, l] of defaults) {
    if (["interval", "path_prefix", "hostname", "hostname_method"].includes(k)) continue;
    if (k === "enabled" && !isTrue(l.v)) continue;
    if (k === "measure_collector_time" && !isTrue(l.v)) continue;
    if (k === "byte_unit" && asText(l.v) === "byte") continue;
    w.warn(l.where, k, "no equivalent in Loupe's [collectors] (ignored)");
  }
  for (const [k, l] of located(file, "[collectors]", collectorsSec)) w.warn(l.where, k, "no equivalent in Loupe (ignored)");
  w.section("collectors", entries);
  return g;
}

/** One Loupe collector's section from Diamond's merged options, or undefined when nothing needs saying. */
function mapCollector(w: Writer, info: LoupeCollectorInfo, opts: Map<string, Located>, g: Globals): Array<[string, string]> | undefined {
  const enabled = isTrue(opts.get("enabled")?.v);
  if (!enabled) return info.enabledByDefault ? [["enabled", "false"]] : undefined;
  const entries: Array<[string, string]> = [["enabled", "true"]];
  for (const [k, l] of opts) {
    const text = asText(l.v) ?? "";
    if (k === "enabled") continue;
    if (k === "interval") {
      const s = secs(l.v);
      if (s === undefined) w.warn(l.where, k, `"${text}" is not a number of seconds (ignored)`);
      else if (s !== g.interval) entries.push(["interval", `${s}s`]);
    } else if (k === "path" && text !== info.path) w.warn(l.where, k, `"${text}": Loupe's ${info.name} collector publishes under "${info.path}" (not configurable)`);
    else if ((k === "path_prefix" && text !== g.prefix) || (k === "hostname" && text !== (g.hostname ?? "")) || (k === "hostname_method" && text !== (g.hostnameMethod ?? "")))
      w.warn(l.where, k, `"${text}": Loupe has one ${k} for every collector ([collectors] ${k})`);
    else if (["path", "path_prefix", "hostname", "hostname_method"].includes(k)) continue;
    else if (k === "measure_collector_time") {
      if (isTrue(l.v)) w.warn(l.where, k, "Loupe always measures runs: loupe.collector.<name>.duration_ms and loupe_collector_duration_seconds");
    } else if (info.options.has(k)) {
      const v = loupeValue(info.options.get(k)!, l.v);
      if (v === undefined) w.warn(l.where, k, `"${text}" is not a valid ${info.options.get(k)} (ignored)`);
      else entries.push([k, v]);
    } else if (!(k === "byte_unit" && text === "byte")) w.warn(l.where, k, `no equivalent in Loupe's ${info.name} collector (ignored)`);
  }
  return entries;
}

function mapCollectors(w: Writer, input: DiamondInput, collectorsSec: ConfSection | undefined, g: Globals): void {
  const file = input.main.file;
  const byLoupe = new Map<string, Map<string, Located>>();
  const classes = new Set([...(collectorsSec?.sections.keys() ?? [])].filter((c) => c !== "default"));
  for (const c of input.collectorFiles.keys()) classes.add(c);
  for (const cls of [...classes].sort()) {
    const opts = located(file, `[collectors] [[${cls}]]`, collectorsSec?.sections.get(cls));
    const extra = input.collectorFiles.get(cls);
    if (extra !== undefined) for (const [k, l] of located(extra.file, `${cls}.conf`, extra.root)) opts.set(k, l);
    const loupeName = DIAMOND_COLLECTORS[cls];
    if (loupeName === undefined) {
      const en = opts.get("enabled");
      if (isTrue(en?.v)) w.warn(en!.where, "enabled", `Diamond's ${cls} has no Loupe equivalent: write a collector plugin (README, "Collector plugins")`);
      continue;
    }
    byLoupe.set(loupeName, opts);
  }
  for (const info of input.collectors) {
    const entries = mapCollector(w, info, byLoupe.get(info.name) ?? new Map(), g);
    if (entries !== undefined) w.section(`collector.${info.name}`, entries);
  }
}

function handlerOptions(input: DiamondInput, handlersSec: ConfSection | undefined, cls: string): Map<string, Located> {
  const file = input.main.file;
  const opts = located(file, "[handlers] [[default]]", handlersSec?.sections.get("default"));
  for (const [k, l] of located(file, `[handlers] [[${cls}]]`, handlersSec?.sections.get(cls))) opts.set(k, l);
  const extra = input.handlerFiles.get(cls);
  if (extra !== undefined) for (const [k, l] of located(extra.file, `${cls}.conf`, extra.root)) opts.set(k, l);
  return opts;
}

/** Diamond handler → `[forward.<name>]` keys (fleet-shared names), warning for the rest. */
function mapHandler(w: Writer, cls: string, opts: Map<string, Located>, listedAt: string): { name: string; entries: Array<[string, string]> } | undefined {
  const t = (k: string): string | undefined => asText(opts.get(k)?.v);
  const used = new Set<string>();
  const take = (k: string): string | undefined => (used.add(k), t(k));
  let out: { name: string; entries: Array<[string, string]> };
  if (cls === "GraphiteHandler" || cls === "GraphitePickleHandler") {
    const pickle = cls === "GraphitePickleHandler";
    const entries: Array<[string, string]> = [["type", "graphite"], ["addr", `${take("host") ?? "localhost"}:${take("port") ?? (pickle ? "2004" : "2003")}`]];
    const timeout = secs(opts.get("timeout")?.v);
    used.add("timeout");
    if (timeout !== undefined) entries.push(["timeout", `${timeout}s`]);
    const batch = take("batch");
    if (batch !== undefined && /^\d+$/.test(batch)) entries.push(["batch_size", batch]);
    const proto = take("proto");
    if (proto !== undefined && proto !== "tcp") w.warn(opts.get("proto")!.where, "proto", `"${proto}": Loupe's graphite forwarder sends over TCP only`);
    if (pickle) w.warn(opts.get("port")?.where ?? `[handlers] [[${cls}]]`, "port", "Loupe sends Graphite plaintext, not pickle: point addr at carbon's plaintext port (usually 2003)");
    out = { name: pickle ? "graphite_pickle" : "graphite", entries };
  } else if (cls === "InfluxdbHandler") {
    const ssl = isTrue(opts.get("ssl")?.v);
    used.add("ssl");
    const entries: Array<[string, string]> = [["type", "influx"], ["url", `${ssl ? "https" : "http"}://${take("hostname") ?? "localhost"}:${take("port") ?? "8086"}`], ["database", take("database") ?? "graphite"]];
    const user = take("username");
    const pass = take("password");
    if (user !== undefined) entries.push(["username", user]);
    if (pass !== undefined) entries.push(["password", pass]);
    const batch = take("batch_size");
    if (batch !== undefined && /^\d+$/.test(batch)) entries.push(["batch_size", batch]);
    out = { name: "influx", entries };
  } else {
    w.warn(listedAt, "handlers", `Diamond's ${cls} has no Loupe forwarder (graphite, influx and remote_write exist): left out with its options`);
    return undefined;
  }
  for (const [k, l] of opts) if (!used.has(k)) w.warn(l.where, k, `no equivalent in Loupe's ${out.entries[0]![1]} forwarder (ignored)`);
  return out;
}

function mapHandlers(w: Writer, input: DiamondInput, server: ConfSection | undefined, handlersSec: ConfSection | undefined): void {
  const file = input.main.file;
  const list = server?.keys.get("handlers");
  for (const path of asList(list)) {
    const cls = path.split(".").pop()!;
    if (cls === "NullHandler") continue;
    const h = mapHandler(w, cls, handlerOptions(input, handlersSec, cls), `${file}:${list!.line}: [server]`);
    if (h === undefined) continue;
    if (!input.forwarders) w.warn(`${file}:${list!.line}: [server]`, "handlers", `${cls} → [forward.${h.name}] is written commented out: this Loupe has no forwarders yet`);
    w.section(`forward.${h.name}`, h.entries, !input.forwarders);
  }
  for (const [k, l] of located(file, "[handlers]", handlersSec))
    w.warn(l.where, k, k === "keys" ? "Python logging handlers: Loupe logs to stderr (journald under systemd), see [log] level and format" : "no equivalent in Loupe (ignored)");
}

const SERVER_HINTS: Readonly<Record<string, string>> = {
  user: "run Loupe as its own user with scripts/install.sh (systemd unit)",
  group: "run Loupe as its own user with scripts/install.sh (systemd unit)",
  pid_file: "Loupe runs in the foreground under systemd; no pid file",
  log_file: "Loupe logs to stderr (journald under systemd)",
  collectors_path: "Loupe's collectors are built in; others are plugins in [paths] plugins",
  handlers_path: "Loupe's forwarders are built in",
};

export function mapDiamond(input: DiamondInput): DiamondOutput {
  const w = new Writer();
  const root = input.main.root;
  const file = input.main.file;
  const server = root.sections.get("server");
  const collectorsSec = root.sections.get("collectors");
  const handlersSec = root.sections.get("handlers");
  w.lines.push(`; made by \`loupe import diamond\` from ${file}`);
  const g = mapGlobals(w, input, collectorsSec);
  mapCollectors(w, input, collectorsSec, g);
  mapHandlers(w, input, server, handlersSec);
  for (const [k, l] of located(file, "[server]", server)) {
    if (["handlers", "collectors_config_path", "handlers_config_path"].includes(k)) continue;
    w.warn(l.where, k, `no equivalent in Loupe (ignored)${SERVER_HINTS[k] !== undefined ? `: ${SERVER_HINTS[k]}` : ""}`);
  }
  for (const [name, s] of root.sections) {
    if (["server", "collectors", "handlers"].includes(name)) continue;
    const logging = /^(loggers|formatters|logger_|handler_|formatter_)/.test(name);
    w.warnings.push(`${file}:${s.line}: [${name}]: ${logging ? "Python logging configuration: Loupe logs to stderr (journald under systemd), see [log] level and format" : "section with no equivalent in Loupe (ignored)"}`);
  }
  for (const [k, l] of located(file, "(top)", root)) w.warn(l.where, k, "no equivalent in Loupe (ignored)");
  return { ini: `${w.lines.join("\n")}\n`, warnings: w.warnings };
}

