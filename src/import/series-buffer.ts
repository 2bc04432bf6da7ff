/**
 * Points gathered per series between two writes, so that each series goes to the store as one
 * history call (a few thousand points) rather than point by point; bounded by the caller, which
 * flushes once `points` passes its budget.
 */
import { seriesKey, type Sample } from "../model/index.js";
import { putSeries, type ImportRun } from "./run.js";

export class SeriesBuffer {
  private readonly byKey = new Map<string, { ts: number[]; vs: number[] }>();
  points = 0;

  add(key: string, ts: number, v: number): void {
    let s = this.byKey.get(key);
    if (s === undefined) this.byKey.set(key, (s = { ts: [], vs: [] }));
    s.ts.push(ts);
    s.vs.push(v);
    this.points++;
  }

  addSamples(samples: readonly Sample[]): void {
    for (const smp of samples) this.add(seriesKey(smp.name, smp.tags), smp.ts, smp.value);
  }

  /** Writes every series gathered (counted as series written, once per flush) and empties the buffer. */
  async flush(run: ImportRun, seen: Set<string>): Promise<void> {
    for (const [key, s] of this.byKey) {
      const before = run.counts.series;
      await putSeries(run, { key, ts: s.ts, values: s.vs });
      if (seen.has(key)) run.counts.series = before;
      seen.add(key);
    }
    this.byKey.clear();
    this.points = 0;
  }
}
