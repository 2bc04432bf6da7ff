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
import { readForwarders, type ForwarderConfig } from "./config.js";
import { createTarget, targetLabel } from "./factory.js";
import { nameFilter } from "./filter.js";
import { Forwarder, type ForwarderStatus } from "./forwarder.js";
import { forwardMetrics, type ForwardMetrics } from "./metrics.js";

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
  const { config } = deps;
  const fm = forwardMetrics(deps.metrics);
  const list: Forwarder[] = [];
  try {
    for (const f of readForwarders(config).filter((x) => x.enabled)) list.push(openForwarder(f, deps, fm));
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

/** One forwarder's queue, target and loop (not started). */
function openForwarder(f: ForwarderConfig, deps: ForwardDeps, fm: ForwardMetrics): Forwarder {
  const { config, clock } = deps;
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
  const st = queue.stats();
  log.info("forwarder started", { type: f.type, target: label, queued_points: st.items, queued_bytes: st.bytes });
  return fw;
}

/**
 * One forwarder built by a module rather than a `[forward.<name>]` section (the VictoriaMetrics
 * store's writes): the same disk queue, target, retries, status and /metrics families.
 */
export function startForwarder(f: ForwarderConfig, deps: ForwardDeps): Forwarders {
  const fw = openForwarder(f, deps, forwardMetrics(deps.metrics));
  fw.start();
  deps.metrics.collect(() => gauges(fw.status()));
  return {
    count: 1,
    write: (batch) => fw.enqueue(batch),
    status: () => [fw.status()],
    stop: (graceMs = DEFAULT_STOP_GRACE_MS) => fw.stop(graceMs),
  };
}

/**
 * The write half of `[store] backend = victoriametrics`: a remote_write forwarder named `store`
 * (queue at <paths.data>/forward/store/) built from the [store] keys, names kept exactly
 * (metric_names = graphite, lib/prom-names.ts) so the store reads back what it wrote.
 * `httpHeaders`: [store] headers and auth as the store builds them (storeHeaders in src/store).
 */
export function startStoreWriter(deps: ForwardDeps, httpHeaders: Readonly<Record<string, string>>): Forwarders {
  const s = deps.config.store;
  const f: ForwarderConfig = {
    name: "store",
    enabled: true,
    type: "remote_write",
    url: s.write_url,
    addr: null,
    include: [],
    exclude: [],
    username: s.username,
    password: s.password,
    bearer_token: s.bearer_token,
    headers: s.headers,
    tls_ca_file: "",
    tls_insecure_skip_verify: false,
    timeout: s.timeout,
    batch_size: s.batch_size,
    batch_max_wait: s.batch_max_wait,
    queue_max_bytes: s.queue_max_bytes,
    queue_max_age: s.queue_max_age,
    retry_min: s.retry_min,
    retry_max: s.retry_max,
    database: "",
    retention_policy: "",
    org: "",
    bucket: "",
    token: "",
    metric_names: "graphite",
    templates: [],
    httpHeaders,
  };
  return startForwarder(f, deps);
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
