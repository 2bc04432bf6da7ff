/**
 * The status report (`GET /api/status`, the Admin → Status page, `loupe status`): one JSON shape,
 * produced live by the running Loupe (StatusService) or offline by `loupe status` from a data dir no
 * Loupe holds (then the parts only a running process knows are null).
 */
import type { TableUsage, TierUsage, FileUsage } from "../../store/index.js";
import type { FillEstimate } from "./fill.js";

/** One forwarder's state, as the forwarding module reports it (issue 15, fleet-shared.md). */
export type { ForwarderStatus } from "../../model/index.js";
import type { ForwarderStatus } from "../../model/index.js";

/** Declared here, implemented by the forwarding module; main.ts wires it when forwarders exist. */
export interface ForwarderStatusSource {
  status(): readonly ForwarderStatus[];
}

export interface TierStatus extends TierUsage {
  /** [retention] of the tier, ms (raw: 0 keeps forever; a rollup tier with 0 is off). */
  readonly retentionMs: number;
  readonly enabled: boolean;
  /** How far back the tier's data reaches: now - oldest point held, ms. */
  readonly horizonMs: number | null;
}

export interface DatabaseStatus {
  readonly path: string;
  readonly files: FileUsage & { readonly totalBytes: number };
  readonly method: "dbstat" | "row_counts";
  readonly pageSize: number;
  readonly pageCount: number;
  readonly freePages: number;
  readonly tables: readonly TableUsage[];
  /** When the table and tier figures were read (they are cached for a minute), and how long it took. */
  readonly readAt: number;
  readonly elapsedMs: number;
}

export interface SeriesStatus {
  readonly total: number;
  readonly max: number | null;
  readonly createdLast24h: number;
  /** Series created per hour over the last 24 h (or the store's life when shorter, at least a minute). */
  readonly perHour: number;
  readonly refused: number | null;
  /** Points in open chunks (memory and point WAL), not in any tier's chunks yet; null offline. */
  readonly headPoints: number | null;
}

export interface RateWindow {
  /** Length of the window the rates cover, seconds (shorter while the process is young). */
  readonly windowS: number;
  readonly points: number;
  readonly perSecond: number;
}

export interface IngestStatus {
  readonly protocol: string;
  /** Points written since start. */
  readonly total: number;
  readonly lastMinute: RateWindow;
  readonly last5Minutes: RateWindow;
}

export interface CollectorStatus {
  readonly name: string;
  readonly runs: number;
  readonly errors: number;
  readonly errorsLast5Minutes: number;
  readonly skipped: number;
  readonly lastDurationMs: number | null;
  readonly samplesPerRun: number | null;
  /**
   * When the last run started (loupe_collector_last_run_timestamp_seconds); from a scheduler without
   * that gauge, when the status sampler first saw the run count change (≤ 10 s late). null: no run.
   */
  readonly lastRunAt: number | null;
}

export interface AlertingStatus {
  readonly evaluations: number;
  readonly failures: number;
  readonly evaluationSeconds: number;
  readonly overruns: number;
  /** Over the last 5 minutes. */
  readonly evaluationsPerMinute: number;
  readonly avgEvaluationMs: number | null;
  /** Share of wall-clock time spent evaluating (0..1). */
  readonly busy: number;
}

export interface DiskStatus {
  /** The folder measured (the database's). */
  readonly path: string;
  readonly freeBytes: number;
  readonly totalBytes: number;
  readonly fill: FillEstimate;
}

export interface StatusReport {
  readonly generatedAt: number;
  /**
   * live: from the running Loupe; offline: `loupe status` read a data dir no Loupe holds; data_dir: a
   * Loupe holds it but refused /api/status (it needs an Admin), so the CLI read the files read-only.
   */
  readonly source: "live" | "offline" | "data_dir";
  readonly version: string | null;
  readonly uptimeS: number | null;
  readonly database: DatabaseStatus;
  readonly tiers: readonly TierStatus[];
  readonly series: SeriesStatus;
  /** null: offline (only a running Loupe counts ingest). */
  readonly ingest: readonly IngestStatus[] | null;
  readonly collectors: readonly CollectorStatus[] | null;
  /** null when offline or [alerting] is off. */
  readonly alerting: AlertingStatus | null;
  /** null when offline or no forwarders are wired; [] when wired but none configured. */
  readonly forwarders: readonly ForwarderStatus[] | null;
  readonly disk: DiskStatus | null;
}
