/**
 * `GET /api/hosts` (Viewers): every host Loupe knows, last seen, up or silent, vital figures
 * (src/query/hosts.ts). The hosts page renders the same report and refreshes from this route.
 */
import { Router } from "express";
import type { Clock } from "../../../lib/clock.js";
import type { MetricsRegistry } from "../../../lib/metrics.js";
import { listHosts, type HostsOptions, type HostsReport, type HostsStore } from "../../../query/index.js";
import { access } from "../../access.js";

export interface HostsDeps {
  readonly store: HostsStore;
  readonly clock: Clock;
  readonly options: Omit<HostsOptions, "now">;
  readonly metrics?: MetricsRegistry;
}

/** The report as of now, counting answers cut at `[hosts] max_hosts` on /metrics. */
export function hostsReporter(deps: HostsDeps): () => HostsReport {
  const truncated = deps.metrics?.counter("loupe_hosts_truncated_total", "hosts page and /api/hosts answers cut at [hosts] max_hosts (more hosts known than listed)");
  return () => {
    const now = deps.clock.now();
    // remote store: the intervals' raw reads are fetched in the background for the next refresh
    // (this report estimates them from [collectors] interval until then)
    deps.store.prefetch?.(() => listHosts(deps.store, { ...deps.options, now })).catch(() => undefined);
    const report = listHosts(deps.store, { ...deps.options, now });
    if (report.truncated) truncated?.inc({});
    return report;
  };
}

export function hostsRoutes(report: () => HostsReport): Router {
  const router = Router();
  router.get("/api/hosts", access("viewer"), (_req, res) => {
    res.setHeader("Cache-Control", "no-store");
    res.json(report());
  });
  return router;
}
