/**
 * Collects samples from many connections into batches for a SampleSink and applies back-pressure:
 * when more than `maxPending` points are waiting for the sink (queued or being written), listeners
 * are told to pause reading their sockets, and to resume once the sink has caught up below half
 * of it. A batch is sent when it reaches `maxBatch` points, otherwise at the end of the current
 * event-loop turn (so every packet read in one turn shares one write).
 */
import type { Sample, SampleSink } from "../model/index.js";

/**
 * What a sink may offer beyond SampleSink for ingest's fast path: points of series it already
 * knows, resolved once by key and written as columns (no Sample object, no key lookup per point).
 * The tsdb store offers it (ResolvedWrites in src/store/api.ts, the same shape; ingest does not
 * import the store).
 */
export interface ColumnarSink {
  /** Id of an existing series by canonical key; undefined when it does not exist yet. */
  seriesId(key: string): number | undefined;
  /** Changes whenever series are deleted: ids resolved before must be resolved again. */
  readonly seriesEpoch: number;
  /** Like write(); the arrays are read before it returns (the caller may reuse them at once). */
  writeResolved(ids: Float64Array, ts: Float64Array, values: Float64Array, n: number): Promise<void>;
}

/** The sink ingest writes to: a SampleSink, perhaps with the columnar fast path. */
export type IngestSink = SampleSink & Partial<ColumnarSink>;

/** The fast path of a sink, when it has all of it. */
export function columnarOf(sink: IngestSink): ColumnarSink | undefined {
  return typeof sink.writeResolved === "function" && typeof sink.seriesId === "function" && typeof sink.seriesEpoch === "number" ? (sink as ColumnarSink) : undefined;
}

export interface BatcherOptions {
  readonly maxBatch?: number;
  readonly maxPending?: number;
  /** Called with the failed batch's size and the error when the sink rejects a write. */
  readonly onError?: (points: number, err: unknown) => void;
  readonly onWritten?: (points: number) => void;
  /**
   * Turns a resolved point back into a Sample (`ref` as given to addResolved), for the rare batch
   * whose ids went stale (series deleted before it was sent). Required for addResolved.
   */
  readonly toSample?: (ref: string, ts: number, value: number) => Sample;
}

export class SampleBatcher {
  private batch: Sample[] = [];
  // resolved points (columnar fast path): ids, timestamps, values, and what each came from
  private readonly columnar: ColumnarSink | undefined;
  private cIds: Float64Array;
  private cTs: Float64Array;
  private cVs: Float64Array;
  private cRefs: string[] = [];
  private cN = 0;
  /** The sink's seriesEpoch when the resolved points now queued were resolved. */
  private cEpoch = 0;
  private scheduled = false;
  private pending = 0;
  private paused = false;
  private readonly inflight = new Set<Promise<void>>();
  private readonly listeners = new Set<(paused: boolean) => void>();
  private readonly maxBatch: number;
  private readonly maxPending: number;

  constructor(
    private readonly sink: IngestSink,
    private readonly options: BatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 16_384;
    this.maxPending = options.maxPending ?? 500_000;
    this.columnar = options.toSample !== undefined ? columnarOf(sink) : undefined;
    const size = this.columnar !== undefined ? Math.min(this.maxBatch, 1 << 16) : 0;
    this.cIds = new Float64Array(size);
    this.cTs = new Float64Array(size);
    this.cVs = new Float64Array(size);
  }

  /** The sink's columnar fast path, when it has one (and this batcher can fall back from it). */
  get resolved(): ColumnarSink | undefined {
    return this.columnar;
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

  /**
   * A point of a series the sink knows by `id` (from `resolved.seriesId`, under the sink's current
   * seriesEpoch); `ref` is what toSample needs to rebuild it. Needs `resolved`. Callers flush before
   * they use ids resolved under a newer epoch (the handler does when it sees the epoch change), so a
   * batch's ids share one epoch.
   */
  addResolved(id: number, ts: number, value: number, ref: string): void {
    let k = this.cN;
    if (k === 0) this.cEpoch = this.columnar!.seriesEpoch;
    else if (k === this.cIds.length) {
      this.flush();
      k = 0;
      this.cEpoch = this.columnar!.seriesEpoch;
    }
    this.cIds[k] = id;
    this.cTs[k] = ts;
    this.cVs[k] = value;
    this.cRefs[k] = ref;
    this.cN = k + 1;
    this.pending++;
    if (this.batch.length + k + 1 >= this.maxBatch) this.flush();
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
    let k = this.cN;
    if (b.length === 0 && k === 0) return;
    const col = this.columnar;
    if (k > 0 && col!.seriesEpoch !== this.cEpoch) {
      // series were deleted since these ids were resolved: send them as samples (write() looks
      // their keys up again, creating them anew), after the samples queued before them
      const toSample = this.options.toSample!;
      for (let i = 0; i < k; i++) b.push(toSample(this.cRefs[i]!, this.cTs[i]!, this.cVs[i]!));
      k = 0;
    }
    this.cN = 0;
    this.batch = [];
    const total = b.length + k;
    let p: Promise<void>;
    try {
      // samples first: a series' first points are samples (it did not exist yet), later ones resolved
      if (b.length > 0 && k > 0) p = Promise.all([this.sink.write(b), col!.writeResolved(this.cIds, this.cTs, this.cVs, k)]).then(() => undefined);
      else if (k > 0) p = col!.writeResolved(this.cIds, this.cTs, this.cVs, k);
      else p = this.sink.write(b);
    } catch (err) {
      p = Promise.reject(err);
    }
    const done = p.then(
      () => {
        this.settle(total);
        this.options.onWritten?.(total);
      },
      (err: unknown) => {
        this.settle(total);
        this.options.onError?.(total, err);
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
