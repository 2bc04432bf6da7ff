/**
 * From configuration to a scheduler: built-ins plus plugins, sections validated, host name
 * settled, one publisher and collect function per enabled collector.
 */
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { SampleSink } from "../model/index.js";
import { builtinRegistry } from "./builtin.js";
import { deriveHostname, type HostnameMethod, type HostnameSource } from "./hostname.js";
import type { CommonOptions } from "./options.js";
import { brokenPluginStub, loadPlugins, type ClosableCollectFn, type PluginProblem } from "./plugins.js";
import { createProcFs, type ProcFs } from "./procfs.js";
import { Publisher } from "./publisher.js";
import { resolveCollectors, type CollectorRegistry, type ResolvedCollector } from "./registry.js";
import { Scheduler, type Job } from "./scheduler.js";

export interface CollectorsOptions {
  readonly config: Config;
  readonly sink: SampleSink;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  readonly clock?: Clock;
  readonly procfs?: ProcFs;
  readonly hostnameSource?: HostnameSource;
  /** Replaces built-ins + plugins (tests). */
  readonly registry?: CollectorRegistry;
  /** Only these collectors, whatever `enabled` says (tests, benchmarks). */
  readonly only?: readonly string[];
}

export interface Collectors {
  readonly scheduler: Scheduler;
  readonly hostname: string;
  readonly collectors: readonly ResolvedCollector[];
  readonly pluginProblems: readonly PluginProblem[];
  stop(): Promise<void>;
}

/**
 * Loads the registry: built-ins, then the plugins folder (problems logged with file and reason). A
 * broken plugin that has its own `[collector.<name>]` section gets a stand-in (listed in `broken`,
 * never scheduled) so that Loupe still starts; the error says the section is ignored.
 */
export async function loadRegistry(config: Config, log: Logger): Promise<{ registry: CollectorRegistry; problems: PluginProblem[]; broken: Set<string> }> {
  const registry = builtinRegistry();
  const c = config.collectors;
  const { loaded, problems } = await loadPlugins(config.paths.plugins, registry, { loadTimeoutMs: c.plugin_load_timeout, maxMemoryBytes: c.plugin_max_memory });
  const broken = new Set<string>();
  for (const p of problems) {
    const section = p.name !== undefined && !registry.has(p.name) ? config.meta.dynamic.get(`collector.${p.name}`) : undefined;
    if (section !== undefined && p.name !== undefined) {
      registry.register(brokenPluginStub({ ...p, name: p.name }, section));
      broken.add(p.name);
      log.error("collector plugin failed to load; its section is ignored", { file: p.file, section: `[collector.${p.name}]`, reason: p.reason });
    } else log.error("collector plugin skipped", { file: p.file, reason: p.reason });
  }
  if (loaded.length > 0) log.info("collector plugins loaded", { plugins: loaded.join(","), folder: config.paths.plugins });
  return { registry, problems, broken };
}

/** Builds everything without starting the timers. Throws ConfigError(s) on bad sections. */
export async function createCollectors(o: CollectorsOptions): Promise<Collectors> {
  const log = o.log.child({ module: "collector" });
  let registry = o.registry;
  let pluginProblems: PluginProblem[] = [];
  let broken = new Set<string>();
  if (registry === undefined) ({ registry, problems: pluginProblems, broken } = await loadRegistry(o.config, log));
  const resolved = resolveCollectors(o.config, registry);
  const c = o.config.collectors;
  const hostname = c.hostname !== "" ? c.hostname : await deriveHostname(c.hostname_method as HostnameMethod, o.hostnameSource);
  const procfs = o.procfs ?? createProcFs();
  const jobs: Job[] = [];
  const limits = o.metrics?.counter("loupe_collector_limit_hits_total", "times a collector bound was hit, by option key: top_n (groups summed into other), command_timeout, statfs_timeout", ["collector", "limit"]);
  const chosen = resolved.filter((r) => !broken.has(r.def.name) && (o.only !== undefined ? o.only.includes(r.def.name) : r.enabled));
  for (const r of chosen) {
    const common = r.values as unknown as CommonOptions;
    const path = common.path === "" ? (r.def.path ?? r.def.name) : common.path === "." ? "" : common.path;
    const host = common.hostname !== "" ? common.hostname : hostname;
    const publisher = new Publisher({
      base: [c.path_prefix, host, common.path_suffix, path].filter((s) => s !== "").join("."),
      whitelist: common.metrics_whitelist,
      blacklist: common.metrics_blacklist,
    });
    const name = r.def.name;
    const limitHit = (limit: string, by = 1): void => limits?.inc({ collector: name, limit }, by);
    const collect = r.def.create(r.values as never, { procfs, log: log.child({ collector: name }), limitHit, ...(o.metrics !== undefined ? { metrics: o.metrics } : {}) });
    jobs.push({ name: r.def.name, intervalMs: r.intervalMs, timeoutMs: r.timeoutMs, collect, publisher });
  }
  o.metrics?.gauge("loupe_collector_plugins_skipped", "collector plugins that failed to load ([collectors] plugin_load_timeout, plugin_max_memory, or a broken module)").set({}, pluginProblems.length);
  const scheduler = new Scheduler({ jobs, sink: o.sink, log, ...(o.metrics !== undefined ? { metrics: o.metrics } : {}), ...(o.clock !== undefined ? { clock: o.clock } : {}) });
  const stop = async (): Promise<void> => {
    await scheduler.stop();
    // plugin workers (collect functions that own one) end with the collectors
    await Promise.all(jobs.map((j) => (j.collect as ClosableCollectFn).close?.()));
  };
  return { scheduler, hostname, collectors: resolved, pluginProblems, stop };
}

/** createCollectors, then the timers. */
export async function startCollectors(o: CollectorsOptions): Promise<Collectors> {
  const c = await createCollectors(o);
  c.scheduler.start();
  o.log.child({ module: "collector" }).info("collectors started", {
    host: c.hostname,
    collectors: c.scheduler.names.join(","),
  });
  return c;
}
