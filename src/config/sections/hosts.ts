import { opt } from "../options.js";

/** [hosts]: the hosts page and GET /api/hosts (src/query/hosts.ts). */
export const hostsSection = {
  max_hosts: opt.int(1000, "hosts listed at most on the hosts page and by /api/hosts (by name); more are counted and the page says the list was cut", { min: 1, max: 100000 }),
  silent_intervals: opt.int(3, "a host is shown silent when no point arrived for more than this many of its intervals (measured from its points, else [collectors] interval)", { min: 1, max: 1000 }),
} as const;
