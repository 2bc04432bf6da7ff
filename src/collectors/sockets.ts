/** `sockets`: socket counts from /proc/net/sockstat (Diamond's SockstatCollector: sockets.tcp_inuse …). */
import { defineCollector } from "./types.js";

/** "sockets: used 37", "TCP: inuse 16 orphan 0 tw 0 alloc 16 mem 0", "UDP: inuse 0 mem 0" → used, tcp_inuse … */
export function parseSockstat(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = /^(\w+):\s+(.*)$/.exec(line.trim());
    if (m === null) continue;
    const proto = m[1]!.toLowerCase();
    if (proto !== "sockets" && proto !== "tcp" && proto !== "udp") continue;
    const parts = m[2]!.split(/\s+/);
    for (let i = 0; i + 1 < parts.length; i += 2) {
      const v = Number(parts[i + 1]);
      if (!Number.isFinite(v)) continue;
      out.set(proto === "sockets" ? parts[i]! : `${proto}_${parts[i]}`, v);
    }
  }
  return out;
}

export const socketsCollector = defineCollector({
  name: "sockets",
  help: "sockets in use by protocol from /proc/net/sockstat",
  enabledByDefault: false,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      for (const [k, v] of parseSockstat(await env.procfs.readProc("net/sockstat"))) ctx.gauge(k, v);
    };
  },
});
