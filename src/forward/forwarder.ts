/**
 * One `[forward.<name>]`: points matching include/exclude are encoded into the disk queue at once
 * (durable when `enqueue` returns); one loop takes batches of up to batch_size points from the
 * queue — as soon as the batch is full, or when its oldest point has waited batch_max_wait — and hands
 * them to the Target, one batch in flight. Acknowledged batches leave the queue; retryable failures
 * wait (exponential backoff with full jitter, retry_min..retry_max) and send the same batch again;
 * refused batches are dropped and counted. At least once: a batch leaves the queue only after the
 * target acknowledged it, so a restart (or kill -9) sends what was not acknowledged again.
 */
import type { Clock } from "../lib/clock.js";
import type { DiskQueue } from "../lib/disk-queue.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Sample } from "../model/index.js";
import { decodeSamples, encodeSamples } from "./encode.js";
import type { NameFilter } from "./filter.js";
import type { ForwardMetrics } from "./metrics.js";
import { DeliveryError, type Target } from "./target.js";

import type { ForwarderStatus } from "../model/index.js";
export type { ForwarderStatus };

export interface ForwarderParts {
  readonly name: string;
  readonly targetLabel: string;
  readonly target: Target;
  readonly queue: DiskQueue;
  readonly filter: NameFilter;
  readonly batchSize: number;
  readonly batchMaxWaitMs: number;
  readonly timeoutMs: number;
  readonly retryMinMs: number;
  readonly retryMaxMs: number;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: ForwardMetrics;
  readonly random?: () => number;
}

/** Full jitter between retry_min and min(retry_max, retry_min · 2^(failures+1)). */
export function backoffMs(failures: number, minMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(failures + 1, 30));
  return minMs + random() * (cap - minMs);
}

export class Forwarder {
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private draining = false;
  private stopped = false;
  private inFlight: AbortController | undefined;
  private failures = 0;
  private lastError: string | undefined;
  private lastErrorLogged = 0;

  constructor(private readonly p: ForwarderParts) {}

  get name(): string {
    return this.p.name;
  }

  /** Queues the points this forwarder takes; durable when it returns. Never throws: a queue failure is logged and counted. */
  enqueue(batch: readonly Sample[]): void {
    if (this.stopped) return;
    const mine = batch.filter((s) => this.p.filter(s.name));
    if (mine.length === 0) return;
    const records = [];
    for (let i = 0; i < mine.length; i += this.p.batchSize) {
      const chunk = mine.slice(i, i + this.p.batchSize);
      try {
        records.push({ payload: encodeSamples(chunk), count: chunk.length });
      } catch (err) {
        this.drop("unencodable", chunk.length, err);
      }
    }
    try {
      this.p.queue.append(records);
    } catch (err) {
      this.drop("queue_error", mine.length, err);
      return;
    }
    this.wake?.();
  }

  start(): void {
    this.loop ??= this.run().catch((err: unknown) => this.p.log.error("forwarder loop failed", { err: errorMessage(err) }));
  }

  private drop(reason: string, points: number, err?: unknown): void {
    this.p.metrics.dropped.inc({ forwarder: this.p.name, reason }, points);
    if (err !== undefined) this.noteError(`${reason}: ${errorMessage(err)}`);
  }

  private noteError(message: string): void {
    this.lastError = message;
    const now = this.p.clock.now();
    if (now - this.lastErrorLogged >= 60_000) {
      this.lastErrorLogged = now;
      this.p.log.warn("forwarding failed", { err: message, queued_points: this.p.queue.stats().items });
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = Number.isFinite(ms) ? setTimeout(done, Math.max(0, ms)) : undefined;
      this.wake = done;
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const st = this.p.queue.stats();
      if (st.records === 0) {
        if (this.draining) return;
        await this.sleep(Infinity);
        continue;
      }
      if (!this.draining && st.items < this.p.batchSize && st.oldestTs !== undefined) {
        const wait = st.oldestTs + this.p.batchMaxWaitMs - this.p.clock.now();
        if (wait > 0) {
          await this.sleep(wait);
          continue;
        }
      }
      await this.sendOne();
    }
  }

  /** Sends the oldest batch once: acknowledged or refused → off the queue; retryable → backoff. */
  private async sendOne(): Promise<void> {
    const records = this.p.queue.peek({ maxItems: this.p.batchSize });
    const samples: Sample[] = [];
    try {
      for (const r of records) decodeSamples(r.payload, samples);
    } catch (err) {
      this.p.queue.ack(records.length);
      return this.drop("corrupt", records.reduce((a, r) => a + r.count, 0), err);
    }
    const ctl = new AbortController();
    this.inFlight = ctl;
    const timer = setTimeout(() => ctl.abort(), this.p.timeoutMs);
    try {
      await this.p.target.send(samples, ctl.signal);
      this.p.queue.ack(records.length);
      this.p.metrics.sent.inc({ forwarder: this.p.name }, samples.length);
      this.failures = 0;
    } catch (err) {
      if (err instanceof DeliveryError && !err.retryable) {
        this.p.queue.ack(records.length);
        this.drop("refused", samples.length, err);
        return;
      }
      this.p.metrics.retried.inc({ forwarder: this.p.name });
      this.noteError(errorMessage(err));
      if (!this.stopped) await this.sleep(backoffMs(this.failures++, this.p.retryMinMs, this.p.retryMaxMs, this.p.random ?? Math.random));
    } finally {
      clearTimeout(timer);
      this.inFlight = undefined;
    }
  }

  status(): ForwarderStatus {
    const st = this.p.queue.stats();
    const labels = { forwarder: this.p.name };
    return {
      name: this.p.name,
      type: this.p.target.type,
      target: this.p.targetLabel,
      queuedBytes: st.bytes,
      queuedRecords: st.records,
      queuedPoints: st.items,
      lagSeconds: st.oldestTs === undefined ? 0 : Math.max(0, (this.p.clock.now() - st.oldestTs) / 1000),
      sent: this.p.metrics.sent.get(labels),
      retried: this.p.metrics.retried.get(labels),
      dropped: this.p.metrics.droppedTotal(this.p.name),
      ...(this.lastError !== undefined ? { lastError: this.lastError } : {}),
    };
  }

  /** Sends what it can within `graceMs` (no batch_max_wait), then aborts; the queue keeps the rest. */
  async stop(graceMs: number): Promise<void> {
    if (this.stopped) return;
    this.draining = true;
    this.wake?.();
    if (this.loop !== undefined) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([this.loop, new Promise<void>((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
    }
    this.stopped = true;
    this.inFlight?.abort();
    this.wake?.();
    await this.loop;
    await this.p.target.close();
    this.p.queue.close();
  }
}
