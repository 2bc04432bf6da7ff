/**
 * The collector contract shared by built-ins and plugins: a definition declares its name, whether
 * it is on by default, its own `[collector.<name>]` options, and how to make a collect function.
 * The framework (scheduler.ts, publisher.ts) times every run, builds Diamond paths, turns counters
 * into per-second rates and applies whitelist/blacklist; a collector only reads and reports.
 */
import type { SectionSpec, SectionValues } from "../config/index.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { UnixMs } from "../model/index.js";
import type { ProcFs } from "./procfs.js";

/** Handed to every run of a collector. Names are relative to the collector path (`total.user`). */
export interface CollectContext {
  /** Start time of this run. */
  readonly now: UnixMs;
  /** Aborted when the run exceeds its timeout or Loupe is stopping. */
  readonly signal: AbortSignal;
  /** Publishes a value as it is. */
  gauge(name: string, value: number): void;
  /**
   * Publishes the per-second rate of a monotonically increasing counter (Diamond's publish_counter).
   * The first sample only primes; a decrease is a wrap when `max` is given and the counter was in
   * its upper half, else a reset that re-primes: no bogus spikes either way.
   */
  counter(name: string, value: number, max?: number): void;
  /** The raw change of a counter since the previous run (same rules), without publishing it. */
  change(key: string, value: number, max?: number): { readonly delta: number; readonly seconds: number } | undefined;
}

export type CollectFn = (ctx: CollectContext) => Promise<void> | void;

/** What a collector gets when it is created. */
export interface CollectorEnv {
  readonly procfs: ProcFs;
  readonly log: Logger;
  /** /metrics, for a collector's own limits (absent in some tests). */
  readonly metrics?: MetricsRegistry;
  /**
   * Counts a bound being hit (`loupe_collector_limit_hits_total{collector,limit}` on /metrics): `limit`
   * is the option's key (top_n, command_timeout, statfs_timeout). Absent in tests that do not care.
   */
  readonly limitHit?: (limit: string, by?: number) => void;
}

export interface CollectorDefinition<S extends SectionSpec = SectionSpec> {
  /** Lowercase identifier: `[collector.<name>]`, `loupe.collector.<name>.*`. */
  readonly name: string;
  /** One line for `loupe setup --list` and config.example.ini. */
  readonly help: string;
  /** Metric path segment after the host (Diamond's `path`); defaults to the name. */
  readonly path?: string;
  readonly enabledByDefault: boolean;
  /** The collector's own options (the framework adds enabled, interval, timeout, whitelist, blacklist). */
  readonly options: S;
  /** Where the definition came from: "built-in" or a plugin file. */
  readonly source?: string;
  /** Called once per scheduler start; state between runs lives in the returned closure. */
  create(options: SectionValues<S>, env: CollectorEnv): CollectFn;
}

/** A definition with its option types erased, as the registry holds them. */
export type AnyCollectorDefinition = CollectorDefinition<SectionSpec>;

/** Declares a built-in collector with typed options. */
export function defineCollector<S extends SectionSpec>(def: CollectorDefinition<S>): AnyCollectorDefinition {
  return def as unknown as AnyCollectorDefinition;
}

/** The largest value of an unsigned 32- and 64-bit kernel counter (for wrap detection). */
export const MAX_U32 = 4294967295;
export const MAX_U64 = 18446744073709551615;
