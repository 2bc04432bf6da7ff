/**
 * Composition root: config → database → migrations → store → collectors, ingest → HTTP.
 * The only file that wires modules together. stop() undoes it in reverse order.
 */
import type { Config } from "./config/index.js";
import { LoupeError } from "./lib/errors.js";
import type { Logger } from "./lib/logger.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { configureRegexLimits } from "./lib/safe-regex.js";
import { VERSION } from "./lib/package-info.js";
import { describeDbError, lockDataDir, migrate, openDatabase, openStore } from "./store/index.js";
import { createApp, healthRoutes, startHttpServer, isLoopbackAddress } from "./http/index.js";
import { createAuth, authProviderConfigured } from "./auth/index.js";
import { authRoutes } from "./http/routes/auth.js";
import { adminRoutes } from "./http/routes/admin.js";
import { MetricsRegistry } from "./lib/metrics.js";
import { validateSection } from "./config/index.js";
import { errorMessage } from "./lib/errors.js";
import { SqliteDashboardRepository, SqliteAnnotationService, SqliteSnapshotRepository, SqliteSettingsService } from "./store/index.js";
import { hostOverviewDashboard, installHostOverview, provisionDashboards, RepositoryDashboardService, RepositorySnapshotService } from "./dashboards/index.js";
import { BUILTIN_COLLECTORS, deriveHostname, fullSpec, sectionName, startCollectors } from "./collectors/index.js";
import { dashboardRoutes } from "./http/routes/api/dashboards.js";
import { annotationRoutes } from "./http/routes/api/annotations.js";
import { snapshotRoutes } from "./http/routes/api/snapshots.js";
import { settingsRoutes } from "./http/routes/api/settings.js";
import { eventRoutes } from "./http/routes/events.js";
import type { Express, RequestHandler, Router } from "express";
import { renderRoutes } from "./http/routes/api/render.js";
import { queryRoutes } from "./http/routes/api/query.js";
import { pageRoutes } from "./http/routes/pages/index.js";
import { staticRoutes } from "./http/routes/static.js";
import { snapshotViewAccess } from "./http/routes/api/snapshots.js";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners, isLoopbackHost } from "./ingest/index.js";
import { writeRoutes } from "./http/routes/api/write.js";
import { countRequests, metricsRoutes } from "./http/routes/metrics.js";

export interface Running {
  readonly httpPort: number;
  /** The express app (the route-table test walks its router). */
  readonly app: Express;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
}

/** Something started that must be stopped, in reverse order of starting. */
type Stopper = { readonly name: string; stop(): Promise<void> | void };

/** Runs a step on the database, turning a corrupted or read-only file into a message with the next step. */
async function dbStep<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeDbError(err, path);
  }
}

export async function startLoupe(config: Config, log: Logger, options: StartOptions = {}): Promise<Running> {
  const clock = options.clock ?? systemClock;
  const startedAt = clock.now();
  const stoppers: Stopper[] = [];
  const stopAll = async (): Promise<void> => {
    while (stoppers.length > 0) {
      const s = stoppers.pop()!;
      try {
        await s.stop();
      } catch (err) {
        log.error("stop failed", { component: s.name, err });
      }
    }
  };

  try {
    const authConfigured = authProviderConfigured(config);
    if (!authConfigured && !isLoopbackAddress(config.server.http_addr)) {
      throw new LoupeError(
        "unsafe_bind",
        `refusing to serve on ${config.server.http_addr} without authentication: anyone who can reach it would see and change everything. ` +
          `Either keep [server] http_addr = 127.0.0.1 and reach Loupe through an SSH tunnel (ssh -L 3000:localhost:3000 host), ` +
          `or configure a login provider first ([auth.github] enabled = true with client_id/client_secret, or [auth.basic] enabled = true with users from "loupe user add").`,
      );
    }

    // one bound for every regex from users or the config (queries, globs, collector options)
    configureRegexLimits({ maxSize: config.query.max_regex_size });
    // one process per data dir: taken before the database opens, released after it closes
    const lock = lockDataDir(config.database.path);
    stoppers.push({ name: "data dir lock", stop: () => lock.release() });
    const db = openDatabase(config.database.path);
    stoppers.push({ name: "database", stop: () => void db.close() });
    const { applied, version } = await dbStep(config.database.path, () => migrate(db, undefined, config.database.path));
    log.info("database ready", { path: config.database.path, schema_version: version, migrations_applied: applied.length });
    const metrics = new MetricsRegistry();

    // Middleware run before every route (auth sets res.locals.principal and csrfToken) and the
    // routers of each area. Each section below adds its own.
    const before: RequestHandler[] = [];
    const routers: Router[] = [healthRoutes({ version: VERSION, startedAt, details: () => storeHealth() })];

    // ---- store (time-series) ----
    const store = await dbStep(config.database.path, () => openStore(db, {
      store: config.store,
      retention: config.retention,
      walPath: `${config.database.path}.wal`,
      log,
      clock,
      metrics,
    }));
    // stoppers run in reverse: the store flushes its heads before the database closes
    stoppers.push({ name: "store", stop: () => store.close() });
    const storeHealth = (): Record<string, unknown> => {
      const s = store.stats();
      return { store: { series: s.series, max_series: s.maxSeries, series_refused: s.seriesRefused, points: s.pointsByTier, head_points: s.headPoints, db_bytes: s.dbBytes, wal_bytes: s.walBytes, writes_refused: s.writesRefused } };
    };

    // ---- dashboards, annotations, snapshots, settings ----
    const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep: config.dashboards.versions_to_keep }));
    const annotations = new SqliteAnnotationService(db, clock);
    const snapshots = new RepositorySnapshotService(new SqliteSnapshotRepository(db, clock));
    const settings = new SqliteSettingsService(db, clock);
    {
      const dlog = log.child({ module: "dashboards" });
      const overviewHost = config.collectors.hostname !== "" ? config.collectors.hostname : await deriveHostname(config.collectors.hostname_method);
      const nginxDef = BUILTIN_COLLECTORS.find((d) => d.name === "nginx");
      let nginxOn = false;
      try {
        nginxOn = nginxDef !== undefined && (validateSection(config, sectionName("nginx"), fullSpec(nginxDef)) as { enabled?: unknown }).enabled === true;
      } catch {
        // the collectors section reports a bad [collector.nginx]
      }
      installHostOverview(dashboards, hostOverviewDashboard({ host: overviewHost, prefix: config.collectors.path_prefix, nginx: nginxOn }), dlog);
      provisionDashboards(dashboards, config.dashboards.path, dlog);
      const purgeSnapshots = (): void => {
        try {
          const n = snapshots.purgeExpired(clock.now());
          if (n > 0) dlog.info("expired snapshots deleted", { count: n });
        } catch (err) {
          dlog.warn("snapshot purge failed", { err: errorMessage(err) });
        }
      };
      purgeSnapshots();
      const purgeTimer = setInterval(purgeSnapshots, 60_000);
      purgeTimer.unref();
      stoppers.push({ name: "snapshot purge", stop: () => clearInterval(purgeTimer) });
      routers.push(
        dashboardRoutes({ dashboards, clock }),
        annotationRoutes({ annotations, clock }),
        eventRoutes({ annotations, clock }),
        snapshotRoutes({ snapshots, settings, clock, maxBytes: config.dashboards.snapshot_max_size }),
        settingsRoutes({ settings }),
      );
    }

    // ---- auth ----
    const auth = createAuth(config, db, log.child({ module: "auth" }), clock);
    stoppers.push({ name: "auth", stop: () => auth.stop() });
    metrics.collect(() => auth.limiter.metrics());
    before.push(...auth.before);
    routers.push(authRoutes(auth), adminRoutes(auth));

    // ---- collectors ----
    {
      const collectors = await startCollectors({ config, sink: store, log, metrics, clock });
      // stopped before the store (stoppers run in reverse): timers off, running collections awaited
      stoppers.push({ name: "collectors", stop: () => collectors.stop() });
    }

    // ---- ingest ----
    {
      const g = config["ingest.graphite"];
      const glog = log.child({ module: "ingest", protocol: "graphite" });
      if (g.enabled && (g.tcp_addr !== null || g.udp_addr !== null)) {
        const exposed = [g.tcp_addr, g.udp_addr].some((a) => a !== null && !isLoopbackHost(a.host));
        if (exposed && g.allow_from.length === 0) glog.warn("graphite bound beyond loopback with an empty allow_from: only loopback peers are accepted", {});
        const limits = { maxNameBytes: g.max_name_length, maxTags: g.max_tags };
        const graphite = new GraphiteIngest({ sink: store, mapper: TemplateMapper.fromConfig(g.templates, g.tags, g.separator), clock, log: glog, metrics, limits });
        const listeners = await startGraphiteListeners({ tcp: g.tcp_addr, udp: g.udp_addr, allowFrom: g.allow_from, ingest: graphite, log: glog, idleTimeoutMs: g.idle_timeout, maxConnections: g.max_connections });
        // stopped before the store (stoppers run in reverse), so every received point is flushed into it
        stoppers.push({ name: "graphite", stop: () => listeners.close() });
      }
      const ix = config["ingest.influx"];
      if (ix.enabled)
        routers.push(writeRoutes({ sink: store, clock, log: log.child({ module: "ingest", protocol: "influx" }), maxBodySize: ix.max_body_size, metrics, limits: { maxNameBytes: ix.max_name_length, maxTags: ix.max_tags } }));
      routers.push(metricsRoutes({ metrics, ...(config["export.prometheus"].include_series ? { latest: () => store.latest() } : {}) }));
      before.unshift(countRequests(metrics)); // first, so refused requests are counted too
    }

    // ---- query, pages ----
    const q = config.query;
    const limits = { timeoutMs: q.timeout, maxSeries: q.max_series, maxPoints: q.max_points };
    // graphite's events(): the annotations in [from, until) carrying all the tags
    const events = (from: number, until: number, tags: readonly string[] | undefined): number[] =>
      annotations.list({ from, to: until, ...(tags !== undefined ? { tags } : {}) }).filter((a) => a.time >= from && a.time < until).map((a) => a.time);
    routers.push(renderRoutes({ store, clock, limits, metrics, events }), queryRoutes({ store, clock, limits, metrics }));
    routers.push(staticRoutes(), pageRoutes({ dashboards, annotations, snapshots, settings, snapshotAccess: snapshotViewAccess(settings), defaultHome: config.dashboards.default_home, version: VERSION, clock }));

    void metrics;
    const app = createApp({ log: log.child({ module: "http" }), before, routers, trustProxy: config.server.trust_proxy });
    const http = await startHttpServer(app, config.server.http_addr, config.server.http_port);
    stoppers.push({ name: "http", stop: () => http.close() });
    log.info("http listening", { addr: http.address, port: http.port, url: config.server.root_url });

    let stopping: Promise<void> | undefined;
    return {
      httpPort: http.port,
      app,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
