/**
 * `files`: Diamond's FilestatCollector — files.assigned, files.unused and files.max from
 * /proc/sys/fs/file-nr. Its per-user lsof counts (collect_user_data) are not carried over: they
 * shell out to lsof (sudo) every run; use the processes collector's top consumers instead.
 */
import { defineCollector } from "./types.js";

/** "740\t0\t2466183" → allocated, unused (always 0 since Linux 2.6), max. */
export function parseFileNrFull(text: string): { assigned: number; unused: number; max: number } {
  const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s*$/.exec(text);
  if (m === null) throw new Error(`unexpected /proc/sys/fs/file-nr: ${JSON.stringify(text.slice(0, 60))}`);
  return { assigned: Number(m[1]), unused: Number(m[2]), max: Number(m[3]) };
}

export const filesCollector = defineCollector({
  name: "files",
  help: "open file handles: assigned, unused and max from /proc/sys/fs/file-nr (Diamond's FilestatCollector)",
  enabledByDefault: false,
  options: {},
  create(_options, env) {
    return async (ctx) => {
      const f = parseFileNrFull(await env.procfs.readProc("sys/fs/file-nr"));
      ctx.gauge("assigned", f.assigned);
      ctx.gauge("unused", f.unused);
      ctx.gauge("max", f.max);
    };
  },
});
