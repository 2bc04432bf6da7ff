/** `[forward.<name>]` → its Target (the only place that knows every type). */
import type { Config } from "../config/index.js";
import type { ForwarderConfig } from "./config.js";
import type { ForwardMetrics } from "./metrics.js";
import type { Target } from "./target.js";
import { createGraphiteTarget } from "./targets/graphite.js";
import { createInfluxTarget } from "./targets/influx.js";
import { createRemoteWriteTarget } from "./targets/remote-write.js";

export function createTarget(f: ForwarderConfig, config: Config, metrics: ForwardMetrics): Target {
  const labels = { forwarder: f.name };
  const onSkipped = (n: number): void => metrics.dropped.inc({ ...labels, reason: "unrepresentable" }, n);
  const tls = { ...(f.tls_ca_file !== "" ? { caFile: f.tls_ca_file } : {}), insecureSkipVerify: f.tls_insecure_skip_verify };
  switch (f.type) {
    case "graphite":
      metrics.duplicates.inc(labels, 0); // on /metrics from the start
      return createGraphiteTarget({ host: f.addr!.host, port: f.addr!.port }, { onSkipped, onPossibleDuplicates: (n) => metrics.duplicates.inc(labels, n) });
    case "influx":
      return createInfluxTarget(
        { url: f.url, database: f.database, retentionPolicy: f.retention_policy, username: f.username, password: f.password, org: f.org, bucket: f.bucket, token: f.token, headers: f.httpHeaders, tls },
        onSkipped,
      );
    case "remote_write": {
      const g = config["ingest.graphite"];
      return createRemoteWriteTarget({
        url: f.url,
        headers: f.httpHeaders,
        timeoutMs: f.timeout,
        tls,
        metricNames: f.metric_names,
        pathPrefix: config.collectors.path_prefix,
        templates: f.templates.length > 0 ? f.templates : g.templates,
        separator: g.separator,
      });
    }
  }
}

/** Where a forwarder sends, for logs and the status page: host:port, or the URL without credentials or query. */
export function targetLabel(f: ForwarderConfig): string {
  if (f.type === "graphite") return `${f.addr!.host}:${f.addr!.port}`;
  try {
    const u = new URL(f.url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "";
  }
}
