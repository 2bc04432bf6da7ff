/**
 * Pure parsers of cgroup files (no I/O), v2 and v1:
 *   v2: cpu.stat, memory.stat ("key value" lines), io.stat ("8:0 rbytes=… wbytes=…"),
 *       cpu/memory/io.pressure ("some avg10=… total=…"), memory.max ("max" or bytes)
 *   v1: cpuacct.usage (ns), cpu.stat (throttled_time ns), memory.stat (total_rss, total_cache),
 *       memory.limit_in_bytes, blkio.throttle.io_service{_bytes,d}_recursive ("8:0 Read 123")
 */

/** "key value" lines → key → number (non-numeric values skipped). */
export function parseFlatKeyed(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [k, v, extra] = line.trim().split(/\s+/);
    if (k === undefined || k === "" || v === undefined || extra !== undefined) continue;
    const n = Number(v);
    if (Number.isFinite(n)) out.set(k, n);
  }
  return out;
}

export interface IoTotals {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
}

/** v2 io.stat: every device's rbytes/wbytes/rios/wios summed. */
export function parseIoStat(text: string): IoTotals {
  const t: IoTotals = { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 };
  for (const line of text.split("\n")) {
    for (const field of line.trim().split(/\s+/).slice(1)) {
      const [k, v] = field.split("=");
      const n = Number(v);
      if (!Number.isFinite(n)) continue;
      if (k === "rbytes") t.readBytes += n;
      else if (k === "wbytes") t.writeBytes += n;
      else if (k === "rios") t.readOps += n;
      else if (k === "wios") t.writeOps += n;
    }
  }
  return t;
}

/** v1 blkio.throttle.* ("8:0 Read 123" per device, then "Total N"): Read and Write summed over devices. */
export function parseBlkio(text: string): { read: number; write: number } {
  let read = 0;
  let write = 0;
  for (const line of text.split("\n")) {
    const [dev, op, v] = line.trim().split(/\s+/);
    if (dev === undefined || op === undefined || v === undefined || !/^\d+:\d+$/.test(dev)) continue;
    const n = Number(v);
    if (!Number.isFinite(n)) continue;
    if (op === "Read") read += n;
    else if (op === "Write") write += n;
  }
  return { read, write };
}

export interface PressureLine {
  readonly avg10: number;
  /** Total stall time in microseconds (a counter). */
  readonly total: number;
}

/** A *.pressure file: the `some` and (when the kernel has it) `full` lines. */
export function parsePressure(text: string): { some?: PressureLine; full?: PressureLine } {
  const out: { some?: PressureLine; full?: PressureLine } = {};
  for (const line of text.split("\n")) {
    const m = /^(some|full)\s+avg10=([\d.]+)\s+avg60=[\d.]+\s+avg300=[\d.]+\s+total=(\d+)\s*$/.exec(line.trim());
    if (m !== null) out[m[1] as "some" | "full"] = { avg10: Number(m[2]), total: Number(m[3]) };
  }
  return out;
}

/** Above this a v1 limit means "no limit" (the kernel reports PAGE_COUNTER_MAX × page size). */
const V1_UNLIMITED = 2 ** 62;

/** memory.max ("max" → undefined) or memory.limit_in_bytes (huge → undefined). */
export function parseMemoryLimit(text: string): number | undefined {
  const t = text.trim();
  if (t === "max" || t === "") return undefined;
  const n = Number(t);
  return Number.isFinite(n) && n < V1_UNLIMITED ? n : undefined;
}

/** A single number file (memory.current, cpuacct.usage). */
export function parseNumber(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return undefined;
  return Number(t);
}
