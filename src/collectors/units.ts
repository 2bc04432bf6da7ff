/**
 * Diamond's unit names (diamond.convertor): `byte_unit` values (bit, kilobit, Kibit, byte, kB,
 * gigabyte, GiB …; every multiple is 1024) and the time units of uptime's `metric_name`, plus the
 * rounding Diamond's wire format applies (`%0.<precision>f`, half away from zero as in Python 2).
 * Unknown names are config errors naming the key, never a collector that silently publishes nothing.
 */
import { z } from "zod";
import type { Option } from "../config/index.js";

const PREFIXES = ["", "kilo", "mega", "giga", "tera", "peta", "exa", "zetta", "yotta"] as const;
const SHORT = ["", "K", "M", "G", "T", "P", "E", "Z", "Y"] as const;

/** Unit name → bits per unit. */
export const BYTE_UNITS: ReadonlyMap<string, number> = (() => {
  const m = new Map<string, number>();
  m.set("bit", 1).set("b", 1).set("byte", 8).set("B", 8);
  for (let i = 1; i < PREFIXES.length; i++) {
    const f = 1024 ** i;
    const s = SHORT[i]!;
    m.set(`${PREFIXES[i]}bit`, f).set(`${s === "K" ? "k" : s}bit`, f).set(`${s}ibit`, f);
    m.set(`${PREFIXES[i]}byte`, 8 * f).set(`${s === "K" ? "k" : s}B`, 8 * f).set(`${s}iB`, 8 * f);
  }
  m.set("Mbyte", 8 * 1024 ** 2);
  return m;
})();

/** Converts between two known byte units ("kB" → "byte" is × 1024). */
export function convertBytes(value: number, from: string, to: string): number {
  const a = BYTE_UNITS.get(from);
  const b = BYTE_UNITS.get(to);
  if (a === undefined || b === undefined) throw new Error(`unknown unit ${JSON.stringify(a === undefined ? from : to)}`);
  return (value * a) / b;
}

/** The names accepted, shortest list for messages. */
export function byteUnitNames(): string {
  return [...BYTE_UNITS.keys()].join(", ");
}

/** A `byte_unit` list (commas or spaces, as Diamond splits it); every name must be a Diamond unit. */
export function byteUnitOption(def: string, help: string): Option<readonly string[]> {
  const expected = `a list of units among ${byteUnitNames()}`;
  const schema = z.string().transform((s, ctx): readonly string[] => {
    const units = s.split(/[\s,]+/).filter((u) => u !== "");
    const bad = units.filter((u) => !BYTE_UNITS.has(u));
    if (bad.length > 0 || units.length === 0) {
      ctx.addIssue({ code: "custom", message: `${bad.length > 0 ? `unknown unit ${bad.map((u) => JSON.stringify(u)).join(", ")}; ` : ""}expected ${expected}` });
      return z.NEVER;
    }
    return [...new Set(units)];
  });
  return { kind: "list", expected, schema, default: def, help, secret: false };
}

/** Milliseconds per time unit (diamond.convertor.time, case-insensitive). */
const TIME_UNITS: ReadonlyArray<readonly [readonly string[], number]> = [
  [["millisecond", "milliseconds", "ms"], 1],
  [["second", "seconds", "s"], 1000],
  [["minute", "minutes", "m"], 60_000],
  [["hour", "hours", "h"], 3_600_000],
  [["day", "days", "d"], 86_400_000],
  [["year", "years", "y"], 365 * 86_400_000],
  [["microsecond", "microseconds", "us"], 1e-3],
  [["nanosecond", "nanoseconds", "ns"], 1e-6],
];

export function timeUnitMs(name: string): number | undefined {
  const l = name.toLowerCase();
  return TIME_UNITS.find(([names]) => names.includes(l))?.[1];
}

/** uptime's `metric_name`: both the metric's name and the unit it is expressed in. */
export function timeUnitOption(def: string, help: string): Option<string> {
  const expected = `a time unit: ${TIME_UNITS.map(([n]) => n.join("/")).join(", ")}`;
  const schema = z.string().transform((s, ctx): string => {
    const t = s.trim();
    if (timeUnitMs(t) === undefined) {
      ctx.addIssue({ code: "custom", message: `unknown unit ${JSON.stringify(t)}; expected ${expected}` });
      return z.NEVER;
    }
    return t;
  });
  return { kind: "string", expected, schema, default: def, help, secret: false };
}

/** Diamond's `%0.<precision>f` on the wire: Python 2 rounding, half away from zero. */
export function roundTo(value: number, precision: number): number {
  const f = 10 ** precision;
  const r = Math.round(Math.abs(value) * f) / f;
  return value < 0 ? -r : r;
}
