/** `network`: per-interface traffic per second from /proc/net/dev (Diamond's NetworkCollector). */
import { opt } from "../config/index.js";
import { defineCollector, MAX_U64 } from "./types.js";
import { pathSegment } from "./publisher.js";
import { byteUnitOption, convertBytes, roundTo } from "./units.js";

/** Column names of /proc/net/dev after the interface, in order. */
export const NETDEV_FIELDS = [
  "rx_bytes", "rx_packets", "rx_errors", "rx_drop", "rx_fifo", "rx_frame", "rx_compressed", "rx_multicast",
  "tx_bytes", "tx_packets", "tx_errors", "tx_drop", "tx_fifo", "tx_colls", "tx_carrier", "tx_compressed",
] as const;
export type NetdevField = (typeof NETDEV_FIELDS)[number];

/** Interface → counters. */
export function parseNetDev(text: string): Map<string, Record<NetdevField, number>> {
  const out = new Map<string, Record<NetdevField, number>>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon < 0 || line.includes("|")) continue;
    const iface = line.slice(0, colon).trim();
    const cols = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (iface === "" || cols.length < NETDEV_FIELDS.length || cols.some((c) => !Number.isFinite(c))) continue;
    const rec = {} as Record<NetdevField, number>;
    NETDEV_FIELDS.forEach((f, i) => (rec[f] = cols[i]!));
    out.set(iface, rec);
  }
  return out;
}

export const networkCollector = defineCollector({
  name: "network",
  help: "per-interface bytes, bits, packets, errors and drops per second from /proc/net/dev",
  enabledByDefault: true,
  options: {
    interfaces: opt.list("eth, bond, em, p1p, en, wl", "interface name prefixes to collect"),
    greedy: opt.bool(true, "match any interface starting with a prefix (false: the prefix followed by digits only)"),
    byte_unit: byteUnitOption("bit, byte", "units published for rx_/tx_ bytes (rx_bit, rx_byte, rx_megabyte, rx_Mbit …): any Diamond unit"),
  },
  create(options, env) {
    const esc = options.interfaces.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const match = new RegExp(`^(?:${esc.join("|") || "(?!)"})${options.greedy ? "\\S*" : "\\d+"}$`);
    const units = options.byte_unit;
    return async (ctx) => {
      for (const [iface, rec] of parseNetDev(await env.procfs.readProc("net/dev"))) {
        if (!match.test(iface)) continue;
        const dev = pathSegment(iface);
        for (const f of NETDEV_FIELDS) {
          if (f === "rx_bytes" || f === "tx_bytes") {
            const c = ctx.change(`${dev}.${f}`, rec[f], MAX_U64);
            if (c === undefined) continue;
            const perSec = c.delta / c.seconds;
            for (const u of units) ctx.gauge(`${dev}.${f.slice(0, 3)}${u}`, roundTo(convertBytes(perSec, "byte", u), 2));
          } else {
            ctx.counter(`${dev}.${f}`, rec[f], MAX_U64);
          }
        }
      }
    };
  },
});
