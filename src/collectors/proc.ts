/**
 * `proc`: Diamond's ProcessStatCollector from /proc/stat — proc.ctxt and proc.processes (context
 * switches and forks per second, truncated to integers as Diamond's int(derivative) does),
 * proc.procs_running, proc.procs_blocked and proc.btime as they are.
 */
import { defineCollector, MAX_U64 } from "./types.js";

const RATES = ["ctxt", "processes"] as const;
const LEVELS = ["procs_running", "procs_blocked", "btime"] as const;

/** The `name value` lines of /proc/stat that are not cpu lines. */
export function parseProcStatLines(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const c = line.split(/\s+/);
    if (c.length < 2 || c[0]!.startsWith("cpu")) continue;
    const v = Number(c[1]);
    if (c[0] !== "" && Number.isFinite(v)) out.set(c[0]!, v);
  }
  return out;
}

export const procCollector = defineCollector({
  name: "proc",
  help: "context switches and forks per second, running and blocked processes, boot time from /proc/stat (Diamond's ProcessStatCollector)",
  enabledByDefault: false,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      const v = parseProcStatLines(await env.procfs.readProc("stat"));
      for (const k of RATES) {
        const value = v.get(k);
        if (value === undefined) continue;
        const c = ctx.change(k, value, MAX_U64);
        if (c !== undefined) ctx.gauge(k, Math.trunc(c.delta / c.seconds));
      }
      for (const k of LEVELS) {
        const value = v.get(k);
        if (value !== undefined) ctx.gauge(k, value);
      }
    };
  },
});
