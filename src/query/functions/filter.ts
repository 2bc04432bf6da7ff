/** Filter and sort functions: choose or order whole series (graphite-web's "Filter Series" and "Sorting"). */
import { pythonRegex } from "../regex.js";
import { BadRequestError } from "../../lib/errors.js";
import { AGG_FUNCS, aggName, safeLast, safeLen, safeMax, safeMin, xffOk, type AggFn, type Series } from "../series.js";
import { boolArg, intArg, numArg, optNumArg, seriesArg, strArg } from "./args.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;
const N = { name: "n", type: "integer", required: true } as const;

/** Stable sort by an aggregate; a series without values counts as -Infinity (graphite-web's keyFunc). */
function sortBy(list: readonly Series[], fn: AggFn, descending: boolean): Series[] {
  const keyed = list.map((s) => ({ s, k: fn(s.values) ?? -Infinity }));
  keyed.sort((x, y) => (descending ? y.k - x.k : x.k - y.k) || 0);
  return keyed.map((x) => x.s);
}

function take(list: Series[], n: number): Series[] {
  return n >= 0 ? list.slice(0, n) : list.slice(0, Math.max(0, list.length + n));
}

export const highest: FunctionSpec = {
  name: "highest",
  group: "Filter Series",
  description: "The n series with the highest aggregated value (average by default).",
  params: [SERIES, { name: "n", type: "integer", default: 1 }, { name: "func", type: "aggFunc", default: "average" }],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), AGG_FUNCS[aggName(strArg(a, "func"))], true), intArg(a, "n")),
};

export const lowest: FunctionSpec = {
  name: "lowest",
  group: "Filter Series",
  description: "The n series with the lowest aggregated value (average by default).",
  params: [SERIES, { name: "n", type: "integer", default: 1 }, { name: "func", type: "aggFunc", default: "average" }],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), AGG_FUNCS[aggName(strArg(a, "func"))], false), intArg(a, "n")),
};

export const highestCurrent: FunctionSpec = {
  name: "highestCurrent",
  group: "Filter Series",
  description: "The n series with the highest last non-null value.",
  params: [SERIES, N],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), safeLast, true), intArg(a, "n")),
};

export const highestMax: FunctionSpec = {
  name: "highestMax",
  group: "Filter Series",
  description: "The n series with the highest maximum.",
  params: [SERIES, N],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), safeMax, true), intArg(a, "n")),
};

export const highestAverage: FunctionSpec = {
  name: "highestAverage",
  group: "Filter Series",
  description: "The n series with the highest average.",
  params: [SERIES, N],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), AGG_FUNCS.average, true), intArg(a, "n")),
};

export const lowestCurrent: FunctionSpec = {
  name: "lowestCurrent",
  group: "Filter Series",
  description: "The n series with the lowest last non-null value (series without values first).",
  params: [SERIES, N],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), safeLast, false), intArg(a, "n")),
};

export const sortByMaxima: FunctionSpec = {
  name: "sortByMaxima",
  group: "Sorting",
  description: "Sorts series by their maximum, highest first.",
  params: [SERIES],
  run: (_cc, a) => sortBy(seriesArg(a, "seriesList"), safeMax, true),
};

export const sortByName: FunctionSpec = {
  name: "sortByName",
  group: "Sorting",
  description: "Sorts series by name; natural sorting puts server2 before server11.",
  params: [SERIES, { name: "natural", type: "boolean", default: false }, { name: "reverse", type: "boolean", default: false }],
  run: (_cc, a) => {
    const natural = boolArg(a, "natural");
    const reverse = boolArg(a, "reverse");
    const key = (n: string): string => (natural ? n.replace(/\d+/g, (d) => d.padStart(10, "0")) : n);
    // a stable sort either way, as Python's sort(reverse=True)
    return [...seriesArg(a, "seriesList")].sort((x, y) => {
      const kx = key(x.name);
      const ky = key(y.name);
      const c = kx < ky ? -1 : kx > ky ? 1 : 0;
      return reverse ? -c : c;
    });
  },
};

export const limit: FunctionSpec = {
  name: "limit",
  group: "Filter Series",
  description: "Only the first n series.",
  params: [SERIES, N],
  run: (_cc, a) => take([...seriesArg(a, "seriesList")], intArg(a, "n")),
};

export const exclude: FunctionSpec = {
  name: "exclude",
  group: "Filter Series",
  description: "Drops series whose name matches the regular expression.",
  params: [SERIES, { name: "pattern", type: "string", required: true }],
  run: (cc, a) => {
    const re = pythonRegex(strArg(a, "pattern"), "exclude: pattern");
    return seriesArg(a, "seriesList").filter((s, i) => {
      if ((i & 255) === 0) cc.ctx.budget.check("matching exclude's pattern");
      return !re.test(s.name);
    });
  },
};

export const grep: FunctionSpec = {
  name: "grep",
  group: "Filter Series",
  description: "Keeps only series whose name matches the regular expression.",
  params: [SERIES, { name: "pattern", type: "string", required: true }],
  run: (cc, a) => {
    const re = pythonRegex(strArg(a, "pattern"), "grep: pattern");
    return seriesArg(a, "seriesList").filter((s, i) => {
      if ((i & 255) === 0) cc.ctx.budget.check("matching grep's pattern");
      return re.test(s.name);
    });
  },
};

// ---- threshold filters (graphite-web's filterSeries and its short forms) ----

type Op = "=" | "!=" | ">" | ">=" | "<" | "<=";
/** graphite-web's operatorFuncs: a series without values passes "!=", "<" and "<=". */
const OPS: Readonly<Record<Op, (v: number | null, t: number) => boolean>> = {
  "=": (v, t) => v !== null && v === t,
  "!=": (v, t) => v === null || v !== t,
  ">": (v, t) => v !== null && v > t,
  ">=": (v, t) => v !== null && v >= t,
  "<": (v, t) => v === null || v < t,
  "<=": (v, t) => v === null || v <= t,
};

function filterBy(list: readonly Series[], func: string, op: string, threshold: number): Series[] {
  const f = OPS[op as Op];
  if (f === undefined) throw new BadRequestError(`unsupported operator ${JSON.stringify(op)} (one of ${Object.keys(OPS).join(" ")})`, "bad_argument");
  const agg = AGG_FUNCS[aggName(func)];
  return list.filter((s) => f(agg(s.values), threshold));
}

export const filterSeries: FunctionSpec = {
  name: "filterSeries",
  group: "Filter Series",
  description: "Keeps series whose aggregate (func) compares to the threshold with the operator (= != > >= < <=).",
  params: [SERIES, { name: "func", type: "aggFunc", required: true }, { name: "operator", type: "string", required: true, options: ["!=", "<", "<=", "=", ">", ">="] }, { name: "threshold", type: "float", required: true }],
  run: (_cc, a) => filterBy(seriesArg(a, "seriesList"), strArg(a, "func"), strArg(a, "operator"), numArg(a, "threshold")),
};

function threshold(name: string, func: string, op: Op, description: string): FunctionSpec {
  return {
    name,
    group: "Filter Series",
    description,
    params: [SERIES, { name: "n", type: "float", required: true }],
    run: (_cc, a) => filterBy(seriesArg(a, "seriesList"), func, op, numArg(a, "n")),
  };
}

export const currentAbove = threshold("currentAbove", "last", ">", "Series whose last value is above n.");
export const currentBelow = threshold("currentBelow", "last", "<=", "Series whose last value is at most n.");
export const averageAbove = threshold("averageAbove", "average", ">", "Series whose average is above n.");
export const averageBelow = threshold("averageBelow", "average", "<=", "Series whose average is at most n.");
export const maximumAbove = threshold("maximumAbove", "max", ">", "Series whose maximum is above n.");
export const maximumBelow = threshold("maximumBelow", "max", "<=", "Series whose maximum is at most n.");
export const minimumAbove = threshold("minimumAbove", "min", ">", "Series whose minimum is above n.");
export const minimumBelow = threshold("minimumBelow", "min", "<=", "Series whose minimum is at most n.");

export const lowestAverage: FunctionSpec = {
  name: "lowestAverage",
  group: "Filter Series",
  description: "The n series with the lowest average.",
  params: [SERIES, N],
  run: (_cc, a) => take(sortBy(seriesArg(a, "seriesList"), AGG_FUNCS.average, false), intArg(a, "n")),
};

export const removeEmptySeries: FunctionSpec = {
  name: "removeEmptySeries",
  group: "Filter Series",
  description: "Drops series without values (or with a smaller share of non-null values than xFilesFactor).",
  params: [SERIES, { name: "xFilesFactor", type: "float" }],
  run: (_cc, a) => {
    const xff = optNumArg(a, "xFilesFactor") ?? 0;
    return seriesArg(a, "seriesList").filter((s) => xffOk(safeLen(s.values), s.values.length, xff));
  },
};

export const unique: FunctionSpec = {
  name: "unique",
  group: "Filter Series",
  description: "Series of several lists, each name once (first wins).",
  params: [{ name: "seriesLists", type: "seriesList", required: true, multiple: true }],
  run: (_cc, a) => {
    const seen = new Set<string>();
    const out: Series[] = [];
    for (const l of a.rest("seriesLists"))
      if (Array.isArray(l))
        for (const s of l)
          if (!seen.has(s.name)) {
            seen.add(s.name);
            out.push(s);
          }
    return out;
  },
};

export const fallbackSeries: FunctionSpec = {
  name: "fallbackSeries",
  group: "Special",
  description: "The series list, or the fallback when it matches nothing.",
  params: [SERIES, { name: "fallback", type: "seriesList", required: true }],
  run: (_cc, a) => {
    const l = seriesArg(a, "seriesList");
    return l.length > 0 ? l : seriesArg(a, "fallback");
  },
};

export const sortByFn: FunctionSpec = {
  name: "sortBy",
  group: "Sorting",
  description: "Sorts series by an aggregate (average by default), ascending unless reverse.",
  params: [SERIES, { name: "func", type: "aggFunc", default: "average" }, { name: "reverse", type: "boolean", default: false }],
  run: (_cc, a) => sortBy(seriesArg(a, "seriesList"), AGG_FUNCS[aggName(strArg(a, "func"))], boolArg(a, "reverse")),
};

export const sortByTotal: FunctionSpec = {
  name: "sortByTotal",
  group: "Sorting",
  description: "Sorts series by their sum, highest first.",
  params: [SERIES],
  run: (_cc, a) => sortBy(seriesArg(a, "seriesList"), AGG_FUNCS.sum, true),
};

export const sortByMinima: FunctionSpec = {
  name: "sortByMinima",
  group: "Sorting",
  description: "Series whose maximum is above 0, sorted by their minimum, lowest first.",
  params: [SERIES],
  run: (_cc, a) =>
    sortBy(
      seriesArg(a, "seriesList").filter((s) => (safeMax(s.values) ?? 0) > 0),
      safeMin,
      false,
    ),
};

export const mostDeviant: FunctionSpec = {
  name: "mostDeviant",
  group: "Filter Series",
  description: "The n series with the largest variance (series without values are left out).",
  params: [SERIES, N],
  run: (_cc, a) => {
    const scored: Array<{ s: Series; v: number }> = [];
    for (const s of seriesArg(a, "seriesList")) {
      const mean = AGG_FUNCS.average(s.values);
      if (mean === null) continue;
      let sq = 0;
      for (const v of s.values) if (v !== null) sq += (v - mean) ** 2;
      scored.push({ s, v: sq / safeLen(s.values) });
    }
    scored.sort((x, y) => y.v - x.v);
    return take(
      scored.map((x) => x.s),
      intArg(a, "n"),
    );
  },
};
