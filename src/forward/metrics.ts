/** The forwarders' families on /metrics (Prometheus base units), shared by every forwarder. */
import type { Counter, MetricsRegistry } from "../lib/metrics.js";

export const DROP_REASONS = ["max_bytes", "max_age", "corrupt", "refused", "unrepresentable", "unencodable", "queue_error"] as const;

export interface ForwardMetrics {
  readonly sent: Counter;
  readonly retried: Counter;
  readonly dropped: Counter;
  readonly duplicates: Counter;
  droppedTotal(forwarder: string): number;
}

export function forwardMetrics(metrics: MetricsRegistry): ForwardMetrics {
  const dropped = metrics.counter("loupe_forward_dropped_points_total", "points a forwarder gave up on, by reason (max_bytes, max_age: queue bounds; refused: the target refused the batch (4xx); unrepresentable: NaN/Inf the protocol cannot carry; corrupt, unencodable, queue_error)", ["forwarder", "reason"]);
  return {
    sent: metrics.counter("loupe_forward_sent_points_total", "points a forwarder's target acknowledged", ["forwarder"]),
    retried: metrics.counter("loupe_forward_retried_batches_total", "batch deliveries that failed and were retried after a backoff", ["forwarder"]),
    dropped,
    duplicates: metrics.counter("loupe_forward_possible_duplicate_points_total", "points sent again after a failure that came after all their bytes were written (graphite: the peer may have read them)", ["forwarder"]),
    droppedTotal: (forwarder) => DROP_REASONS.reduce((sum, reason) => sum + dropped.get({ forwarder, reason }), 0),
  };
}
