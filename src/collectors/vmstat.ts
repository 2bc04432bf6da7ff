/** `vmstat`: paging and swapping per second from /proc/vmstat (Diamond's VMStatCollector). */
import { defineCollector, MAX_U64 } from "./types.js";

export const VMSTAT_KEYS = ["pgfault", "pgmajfault", "pgpgin", "pgpgout", "pswpin", "pswpout"] as const;

/** "name value" lines. */
export function parseVmstat(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    const v = Number(line.slice(sp + 1));
    if (Number.isFinite(v)) out.set(line.slice(0, sp), v);
  }
  return out;
}

export const vmstatCollector = defineCollector({
  name: "vmstat",
  help: "page faults, pages paged in/out and swapped in/out per second from /proc/vmstat",
  enabledByDefault: true,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      const v = parseVmstat(await env.procfs.readProc("vmstat"));
      for (const k of VMSTAT_KEYS) {
        const value = v.get(k);
        if (value !== undefined) ctx.counter(k, value, MAX_U64);
      }
    };
  },
});
