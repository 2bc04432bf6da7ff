import { opt } from "../options.js";

export const graphiteIngestSection = {
  enabled: opt.bool(true, "accept Graphite plaintext (path value timestamp)"),
  tcp_addr: opt.addr("127.0.0.1:2003", 'TCP listen address; "" turns TCP off'),
  udp_addr: opt.addr("127.0.0.1:2003", 'UDP listen address; "" turns UDP off'),
  templates: opt.list("", "InfluxDB-style templates mapping paths to name + tags, comma separated ([filter] template [k=v,…]), e.g. servers.* .host.measurement*"),
  separator: opt.string(".", "joins several template parts that map to the same measurement, field or tag"),
  tags: opt.list("", "default tags added to every point, comma separated k=v"),
  allow_from: opt.list("", "networks (CIDR) allowed to send when bound beyond loopback; empty allows loopback only"),
  max_name_length: opt.int(1024, "longest metric path in bytes (without its ;tags), and longest tag key or value; a longer line is skipped and counted", { min: 16, max: 65536 }),
  max_tags: opt.int(32, "most tags on one path (name;k=v;…); a line with more is skipped and counted", { min: 0, max: 1000 }),
  idle_timeout: opt.duration("5m", "a TCP connection that sends nothing this long is closed and counted; 0 never closes"),
  max_connections: opt.int(1000, "most TCP connections open at once; more are closed at once and counted", { min: 1, max: 1_000_000 }),
} as const;

export const influxIngestSection = {
  enabled: opt.bool(true, "accept Influx line protocol on the HTTP port (/write, /api/v2/write)"),
  max_body_size: opt.size("25MB", "largest accepted /write body (after gunzip)"),
  max_name_length: opt.int(1024, "longest series name (measurement.field) in bytes, and longest tag key or value; a longer line is refused and counted", { min: 16, max: 65536 }),
  max_tags: opt.int(32, "most tags on one line; a line with more is refused and counted", { min: 0, max: 1000 }),
} as const;

export const remoteWriteIngestSection = {
  enabled: opt.bool(true, "accept Prometheus remote_write (snappy protobuf) on POST /api/v1/write, with /write's access rule (Editor or a write token)"),
  max_body_size: opt.size("32MB", "largest WriteRequest once snappy-decompressed (the compressed body is bounded to match); a larger request is refused with 413 and counted"),
  max_series_per_request: opt.int(100_000, "most series in one request; a request with more is refused with 400 and counted", { min: 1, max: 10_000_000 }),
  max_samples_per_request: opt.int(2_000_000, "most samples in one request; a request with more is refused with 400 and counted", { min: 1, max: 100_000_000 }),
  max_labels: opt.int(64, "most labels on one series (__name__ included); a request with more is refused with 400 and counted", { min: 1, max: 1000 }),
  max_label_length: opt.int(4096, "longest label name or value in bytes (the metric name included); a request with a longer one is refused with 400 and counted", { min: 16, max: 65536 }),
} as const;

export const prometheusExportSection = {
  include_series: opt.bool(false, "also expose the latest value of every collected series on /metrics"),
} as const;
