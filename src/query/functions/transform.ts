/** Transform functions: each series in, one series out (graphite-web's "Transform" group). */
import { BadRequestError } from "../../lib/errors.js";
import { formatG, renamed, type AggName, type Series, type Value } from "../series.js";
import { numArg, optNumArg, optSeriesArg, seriesArg, strArg } from "./args.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

function map(s: Series, name: string, f: (v: Value, i: number) => Value): Series {
  return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map(f) };
}

export const scale: FunctionSpec = {
  name: "scale",
  group: "Transform",
  description: "Multiplies each datapoint by a constant.",
  params: [SERIES, { name: "factor", type: "float", required: true }],
  run: (_cc, a) => {
    const f = numArg(a, "factor");
    return seriesArg(a, "seriesList").map((s) => map(s, `scale(${s.name},${formatG(f)})`, (v) => (v === null ? null : v * f)));
  },
};

export const offset: FunctionSpec = {
  name: "offset",
  group: "Transform",
  description: "Adds a constant to each datapoint.",
  params: [SERIES, { name: "factor", type: "float", required: true }],
  run: (_cc, a) => {
    const f = numArg(a, "factor");
    return seriesArg(a, "seriesList").map((s) => map(s, `offset(${s.name},${formatG(f)})`, (v) => (v === null ? null : v + f)));
  },
};

export const absolute: FunctionSpec = {
  name: "absolute",
  group: "Transform",
  description: "Absolute value of each datapoint.",
  params: [SERIES],
  run: (_cc, a) => seriesArg(a, "seriesList").map((s) => map(s, `absolute(${s.name})`, (v) => (v === null ? null : Math.abs(v)))),
};

export const derivative: FunctionSpec = {
  name: "derivative",
  group: "Transform",
  description: "Difference between each datapoint and the one before (null after a null).",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      let prev: Value = null;
      const out = s.values.map((v) => {
        const d = prev === null || v === null ? null : v - prev;
        prev = v;
        return d;
      });
      return renamed(s, `derivative(${s.name})`, out);
    }),
};

/** graphite-web's _nonNegativeDelta: [delta, new prev]. */
function nonNegativeDelta(val: Value, prev: Value, maxValue: number | undefined, minValue: number | undefined): [Value, Value] {
  if (maxValue !== undefined && val !== null && val > maxValue) return [null, null];
  if (minValue !== undefined && val !== null && val < minValue) return [null, null];
  if (prev === null || val === null) return [null, val];
  if (val >= prev) return [val - prev, val];
  if (maxValue !== undefined) return [maxValue + 1 + val - prev - (minValue ?? 0), val];
  if (minValue !== undefined) return [val - minValue, val];
  return [null, val];
}

const WRAP_PARAMS = [SERIES, { name: "maxValue", type: "float" }, { name: "minValue", type: "float" }] as const;

export const nonNegativeDerivative: FunctionSpec = {
  name: "nonNegativeDerivative",
  group: "Transform",
  description: "Like derivative, but a decrease (counter reset) gives null, or wraps at maxValue / minValue.",
  params: WRAP_PARAMS,
  run: (_cc, a) => {
    const mx = optNumArg(a, "maxValue");
    const mn = optNumArg(a, "minValue");
    return seriesArg(a, "seriesList").map((s) => {
      let prev: Value = null;
      const out = s.values.map((v) => {
        const [d, p] = nonNegativeDelta(v, prev, mx, mn);
        prev = p;
        return d;
      });
      return renamed(s, `nonNegativeDerivative(${s.name})`, out);
    });
  },
};

export const perSecond: FunctionSpec = {
  name: "perSecond",
  group: "Transform",
  description: "nonNegativeDerivative divided by the step in seconds (rounded to 6 decimals).",
  params: WRAP_PARAMS,
  run: (_cc, a) => {
    const mx = optNumArg(a, "maxValue");
    const mn = optNumArg(a, "minValue");
    return seriesArg(a, "seriesList").map((s) => {
      const stepS = s.step / 1000;
      let prev: Value = null;
      const out = s.values.map((v) => {
        const [d, p] = nonNegativeDelta(v, prev, mx, mn);
        prev = p;
        return d === null ? null : Math.round((d / stepS) * 1e6) / 1e6;
      });
      return renamed(s, `perSecond(${s.name})`, out);
    });
  },
};

export const integral: FunctionSpec = {
  name: "integral",
  group: "Transform",
  description: "Running sum over time; nulls stay null and do not reset the sum.",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      let cur = 0;
      return renamed(
        s,
        `integral(${s.name})`,
        s.values.map((v) => {
          if (v === null) return null;
          cur += v;
          return cur;
        }),
      );
    }),
};

export const keepLastValue: FunctionSpec = {
  name: "keepLastValue",
  group: "Transform",
  description: "Fills gaps of at most `limit` nulls with the last value seen before them.",
  params: [SERIES, { name: "limit", type: "intOrInf" }],
  run: (_cc, a) => {
    const limit = optNumArg(a, "limit") ?? Infinity;
    return seriesArg(a, "seriesList").map((s) => {
      const out = [...s.values];
      let nulls = 0;
      let last: Value = null;
      for (let i = 0; i < out.length; i++) {
        const v = out[i]!;
        if (v === null) {
          nulls++;
          continue;
        }
        if (nulls > 0 && nulls <= limit && last !== null) for (let j = i - nulls; j < i; j++) out[j] = last;
        nulls = 0;
        last = v;
      }
      if (nulls > 0 && nulls <= limit && last !== null) for (let j = out.length - nulls; j < out.length; j++) out[j] = last;
      const name = `keepLastValue(${s.name})`;
      return { ...s, name, pathExpression: name, values: out };
    });
  },
};

export const transformNull: FunctionSpec = {
  name: "transformNull",
  group: "Transform",
  description: "Replaces nulls with a default (0), optionally only where a reference series has a value.",
  params: [SERIES, { name: "default", type: "float", default: 0 }, { name: "referenceSeries", type: "seriesList" }],
  run: (_cc, a) => {
    const def = optNumArg(a, "default") ?? 0;
    const ref = optSeriesArg(a, "referenceSeries");
    const useRef = ref !== undefined && ref.length > 0;
    let defaults: Value[] | undefined;
    if (useRef) {
      const len = ref.reduce((m, r) => Math.max(m, r.values.length), 0);
      defaults = [];
      for (let i = 0; i < len; i++) defaults.push(ref.some((r) => (r.values[i] ?? null) !== null) ? def : null);
    }
    return seriesArg(a, "seriesList").map((s) => {
      const name = useRef ? `transformNull(${s.name},${formatG(def)},referenceSeries)` : `transformNull(${s.name},${formatG(def)})`;
      return { ...s, name, pathExpression: name, values: s.values.map((v, i) => (v !== null ? v : defaults ? (defaults[i] ?? null) : def)) };
    });
  },
};

const CONSOLIDATIONS: Readonly<Record<string, AggName>> = { sum: "sum", average: "average", avg: "average", avg_zero: "avg_zero", min: "min", max: "max", first: "first", last: "last" };

export const consolidateBy: FunctionSpec = {
  name: "consolidateBy",
  group: "Special",
  description: "How points are combined when there are more than maxDataPoints: sum, average, min, max, first or last.",
  params: [SERIES, { name: "consolidationFunc", type: "string", required: true, options: Object.keys(CONSOLIDATIONS) }],
  run: (_cc, a) => {
    const f = strArg(a, "consolidationFunc");
    const agg = CONSOLIDATIONS[f];
    if (agg === undefined) throw new BadRequestError(`consolidateBy: unknown function ${JSON.stringify(f)} (one of ${Object.keys(CONSOLIDATIONS).join(", ")})`, "bad_argument");
    return seriesArg(a, "seriesList").map((s) => {
      const name = `consolidateBy(${s.name},"${f}")`;
      return { ...s, name, pathExpression: name, consolidate: agg };
    });
  },
};

export const cumulative: FunctionSpec = {
  name: "cumulative",
  group: "Special",
  description: 'consolidateBy(seriesList, "sum").',
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) => {
      const name = `consolidateBy(${s.name},"sum")`;
      return { ...s, name, pathExpression: name, consolidate: "sum" as const };
    }),
};

/** Store-side consolidation matching a consolidateBy function name (evaluate.ts hands it to select). */
export function storeConsolidation(f: string): "avg" | "min" | "max" | "sum" | "last" | undefined {
  switch (f) {
    case "sum":
      return "sum";
    case "min":
      return "min";
    case "max":
      return "max";
    case "last":
      return "last";
    case "average":
    case "avg":
      return "avg";
    default:
      return undefined;
  }
}
