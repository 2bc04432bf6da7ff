/** `uptime`: whole minutes (or metric_name's unit) since boot from /proc/uptime (Diamond's UptimeCollector: uptime.minutes). */
import { defineCollector } from "./types.js";
import { roundTo, timeUnitMs, timeUnitOption } from "./units.js";

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
  options: {
    metric_name: timeUnitOption("minutes", "name of the metric and the unit of its value (Diamond's metric_name): seconds, minutes, hours, days …"),
  },
  create(options, env) {
    const unitMs = timeUnitMs(options.metric_name) ?? 60_000;
    return async (ctx) => {
      // Diamond sends it with precision 0: whole units.
      ctx.gauge(options.metric_name, roundTo((parseUptime(await env.procfs.readProc("uptime")) * 1000) / unitMs, 0));
    };
  },
});
