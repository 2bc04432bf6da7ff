/** Percentiles and aggregate lines (graphite-web's "Calculate" group, beyond the moving windows). */
import { BadRequestError } from "../../lib/errors.js";
import { AGG_FUNCS, aggName, formatG, makeSeries, normalize, rows, type Series, type Value } from "../series.js";
import { boolArg, numArg, seriesArg, strArg } from "./args.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

/** graphite-web's _getPercentile (NIST method; nearest rank unless interpolate). */
export function percentile(points: readonly Value[], n: number, interpolate = false): Value {
  const sorted = points.filter((p): p is number => p !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const fractional = (n / 100) * (sorted.length + 1);
  let rank = Math.trunc(fractional);
  const frac = fractional - rank;
  if (!interpolate) rank += Math.ceil(frac);
  let p: number;
  if (rank === 0) p = sorted[0]!;
  else if (rank - 1 >= sorted.length) p = sorted[sorted.length - 1]!;
  else p = sorted[rank - 1]!;
  if (interpolate && rank !== sorted.length && rank < sorted.length) p = p + frac * (sorted[rank]! - p);
  return p;
}

export const nPercentile: FunctionSpec = {
  name: "nPercentile",
  group: "Calculate",
  description: "A horizontal line at the n-th percentile of each series' values.",
  params: [SERIES, { name: "n", type: "float", required: true }],
  run: (_cc, a) => {
    const n = numArg(a, "n");
    if (!(n > 0)) throw new BadRequestError("nPercentile: the percent must be greater than 0", "bad_argument");
    const out: Series[] = [];
    for (const s of seriesArg(a, "seriesList")) {
      const p = percentile(s.values, n);
      if (p === null) continue;
      const name = `nPercentile(${s.name}, ${formatG(n)})`;
      out.push({ ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map(() => p) });
    }
    return out;
  },
};

export const percentileOfSeries: FunctionSpec = {
  name: "percentileOfSeries",
  group: "Combine",
  description: "At each time, the n-th percentile of the values across the series.",
  params: [SERIES, { name: "n", type: "float", required: true }, { name: "interpolate", type: "boolean", default: false }],
  run: (_cc, a) => {
    const list = seriesArg(a, "seriesList");
    const n = numArg(a, "n");
    if (!(n > 0)) throw new BadRequestError("percentileOfSeries: the percent must be greater than 0", "bad_argument");
    if (list.length === 0) return [];
    const interp = boolArg(a, "interpolate");
    const norm = normalize(list);
    const name = `percentileOfSeries(${list[0]!.pathExpression},${formatG(n)})`;
    return [makeSeries(name, norm.start, norm.step, rows(norm).map((r) => percentile(r, n, interp)))];
  },
};

export const aggregateLine: FunctionSpec = {
  name: "aggregateLine",
  group: "Calculate",
  description: "A horizontal line at an aggregate (average by default) of each series.",
  params: [SERIES, { name: "func", type: "aggFunc", default: "average" }, { name: "keepStep", type: "boolean", default: false }],
  run: (cc, a) => {
    const fn = AGG_FUNCS[aggName(strArg(a, "func"))];
    const keep = boolArg(a, "keepStep");
    return seriesArg(a, "seriesList").map((s) => {
      const v = fn(s.values);
      const name = `aggregateLine(${s.name}, ${v === null ? "None" : formatG(v)})`;
      if (keep) return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map(() => v) };
      const startS = Math.floor(cc.ctx.from / 1000);
      const endS = Math.floor(cc.ctx.until / 1000);
      const stepS = Math.max(1, Math.trunc((endS - startS) / 2));
      return makeSeries(name, startS * 1000, stepS * 1000, [v, v, v]);
    });
  },
};

function removePercentile(name: string, description: string, drop: (v: number | null, p: number) => boolean): FunctionSpec {
  return {
    name,
    group: "Calculate",
    description,
    params: [SERIES, { name: "n", type: "float", required: true }],
    run: (_cc, a) => {
      const n = numArg(a, "n");
      if (!(n > 0)) throw new BadRequestError(`${name}: the percent must be greater than 0`, "bad_argument");
      return seriesArg(a, "seriesList").map((s) => {
        const label = `${name}(${s.name}, ${formatG(n)})`;
        const p = percentile(s.values, n);
        const values = p === null ? s.values : s.values.map((v) => (drop(v, p) ? null : v));
        return { ...s, tags: { ...s.tags }, name: label, pathExpression: label, values };
      });
    },
  };
}

export const removeAbovePercentile = removePercentile("removeAbovePercentile", "Values above the series' n-th percentile become null.", (v, p) => v !== null && v > p);
export const removeBelowPercentile = removePercentile("removeBelowPercentile", "Values below the series' n-th percentile become null.", (v, p) => v === null || v < p);
