/** `tcp`: TCP counters from /proc/net/netstat and /proc/net/snmp (Diamond's TCPCollector). */
import { opt } from "../config/index.js";
import { defineCollector, MAX_U64 } from "./types.js";

/** Values that are levels, not counters. */
export const TCP_GAUGES = new Set(["CurrEstab", "MaxConn", "RtoAlgorithm", "RtoMin", "RtoMax"]);

/** The header/value line pairs starting with `prefix` ("TcpExt:", "Tcp:") → name → value. */
export function parseNetstat(text: string, prefixes: readonly string[] = ["Tcp:", "TcpExt:"]): Map<string, number> {
  const out = new Map<string, number>();
  const lines = text.split("\n");
  for (let i = 0; i + 1 < lines.length; i++) {
    const head = lines[i]!.trim().split(/\s+/);
    const vals = lines[i + 1]!.trim().split(/\s+/);
    if (!prefixes.includes(head[0]!) || vals[0] !== head[0]) continue;
    for (let j = 1; j < head.length && j < vals.length; j++) {
      const v = Number(vals[j]);
      if (Number.isFinite(v)) out.set(head[j]!, v);
    }
    i++;
  }
  return out;
}

export const tcpCollector = defineCollector({
  name: "tcp",
  help: "TCP counters per second (retransmits, listen drops, resets …) and CurrEstab",
  enabledByDefault: false,
  options: {
    allowed_names: opt.list(
      "ListenOverflows, ListenDrops, TCPLoss, TCPTimeouts, TCPFastRetrans, TCPLostRetransmit, TCPForwardRetrans, TCPSlowStartRetrans, CurrEstab, TCPAbortOnMemory, TCPBacklogDrop, AttemptFails, EstabResets, InErrs, ActiveOpens, PassiveOpens, RetransSegs, InSegs, OutSegs, OutRsts",
      "counters to publish; empty means all",
    ),
    gauges: opt.list("CurrEstab, MaxConn, RtoAlgorithm, RtoMin, RtoMax", "names published as they are (levels); every other name is a per-second rate"),
  },
  create(options, env) {
    const allowed = new Set(options.allowed_names);
    const gauges = new Set(options.gauges);
    return async (ctx) => {
      const all = new Map<string, number>();
      for (const file of ["net/netstat", "net/snmp"]) {
        for (const [k, v] of parseNetstat(await env.procfs.readProc(file))) all.set(k, v);
      }
      if (all.size === 0) throw new Error("no Tcp lines in /proc/net/netstat or /proc/net/snmp");
      for (const [k, v] of all) {
        if (allowed.size > 0 && !allowed.has(k)) continue;
        if (gauges.has(k)) ctx.gauge(k, v);
        else ctx.counter(k, v, MAX_U64);
      }
    };
  },
});
