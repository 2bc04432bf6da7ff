/** A SampleSink for ingest tests: records batches; writes can be held back to test back-pressure. */
import type { Sample, SampleSink } from "../../src/model/index.js";

export class RecordingSink implements SampleSink {
  readonly batches: Sample[][] = [];
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  failWith: Error | undefined;

  get samples(): Sample[] {
    return this.batches.flat();
  }

  /** Holds every write until release(). */
  hold(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async write(batch: readonly Sample[]): Promise<void> {
    if (this.failWith !== undefined) throw this.failWith;
    if (this.gate !== undefined) await this.gate;
    this.batches.push([...batch]);
  }

  /** Resolves once at least n samples (by name filter) have arrived, or rejects after ms. */
  async waitFor(n: number, ms = 5000, filter: (s: Sample) => boolean = () => true): Promise<Sample[]> {
    const deadline = Date.now() + ms;
    for (;;) {
      const got = this.samples.filter(filter);
      if (got.length >= n) return got;
      if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${n} samples, got ${got.length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
