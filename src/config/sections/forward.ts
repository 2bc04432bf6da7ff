import { opt } from "../options.js";

/**
 * `[forward.<name>]`: one destination every collected and ingested point is also sent to (several
 * allowed). Only the options of its `type` are used. Validated by the forward module (readForwarders).
 */
export const forwardSection = {
  enabled: opt.bool(true, "send to this destination (false keeps the section but sends nothing)"),
  type: opt.enum(["remote_write", "graphite", "influx"] as const, "graphite", "remote_write (Prometheus remote_write 1.0: VictoriaMetrics, Prometheus, Mimir, Thanos) | graphite (plaintext TCP: carbon, another Loupe, VictoriaMetrics) | influx (line protocol over HTTP: InfluxDB 1.x/2.x, VictoriaMetrics)"),
  url: opt.string("", "remote_write, influx: base URL, e.g. http://vm:8428/api/v1/write, http://influx:8086 (the /write or /api/v2/write path is added for influx)"),
  addr: opt.addr("", "graphite: host:port of the plaintext receiver, e.g. 10.0.0.5:2003"),
  include: opt.list("", "Graphite globs over series names (one glob per segment: servers.*.cpu.*), comma separated; empty sends every series"),
  exclude: opt.list("", "Graphite globs of series never sent (checked after include)"),
  username: opt.string("", "remote_write, influx 1.x: user for basic auth (influx: u= parameter)"),
  password: opt.secret("remote_write, influx 1.x: password"),
  bearer_token: opt.secret("remote_write: Authorization: Bearer token"),
  headers: opt.list("", "remote_write, influx: extra HTTP headers, comma separated `Name: value`"),
  tls_ca_file: opt.string("", "https: PEM file of the CA(s) that signed the server certificate (empty: the system's)"),
  tls_insecure_skip_verify: opt.bool(false, "https: accept any server certificate (testing only)"),
  timeout: opt.duration("10s", "longest one delivery attempt may take; then it is retried", { min: 100 }),
  batch_size: opt.int(5000, "most points in one request (or one graphite connection)", { min: 1, max: 1_000_000 }),
  batch_max_wait: opt.duration("1s", "longest a point waits for its batch to fill before it is sent anyway"),
  queue_max_bytes: opt.size("256MB", "disk queue bound (<paths.data>/forward/<name>/): beyond it the oldest points are dropped and counted (loupe_forward_dropped_points_total{reason=max_bytes})"),
  queue_max_age: opt.duration("7d", "points older than this in the queue are dropped and counted (reason=max_age); 0 keeps them whatever their age"),
  retry_min: opt.duration("500ms", "wait before the first retry; doubles with each failure, with full jitter", { min: 10 }),
  retry_max: opt.duration("1m", "longest wait between retries", { min: 10 }),
  database: opt.string("loupe", "influx 1.x (and VictoriaMetrics): database (db=)"),
  retention_policy: opt.string("", "influx 1.x: retention policy (rp=); empty: the database's default"),
  org: opt.string("", "influx 2.x: organization; setting org or bucket selects /api/v2/write"),
  bucket: opt.string("", "influx 2.x: bucket"),
  token: opt.secret("influx 2.x: API token (Authorization: Token …)"),
  metric_names: opt.enum(["prometheus", "graphite"] as const, "prometheus", "remote_write: prometheus = Diamond paths become <metric>{host=…} with valid names; graphite = names kept exactly, dots included"),
  templates: opt.list("", "remote_write: Graphite templates mapping paths to names and labels (empty: [ingest.graphite] templates)"),
} as const;
