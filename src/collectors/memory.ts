/**
 * `memory`: /proc/meminfo with Diamond's MemoryCollector semantics: names as the kernel writes them
 * (`memory.Active(anon)`), only lines with a unit, the first `byte_unit` only (Diamond converts to
 * one unit and keeps the name), values rounded to integers as Diamond sends them, and
 * MemUsedPercentage = (MemTotal − MemAvailable) × 100 / MemTotal.
 */
import { z } from "zod";
import type { Option } from "../config/index.js";
import { defineCollector } from "./types.js";
import { byteUnitOption, convertBytes, roundTo } from "./units.js";

export const MEMORY_KEYS = [
  "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "Active", "Inactive", "Dirty", "Shmem",
  "SwapTotal", "SwapFree", "SwapCached", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Committed_AS",
] as const;

export interface MeminfoLine {
  /** As in the file, without the colon: `Active(anon)`. */
  readonly name: string;
  readonly value: number;
  /** "kB", or undefined for counts (HugePages_Total). */
  readonly unit: string | undefined;
}

/** `Key: 123 kB` lines; `HugePages_Total: 7` (no unit) too, with unit undefined. */
export function parseMeminfo(text: string): MeminfoLine[] {
  const out: MeminfoLine[] = [];
  for (const line of text.split("\n")) {
    const m = /^(\S+):\s+(\d+)(?:\s+(\S+))?\s*$/.exec(line);
    if (m === null) continue;
    out.push({ name: m[1]!, value: Number(m[2]), unit: m[3] });
  }
  return out;
}

/** Diamond's MemUsedPercentage: round(Decimal, 2), then the wire's precision 0. */
export function memUsedPercentage(totalKb: number, availableKb: number): number | undefined {
  if (!(totalKb > 0)) return undefined;
  return roundTo(roundTo((100 * (totalKb - availableKb)) / totalKb, 2), 0);
}

/**
 * Diamond turns `detailed` on whenever the key is present, whatever its value; so does Loupe
 * ("" = absent = off). "on" is returned for both true and false, "off-but-present" flags the latter.
 */
function detailedOption(): Option<"absent" | "true" | "false"> {
  const expected = "true, false (both turn it on, as in Diamond) or empty";
  const schema = z.string().transform((s, ctx): "absent" | "true" | "false" => {
    const l = s.trim().toLowerCase();
    if (l === "") return "absent";
    if (["true", "yes", "on", "1"].includes(l)) return "true";
    if (["false", "no", "off", "0"].includes(l)) return "false";
    ctx.addIssue({ code: "custom", message: `expected ${expected}` });
    return z.NEVER;
  });
  return { kind: "bool", expected, schema, default: "", help: "publish every /proc/meminfo line with a unit; like Diamond, any value (even false) turns it on — leave it empty for off", secret: false };
}

export const memoryCollector = defineCollector({
  name: "memory",
  help: "memory and swap from /proc/meminfo (bytes by default) and MemUsedPercentage",
  enabledByDefault: true,
  options: {
    detailed: detailedOption(),
    byte_unit: byteUnitOption("byte", "unit of the values; like Diamond only the first listed is used and names stay the same"),
  },
  create(options, env) {
    const keys = new Set<string>(MEMORY_KEYS);
    const detailed = options.detailed !== "absent";
    if (options.detailed === "false") env.log.warn("detailed = false turns detailed on, as in Diamond; leave it empty to turn it off", { section: "[collector.memory]" });
    const unit = options.byte_unit[0] ?? "byte";
    return async (ctx) => {
      const lines = parseMeminfo(await env.procfs.readProc("meminfo"));
      if (lines.length === 0) throw new Error("/proc/meminfo is empty");
      let total: number | undefined;
      let available: number | undefined;
      for (const l of lines) {
        if (l.unit === undefined) continue;
        if (!detailed && !keys.has(l.name)) continue;
        if (l.name === "MemTotal") total = l.value;
        else if (l.name === "MemAvailable") available = l.value;
        let v: number;
        try {
          v = convertBytes(l.value, l.unit, unit);
        } catch {
          continue; // a unit Diamond does not know either
        }
        ctx.gauge(l.name, roundTo(v, 0));
      }
      if (total !== undefined && available !== undefined) {
        const p = memUsedPercentage(total, available);
        if (p !== undefined) ctx.gauge("MemUsedPercentage", p);
      }
    };
  },
});
