/** `uptime`: minutes since boot from /proc/uptime (Diamond's UptimeCollector: uptime.minutes). */
import { defineCollector } from "./types.js";

/** "720.92 1207.17" → seconds up. */
export function parseUptime(text: string): number {
  const v = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isFinite(v)) throw new Error(`unexpected /proc/uptime: ${JSON.stringify(text.slice(0, 40))}`);
  return v;
}

export const uptimeCollector = defineCollector({
  name: "uptime",
  help: "time since boot in minutes from /proc/uptime",
  enabledByDefault: true,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      ctx.gauge("minutes", parseUptime(await env.procfs.readProc("uptime")) / 60);
    };
  },
});
