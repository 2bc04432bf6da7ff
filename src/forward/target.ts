/**
 * One destination a forwarder delivers to (`[forward.<name>] type = remote_write | graphite | influx`).
 * The forwarder (queue, batching, retries, metrics) is the same for every type; a Target only turns a
 * batch into its protocol and sends it.
 */
import type { Sample } from "../model/index.js";

/** Why a send failed, and whether trying the same batch again can succeed. */
export class DeliveryError extends Error {
  constructor(
    message: string,
    /** true: network error, timeout, 5xx, 429 — retried with backoff; false: the peer refused the data (4xx) — dropped and counted. */
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DeliveryError";
  }
}

export interface Target {
  /** `remote_write`, `graphite`, `influx`. */
  readonly type: string;
  /**
   * Sends one batch; resolves once the peer acknowledged all of it (HTTP 2xx, or the TCP write flushed),
   * rejects with a DeliveryError. Aborting `signal` (timeout, shutdown) rejects with a retryable error.
   */
  send(batch: readonly Sample[], signal: AbortSignal): Promise<void>;
  /** Closes connections; the forwarder calls it once, after the last send. */
  close(): Promise<void>;
}
