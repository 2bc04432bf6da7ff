/**
 * The running Loupe's status: samples its own metrics every 10 s and the size of the database and
 * its WALs every minute (StatusHistory), and builds the report on request. The table and tier
 * figures walk the database, so they are read in a worker thread and cached for a minute (`fresh`
 * reads them again).
 */
import { dirname } from "node:path";
import type { Config } from "../../config/index.js";
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";
import { errorMessage } from "../../lib/errors.js";
import type { MetricsRegistry } from "../../lib/metrics.js";
import { readDatabaseUsage, readDatabaseUsageInWorker, readFileUsage, type DatabaseUsage, type Db, type TimeSeriesStore } from "../../store/index.js";
import { StatusHistory } from "./history.js";
import { readMetrics } from "./metrics-text.js";
import type { ForwarderStatusSource, StatusReport } from "./model.js";
import { alertingStatus, collectorStatus, databaseParts, diskStatus, ingestStatus } from "./report.js";

const SAMPLE_EVERY_MS = 10_000;
const USAGE_CACHE_MS = 60_000;
const DAY = 86_400_000;

export interface StatusServiceOptions {
  readonly db: Db;
  readonly config: Config;
  readonly store: Pick<TimeSeriesStore, "stats">;
  readonly metrics: Pick<MetricsRegistry, "expose">;
  readonly clock: Clock;
  readonly log: Logger;
  readonly version: string;
  readonly startedAt: number;
  /** The forwarding module's states, when forwarders are wired. */
  readonly forwarders?: ForwarderStatusSource | undefined;
  /** Tests: no timer (they call sample() with a fake clock). */
  readonly timers?: boolean;
  /** Read table and tier sizes in a worker thread (default; they walk the database) or in-process. */
  readonly usageInWorker?: boolean;
}

export class StatusService {
  readonly history = new StatusHistory();
  private readonly timer: NodeJS.Timeout | undefined;
  private cached: { usage: DatabaseUsage; at: number } | undefined;
  private reading: Promise<{ usage: DatabaseUsage; at: number }> | undefined;

  constructor(private readonly o: StatusServiceOptions) {
    this.sample();
    if (o.timers !== false) {
      this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
      this.timer.unref();
    }
  }

  private get dbPath(): string {
    return this.o.config.database.path;
  }

  /** Takes one metrics snapshot and (at most once a minute) one size sample. */
  sample(): void {
    const now = this.o.clock.now();
    try {
      this.history.addMetrics(now, readMetrics(this.o.metrics));
      const f = readFileUsage(this.dbPath, `${this.dbPath}.wal`);
      this.history.addSize(now, f.dbFileBytes + f.sqliteWalBytes + f.pointWalBytes);
    } catch (err) {
      this.o.log.warn("status sample failed", { err: errorMessage(err) });
    }
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  /** The usage, read at most once a minute (in a worker thread); concurrent requests share one read. */
  private async usage(now: number, fresh: boolean): Promise<{ usage: DatabaseUsage; at: number }> {
    if (!fresh && this.cached !== undefined && now - this.cached.at < USAGE_CACHE_MS) return this.cached;
    this.reading ??= this.readUsage(now).finally(() => (this.reading = undefined));
    return (this.cached = await this.reading);
  }

  private async readUsage(now: number): Promise<{ usage: DatabaseUsage; at: number }> {
    const options = { seriesSince: now - DAY };
    if (this.o.usageInWorker === false) return { usage: readDatabaseUsage(this.o.db, options), at: now };
    try {
      return { usage: await readDatabaseUsageInWorker(this.dbPath, options), at: now };
    } catch (err) {
      this.o.log.warn("status: reading the database usage in a worker failed, reading it here", { err: errorMessage(err) });
      return { usage: readDatabaseUsage(this.o.db, options), at: now };
    }
  }

  async report(options: { fresh?: boolean } = {}): Promise<StatusReport> {
    const { config, clock } = this.o;
    const now = clock.now();
    const { usage, at } = await this.usage(now, options.fresh === true);
    const stats = this.o.store.stats();
    const current = readMetrics(this.o.metrics);
    const files = readFileUsage(this.dbPath, `${this.dbPath}.wal`);
    return {
      generatedAt: now,
      source: "live",
      version: this.o.version,
      uptimeS: Math.round((now - this.o.startedAt) / 1000),
      ...databaseParts({ path: this.dbPath, usage, readAt: at, files, retention: config.retention, now, store: stats }),
      ingest: ingestStatus(current, this.history, now),
      collectors: collectorStatus(current, this.history, now),
      alerting: alertingStatus(current, this.history, now, config.alerting.enabled),
      forwarders: this.o.forwarders === undefined ? null : [...this.o.forwarders.status()],
      disk: diskStatus(dirname(this.dbPath), this.history.sizes(), now),
    };
  }
}
