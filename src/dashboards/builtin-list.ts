/**
 * Every built-in dashboard start-up installs, in order: the Host overview first, then the service
 * dashboards it links to. One line per dashboard.
 */
import { containersDashboard } from "./builtin-containers.js";
import { mysqlDashboard } from "./builtin-mysql.js";
import { postgresDashboard } from "./builtin-postgres.js";
import { processesDashboard } from "./builtin-processes.js";
import { redisDashboard } from "./builtin-redis.js";
import { hostOverviewDashboard } from "./host-overview.js";
import type { Dashboard } from "./model.js";

export interface BuiltinListOptions {
  readonly host: string;
  readonly prefix?: string;
  /** Adds the Host overview's nginx row. */
  readonly nginx?: boolean;
}

export function builtinDashboards(o: BuiltinListOptions): Dashboard[] {
  const base = { host: o.host, ...(o.prefix !== undefined ? { prefix: o.prefix } : {}) };
  return [hostOverviewDashboard({ ...base, ...(o.nginx !== undefined ? { nginx: o.nginx } : {}) }), processesDashboard({ host: o.host, prefix: o.prefix ?? "servers" }), containersDashboard(base), mysqlDashboard(base), postgresDashboard(base), redisDashboard(base)];
}
