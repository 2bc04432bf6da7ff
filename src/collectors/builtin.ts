/** The built-in collectors, in the order they are listed and scheduled. */
import { cpuCollector } from "./cpu.js";
import { memoryCollector } from "./memory.js";
import { loadavgCollector } from "./loadavg.js";
import { diskspaceCollector } from "./diskspace.js";
import { iostatCollector } from "./iostat.js";
import { networkCollector } from "./network.js";
import { vmstatCollector } from "./vmstat.js";
import { uptimeCollector } from "./uptime.js";
import { socketsCollector } from "./sockets.js";
import { tcpCollector } from "./tcp.js";
import { processesCollector } from "./processes.js";
import { nginxCollector } from "./nginx.js";
import { cgroupsCollector } from "./cgroups.js";
import { systemdCollector } from "./systemd.js";
import { mysqlCollector } from "./services/mysql.js";
import { postgresCollector } from "./services/postgres.js";
import { redisCollector } from "./services/redis.js";
import { procCollector } from "./proc.js";
import { filesCollector } from "./files.js";
import { hwmonCollector } from "./hwmon.js";
import { smartCollector } from "./smart.js";
import { CollectorRegistry } from "./registry.js";
import type { AnyCollectorDefinition } from "./types.js";

export const BUILTIN_COLLECTORS: readonly AnyCollectorDefinition[] = [
  cpuCollector,
  memoryCollector,
  loadavgCollector,
  diskspaceCollector,
  iostatCollector,
  networkCollector,
  vmstatCollector,
  uptimeCollector,
  socketsCollector,
  tcpCollector,
  processesCollector,
  cgroupsCollector,
  systemdCollector,
  nginxCollector,
  procCollector,
  filesCollector,
  hwmonCollector,
  smartCollector,
  mysqlCollector,
  postgresCollector,
  redisCollector,
];

/** A registry holding the built-ins (plugins are added by loadPlugins). */
export function builtinRegistry(): CollectorRegistry {
  return new CollectorRegistry(BUILTIN_COLLECTORS);
}
