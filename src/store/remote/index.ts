/**
 * `[store] backend = victoriametrics`: the façade of the remote store (see vm-store.ts for the design).
 * main.ts starts the store's write queue (src/forward startStoreWriter) and hands it in as `writer`.
 */
import type { Config } from "../../config/index.js";
import type { Clock } from "../../lib/clock.js";
import { ConfigError } from "../../lib/errors.js";
import { ConfigErrors } from "../../config/index.js";
import type { Logger } from "../../lib/logger.js";
import type { MetricsRegistry } from "../../lib/metrics.js";
import { EngineClient } from "./client.js";
import { RemoteStore, type QueueWriter } from "./vm-store.js";

export { RemoteStore, type QueueWriter, type RemoteCounters } from "./vm-store.js";
export { EngineClient, RemoteReadError, type ClientStats } from "./client.js";
export { namesSelector, keyOfLabels, rollupQuery } from "./promql.js";

/** `Name: value` headers of [store] headers, plus Authorization from bearer_token or username/password. */
export function storeHeaders(s: Config["store"]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of s.headers) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*)$/.exec(h);
    if (m !== null) headers[m[1]!] = m[2]!;
  }
  if (s.bearer_token !== "") headers["Authorization"] = `Bearer ${s.bearer_token}`;
  else if (s.username !== "") headers["Authorization"] = `Basic ${Buffer.from(`${s.username}:${s.password}`).toString("base64")}`;
  return headers;
}

function httpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

/** Throws ConfigError(s) naming [store] and the key when the victoriametrics backend is misconfigured. */
export function checkRemoteStoreConfig(config: Config): void {
  const s = config.store;
  if (s.backend !== "victoriametrics") return;
  const loc = (key: string): { file?: string; section: string; key: string } => ({ ...(config.meta.file !== undefined ? { file: config.meta.file } : {}), section: "store", key });
  const problems: ConfigError[] = [];
  for (const key of ["write_url", "read_url"] as const) {
    if (s[key] === "") problems.push(new ConfigError(`backend = victoriametrics needs ${key} (e.g. ${key === "write_url" ? "http://vm:8428/api/v1/write" : "http://vm:8428"})`, loc(key)));
    else if (!httpUrl(s[key])) problems.push(new ConfigError(`invalid value ${JSON.stringify(s[key])}: expected an http(s) URL`, loc(key)));
  }
  for (const h of s.headers) if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+\s*:/.test(h)) problems.push(new ConfigError(`invalid header ${JSON.stringify(h)}: expected "Name: value"`, loc("headers")));
  if (s.bearer_token !== "" && s.username !== "") problems.push(new ConfigError("set either bearer_token or username/password, not both", loc("bearer_token")));
  if (s.retry_min > s.retry_max) problems.push(new ConfigError(`retry_min (${s.retry_min} ms) is longer than retry_max (${s.retry_max} ms)`, loc("retry_min")));
  const own = config.meta.dynamic.get("forward.store");
  if (own !== undefined) problems.push(new ConfigError("[forward.store] is taken by backend = victoriametrics (its write queue is the forwarder `store`, <paths.data>/forward/store/): rename that section", own.location));
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
}

export interface OpenRemoteOptions {
  readonly store: Config["store"];
  readonly writer: QueueWriter;
  readonly log: Logger;
  readonly clock: Clock;
  readonly metrics?: MetricsRegistry;
  readonly timers?: boolean;
}

/** Opens the remote store and loads its series index once (an unreachable engine is logged, not fatal). */
export async function openRemoteStore(o: OpenRemoteOptions): Promise<RemoteStore> {
  const s = o.store;
  const log = o.log.child({ module: "store", backend: "victoriametrics" });
  const client = new EngineClient({ readUrl: s.read_url, headers: storeHeaders(s), timeoutMs: s.timeout });
  const store = new RemoteStore({
    client,
    writer: o.writer,
    clock: o.clock,
    log,
    maxSeries: s.max_series,
    maxQuerySeries: s.max_query_series,
    maxCachedPoints: s.max_cached_points,
    indexRefreshMs: s.index_refresh,
    indexLookbackMs: s.index_lookback,
    ...(o.timers !== undefined ? { timers: o.timers } : {}),
  });
  await store.refreshIndex().catch(() => undefined);
  log.info("remote store ready", { read_url: s.read_url, series: store.stats().series });
  if (o.metrics !== undefined) registerRemoteMetrics(o.metrics, store);
  return store;
}

function registerRemoteMetrics(metrics: MetricsRegistry, store: RemoteStore): void {
  metrics.collect(() => {
    const c = store.counters;
    const w = store.client.stats;
    const counter = (name: string, help: string, value: number): { name: string; help: string; type: "counter"; value: number } => ({ name, help, type: "counter", value });
    return [
      counter("loupe_store_remote_requests_total", "read requests to the engine ([store] read_url)", w.requests),
      counter("loupe_store_remote_request_failures_total", "read requests to the engine that failed", w.failures),
      counter("loupe_store_remote_received_bytes_total", "response bytes received from the engine", w.bytesIn),
      counter("loupe_store_remote_sent_bytes_total", "request bytes sent to the engine's read API", w.bytesOut),
      counter("loupe_store_remote_refused_total", "reads refused: more series than [store] max_query_series", c.refused),
      counter("loupe_store_remote_index_full_total", "series not indexed because the index held [store] max_series (their points are still written)", c.indexFull),
      counter("loupe_store_remote_cache_misses_total", "reads evaluated without a prefetched answer (answered empty)", c.cacheMisses),
      counter("loupe_store_remote_index_refresh_failures_total", "series index refreshes that failed", c.refreshFailures),
    ];
  });
}
