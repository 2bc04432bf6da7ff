import { opt } from "../options.js";

/** [collectors]: settings shared by every collector. Each collector's own options live in [collector.<name>]. */
export const collectorsSection = {
  interval: opt.duration("10s", "default collection interval of every collector", { min: 1000 }),
  hostname: opt.string("", "host name used in metric paths; empty means derived by hostname_method"),
  hostname_method: opt.enum(
    ["smart", "fqdn_short", "fqdn", "fqdn_rev", "uname_short", "uname_rev", "hostname", "hostname_short", "hostname_rev"] as const,
    "smart",
    "how the host name is derived when hostname is empty (Diamond's choices)",
  ),
  path_prefix: opt.string("servers", "first segment of every collected metric path"),
  self_series: opt.enum(
    ["auto", "on", "off"] as const,
    "auto",
    "Loupe's own loupe.* series (ingest counters): auto = written only when some collector is on, on = always, off = never (the counters stay on /metrics)",
  ),
  plugin_load_timeout: opt.duration("10s", "a plugin whose import takes longer is stopped, logged and skipped", { min: 100 }),
  plugin_max_memory: opt.size("256MB", "heap limit of each plugin's worker thread; a plugin going past it is stopped and its run counted as an error"),
} as const;
