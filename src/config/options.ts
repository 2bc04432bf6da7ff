/**
 * Option kinds for the INI schema. Each option is a zod schema from the raw INI text to a typed
 * value, a default written as INI text (parsed like user input, so config.example.ini and the
 * schema can never disagree), a one-line help and whether it is secret.
 */
import { z } from "zod";
import { checkRegex } from "../lib/safe-regex.js";

export interface Option<T> {
  readonly kind: string;
  readonly schema: z.ZodType<T, string>;
  /** Default as it would be written in the INI file ("" for empty). */
  readonly default: string;
  readonly help: string;
  /** What a valid value looks like, for error messages: "an integer from 1 to 65535". */
  readonly expected: string;
  readonly secret: boolean;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyOption = Option<any>;
export type SectionSpec = Readonly<Record<string, AnyOption>>;
export type SectionValues<S extends SectionSpec> = { readonly [K in keyof S]: S[K] extends Option<infer T> ? T : never };

interface Extra {
  readonly secret?: boolean;
}

function make<T>(kind: string, expected: string, schema: z.ZodType<T, string>, def: string, help: string, extra: Extra = {}): Option<T> {
  return { kind, expected, schema, default: def, help, secret: extra.secret ?? false };
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  y: 365 * 86_400_000,
};

/** "10s", "5m", "1h30m", "7d", "2y", "250ms", "0" → milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "0") return 0;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== s.length) return undefined;
  return Math.round(total);
}

/** Milliseconds back to the shortest exact text ("90000" → "90s", 86400000 → "1d"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  for (const unit of ["y", "w", "d", "h", "m", "s"] as const) {
    const f = DURATION_UNITS[unit]!;
    if (ms % f === 0) return `${ms / f}${unit}`;
  }
  return `${ms}ms`;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** "512MB", "1GiB", "100k", "0" → bytes (binary multiples); undefined when malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (m === null) return undefined;
  const f = SIZE_UNITS[m[2]!.toLowerCase()];
  if (f === undefined) return undefined;
  return Math.round(Number(m[1]) * f);
}

const refine = <T>(parse: (s: string) => T | undefined, expected: string): z.ZodType<T, string> =>
  z.string().transform((s, ctx) => {
    const v = parse(s);
    if (v === undefined) {
      ctx.addIssue({ code: "custom", message: `expected ${expected}` });
      return z.NEVER;
    }
    return v;
  });

export const opt = {
  string(def: string, help: string, extra: Extra = {}): Option<string> {
    return make("string", "a string", refine((s) => s, "a string"), def, help, extra);
  },
  secret(help: string): Option<string> {
    return opt.string("", help, { secret: true });
  },
  int(def: number, help: string, range: { min?: number; max?: number } = {}): Option<number> {
    const min = range.min ?? Number.MIN_SAFE_INTEGER;
    const max = range.max ?? Number.MAX_SAFE_INTEGER;
    const expected =
      range.min !== undefined && range.max !== undefined
        ? `an integer from ${min} to ${max}`
        : range.min !== undefined
          ? `an integer ≥ ${min}`
          : "an integer";
    const parse = (s: string): number | undefined => {
      if (!/^\s*-?\d+\s*$/.test(s)) return undefined;
      const n = Number(s);
      return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
    };
    return make("int", expected, refine(parse, expected), String(def), help);
  },
  number(def: number, help: string, range: { min?: number; max?: number } = {}): Option<number> {
    const min = range.min ?? -Infinity;
    const max = range.max ?? Infinity;
    const expected = Number.isFinite(min) && Number.isFinite(max) ? `a number from ${min} to ${max}` : "a number";
    const parse = (s: string): number | undefined => {
      if (s.trim() === "") return undefined;
      const n = Number(s);
      return Number.isFinite(n) && n >= min && n <= max ? n : undefined;
    };
    return make("number", expected, refine(parse, expected), String(def), help);
  },
  bool(def: boolean, help: string): Option<boolean> {
    const expected = "true or false";
    const parse = (s: string): boolean | undefined => {
      const l = s.trim().toLowerCase();
      if (l === "true" || l === "yes" || l === "on" || l === "1") return true;
      if (l === "false" || l === "no" || l === "off" || l === "0") return false;
      return undefined;
    };
    return make("bool", expected, refine(parse, expected), String(def), help);
  },
  /** Milliseconds. */
  duration(def: string, help: string, range: { min?: number } = {}): Option<number> {
    const expected = `a duration such as 10s, 5m, 1h or 7d${range.min !== undefined ? ` (at least ${formatDuration(range.min)})` : ""}`;
    const parse = (s: string): number | undefined => {
      const v = parseDuration(s);
      return v !== undefined && v >= (range.min ?? 0) ? v : undefined;
    };
    return make("duration", expected, refine(parse, expected), def, help);
  },
  /** Bytes. */
  size(def: string, help: string): Option<number> {
    const expected = "a size such as 512MB, 2GB or 0";
    return make("size", expected, refine(parseSize, expected), def, help);
  },
  enum<const V extends readonly [string, ...string[]]>(values: V, def: V[number], help: string): Option<V[number]> {
    const expected = `one of ${values.join(", ")}`;
    const parse = (s: string): V[number] | undefined => values.find((v) => v === s.trim());
    return make("enum", expected, refine(parse, expected), def, help);
  },
  /** Comma-separated list; empty string gives []. */
  list(def: string, help: string): Option<readonly string[]> {
    const parse = (s: string): string[] =>
      s
        .split(",")
        .map((x) => x.trim())
        .filter((x) => x !== "");
    return make("list", "a comma-separated list", refine(parse, "a comma-separated list"), def, help);
  },
  /** "host:port", "[::1]:port" or "" (off). */
  addr(def: string, help: string): Option<{ host: string; port: number } | null> {
    const expected = 'host:port (e.g. 127.0.0.1:2003), or "" to turn it off';
    const parse = (s: string): { host: string; port: number } | null | undefined => {
      const t = s.trim();
      if (t === "") return null;
      const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(t);
      if (m === null) return undefined;
      const port = Number(m[3]);
      if (port > 65535) return undefined;
      return { host: m[1] ?? (m[2] === "" ? "0.0.0.0" : m[2]!), port };
    };
    return make("addr", expected, refine(parse, expected), def, help);
  },
  url(def: string, help: string): Option<string> {
    const expected = "an absolute http(s) URL";
    const parse = (s: string): string | undefined => {
      try {
        const u = new URL(s.trim());
        return u.protocol === "http:" || u.protocol === "https:" ? u.toString() : undefined;
      } catch {
        return undefined;
      }
    };
    return make("url", expected, refine(parse, expected), def, help);
  },
  /** A regular expression (validated at load by the linear-time engine that will run it). */
  regex(def: string, help: string): Option<string> {
    const expected = "a valid regular expression (RE2 syntax: no backreferences or lookaround)";
    const parse = (s: string): string | undefined => {
      try {
        checkRegex(s, "config");
        return s;
      } catch {
        return undefined;
      }
    };
    return make("regex", expected, refine(parse, expected), def, help);
  },
};
