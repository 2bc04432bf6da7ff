/**
 * The route table: every router of the app, built from the module services main.ts hands in
 * (`HttpDeps`), in the order express tries them. The only place that knows which route module
 * serves what; main.ts calls `createHttp(deps)` (app.ts) and never imports a route module.
 */
import type { RequestHandler, Router } from "express";
import { readNotifiers, type AlertingService } from "../../alerting/index.js";
import type { Auth } from "../../auth/index.js";
import type { Config } from "../../config/index.js";
import type { AnnotationService, DashboardService, SnapshotService } from "../../dashboards/index.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import type { MetricsRegistry } from "../../lib/metrics.js";
import type { SampleSink } from "../../model/index.js";
import type { SettingsService, TimeSeriesStore } from "../../store/index.js";
import { adminRoutes } from "./admin.js";
import { alertRoutes } from "./api/alerts.js";
import { alertPages, alertsOffPage } from "./pages/alerts.js";
import { annotationRoutes } from "./api/annotations.js";
import { dashboardRoutes } from "./api/dashboards.js";
import { queryRoutes } from "./api/query.js";
import { renderRoutes } from "./api/render.js";
import { settingsRoutes } from "./api/settings.js";
import { snapshotRoutes, snapshotViewAccess } from "./api/snapshots.js";
import { writeRoutes } from "./api/write.js";
import { remoteWriteRoutes } from "./api/remote-write.js";
import { authRoutes } from "./auth.js";
import { eventRoutes } from "./events.js";
import { healthRoutes, storeHealth } from "./health.js";
import { hostsReporter, hostsRoutes } from "./api/hosts.js";
import { hostsPages } from "./pages/hosts.js";
import { countRequests, metricsRoutes } from "./metrics.js";
import { pageRoutes } from "./pages/index.js";
import { staticRoutes } from "./static.js";
import { statusRoutes, type StatusSource } from "./api/status.js";
import { statusPages } from "./pages/status.js";

/** The dashboards module's services (persistence in the store, wired by main.ts). */
export interface DashboardServices {
  readonly dashboards: DashboardService;
  readonly annotations: AnnotationService;
  readonly snapshots: SnapshotService;
  readonly settings: SettingsService;
}

/** What the http module is handed: the config, shared parts, and each module's services. */
export interface HttpDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: MetricsRegistry;
  readonly version: string;
  /** When the process started (ms), for /healthz's uptime. */
  readonly startedAt: number;
  /** The time-series store: /api/query, /render, Influx /write (its SampleSink), /metrics, /healthz. */
  readonly store: TimeSeriesStore;
  /** Where written points go (Influx /write, remote_write in): the store, plus the forwarders' queues when any. */
  readonly sink: SampleSink;
  readonly dashboards: DashboardServices;
  readonly auth: Auth;
  /** The alerting service when [alerting] is on. */
  readonly alerting?: AlertingService | undefined;
  /** The collectors' host name (the hosts page marks it as Loupe's own); "" or absent when unknown. */
  readonly hostname?: string | undefined;
  /** The status report (Admin → Status, /api/status): main.ts's StatusService. */
  readonly status?: StatusSource | undefined;
}

export interface AppRoutes {
  /** Middleware run before every route, in order. */
  readonly before: readonly RequestHandler[];
  readonly routers: readonly Router[];
}

export function buildRoutes(deps: HttpDeps): AppRoutes {
  return {
    // request counting first, so refused requests are counted too; then auth (principal, CSRF)
    before: [countRequests(deps.metrics), ...deps.auth.before],
    routers: [
      healthRoutes({ version: deps.version, startedAt: deps.startedAt, details: () => storeHealth(deps.store) }),
      ...dashboardRouters(deps),
      authRoutes(deps.auth),
      adminRoutes(deps.auth),
      ...(deps.status !== undefined ? [statusRoutes({ status: deps.status }), statusPages({ status: deps.status })] : []),
      ...ingestRouters(deps),
      ...alertRouters(deps),
      ...queryRouters(deps),
      ...hostsRouters(deps),
      staticRoutes(),
      pageRoutes({ ...deps.dashboards, snapshotAccess: snapshotViewAccess(deps.dashboards.settings), defaultHome: deps.config.dashboards.default_home, version: deps.version, clock: deps.clock }),
    ],
  };
}

/** Dashboards, annotations (and Graphite's /events), snapshots, instance settings. */
function dashboardRouters(deps: HttpDeps): Router[] {
  const { dashboards, annotations, snapshots, settings } = deps.dashboards;
  const clock = deps.clock;
  return [
    dashboardRoutes({ dashboards, clock }),
    annotationRoutes({ annotations, clock }),
    eventRoutes({ annotations, clock }),
    snapshotRoutes({ snapshots, settings, clock, maxBytes: deps.config.dashboards.snapshot_max_size }),
    settingsRoutes({ settings }),
  ];
}

/** Influx /write (when [ingest.influx] enabled), remote_write /api/v1/write ([ingest.remote_write]) and /metrics (Prometheus exposition). */
function ingestRouters(deps: HttpDeps): Router[] {
  const { config, store, metrics } = deps;
  const ix = config["ingest.influx"];
  const write = ix.enabled
    ? [writeRoutes({ sink: deps.sink, clock: deps.clock, log: deps.log.child({ module: "ingest", protocol: "influx" }), maxBodySize: ix.max_body_size, metrics, limits: { maxNameBytes: ix.max_name_length, maxTags: ix.max_tags } })]
    : [];
  const rw = config["ingest.remote_write"];
  const remoteWrite = rw.enabled
    ? [remoteWriteRoutes({ sink: store, log: deps.log.child({ module: "ingest", protocol: "remote_write" }), metrics, limits: { maxBodyBytes: rw.max_body_size, maxSeries: rw.max_series_per_request, maxSamples: rw.max_samples_per_request, maxLabels: rw.max_labels, maxLabelBytes: rw.max_label_length } })]
    : [];
  return [...write, ...remoteWrite, metricsRoutes({ metrics, ...(config["export.prometheus"].include_series ? { latest: () => store.latest() } : {}) })];
}

/** Graphite /render and the dashboards' batched /api/query, under the [query] limits. */
function queryRouters(deps: HttpDeps): Router[] {
  const q = deps.config.query;
  const common = { store: deps.store, clock: deps.clock, limits: { timeoutMs: q.timeout, maxSeries: q.max_series, maxPoints: q.max_points, maxTargets: q.max_targets }, metrics: deps.metrics };
  // graphite's events(): the annotations in [from, until) carrying all the tags
  const annotations = deps.dashboards.annotations;
  const events = (from: number, until: number, tags: readonly string[] | undefined): number[] =>
    annotations.list({ from, to: until, ...(tags !== undefined ? { tags } : {}) }).filter((a) => a.time >= from && a.time < until).map((a) => a.time);
  return [renderRoutes({ ...common, events }), queryRoutes(common)];
}

/** The alerting API and pages, when [alerting] is on. */
function alertRouters(deps: HttpDeps): Router[] {
  const alerting = deps.alerting;
  if (alerting === undefined) return [alertsOffPage()]; // the top bar links /alerts either way
  return [alertRoutes({ alerting, notifiers: readNotifiers(deps.config), clock: deps.clock }), alertPages({ alerting, clock: deps.clock })];
}

/** The hosts page and GET /api/hosts, over the store's latest points. */
function hostsRouters(deps: HttpDeps): Router[] {
  const { config } = deps;
  const report = hostsReporter({
    store: deps.store,
    clock: deps.clock,
    metrics: deps.metrics,
    options: { pathPrefix: config.collectors.path_prefix, ownHost: deps.hostname ?? "", defaultIntervalMs: config.collectors.interval, silentIntervals: config.hosts.silent_intervals, maxHosts: config.hosts.max_hosts },
  });
  return [hostsRoutes(report), hostsPages(report)];
}
