/** `loadavg`: /proc/loadavg (Diamond's LoadAverageCollector: loadavg.01, 01_normalized, processes_running …). */
import { opt } from "../config/index.js";
import { defineCollector } from "./types.js";
import { roundTo } from "./units.js";
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
  options: {
    simple: opt.bool(false, "publish only load and load_normalized (the 1-minute average), as Diamond's simple"),
  },
  create(options, env) {
    let ncpus: number | undefined;
    return async (ctx) => {
      const l = parseLoadavg(await env.procfs.readProc("loadavg"));
      ncpus ??= await onlineCpus(env.procfs);
      // Diamond publishes these with precision 2.
      const g = (name: string, v: number): void => ctx.gauge(name, roundTo(v, 2));
      if (options.simple) {
        g("load", l.load1);
        g("load_normalized", l.load1 / ncpus);
      } else {
        g("01", l.load1);
        g("05", l.load5);
        g("15", l.load15);
        g("01_normalized", l.load1 / ncpus);
        g("05_normalized", l.load5 / ncpus);
        g("15_normalized", l.load15 / ncpus);
      }
      ctx.gauge("processes_running", l.running);
      ctx.gauge("processes_total", l.total);
    };
  },
});
