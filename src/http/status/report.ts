/**
 * Builds the parts of the status report from what was read: database usage and files (live and
 * offline), and, live only, rates from metric snapshots. No I/O here except statfs in diskStatus.
 */
import { statfsSync } from "node:fs";
import type { Config } from "../../config/index.js";
import type { DatabaseUsage, FileUsage } from "../../store/index.js";
import { estimateFill, type SizeSample } from "./fill.js";
import { increase, type MetricSnapshot, type StatusHistory } from "./history.js";
import { metricKey } from "./metrics-text.js";
import type { AlertingStatus, CollectorStatus, DatabaseStatus, DiskStatus, IngestStatus, RateWindow, SeriesStatus, StatusReport, TierStatus } from "./model.js";

const DAY = 86_400_000;
/** Size history needed before a fill date is given. */
export const FILL_MIN_SPAN_MS = 10 * 60_000;

export interface StoreFigures {
  readonly series: number;
  readonly maxSeries?: number | undefined;
  readonly seriesRefused?: number | undefined;
  readonly headPoints?: number | undefined;
}

export interface DatabaseInput {
  readonly path: string;
  readonly usage: DatabaseUsage;
  readonly readAt: number;
  readonly files: FileUsage;
  readonly retention: Config["retention"];
  readonly now: number;
  /** The running store's figures (live); offline the usage's count is used. */
  readonly store?: StoreFigures;
}

const RETENTION_KEYS = { raw: "raw", "1m": "rollup_1m", "1h": "rollup_1h" } as const;

export function databaseParts(i: DatabaseInput): Pick<StatusReport, "database" | "tiers" | "series"> {
  const { usage, files } = i;
  const database: DatabaseStatus = {
    path: i.path,
    files: { ...files, totalBytes: files.dbFileBytes + files.sqliteWalBytes + files.pointWalBytes },
    method: usage.method,
    pageSize: usage.pageSize,
    pageCount: usage.pageCount,
    freePages: usage.freePages,
    tables: usage.tables,
    readAt: i.readAt,
    elapsedMs: usage.elapsedMs,
  };
  const tiers: TierStatus[] = usage.tiers.map((t) => {
    const retentionMs = i.retention[RETENTION_KEYS[t.tier]];
    return { ...t, retentionMs, enabled: t.tier === "raw" || retentionMs > 0, horizonMs: t.oldestTs === null ? null : Math.max(0, i.now - t.oldestTs) };
  });
  const created = usage.series.createdSince;
  // per hour over the last 24 h, or over the store's life when it is younger
  const from = Math.max(usage.series.since, usage.series.oldestCreatedAt ?? i.now);
  const series: SeriesStatus = {
    total: i.store?.series ?? usage.series.total,
    max: i.store?.maxSeries ?? null,
    createdLast24h: created,
    perHour: created === 0 ? 0 : Math.round((created / (Math.max(60_000, i.now - from) / 3_600_000)) * 100) / 100,
    refused: i.store?.seriesRefused ?? null,
    headPoints: i.store?.headPoints ?? null,
  };
  return { database, tiers, series };
}

/** Free space of the volume holding `dir`, and when the sampled growth fills it. */
export function diskStatus(dir: string, sizes: readonly SizeSample[], now: number): DiskStatus | null {
  let free: number;
  let total: number;
  try {
    const s = statfsSync(dir);
    free = s.bavail * s.bsize;
    total = s.blocks * s.bsize;
  } catch {
    return null;
  }
  return { path: dir, freeBytes: free, totalBytes: total, fill: estimateFill(sizes, free, now, FILL_MIN_SPAN_MS) };
}

function rate(current: ReadonlyMap<string, number>, history: StatusHistory, now: number, windowMs: number, key: string): RateWindow {
  const base: MetricSnapshot | undefined = history.baseline(now, windowMs);
  const windowS = base === undefined ? 0 : Math.max(0, (now - base.t) / 1000);
  const points = increase(current, base, key);
  return { windowS: Math.round(windowS), points, perSecond: windowS > 0 ? Math.round((points / windowS) * 1000) / 1000 : 0 };
}

/** `loupe_ingest_<protocol>_points_written_total` (or `_samples_written_total`): graphite, influx, remote_write, … */
const INGEST = /^loupe_ingest_([a-z0-9_]+?)_(?:points|samples)_written_total$/;

/** Points written per protocol (every INGEST counter), plus the collectors. */
export function ingestStatus(current: ReadonlyMap<string, number>, history: StatusHistory, now: number): IngestStatus[] {
  const out: IngestStatus[] = [];
  for (const [key, total] of current) {
    const m = INGEST.exec(key);
    if (m === null) continue;
    out.push({ protocol: m[1]!, total, lastMinute: rate(current, history, now, 60_000, key), last5Minutes: rate(current, history, now, 300_000, key) });
  }
  out.sort((a, b) => a.protocol.localeCompare(b.protocol));
  const collectors = collectorSamples(current, history, now);
  if (collectors !== undefined) out.push(collectors);
  return out;
}

/** Collectors' samples ≈ runs in the window × samples of each collector's last run (they count runs, not samples). */
function collectorSamples(current: ReadonlyMap<string, number>, history: StatusHistory, now: number): IngestStatus | undefined {
  const names = collectorNames(current);
  if (names.length === 0) return undefined;
  const window = (ms: number): RateWindow => {
    const base = history.baseline(now, ms);
    const windowS = base === undefined ? 0 : (now - base.t) / 1000;
    let points = 0;
    for (const n of names) points += increase(current, base, metricKey("loupe_collector_runs_total", { collector: n })) * (current.get(metricKey("loupe_collector_samples", { collector: n })) ?? 0);
    return { windowS: Math.round(windowS), points, perSecond: windowS > 0 ? Math.round((points / windowS) * 1000) / 1000 : 0 };
  };
  let total = 0;
  for (const n of names) total += (current.get(metricKey("loupe_collector_runs_total", { collector: n })) ?? 0) * (current.get(metricKey("loupe_collector_samples", { collector: n })) ?? 0);
  return { protocol: "collectors", total, lastMinute: window(60_000), last5Minutes: window(300_000) };
}

function collectorNames(current: ReadonlyMap<string, number>): string[] {
  const names: string[] = [];
  for (const key of current.keys()) {
    const m = /^loupe_collector_runs_total\{collector=(.*)\}$/.exec(key);
    if (m !== null) names.push(m[1]!);
  }
  return names.sort();
}

/** From the scheduler's last-run gauge; without it, when the sampler first saw the run count change. */
function lastRunAt(current: ReadonlyMap<string, number>, history: StatusHistory, now: number, name: string, runs: number): number | null {
  if (runs === 0) return null;
  const started = current.get(metricKey("loupe_collector_last_run_timestamp_seconds", { collector: name }));
  if (started !== undefined) return Math.round(started * 1000);
  return history.changedAt(metricKey("loupe_collector_runs_total", { collector: name }), runs, now) ?? null;
}

export function collectorStatus(current: ReadonlyMap<string, number>, history: StatusHistory, now: number): CollectorStatus[] {
  return collectorNames(current).map((name) => {
    const k = (family: string): string => metricKey(family, { collector: name });
    const runs = current.get(k("loupe_collector_runs_total")) ?? 0;
    const duration = current.get(k("loupe_collector_duration_seconds"));
    const samples = current.get(k("loupe_collector_samples"));
    return {
      name,
      runs,
      errors: current.get(k("loupe_collector_errors_total")) ?? 0,
      errorsLast5Minutes: increase(current, history.baseline(now, 300_000), k("loupe_collector_errors_total")),
      skipped: current.get(k("loupe_collector_skipped_total")) ?? 0,
      lastDurationMs: duration === undefined ? null : Math.round(duration * 100_000) / 100,
      samplesPerRun: samples ?? null,
      lastRunAt: lastRunAt(current, history, now, name, runs),
    };
  });
}

/** Rule evaluations and their cost, from alerting's counters; null when [alerting] is off. */
export function alertingStatus(current: ReadonlyMap<string, number>, history: StatusHistory, now: number, enabled: boolean): AlertingStatus | null {
  if (!enabled) return null;
  const base = history.baseline(now, 300_000);
  const windowMs = base === undefined ? 0 : now - base.t;
  const evals = increase(current, base, "loupe_alerting_evaluations_total");
  const seconds = increase(current, base, "loupe_alerting_evaluation_seconds_total");
  let overruns = 0;
  for (const [key, v] of current) if (key.startsWith("loupe_alerting_eval_overruns_total")) overruns += v;
  return {
    evaluations: current.get("loupe_alerting_evaluations_total") ?? 0,
    failures: current.get("loupe_alerting_evaluation_failures_total") ?? 0,
    evaluationSeconds: Math.round((current.get("loupe_alerting_evaluation_seconds_total") ?? 0) * 1000) / 1000,
    overruns,
    evaluationsPerMinute: windowMs > 0 ? Math.round((evals / (windowMs / 60_000)) * 100) / 100 : 0,
    avgEvaluationMs: evals > 0 ? Math.round((seconds / evals) * 1_000_000) / 1000 : null,
    busy: windowMs > 0 ? Math.round((seconds / (windowMs / 1000)) * 10_000) / 10_000 : 0,
  };
}
