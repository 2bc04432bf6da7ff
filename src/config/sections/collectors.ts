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
} as const;
