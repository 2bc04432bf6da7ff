/** `loadavg`: /proc/loadavg (Diamond's LoadAverageCollector: loadavg.01, 01_normalized, processes_running …). */
import { defineCollector } from "./types.js";
import { onlineCpus } from "./procfs.js";

export interface LoadAvg {
  readonly load1: number;
  readonly load5: number;
  readonly load15: number;
  readonly running: number;
  readonly total: number;
}

/** "1.01 0.46 0.24 2/125 8343" */
export function parseLoadavg(text: string): LoadAvg {
  const m = /^\s*(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+(?:\.\d+)?)\s+(\d+)\/(\d+)/.exec(text);
  if (m === null) throw new Error(`unexpected /proc/loadavg: ${JSON.stringify(text.slice(0, 60))}`);
  return { load1: Number(m[1]), load5: Number(m[2]), load15: Number(m[3]), running: Number(m[4]), total: Number(m[5]) };
}

export const loadavgCollector = defineCollector({
  name: "loadavg",
  help: "load averages (and per CPU), running and total processes from /proc/loadavg",
  enabledByDefault: true,
  options: {},
  create(_options, env) {
    let ncpus: number | undefined;
    return async (ctx) => {
      const l = parseLoadavg(await env.procfs.readProc("loadavg"));
      ncpus ??= await onlineCpus(env.procfs);
      ctx.gauge("01", l.load1);
      ctx.gauge("05", l.load5);
      ctx.gauge("15", l.load15);
      ctx.gauge("01_normalized", l.load1 / ncpus);
      ctx.gauge("05_normalized", l.load5 / ncpus);
      ctx.gauge("15_normalized", l.load15 / ncpus);
      ctx.gauge("processes_running", l.running);
      ctx.gauge("processes_total", l.total);
    };
  },
});
