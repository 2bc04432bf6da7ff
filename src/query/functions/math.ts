/** Per-value transforms beyond the basic ones (graphite-web's Transform group). */
import { BadRequestError } from "../../lib/errors.js";
import { formatG, safeMin, type Series, type Value } from "../series.js";
import { intArg, numArg, optNumArg, seriesArg } from "./args.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

function map(s: Series, name: string, f: (v: Value, i: number) => Value): Series {
  return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map(f) };
}

/** Python's math.pow as graphite-web's safePow uses it: domain errors (and overflow) give null. */
function safePow(v: Value, e: number): Value {
  if (v === null) return null;
  if (v === 0 && e < 0) return null;
  const r = Math.pow(v, e);
  return Number.isFinite(r) ? r : null;
}

function each(name: string, description: string, label: (s: Series) => string, f: (v: Value, s: Series, i: number) => Value): FunctionSpec {
  return {
    name,
    group: "Transform",
    description,
    params: [SERIES],
    run: (_cc, a) => seriesArg(a, "seriesList").map((s) => map(s, label(s), (v, i) => f(v, s, i))),
  };
}

export const invert = each("invert", "1 / value (null for 0).", (s) => `invert(${s.name})`, (v) => safePow(v, -1));
export const squareRoot = each("squareRoot", "Square root (null for negative values).", (s) => `squareRoot(${s.name})`, (v) => safePow(v, 0.5));
export const isNonNull = each("isNonNull", "1 where there is a value, 0 where null.", (s) => `isNonNull(${s.name})`, (v) => (v === null ? 0 : 1));

export const pow: FunctionSpec = {
  name: "pow",
  group: "Transform",
  description: "Each value raised to the power of the factor.",
  params: [SERIES, { name: "factor", type: "float", required: true }],
  run: (_cc, a) => {
    const f = numArg(a, "factor");
    return seriesArg(a, "seriesList").map((s) => map(s, `pow(${s.name},${formatG(f)})`, (v) => safePow(v, f)));
  },
};

export const logarithm: FunctionSpec = {
  name: "log",
  group: "Transform",
  description: "Logarithm in the base (10 by default); null for values ≤ 0.",
  params: [SERIES, { name: "base", type: "integer", default: 10 }],
  run: (_cc, a) => {
    const base = numArg(a, "base");
    return seriesArg(a, "seriesList").map((s) => {
      const name = `log(${s.name}, ${base})`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map((v) => (v === null || v <= 0 ? null : Math.log(v) / Math.log(base))) };
    });
  },
};

export const offsetToZero: FunctionSpec = {
  name: "offsetToZero",
  group: "Transform",
  description: "Subtracts the series' minimum from each value.",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      const m = safeMin(s.values);
      return map(s, `offsetToZero(${s.name})`, (v) => (v === null || m === null ? v : v - m));
    }),
};

/** Python 3's round(): half to even. */
/**
 * Python's round(x, digits): the double's exact decimal value rounded, half to even. Only exact
 * ties round to even; 1.15 (really 1.149999…) rounds to 1.1 as in Python.
 */
export function pyRound(x: number, digits: number): number {
  if (!Number.isFinite(x) || digits > 15) return x;
  if (digits < 0) {
    const f = Math.pow(10, -digits);
    return pyRound(x / f, 0) * f;
  }
  const exact = Math.abs(x).toFixed(Math.min(100, digits + 60));
  const dot = exact.indexOf(".");
  const keep = exact.slice(0, dot + 1 + digits);
  const rest = exact.slice(dot + 1 + digits);
  const tie = /^50*$/.test(rest);
  const up = rest[0]! > "5" || (rest[0] === "5" && !tie) || (tie && Number(keep.at(-1) === "." ? keep.at(-2) : keep.at(-1)) % 2 === 1);
  const f = Math.pow(10, digits);
  const base = Number(keep.endsWith(".") ? keep.slice(0, -1) : keep);
  const r = up ? (Math.round(base * f) + 1) / f : base;
  return x < 0 ? -r : r;
}

export const round: FunctionSpec = {
  name: "round",
  group: "Transform",
  description: "Rounds each value to the precision (0 digits by default), half to even as Python does.",
  params: [SERIES, { name: "precision", type: "integer", default: 0 }],
  run: (cc, a) => {
    const given = cc.call.args[1] !== undefined || cc.call.kwargs["precision"] !== undefined;
    const p = intArg(a, "precision");
    return seriesArg(a, "seriesList").map((s) => map(s, given ? `round(${s.name},${formatG(p)})` : `round(${s.name})`, (v) => (v === null ? null : pyRound(v, p))));
  },
};

export const scaleToSeconds: FunctionSpec = {
  name: "scaleToSeconds",
  group: "Transform",
  description: "Scales values per step to values per `seconds` (value × seconds / step), rounded to 6 decimals.",
  params: [SERIES, { name: "seconds", type: "float", required: true }],
  run: (_cc, a) => {
    const sec = numArg(a, "seconds");
    return seriesArg(a, "seriesList").map((s) => {
      const factor = sec / (s.step / 1000);
      return map(s, `scaleToSeconds(${s.name},${Math.trunc(sec)})`, (v) => (v === null ? null : Math.round(v * factor * 1e6) / 1e6));
    });
  },
};

export const delay: FunctionSpec = {
  name: "delay",
  group: "Transform",
  description: "Shifts values later by a number of steps (earlier with a negative number), padding with nulls.",
  params: [SERIES, { name: "steps", type: "integer", required: true }],
  run: (_cc, a) => {
    const k = intArg(a, "steps");
    return seriesArg(a, "seriesList").map((s) => {
      const n = s.values.length;
      const out: Value[] = k >= 0 ? [...new Array<Value>(Math.min(k, n)).fill(null), ...s.values.slice(0, Math.max(0, n - k))] : [...s.values.slice(-k), ...new Array<Value>(Math.min(-k, n)).fill(null)];
      return map(s, `delay(${s.name},${k})`, (_v, i) => out[i] ?? null);
    });
  },
};

export const changed: FunctionSpec = {
  name: "changed",
  group: "Special",
  description: "1 where the value differs from the previous non-null one, else 0.",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      let prev: Value = null;
      return map(s, `changed(${s.name})`, (v) => {
        if (prev === null) {
          prev = v;
          return 0;
        }
        if (v !== null && v !== prev) {
          prev = v;
          return 1;
        }
        return 0;
      });
    }),
};

function removeValues(name: string, description: string, drop: (v: number, n: number) => boolean): FunctionSpec {
  return {
    name,
    group: "Transform",
    description,
    params: [SERIES, { name: "n", type: "float", required: true }],
    run: (_cc, a) => {
      const n = numArg(a, "n");
      return seriesArg(a, "seriesList").map((s) => map(s, `${name}(${s.name}, ${formatG(n)})`, (v) => (v === null || drop(v, n) ? null : v)));
    },
  };
}

export const removeAboveValue = removeValues("removeAboveValue", "Values above n become null.", (v, n) => v > n);
export const removeBelowValue = removeValues("removeBelowValue", "Values below n become null.", (v, n) => v < n);

export const interpolate: FunctionSpec = {
  name: "interpolate",
  group: "Transform",
  description: "Fills gaps of at most `limit` nulls linearly between the values around them.",
  params: [SERIES, { name: "limit", type: "intOrInf" }],
  run: (_cc, a) => {
    const limit = optNumArg(a, "limit") ?? Infinity;
    if (limit < 0) throw new BadRequestError("interpolate: limit must not be negative", "bad_argument");
    return seriesArg(a, "seriesList").map((s) => {
      const out = [...s.values];
      let nulls = 0;
      for (let i = 1; i < out.length; i++) {
        const v = out[i]!;
        if (v === null) {
          nulls++;
          continue;
        }
        if (nulls === 0) continue;
        const before = out[i - nulls - 1] ?? null;
        if (before !== null && nulls <= limit) for (let j = i - nulls; j < i; j++) out[j] = before + ((j - (i - nulls - 1)) * (v - before)) / (nulls + 1);
        nulls = 0;
      }
      const name = `interpolate(${s.name})`;
      return { ...s, name, pathExpression: name, values: out };
    });
  },
};

export const add: FunctionSpec = {
  name: "add",
  group: "Transform",
  description: "Adds a constant to each value (the name shows it as an integer, as graphite-web's %d does).",
  params: [SERIES, { name: "constant", type: "float", required: true }],
  run: (_cc, a) => {
    const c = numArg(a, "constant");
    return seriesArg(a, "seriesList").map((s) => map(s, `add(${s.name},${Math.trunc(c)})`, (v) => (v === null ? null : v + c)));
  },
};

export const minMax: FunctionSpec = {
  name: "minMax",
  group: "Transform",
  description: "Min-max normalization: (value - min) / (max - min), 0 when max = min.",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      let mn = Infinity;
      let mx = -Infinity;
      for (const v of s.values)
        if (v !== null) {
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
      if (mn === Infinity) mn = mx = 0;
      return map(s, `minMax(${s.name})`, (v) => (v === null ? null : mx === mn ? 0 : (v - mn) / (mx - mn)));
    }),
};
