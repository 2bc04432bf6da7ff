/** What every `loupe import <kind>` run shares: destination, resume state, progress, counts. */
import type { Logger } from "../lib/logger.js";
import type { Destination, SeriesHistory } from "./destination.js";
import type { Counts, Progress } from "./progress.js";
import type { StateFile } from "./state.js";

export interface ImportRun {
  readonly dest: Destination;
  readonly state: StateFile;
  readonly progress: Progress;
  readonly counts: Counts;
  readonly log: Logger;
  /** Stop after this many units of work (tests, trial runs); undefined = all. */
  readonly limit: number | undefined;
  /** Problems that did not stop the import (bad files, refused lines), printed at the end. */
  readonly problems: string[];
  /** Wall clock, ms. */
  readonly now: number;
}

/** Writes one series and adds the outcome to the counts. */
export async function putSeries(run: ImportRun, h: SeriesHistory): Promise<void> {
  const r = await run.dest.put(h);
  run.counts.series++;
  run.counts.added += r.added;
  run.counts.alreadyStored += r.alreadyStored;
  run.counts.skipped += r.skipped;
  run.counts.refused += r.refused;
}

/** Whether the run reached its --limit of units done in this run. */
export function limitReached(run: ImportRun, doneThisRun: number): boolean {
  return run.limit !== undefined && doneThisRun >= run.limit;
}
