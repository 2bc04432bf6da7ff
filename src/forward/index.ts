/**
 * Forwarding: every `[forward.<name>]` gets a disk queue at `<paths.data>/forward/<name>/`, a filter and
 * a target; `Forwarders.write` hands each of them the points (the tee sink main.ts builds).
 */
import { join } from "node:path";
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import { DiskQueue } from "../lib/disk-queue.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { Sample, SampleSink } from "../model/index.js";
import { readForwarders } from "./config.js";
import { createTarget, targetLabel } from "./factory.js";
import { nameFilter } from "./filter.js";
import { Forwarder, type ForwarderStatus } from "./forwarder.js";
import { forwardMetrics } from "./metrics.js";

export { readForwarders, FORWARD_PREFIX, type ForwarderConfig } from "./config.js";
export { Forwarder, backoffMs, type ForwarderStatus } from "./forwarder.js";
export { DeliveryError, type Target } from "./target.js";
export { encodeSamples, decodeSamples } from "./encode.js";
export { graphiteLines } from "./targets/graphite.js";
export { influxLines, influxWriteUrl } from "./targets/influx.js";

export interface Forwarders {
  /** Enabled forwarders (may be none). */
  readonly count: number;
  /** Queues the points on every forwarder (durable on return; never rejects for a forwarder's sake). */
  write(batch: readonly Sample[]): void;
  status(): ForwarderStatus[];
  /** Flushes what each can within `graceMs`, then stops; the queues keep the rest for the next start. */
  stop(graceMs?: number): Promise<void>;
}

export interface ForwardDeps {
  readonly config: Config;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics: MetricsRegistry;
}

export const DEFAULT_STOP_GRACE_MS = 5000;

/** Opens the queues and starts every enabled forwarder; throws ConfigError(s) for a bad section. */
export function startForwarders(deps: ForwardDeps): Forwarders {
  const { config, clock } = deps;
  const fm = forwardMetrics(deps.metrics);
  const list: Forwarder[] = [];
  try {
    for (const f of readForwarders(config).filter((x) => x.enabled)) {
      const log = deps.log.child({ module: "forward", forwarder: f.name });
      const queue = DiskQueue.open({
        dir: join(config.paths.data, "forward", f.name),
        maxBytes: f.queue_max_bytes,
        maxAgeMs: f.queue_max_age,
        now: () => clock.now(),
        onDrop: (reason, records, items) => {
          fm.dropped.inc({ forwarder: f.name, reason }, items);
          log.warn("forward queue dropped points", { reason, records, points: items, queue_max_bytes: f.queue_max_bytes, queue_max_age_ms: f.queue_max_age });
        },
      });
      const label = targetLabel(f);
      const fw = new Forwarder({ name: f.name, targetLabel: label, target: createTarget(f, config, fm), queue, filter: nameFilter(f.include, f.exclude), batchSize: f.batch_size, batchMaxWaitMs: f.batch_max_wait, timeoutMs: f.timeout, retryMinMs: f.retry_min, retryMaxMs: f.retry_max, log, clock, metrics: fm });
      list.push(fw);
      const st = queue.stats();
      log.info("forwarder started", { type: f.type, target: label, queued_points: st.items, queued_bytes: st.bytes });
    }
  } catch (err) {
    for (const fw of list) void fw.stop(0);
    throw err;
  }
  for (const fw of list) fw.start();
  deps.metrics.collect(() => list.flatMap((fw) => gauges(fw.status())));
  return {
    count: list.length,
    write: (batch) => {
      for (const fw of list) fw.enqueue(batch);
    },
    status: () => list.map((fw) => fw.status()),
    stop: async (graceMs = DEFAULT_STOP_GRACE_MS) => {
      await Promise.all(list.map((fw) => fw.stop(graceMs)));
    },
  };
}

function gauges(s: ForwarderStatus): Array<{ name: string; help: string; type: "gauge"; labels: { forwarder: string }; value: number }> {
  const labels = { forwarder: s.name };
  return [
    { name: "loupe_forward_queue_bytes", help: "bytes waiting in a forwarder's disk queue", type: "gauge", labels, value: s.queuedBytes },
    { name: "loupe_forward_queue_points", help: "points waiting in a forwarder's disk queue", type: "gauge", labels, value: s.queuedPoints },
    { name: "loupe_forward_lag_seconds", help: "age of the oldest point waiting in a forwarder's queue (0 when empty)", type: "gauge", labels, value: s.lagSeconds },
  ];
}

/**
 * The sink collectors and ingest write to when forwarders exist: the store first (its answer is the
 * caller's), then, once the store took the batch, every forwarder's queue. `store` undefined (agent
 * mode): the queues only.
 */
export function teeSink(store: SampleSink | undefined, forwarders: Forwarders): SampleSink {
  if (store === undefined) return { write: async (batch) => forwarders.write(batch) };
  if (forwarders.count === 0) return store;
  return {
    write: async (batch) => {
      await store.write(batch);
      forwarders.write(batch);
    },
  };
}
