import { opt } from "../options.js";

export const graphiteIngestSection = {
  enabled: opt.bool(true, "accept Graphite plaintext (path value timestamp)"),
  tcp_addr: opt.addr("127.0.0.1:2003", 'TCP listen address; "" turns TCP off'),
  udp_addr: opt.addr("127.0.0.1:2003", 'UDP listen address; "" turns UDP off'),
  templates: opt.list("", "InfluxDB-style templates mapping paths to name + tags, comma separated ([filter] template [k=v,…]), e.g. servers.* .host.measurement*"),
  separator: opt.string(".", "joins several template parts that map to the same measurement, field or tag"),
  tags: opt.list("", "default tags added to every point, comma separated k=v"),
  allow_from: opt.list("", "networks (CIDR) allowed to send when bound beyond loopback; empty allows loopback only"),
} as const;

export const influxIngestSection = {
  enabled: opt.bool(true, "accept Influx line protocol on the HTTP port (/write, /api/v2/write)"),
  max_body_size: opt.size("25MB", "largest accepted /write body (after gunzip)"),
} as const;

export const prometheusExportSection = {
  include_series: opt.bool(false, "also expose the latest value of every collected series on /metrics"),
} as const;
