/** Filter and sort functions: choose or order whole series (graphite-web's "Filter Series" and "Sorting"). */
import { pythonRegex } from "../regex.js";
import { AGG_FUNCS, aggName, safeLast, safeMax, type AggFn, type Series } from "../series.js";
import { intArg, seriesArg, strArg } from "./args.js";
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
  description: "Sorts series by name.",
  params: [SERIES],
  run: (_cc, a) => [...seriesArg(a, "seriesList")].sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0)),
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
  run: (_cc, a) => {
    const re = pythonRegex(strArg(a, "pattern"));
    return seriesArg(a, "seriesList").filter((s) => !re.test(s.name));
  },
};

export const grep: FunctionSpec = {
  name: "grep",
  group: "Filter Series",
  description: "Keeps only series whose name matches the regular expression.",
  params: [SERIES, { name: "pattern", type: "string", required: true }],
  run: (_cc, a) => {
    const re = pythonRegex(strArg(a, "pattern"));
    return seriesArg(a, "seriesList").filter((s) => re.test(s.name));
  },
};
