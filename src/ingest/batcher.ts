/**
 * Collects samples from many connections into batches for a SampleSink and applies back-pressure:
 * when more than `maxPending` points are waiting for the sink (queued or being written), listeners
 * are told to pause reading their sockets, and to resume once the sink has caught up below half
 * of it. A batch is sent when it reaches `maxBatch` points, otherwise at the end of the current
 * event-loop turn (so every packet read in one turn shares one write).
 */
import type { Sample, SampleSink } from "../model/index.js";

export interface BatcherOptions {
  readonly maxBatch?: number;
  readonly maxPending?: number;
  /** Called with the failed batch's size and the error when the sink rejects a write. */
  readonly onError?: (points: number, err: unknown) => void;
  readonly onWritten?: (points: number) => void;
}

export class SampleBatcher {
  private batch: Sample[] = [];
  private scheduled = false;
  private pending = 0;
  private paused = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly listeners = new Set<(paused: boolean) => void>();
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(
    private readonly sink: SampleSink,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 16_384;
    this.maxPending = options.maxPending ?? 500_000;
  }

  /** Points accepted but not yet written (queued + in flight). */
  get pendingPoints(): number {
    return this.pending;
  }

  /** Twice over the bound: sources that cannot be paused (UDP) drop instead. */
  get overloaded(): boolean {
    return this.pending > 2 * this.maxPending;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Listeners learn when to pause (true) and resume (false). Returns an unsubscribe. */
  onPressure(fn: (paused: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  add(s: Sample): void {
    const b = this.batch;
    b.push(s);
    this.pending++;
    if (b.length >= this.maxBatch) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushSoon);
    }
    if (!this.paused && this.pending > this.maxPending) this.setPaused(true);
  }

  private readonly flushSoon = (): void => {
    this.scheduled = false;
    this.flush();
  };

  /** Sends the current batch now (if any). */
  flush(): void {
    const b = this.batch;
    if (b.length === 0) return;
    this.batch = [];
    let p: Promise<void>;
    try {
      p = this.sink.write(b);
    } catch (err) {
      p = Promise.reject(err);
    }
    const done = p.then(
      () => {
        this.settle(b.length);
        this.options.onWritten?.(b.length);
      },
      (err: unknown) => {
        this.settle(b.length);
        this.options.onError?.(b.length, err);
      },
    );
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done));
  }

  /** Flushes and waits until every write so far has settled. */
  async drain(): Promise<void> {
    this.flush();
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  private settle(n: number): void {
    this.pending -= n;
    if (this.paused && this.pending <= this.maxPending / 2) this.setPaused(false);
  }

  private setPaused(p: boolean): void {
    this.paused = p;
    for (const fn of this.listeners) fn(p);
  }
}
