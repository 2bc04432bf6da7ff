/**
 * The store's series budget (`[store] max_series`): new series beyond it are refused and counted,
 * and at most that many series hold a head (the head arrays are the per-series memory that grows
 * with writes). The same budget applies while the WAL is replayed at start, so a restart cannot
 * use more memory than the run before it: replay goes oldest segment first, and the points of a
 * series that would need a head beyond the budget are skipped and counted.
 *
 * Refusals are logged at most once a minute (with how many since the last line and an example).
 */
import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/logger.js";

const LOG_EVERY_MS = 60_000;

export class SeriesBudget {
  /** New series refused because the store held max_series. */
  seriesRefused = 0;
  /** Points dropped because their series was refused or could not get a head within the budget. */
  pointsRefused = 0;
  /** Points skipped during WAL replay because their series could not get a head within the budget. */
  replaySkipped = 0;
  /** Series holding head arrays. */
  heads = 0;
  private lastLog = -Infinity;
  private sinceLog = 0;

  constructor(
    readonly maxSeries: number,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {}

  /** How many new series may be created when `have` exist. */
  room(have: number): number {
    return Math.max(0, this.maxSeries - have);
  }

  /** Counts refused new series (keys) and logs at most once a minute. */
  refuseSeries(keys: readonly string[]): void {
    if (keys.length === 0) return;
    this.seriesRefused += keys.length;
    this.sinceLog += keys.length;
    const now = this.clock.now();
    if (now - this.lastLog < LOG_EVERY_MS) return;
    this.log.warn("series limit reached: new series refused, existing series keep being written", {
      max_series: this.maxSeries,
      refused_since_last_line: this.sinceLog,
      refused_total: this.seriesRefused,
      example: keys[0]!.slice(0, 200),
      next_step: "raise [store] max_series if the host has the memory (docs/format/memory.md), or delete unused series",
    });
    this.lastLog = now;
    this.sinceLog = 0;
  }

  /** Takes a head for a series that has none; false when the budget is spent. */
  takeHead(replaying: boolean): boolean {
    if (this.heads < this.maxSeries) {
      this.heads++;
      return true;
    }
    if (replaying) this.replaySkipped++;
    else this.pointsRefused++;
    return false;
  }

  /** A series holding a head was deleted. */
  releaseHead(): void {
    if (this.heads > 0) this.heads--;
  }
}
