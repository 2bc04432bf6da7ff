/**
 * Composition root: the only file that wires modules together, each through its folder's index.ts.
 * `startLoupe` is the ordered list of things started; each step is a function below it that
 * starts one module and registers how to stop it. stop() undoes everything in reverse order.
 */
import type { Config } from "./config/index.js";
import { defaultConfig, validateSection } from "./config/index.js";
import { LoupeError, errorMessage } from "./lib/errors.js";
import type { Logger } from "./lib/logger.js";
import { Stoppers } from "./lib/stoppers.js";
import { systemClock, type Clock } from "./lib/clock.js";
import { MetricsRegistry } from "./lib/metrics.js";
import { configureRegexLimits } from "./lib/safe-regex.js";
import { VERSION } from "./lib/package-info.js";
import type { TimeSeriesStore, Db } from "./store/index.js";
import { checkRemoteStoreConfig, storeHeaders, describeDbError, lockDataDir, migrate, openDatabase, openStore, startBackupSchedule } from "./store/index.js";
import { SqliteDashboardRepository, SqliteAnnotationService, SqliteSnapshotRepository, SqliteSettingsService } from "./store/index.js";
import { builtinDashboards, installBuiltinDashboards, provisionDashboards, RepositoryDashboardService, RepositorySnapshotService } from "./dashboards/index.js";
import { createAuth, authProviderConfigured, type Auth } from "./auth/index.js";
import { BUILTIN_COLLECTORS, deriveHostname, fullSpec, sectionName, startCollectors } from "./collectors/index.js";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners, isLoopbackHost } from "./ingest/index.js";
import { startAlerting, type AlertingService } from "./alerting/index.js";
import { SqliteAlertStateStore, SqliteRuleStore, SqliteSilenceStore } from "./store/index.js";
import { createHttp, startHttpServer, isLoopbackAddress, StatusService, type DashboardServices } from "./http/index.js";
import { startForwarders, startStoreWriter, teeSink, type Forwarders } from "./forward/index.js";
import type { SampleSink } from "./model/index.js";
import type { Express } from "express";

export interface Running {
  readonly httpPort: number;
  /** The express app (the route-table test walks its router). */
  readonly app: Express;
  /** The forwarders ([forward.<name>]); status() for the status page. */
  readonly forwarders: Forwarders;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly clock?: Clock;
}

/** What every step is given: the config, shared parts, and where to register what must be stopped. */
interface Context {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: MetricsRegistry;
  readonly startedAt: number;
  /** Registers something started; stop() runs these in reverse order of registering. */
  onStop(name: string, stop: () => Promise<void> | void): void;
}

export async function startLoupe(config: Config, log: Logger, options: StartOptions = {}): Promise<Running> {
  if (config.server.mode === "agent") throw new LoupeError("agent_mode", "[server] mode = agent: start it with `loupe agent` or `loupe run` (startAgent in src/main-agent.ts), not startLoupe");
  const clock = options.clock ?? systemClock;
  const stoppers = new Stoppers(log);
  const ctx: Context = { config, log, clock, metrics: new MetricsRegistry(), startedAt: clock.now(), onStop: (name, stop) => stoppers.add(name, stop) };
  try {
    checkStartup(config); // 1. config checks
    const db = await openDatabaseStep(ctx); // 2. data dir lock → database → migrations
    const { store, writer } = await openTimeSeriesStore(ctx, db); // 3. time-series store (local, or victoriametrics behind its write queue)
    scheduleBackups(ctx, db); // 3b. automatic backups ([backup] schedule)
    const { forwarders, sink } = startForwarding(ctx, store, writer); // 4. forwarders: the sink below writes to the store and their queues
    const hostname = config.collectors.hostname !== "" ? config.collectors.hostname : await deriveHostname(config.collectors.hostname_method);
    const dashboards = await openDashboards(ctx, db, hostname); // 5. dashboards, annotations, snapshots, settings
    const auth = openAuth(ctx, db); // 6. auth
    const selfOn = await runCollectors(ctx, sink); // 7. collectors
    await listenGraphite(ctx, sink, selfOn); // 8. ingest (Influx /write is a route of http)
    const alerting = startAlertingStep(ctx, db, store, dashboards); // 9. alerting
    const status = startStatus(ctx, db, store, forwarders); // 10. status page sampler
    const http = await serveHttp(ctx, { store, sink, dashboards, auth, alerting, hostname, status }); // 11. http
    return { httpPort: http.port, app: http.app, forwarders, stop: () => stoppers.stopAll() };
  } catch (err) {
    await stoppers.stopAll();
    throw err;
  }
}

/** Refuses an unsafe setup before anything starts; sets the process-wide regex bound. */
function checkStartup(config: Config): void {
  if (!authProviderConfigured(config) && !isLoopbackAddress(config.server.http_addr)) {
    throw new LoupeError(
      "unsafe_bind",
      `refusing to serve on ${config.server.http_addr} without authentication: anyone who can reach it would see and change everything. ` +
        `Either keep [server] http_addr = 127.0.0.1 and reach Loupe through an SSH tunnel (ssh -L 3000:localhost:3000 host), ` +
        `or configure a login provider first ([auth.github] enabled = true with client_id/client_secret, likewise [auth.generic_oauth], [auth.ldap] or [auth.proxy], or [auth.basic] enabled = true with users from "loupe user add").`,
    );
  }
  // one bound for every regex from users or the config (queries, globs, collector options)
  configureRegexLimits({ maxSize: config.query.max_regex_size });
}

/** Runs a step on the database, turning a corrupted or read-only file into a message with the next step. */
async function dbStep<T>(path: string, fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeDbError(err, path);
  }
}

async function openDatabaseStep(ctx: Context): Promise<Db> {
  const path = ctx.config.database.path;
  // one process per data dir: taken before the database opens, released after it closes
  const lock = lockDataDir(path);
  ctx.onStop("data dir lock", () => lock.release());
  const db = openDatabase(path);
  ctx.onStop("database", () => void db.close());
  const { applied, version } = await dbStep(path, () => migrate(db, undefined, path));
  ctx.log.info("database ready", { path, schema_version: version, migrations_applied: applied.length });
  return db;
}

async function openTimeSeriesStore(ctx: Context, db: Db): Promise<{ store: TimeSeriesStore; writer: Forwarders | undefined }> {
  const { config, log, clock, metrics } = ctx;
  const path = config.database.path;
  let writer: Forwarders | undefined;
  if (config.store.backend === "victoriametrics") {
    checkRemoteStoreConfig(config);
    // [store] backend = victoriametrics: points go through a disk-queued remote_write (stopped after the store)
    const w = startStoreWriter({ config, log, clock, metrics }, storeHeaders(config.store));
    ctx.onStop("store writer", () => w.stop());
    writer = w;
  }
  const store = await dbStep(path, () => openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log, clock, metrics, ...(writer !== undefined ? { remoteWriter: writer } : {}) }));
  // stoppers run in reverse: the store flushes its heads before the database closes
  ctx.onStop("store", () => store.close());
  return { store, writer };
}

/** Automatic backups when [backup] schedule is set; stopped (a running one aborted) before the store closes. */
function scheduleBackups(ctx: Context, db: Db): void {
  if (ctx.config.backup.schedule === "") return;
  const backups = startBackupSchedule({ backup: ctx.config.backup, dbPath: ctx.config.database.path, db, log: ctx.log.child({ module: "backup" }), metrics: ctx.metrics, loupeVersion: VERSION });
  ctx.onStop("backups", () => backups.stop());
}

async function openDashboards(ctx: Context, db: Db, host: string): Promise<DashboardServices> {
  const { config, clock } = ctx;
  // the concrete service: provisioning also marks what it installed
  const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep: config.dashboards.versions_to_keep }));
  const services: DashboardServices = {
    dashboards,
    annotations: new SqliteAnnotationService(db, clock),
    snapshots: new RepositorySnapshotService(new SqliteSnapshotRepository(db, clock)),
    settings: new SqliteSettingsService(db, clock),
  };
  const dlog = ctx.log.child({ module: "dashboards" });
  installBuiltinDashboards(dashboards, builtinDashboards({ host, prefix: config.collectors.path_prefix, nginx: nginxEnabled(config) }), dlog);
  provisionDashboards(dashboards, config.dashboards.path, dlog);
  const trashPurged = ctx.metrics.counter("loupe_dashboards_trash_purged_total", "deleted dashboards removed for good after [dashboards] trash_retention");
  const purgeSnapshots = (): void => {
    try {
      const n = services.snapshots.purgeExpired(clock.now());
      if (n > 0) dlog.info("expired snapshots deleted", { count: n });
      const t = dashboards.purgeTrash(clock.now() - config.dashboards.trash_retention);
      trashPurged.inc({}, t);
      if (t > 0) dlog.info("deleted dashboards purged from the trash", { count: t, trash_retention_ms: config.dashboards.trash_retention });
    } catch (err) {
      dlog.warn("snapshot or dashboard trash purge failed", { err: errorMessage(err) });
    }
  };
  purgeSnapshots();
  const purgeTimer = setInterval(purgeSnapshots, 60_000);
  purgeTimer.unref();
  ctx.onStop("snapshot purge", () => clearInterval(purgeTimer));
  return services;
}

/** Whether [collector.nginx] is on, so the built-in dashboard shows its row. */
function nginxEnabled(config: Config): boolean {
  const def = BUILTIN_COLLECTORS.find((d) => d.name === "nginx");
  try {
    return def !== undefined && (validateSection(config, sectionName("nginx"), fullSpec(def)) as { enabled?: unknown }).enabled === true;
  } catch {
    return false; // the collectors step reports a bad [collector.nginx]
  }
}

/**
 * `[forward.<name>]` queues and senders, started after the store and stopped before it (after the
 * collectors and listeners that feed them): stop sends what it can within a short grace, the queues
 * keep the rest for the next start.
 */
function startForwarding(ctx: Context, store: TimeSeriesStore, writer: Forwarders | undefined): { forwarders: Forwarders; sink: SampleSink } {
  const forwarders = startForwarders({ config: ctx.config, log: ctx.log, clock: ctx.clock, metrics: ctx.metrics });
  ctx.onStop("forwarders", () => forwarders.stop());
  const sink = teeSink(store, forwarders);
  // the status page lists the store's write queue beside the forwarders
  if (writer === undefined) return { forwarders, sink };
  return { forwarders: { ...forwarders, count: forwarders.count + writer.count, status: () => [...writer.status(), ...forwarders.status()] }, sink };
}

function openAuth(ctx: Context, db: Db): Auth {
  const auth = createAuth(ctx.config, db, ctx.log.child({ module: "auth" }), ctx.clock);
  ctx.onStop("auth", () => auth.stop());
  ctx.metrics.collect(() => auth.metrics());
  return auth;
}

/** Starts the collectors; answers whether Loupe writes its own loupe.* series ([collectors] self_series). */
async function runCollectors(ctx: Context, sink: SampleSink): Promise<boolean> {
  const { config, log, metrics, clock } = ctx;
  const collectors = await startCollectors({ config, sink, log, metrics, clock });
  // stopped before the store (stoppers run in reverse): timers off, running collections awaited
  ctx.onStop("collectors", () => collectors.stop());
  return selfSeriesOn(config.collectors.self_series, collectors.scheduler.names.length);
}

/** The Graphite TCP/UDP listeners, when [ingest.graphite] is on with an address. */
async function listenGraphite(ctx: Context, sink: SampleSink, selfOn: boolean): Promise<void> {
  const g = ctx.config["ingest.graphite"];
  if (!g.enabled || (g.tcp_addr === null && g.udp_addr === null)) return;
  const glog = ctx.log.child({ module: "ingest", protocol: "graphite" });
  const exposed = [g.tcp_addr, g.udp_addr].some((a) => a !== null && !isLoopbackHost(a.host));
  if (exposed && g.allow_from.length === 0) glog.warn("graphite bound beyond loopback with an empty allow_from: only loopback peers are accepted", {});
  const limits = { maxNameBytes: g.max_name_length, maxTags: g.max_tags };
  const ingest = new GraphiteIngest({ sink, mapper: TemplateMapper.fromConfig(g.templates, g.tags, g.separator), clock: ctx.clock, log: glog, metrics: ctx.metrics, limits, ...(selfOn ? {} : { selfInterval: 0 }) });
  const listeners = await startGraphiteListeners({ tcp: g.tcp_addr, udp: g.udp_addr, allowFrom: g.allow_from, ingest, log: glog, idleTimeoutMs: g.idle_timeout, maxConnections: g.max_connections });
  // stopped before the store (stoppers run in reverse), so every received point is flushed into it
  ctx.onStop("graphite", () => listeners.close());
}

/** Rules evaluated on a timer when [alerting] is on; stopped before the store (stoppers run in reverse). */
function startAlertingStep(ctx: Context, db: Db, store: TimeSeriesStore, dashboards: DashboardServices): AlertingService | undefined {
  const { config, clock, metrics } = ctx;
  if (!config.alerting.enabled) return undefined;
  const alerting = startAlerting({ config, store, states: new SqliteAlertStateStore(db), rules: new SqliteRuleStore(db, clock), silences: new SqliteSilenceStore(db, clock), clock, log: ctx.log.child({ module: "alerting" }), metrics, annotate: (a) => void dashboards.annotations.add(a, "loupe:alerting") });
  ctx.onStop("alerting", () => alerting.stop());
  return alerting;
}

/** The status page's sampler (own metrics every 10 s, database size every minute); stopped before the store. */
function startStatus(ctx: Context, db: Db, store: TimeSeriesStore, forwarders: Forwarders): StatusService {
  const { config, clock, metrics, startedAt } = ctx;
  const status = new StatusService({ db, config, store, metrics, clock, log: ctx.log.child({ module: "status" }), version: VERSION, startedAt, ...(forwarders.count > 0 ? { forwarders } : {}) });
  ctx.onStop("status", () => status.stop());
  return status;
}

/** The modules' services the http module builds its routes from. */
interface Modules {
  readonly store: TimeSeriesStore;
  /** The store, or the store and the forwarders' queues (writes of Influx /write). */
  readonly sink: SampleSink;
  readonly dashboards: DashboardServices;
  readonly auth: Auth;
  readonly alerting: AlertingService | undefined;
  /** The collectors' host name (the hosts page marks it as Loupe's own). */
  readonly hostname: string;
  readonly status: StatusService;
}

const DEFAULT_ROOT_URL = defaultConfig().server.root_url;

/** The URL this process answers at: the bound address (a wildcard reads as localhost; IPv6 in brackets) and the real port. */
export function listeningUrl(address: string, port: number): string {
  const host = address === "0.0.0.0" || address === "::" || address === "" ? "localhost" : address.includes(":") ? `[${address}]` : address;
  return `http://${host}:${port}/`;
}

async function serveHttp(ctx: Context, modules: Modules): Promise<{ app: Express; port: number }> {
  const { config, log, clock, metrics, startedAt } = ctx;
  const app = createHttp({ config, log, clock, metrics, startedAt, version: VERSION, ...modules });
  const http = await startHttpServer(app, config.server.http_addr, config.server.http_port);
  ctx.onStop("http", () => http.close());
  // url: where this process really answers (http_port may be overridden or 0); root_url only when set away from its default
  log.info("http listening", { addr: http.address, port: http.port, url: listeningUrl(http.address, http.port), ...(config.server.root_url !== DEFAULT_ROOT_URL ? { root_url: config.server.root_url } : {}) });
  return { app, port: http.port };
}

/** Whether Loupe writes its own loupe.* series: `[collectors] self_series`, auto = when some collector runs. */
export function selfSeriesOn(mode: "auto" | "on" | "off", collectorsRunning: number): boolean {
  return mode === "on" || (mode === "auto" && collectorsRunning > 0);
}
