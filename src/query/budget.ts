/**
 * What one request may cost: a wall-clock deadline (`[query] timeout`) checked inside the long loops
 * of evaluation (series fetched in batches, every function call, find/expand over many patterns),
 * and the series and points read from the store summed over all the request's targets
 * (`[query] max_series`, `[query] max_points`). Exceeding one fails the request with an error naming
 * the config key; `onExceeded` counts it (loupe_query_limit_exceeded_total on /metrics).
 */
import { LoupeError } from "../lib/errors.js";
import type { MetricsRegistry } from "../lib/metrics.js";

export interface QueryLimits {
  /** Wall-clock budget of one request, ms. */
  readonly timeoutMs: number;
  /** Series read from the store by one request, all targets together. */
  readonly maxSeries: number;
  /** Values (series × buckets) read from the store by one request, all targets together. */
  readonly maxPoints: number;
  /** Targets one /render request may carry (500 when absent). */
  readonly maxTargets?: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { timeoutMs: 10_000, maxSeries: 50_000, maxPoints: 10_000_000, maxTargets: 500 };
const DEFAULT_MAX_TARGETS = 500;

export type QueryLimitName = "timeout" | "max_series" | "max_points" | "max_regex_size" | "max_targets";

/** A request-wide limit: once hit, the request's remaining targets are not evaluated. */
export class QueryLimitError extends LoupeError {
  readonly limit: QueryLimitName;
  constructor(limit: QueryLimitName, code: string, message: string, status: number) {
    super(code, message, { status });
    this.limit = limit;
  }
}

export interface QueryBudgetOptions {
  /** Monotonic milliseconds (performance.now by default; tests pass a fake). */
  readonly now?: () => number;
  readonly onExceeded?: (limit: QueryLimitName) => void;
}

export class QueryBudget {
  private readonly deadline: number;
  private readonly now: () => number;
  private readonly onExceeded: (limit: QueryLimitName) => void;
  private seriesUsed = 0;
  private pointsUsed = 0;

  constructor(
    readonly limits: QueryLimits = DEFAULT_QUERY_LIMITS,
    options: QueryBudgetOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.onExceeded = options.onExceeded ?? (() => undefined);
    this.deadline = this.now() + limits.timeoutMs;
  }

  get series(): number {
    return this.seriesUsed;
  }

  get points(): number {
    return this.pointsUsed;
  }

  /** Counts a refusal by a limit enforced elsewhere (a regex over [query] max_regex_size). */
  countExceeded(limit: QueryLimitName): void {
    this.onExceeded(limit);
  }

  private fail(limit: QueryLimitName, code: string, message: string, status: number): never {
    this.onExceeded(limit);
    throw new QueryLimitError(limit, code, message, status);
  }

  /** Throws query_timeout (503) once the request has run longer than [query] timeout. */
  check(doing: string): void {
    if (this.now() <= this.deadline) return;
    this.fail(
      "timeout",
      "query_timeout",
      `the request ran longer than [query] timeout (${this.limits.timeoutMs} ms) while ${doing}: use a shorter range, maxDataPoints or fewer series`,
      503,
    );
  }

  /** Refuses before reading when `series` more series would pass [query] max_series. */
  takeSeries(series: number, what: string): void {
    if (this.seriesUsed + series > this.limits.maxSeries)
      this.fail(
        "max_series",
        "too_many_series",
        `${what} matches ${series} series; with the ${this.seriesUsed} already read by this request that is more than [query] max_series = ${this.limits.maxSeries} (summed over all targets): narrow the globs or split the request`,
        400,
      );
    this.seriesUsed += series;
  }

  /** Gives back part of a reservation that the read did not use. */
  refundPoints(points: number): void {
    this.pointsUsed = Math.max(0, this.pointsUsed - points);
  }

  /** Refuses a request carrying more than [query] max_targets targets, before any is evaluated. */
  takeTargets(targets: number): void {
    const max = this.limits.maxTargets ?? DEFAULT_MAX_TARGETS;
    if (targets > max) this.fail("max_targets", "too_many_targets", `the request has ${targets} targets, more than [query] max_targets = ${max}: split it into several requests`, 400);
  }

  /** Refuses before reading when `points` more values would pass [query] max_points. */
  takePoints(points: number, what: string): void {
    if (this.pointsUsed + points > this.limits.maxPoints)
      this.fail(
        "max_points",
        "too_many_points",
        `${what} would read ${points} points; with the ${this.pointsUsed} already read by this request that is more than [query] max_points = ${this.limits.maxPoints} (summed over all targets): use maxDataPoints, a shorter range or fewer targets`,
        400,
      );
    this.pointsUsed += points;
  }
}

/**
 * A budget per request with the configured limits, each refusal counted on /metrics as
 * loupe_query_limit_exceeded_total{limit="timeout|max_series|max_points"}.
 */
export function queryBudgets(limits: QueryLimits = DEFAULT_QUERY_LIMITS, metrics?: MetricsRegistry): () => QueryBudget {
  const exceeded = metrics?.counter("loupe_query_limit_exceeded_total", "requests refused by a [query] limit (timeout, max_series, max_points, max_regex_size, max_targets)", ["limit"]);
  const onExceeded = (limit: QueryLimitName): void => exceeded?.inc({ limit });
  return () => new QueryBudget(limits, { onExceeded });
}
