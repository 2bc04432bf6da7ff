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
import { loadPlugins, type PluginProblem } from "./plugins.js";
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

/** Loads the registry: built-ins, then the plugins folder (problems logged with file and reason). */
export async function loadRegistry(config: Config, log: Logger): Promise<{ registry: CollectorRegistry; problems: PluginProblem[] }> {
  const registry = builtinRegistry();
  const { loaded, problems } = await loadPlugins(config.paths.plugins, registry);
  for (const p of problems) log.error("collector plugin skipped", { file: p.file, reason: p.reason });
  if (loaded.length > 0) log.info("collector plugins loaded", { plugins: loaded.join(","), folder: config.paths.plugins });
  return { registry, problems };
}

/** Builds everything without starting the timers. Throws ConfigError(s) on bad sections. */
export async function createCollectors(o: CollectorsOptions): Promise<Collectors> {
  const log = o.log.child({ module: "collector" });
  let registry = o.registry;
  let pluginProblems: PluginProblem[] = [];
  if (registry === undefined) ({ registry, problems: pluginProblems } = await loadRegistry(o.config, log));
  const resolved = resolveCollectors(o.config, registry);
  const c = o.config.collectors;
  const hostname = c.hostname !== "" ? c.hostname : await deriveHostname(c.hostname_method as HostnameMethod, o.hostnameSource);
  const procfs = o.procfs ?? createProcFs();
  const jobs: Job[] = [];
  const chosen = resolved.filter((r) => (o.only !== undefined ? o.only.includes(r.def.name) : r.enabled));
  for (const r of chosen) {
    const common = r.values as unknown as CommonOptions;
    const path = r.def.path ?? r.def.name;
    const publisher = new Publisher({
      base: [c.path_prefix, hostname, path].filter((s) => s !== "").join("."),
      whitelist: common.metrics_whitelist,
      blacklist: common.metrics_blacklist,
    });
    const collect = r.def.create(r.values as never, { procfs, log: log.child({ collector: r.def.name }) });
    jobs.push({ name: r.def.name, intervalMs: r.intervalMs, timeoutMs: r.timeoutMs, collect, publisher });
  }
  const scheduler = new Scheduler({ jobs, sink: o.sink, log, ...(o.metrics !== undefined ? { metrics: o.metrics } : {}), ...(o.clock !== undefined ? { clock: o.clock } : {}) });
  return { scheduler, hostname, collectors: resolved, pluginProblems, stop: () => scheduler.stop() };
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
