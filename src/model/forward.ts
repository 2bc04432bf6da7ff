/** One forwarder's state (`[forward.<name>]`): reported by src/forward, shown by the status page and /metrics. */
export interface ForwarderStatus {
  readonly name: string;
  /** `remote_write`, `graphite`, `influx`. */
  readonly type: string;
  /** Where it sends (host:port or the URL), without credentials. */
  readonly target: string;
  readonly queuedBytes: number;
  readonly queuedRecords: number;
  readonly queuedPoints: number;
  /** Age of the oldest point not yet delivered, seconds. */
  readonly lagSeconds: number;
  readonly sent: number;
  readonly retried: number;
  readonly dropped: number;
  readonly lastError?: string | undefined;
}
