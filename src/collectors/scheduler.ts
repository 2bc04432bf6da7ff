/**
 * Runs each enabled collector at its interval on a once-a-second tick, staggered:
 * collector i of n fires at i/n of its interval, to the millisecond, aligned to the wall clock.
 * A run still going when the next is due is skipped and counted; a run that throws or outlives its
 * timeout is counted and logged once per state change (failing / recovered), and the others go on.
 * Every run records loupe.collector.<name>.duration_seconds, .errors, .skipped in the sink and on the
 * MetricsRegistry (/metrics). Base units (seconds), like /metrics: exported with
 * `[export.prometheus] include_series`, the path passes `promtool check metrics` (a `_ms` suffix did not).
 */
import { performance } from "node:perf_hooks";
import type { Sample, SampleSink, UnixMs } from "../model/index.js";
import { systemClock, type Clock } from "../lib/clock.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Counter, Gauge, MetricsRegistry } from "../lib/metrics.js";
import type { Publisher } from "./publisher.js";
import type { CollectFn } from "./types.js";

export interface Job {
  readonly name: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly collect: CollectFn;
  readonly publisher: Publisher;
}

export interface SchedulerOptions {
  readonly jobs: readonly Job[];
  readonly sink: SampleSink;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  readonly clock?: Clock;
  /** How long stop() waits for runs in progress (a hung statfs cannot be waited for forever). */
  readonly stopWaitMs?: number;
}

export type RunOutcome = "ok" | "error" | "timeout" | "skipped";

export interface JobStats {
  /** Where in each interval this collector fires (the stagger). */
  readonly offsetMs: number;
  readonly runs: number;
  readonly errors: number;
  readonly skipped: number;
  readonly lastDurationMs: number | undefined;
  readonly lastError: string | undefined;
  readonly failing: boolean;
}

interface JobState {
  readonly job: Job;
  readonly offsetMs: number;
  nextSlot: UnixMs | undefined;
  timer: NodeJS.Timeout | undefined;
  inflight: Promise<void> | undefined;
  abort: AbortController | undefined;
  runs: number;
  errors: number;
  skipped: number;
  lastDurationMs: number | undefined;
  lastError: string | undefined;
  failing: boolean;
}

export class CollectorTimeoutError extends Error {
  constructor(name: string, ms: number) {
    super(`collector ${name} took longer than its timeout of ${ms} ms`);
  }
}

class StoppingError extends Error {
  constructor() {
    super("loupe is stopping");
  }
}

/** The first slot at or after `t` of a job firing every `interval` at `offset` past each multiple. */
export function nextSlot(t: UnixMs, intervalMs: number, offsetMs: number): UnixMs {
  return Math.ceil((t - offsetMs) / intervalMs) * intervalMs + offsetMs;
}

/** Rejects when the signal aborts; `done()` detaches it (so 10,000 runs leave no listeners behind). */
function abortable(signal: AbortSignal): { promise: Promise<never>; done(): void } {
  let onAbort: (() => void) | undefined;
  const promise = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  promise.catch(() => undefined);
  return { promise, done: () => signal.removeEventListener("abort", onAbort!) };
}

export class Scheduler {
  private readonly states = new Map<string, JobState>();
  private readonly sink: SampleSink;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly stopWaitMs: number;
  private readonly m: { duration: Gauge; errors: Counter; skipped: Counter; runs: Counter; samples: Gauge; lastRun: Gauge } | undefined;
  /** The once-a-second tick (a timer re-armed at each whole second of the wall clock). */
  private tickTimer: NodeJS.Timeout | undefined;
  private stopping = false;
  private sinkFailing = false;

  constructor(options: SchedulerOptions) {
    this.sink = options.sink;
    this.log = options.log;
    this.clock = options.clock ?? systemClock;
    this.stopWaitMs = options.stopWaitMs ?? 5000;
    const n = options.jobs.length;
    options.jobs.forEach((job, i) => {
      if (this.states.has(job.name)) throw new Error(`collector ${job.name} scheduled twice`);
      this.states.set(job.name, {
        job,
        offsetMs: Math.floor((i * job.intervalMs) / Math.max(1, n)),
        nextSlot: undefined,
        timer: undefined,
        inflight: undefined,
        abort: undefined,
        runs: 0,
        errors: 0,
        skipped: 0,
        lastDurationMs: undefined,
        lastError: undefined,
        failing: false,
      });
    });
    const reg = options.metrics;
    this.m =
      reg === undefined
        ? undefined
        : {
            duration: reg.gauge("loupe_collector_duration_seconds", "duration of the last run of each collector, in seconds", ["collector"]),
            errors: reg.counter("loupe_collector_errors_total", "collector runs that failed or timed out", ["collector"]),
            skipped: reg.counter("loupe_collector_skipped_total", "collector runs skipped because the previous one was still running", ["collector"]),
            runs: reg.counter("loupe_collector_runs_total", "collector runs started", ["collector"]),
            samples: reg.gauge("loupe_collector_samples", "samples published by the last run of each collector", ["collector"]),
            lastRun: reg.gauge("loupe_collector_last_run_timestamp_seconds", "when the last run of each collector started (Unix seconds)", ["collector"]),
          };
    // Every collector's counters exist from the start (0), so rate() over /metrics has a baseline.
    for (const name of this.states.keys()) {
      this.m?.errors.inc({ collector: name }, 0);
      this.m?.skipped.inc({ collector: name }, 0);
      this.m?.runs.inc({ collector: name }, 0);
    }
  }

  get names(): string[] {
    return [...this.states.keys()];
  }

  stats(name: string): JobStats | undefined {
    const s = this.states.get(name);
    if (s === undefined) return undefined;
    return { offsetMs: s.offsetMs, runs: s.runs, errors: s.errors, skipped: s.skipped, lastDurationMs: s.lastDurationMs, lastError: s.lastError, failing: s.failing };
  }

  /**
   * Starts the once-a-second tick, at each whole second of the wall clock. A plain timer rather than
   * node-cron: scheduling a node-cron task costs ~9 MiB of RSS (measured; it formats dates through
   * Intl with time zones), a sixth of an agent's budget (BENCHMARKS.md, agent mode).
   */
  start(): void {
    if (this.tickTimer !== undefined || this.stopping) return;
    const arm = (): void => {
      this.tickTimer = setTimeout(() => {
        if (this.stopping) return;
        this.tick(this.clock.now());
        arm();
      }, 1000 - (Date.now() % 1000));
    };
    arm();
    this.tick(this.clock.now());
  }

  /** Arms a timer for every job whose slot falls before the next tick (one second on). */
  tick(now: UnixMs): void {
    if (this.stopping) return;
    for (const s of this.states.values()) {
      if (s.timer !== undefined) continue;
      s.nextSlot ??= nextSlot(now, s.job.intervalMs, s.offsetMs);
      // Ticks missed (a blocked event loop): run once now, not once per missed slot.
      if (s.nextSlot < now - s.job.intervalMs) s.nextSlot = now;
      // The wall clock stepped back: re-align instead of waiting for it to catch up.
      if (s.nextSlot > now + s.job.intervalMs) s.nextSlot = nextSlot(now, s.job.intervalMs, s.offsetMs);
      if (s.nextSlot >= now + 1000) continue;
      const slot = s.nextSlot;
      s.timer = setTimeout(() => {
        s.timer = undefined;
        s.nextSlot = nextSlot(slot + 1, s.job.intervalMs, s.offsetMs);
        void this.runState(s);
      }, Math.max(0, slot - now));
    }
  }

  /** Runs one collector now (tests, benchmarks); resolves once its samples are written. */
  run(name: string): Promise<RunOutcome> {
    const s = this.states.get(name);
    if (s === undefined) return Promise.reject(new Error(`no collector ${name}`));
    return this.runState(s);
  }

  /** Runs every collector once, concurrently. */
  async runAll(): Promise<Map<string, RunOutcome>> {
    const names = this.names;
    const outcomes = await Promise.all(names.map((n) => this.run(n)));
    return new Map(names.map((n, i) => [n, outcomes[i]!]));
  }

  /** Stops the tick and pending timers, aborts runs in progress and waits for them (bounded). */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer !== undefined) {
      clearTimeout(this.tickTimer);
      this.tickTimer = undefined;
    }
    const waiting: Promise<void>[] = [];
    for (const s of this.states.values()) {
      if (s.timer !== undefined) clearTimeout(s.timer);
      s.timer = undefined;
      s.abort?.abort(new StoppingError());
      if (s.inflight !== undefined) waiting.push(s.inflight);
    }
    if (waiting.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(waiting),
      new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          this.log.warn("collectors still running at stop, not waiting longer", { wait_ms: this.stopWaitMs });
          resolve();
        }, this.stopWaitMs);
      }),
    ]);
    clearTimeout(timer);
  }

  private async runState(s: JobState): Promise<RunOutcome> {
    const { job } = s;
    const now = this.clock.now();
    const labels = { collector: job.name };
    if (s.inflight !== undefined) {
      s.skipped++;
      this.m?.skipped.inc(labels);
      this.log.debug("collector still running, skipping this run", labels);
      await this.write([{ name: `loupe.collector.${job.name}.skipped`, ts: now, value: s.skipped }]);
      return "skipped";
    }
    if (this.stopping) return "skipped";
    s.runs++;
    this.m?.runs.inc(labels);
    const ac = new AbortController();
    s.abort = ac;
    const run = job.publisher.begin(now, ac.signal);
    const t0 = performance.now();
    const work = (async () => job.collect(run.ctx))();
    s.inflight = work.then(
      () => undefined,
      () => undefined,
    );
    void s.inflight.then(() => {
      s.inflight = undefined;
      if (s.abort === ac) s.abort = undefined;
    });
    const timer = setTimeout(() => ac.abort(new CollectorTimeoutError(job.name, job.timeoutMs)), job.timeoutMs);
    const aborted = abortable(ac.signal);
    let outcome: RunOutcome = "ok";
    let error: unknown;
    try {
      await Promise.race([work, aborted.promise]);
      run.commit();
    } catch (err) {
      error = err;
      outcome = err instanceof CollectorTimeoutError ? "timeout" : "error";
    } finally {
      clearTimeout(timer);
      aborted.done();
    }
    const duration = performance.now() - t0;
    s.lastDurationMs = duration;
    this.m?.duration.set(labels, duration / 1000);
    this.m?.lastRun.set(labels, now / 1000);
    const stopped = error instanceof StoppingError;
    if (outcome !== "ok" && !stopped) {
      s.errors++;
      s.lastError = errorMessage(error);
      this.m?.errors.inc(labels);
      this.log.debug("collector run failed", { ...labels, outcome, err: s.lastError });
      if (!s.failing) this.log.warn("collector failing", { ...labels, outcome, err: s.lastError });
      s.failing = true;
    } else if (outcome === "ok" && s.failing) {
      s.failing = false;
      this.log.info("collector recovered", { ...labels, errors: s.errors });
    }
    const samples: Sample[] = outcome === "ok" ? run.samples : [];
    this.m?.samples.set(labels, samples.length);
    const self = `loupe.collector.${job.name}`;
    samples.push(
      { name: `${self}.duration_seconds`, ts: now, value: Math.round(duration * 1000) / 1e6 },
      { name: `${self}.errors`, ts: now, value: s.errors },
      { name: `${self}.skipped`, ts: now, value: s.skipped },
    );
    await this.write(samples);
    return stopped ? "skipped" : outcome;
  }

  private async write(samples: readonly Sample[]): Promise<void> {
    try {
      await this.sink.write(samples);
      if (this.sinkFailing) this.log.info("collector samples accepted again by the store");
      this.sinkFailing = false;
    } catch (err) {
      if (!this.sinkFailing && !this.stopping) this.log.warn("store refused collector samples", { err: errorMessage(err) });
      this.sinkFailing = true;
    }
  }
}
