/**
 * What the status page remembers between requests, in memory: snapshots of the status metric families
 * (every 10 s, 15 min kept: rates over the last minute and five) and the size of the database and its
 * WALs (one a minute, 24 h kept: the growth behind the fill date). Bounded: about 90 + 1440 entries.
 */
import type { SizeSample } from "./fill.js";

export interface MetricSnapshot {
  readonly t: number;
  readonly values: ReadonlyMap<string, number>;
}

export interface HistoryOptions {
  /** How long metric snapshots are kept, ms (default 15 min). */
  readonly metricsKeepMs?: number;
  /** Minimum spacing of kept size samples, ms (default 1 min). */
  readonly sizeEveryMs?: number;
  /** How long size samples are kept, ms (default 24 h). */
  readonly sizeKeepMs?: number;
}

export class StatusHistory {
  private readonly snapshots: MetricSnapshot[] = [];
  private readonly sizeSamples: SizeSample[] = [];
  private readonly metricsKeepMs: number;
  private readonly sizeEveryMs: number;
  private readonly sizeKeepMs: number;

  constructor(options: HistoryOptions = {}) {
    this.metricsKeepMs = options.metricsKeepMs ?? 15 * 60_000;
    this.sizeEveryMs = options.sizeEveryMs ?? 60_000;
    this.sizeKeepMs = options.sizeKeepMs ?? 24 * 3_600_000;
  }

  addMetrics(t: number, values: ReadonlyMap<string, number>): void {
    this.snapshots.push({ t, values });
    while (this.snapshots.length > 1 && this.snapshots[0]!.t < t - this.metricsKeepMs) this.snapshots.shift();
  }

  /** Keeps a size sample when the last kept one is at least sizeEveryMs old. */
  addSize(t: number, bytes: number): void {
    const last = this.sizeSamples[this.sizeSamples.length - 1];
    if (last !== undefined && t - last.t < this.sizeEveryMs) return;
    this.sizeSamples.push({ t, bytes });
    while (this.sizeSamples.length > 1 && this.sizeSamples[0]!.t < t - this.sizeKeepMs) this.sizeSamples.shift();
  }

  sizes(): readonly SizeSample[] {
    return this.sizeSamples;
  }

  /** The newest snapshot at least `windowMs` before `now`, else the oldest one (a shorter window). */
  baseline(now: number, windowMs: number): MetricSnapshot | undefined {
    let base: MetricSnapshot | undefined;
    for (const s of this.snapshots) {
      if (s.t <= now - windowMs) base = s;
      else break;
    }
    return base ?? this.snapshots[0];
  }

  /**
   * When `key` first showed `current`: the time of the oldest snapshot, after the last one with
   * another value, that already holds it (or `now` when none does yet). Resolution: the sampling period.
   */
  changedAt(key: string, current: number, now: number): number | undefined {
    let at: number | undefined = now;
    for (let i = this.snapshots.length - 1; i >= 0; i--) {
      const s = this.snapshots[i]!;
      if (s.values.get(key) !== current) return at;
      at = s.t;
    }
    return undefined; // unchanged over the whole history: earlier than we remember
  }
}

/** Increase of a counter since the baseline (a counter that went down was reset: its value is the increase). */
export function increase(current: ReadonlyMap<string, number>, base: MetricSnapshot | undefined, key: string): number {
  const now = current.get(key) ?? 0;
  const before = base?.values.get(key) ?? 0;
  return now >= before ? now - before : now;
}
