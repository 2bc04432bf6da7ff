/**
 * `loupe setup`: what collectors exist and how to configure them (diamond-setup's job).
 *   loupe setup --list               every collector, enabled or not, its interval
 *   loupe setup --print -C nginx     its [collector.nginx] section: every option, default, help
 *   loupe setup --detect             services and hardware found on this host, as sections to paste
 */
import { parseArgs } from "node:util";
import { effectiveSection, formatDuration, loadConfig, type Config } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { silentLogger } from "../lib/logger.js";
import { builtinRegistry } from "./builtin.js";
import { detect, formatDetect } from "./detect.js";
import { fullSpec, sectionName } from "./options.js";
import { loadRegistry } from "./start.js";
import { resolveCollectors, type CollectorRegistry, type ResolvedCollector } from "./registry.js";
import type { AnyCollectorDefinition } from "./types.js";

export interface SetupIo {
  out(text: string): void;
  err(text: string): void;
}

/** `NginxCollector`, `nginx_collector`, `Nginx` → `nginx`. */
export function normalizeCollectorName(name: string): string {
  return name
    .replace(/Collector$/i, "")
    .replace(/_collector$/i, "")
    .toLowerCase();
}

/** The --list table. */
export function formatCollectorList(resolved: readonly ResolvedCollector[]): string {
  const rows = resolved.map((r) => [r.def.name, r.enabled ? "enabled" : "disabled", formatDuration(r.intervalMs), r.def.source ?? "built-in", r.def.help]);
  const head = ["COLLECTOR", "STATE", "INTERVAL", "SOURCE", "DESCRIPTION"];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}

/** The --print section: ready to paste into loupe.ini. */
export function formatCollectorSection(def: AnyCollectorDefinition): string {
  let out = `;; ${def.help}${def.source !== undefined ? ` (${def.source})` : ""}\n[${sectionName(def.name)}]\n`;
  for (const [key, o] of Object.entries(fullSpec(def))) out += `; ${o.help} (${o.expected}; default: ${o.default === "" ? "empty" : o.default})\n${key} = ${o.default}\n`;
  return out;
}

/**
 * For `loupe check-config`: validates every [collector.*] section against the built-ins and the
 * plugins (throws ConfigError(s) like loadConfig) and renders the sections written in the file with
 * their effective values. Broken plugins come back as warnings: Loupe skips them and still starts.
 */
export async function checkCollectorsConfig(config: Config): Promise<{ text: string; warnings: string[] }> {
  const { registry, problems } = await loadRegistry(config, silentLogger);
  resolveCollectors(config, registry);
  let text = "";
  for (const def of registry.list()) {
    const section = sectionName(def.name);
    if (!config.meta.dynamic.has(section)) continue;
    text += `\n[${section}]\n`;
    const spec = fullSpec(def);
    // secrets (mysql/postgres/redis passwords) masked, as in the static sections
    for (const [key, value] of effectiveSection(config, section, spec)) text += `${key} = ${spec[key]?.secret === true && value !== "" ? "***" : value}\n`;
  }
  return { text, warnings: problems.map((p) => `collector plugin skipped: ${p.file}: ${p.reason}`) };
}

async function load(configPath: string | undefined, io: SetupIo): Promise<{ config: Config; registry: CollectorRegistry } | undefined> {
  let config: Config;
  try {
    config = loadConfig({ configPath });
  } catch (err) {
    io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
    return undefined;
  }
  const { registry, problems } = await loadRegistry(config, silentLogger);
  for (const p of problems) io.err(`plugin skipped: ${p.file}: ${p.reason}`);
  return { config, registry };
}

export const setupCommand = {
  summary: "list collectors, print one collector's configuration section, or detect local services",
  usage:
    "loupe setup --list [--config FILE]\n       loupe setup --print -C NAME [--config FILE]\n       loupe setup --detect\n\n" +
    "--detect probes local ports and sockets (MySQL/MariaDB 3306, PostgreSQL 5432, Redis 6379, nginx stub_status),\n" +
    "cgroups/containers, systemd, hwmon and smartctl, and prints [collector.*] sections to paste (all left off).\n" +
    "--list shows every collector (built-in and plugins) with enabled/disabled and its interval.\n" +
    "--print -C nginx prints [collector.nginx] with every option, its default and a one-line help.",
  async run(args: string[], io: SetupIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { config: { type: "string", short: "c" }, list: { type: "boolean", short: "l" }, print: { type: "boolean", short: "p" }, collector: { type: "string", short: "C" }, detect: { type: "boolean" } },
      strict: true,
    });
    if (values.detect === true) {
      io.out(formatDetect(await detect({}, builtinRegistry().list().map((d) => d.name))));
      return 0;
    }
    if (values.list !== true && values.print !== true) {
      io.err(`loupe setup: give --list, --print -C NAME or --detect\n\nUsage: ${this.usage}`);
      return 1;
    }
    const loaded = await load(values.config, io);
    if (loaded === undefined) return 1;
    const { config, registry } = loaded;
    if (values.list === true) {
      try {
        io.out(formatCollectorList(resolveCollectors(config, registry)));
      } catch (err) {
        io.err(`loupe: invalid collector configuration\n${errorMessage(err)}`);
        return 1;
      }
      return 0;
    }
    if (values.collector === undefined) {
      io.err("loupe setup --print: name the collector with -C NAME (see loupe setup --list)");
      return 1;
    }
    const name = normalizeCollectorName(values.collector);
    const def = registry.get(name);
    if (def === undefined) {
      io.err(`loupe setup: no collector "${values.collector}"; known: ${registry.list().map((d) => d.name).join(", ")}`);
      return 1;
    }
    io.out(formatCollectorSection(def));
    return 0;
  },
};
