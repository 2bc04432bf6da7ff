/** Collectors façade: host metrics with Diamond's paths, nginx, plugins, and `loupe setup`. */
export { startCollectors, createCollectors, loadRegistry } from "./start.js";
export type { Collectors, CollectorsOptions } from "./start.js";
export { Scheduler, nextSlot, CollectorTimeoutError } from "./scheduler.js";
export type { Job, JobStats, RunOutcome, SchedulerOptions } from "./scheduler.js";
export { Publisher, pathSegment } from "./publisher.js";
export { CollectorRegistry, resolveCollectors } from "./registry.js";
export type { ResolvedCollector } from "./registry.js";
export { BUILTIN_COLLECTORS, builtinRegistry } from "./builtin.js";
export { createProcFs, onlineCpus, parseCpuList } from "./procfs.js";
export type { ProcFs, FsStats, ProcFsRoots } from "./procfs.js";
export { deriveHostname, systemHostnameSource } from "./hostname.js";
export type { HostnameMethod, HostnameSource } from "./hostname.js";
export { loadPlugins, pluginDefinition } from "./plugins.js";
export type { PluginContext, PluginProblem } from "./plugins.js";
export { fullSpec, sectionName, commonOptions } from "./options.js";
export { setupCommand, formatCollectorList, formatCollectorSection, checkCollectorsConfig } from "./setup.js";
export { defineCollector, MAX_U32, MAX_U64 } from "./types.js";
export type { CollectContext, CollectFn, CollectorDefinition, AnyCollectorDefinition, CollectorEnv } from "./types.js";
