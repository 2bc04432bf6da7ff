/** Combine functions: several series in, fewer out (graphite-web's "Combine" group). */
import { BadRequestError } from "../../lib/errors.js";
import {
  AGG_FUNCS,
  aggName,
  formatPathExpressions,
  makeSeries,
  normalize,
  pyNumber,
  rows,
  safeDiv,
  safeLen,
  safeSum,
  xffOk,
  type Series,
  type Value,
} from "../series.js";
import { nodesArg, seriesArg, strArg } from "./args.js";
import { aggKey, groupBy } from "./nodes.js";
import type { ArgValue, CallContext, FunctionSpec } from "./types.js";

/** graphite-web's aggregate(): one series, named `<func>Series(<path expressions>)`. */
export function aggregate(list: readonly Series[], func: string): Series[] {
  if (list.length === 0) return [];
  const label = func.endsWith("Series") ? func.slice(0, -6) : func;
  const fn = AGG_FUNCS[aggName(label)];
  const n = normalize(list);
  const xff = 0;
  const values: Value[] = rows(n).map((row) => (xffOk(safeLen(row), row.length, xff) ? fn(row) : null));
  const name = `${label}Series(${formatPathExpressions(n.series)})`;
  // tags common to every input, plus name and aggregatedBy
  let tags: Record<string, string> = { ...n.series[0]!.tags };
  for (const s of n.series) tags = Object.fromEntries(Object.entries(tags).filter(([k, v]) => s.tags[k] === v));
  if (!("name" in tags)) tags["name"] = name;
  tags["aggregatedBy"] = label;
  const out = makeSeries(name, n.start, n.step, values);
  out.tags = tags;
  return [out];
}

function lists(rest: ArgValue[]): Series[] {
  const all: Series[] = [];
  for (const v of rest) {
    if (!Array.isArray(v)) throw new BadRequestError(`expected series lists, got ${JSON.stringify(v)}`, "bad_argument");
    all.push(...v);
  }
  return all;
}

const SERIES_LISTS = [{ name: "seriesLists", type: "seriesList", required: true, multiple: true }] as const;

function aggregator(name: string, func: string, description: string, aliases?: string[]): FunctionSpec {
  return {
    name,
    group: "Combine",
    description,
    params: SERIES_LISTS,
    ...(aliases ? { aliases } : {}),
    run: (_cc, a) => aggregate(lists(a.rest("seriesLists")), func),
  };
}

export const sumSeries = aggregator("sumSeries", "sum", "Adds metrics together and returns the sum at each datapoint.", ["sum"]);
export const averageSeries = aggregator("averageSeries", "average", "Average value of all metrics passed at each time.", ["avg"]);
export const maxSeries = aggregator("maxSeries", "max", "For each datapoint, the maximum value across the metrics.");
export const minSeries = aggregator("minSeries", "min", "For each datapoint, the minimum value across the metrics.");
export const diffSeries = aggregator("diffSeries", "diff", "Subtracts series 2 through n from series 1.");
export const multiplySeries: FunctionSpec = {
  ...aggregator("multiplySeries", "multiply", "Multiplies the points of two or more series."),
  run: (_cc, a) => {
    const rest = a.rest("seriesLists");
    if (rest.length === 1 && Array.isArray(rest[0]) && rest[0].length === 1) return rest[0];
    return aggregate(lists(rest), "multiply");
  },
};
export const stddevSeries = aggregator("stddevSeries", "stddev", "Standard deviation of all metrics passed at each time.");
export const countSeries: FunctionSpec = {
  name: "countSeries",
  group: "Combine",
  description: "A line at the number of series in the list (nulls included, as graphite-web counts them).",
  params: [{ name: "seriesLists", type: "seriesList", multiple: true }],
  run: (cc, a) => {
    const list = lists(a.rest("seriesLists"));
    if (list.length === 0) {
      const startS = Math.floor(cc.ctx.from / 1000);
      const stepS = Math.max(1, Math.trunc((Math.floor(cc.ctx.until / 1000) - startS) / 2));
      const s = makeSeries("0", startS * 1000, stepS * 1000, [0, 0, 0]);
      s.pathExpression = "countSeries()";
      return [s];
    }
    const n = normalize(list);
    return [makeSeries(`countSeries(${formatPathExpressions(n.series)})`, n.start, n.step, rows(n).map((r) => r.length))];
  },
};

export const aggregateFn: FunctionSpec = {
  name: "aggregate",
  group: "Combine",
  description: "Aggregates series with the named function (sum, average, min, max, diff, median, stddev, count, range, multiply, last).",
  params: [
    { name: "seriesList", type: "seriesList", required: true },
    { name: "func", type: "aggFunc", required: true },
  ],
  run: (_cc, a) => aggregate(seriesArg(a, "seriesList"), strArg(a, "func")),
};

export const group: FunctionSpec = {
  name: "group",
  group: "Combine",
  description: "Joins several series lists into one.",
  params: [{ name: "seriesLists", type: "seriesList", multiple: true }],
  run: (_cc, a) => lists(a.rest("seriesLists")),
};

export const divideSeries: FunctionSpec = {
  name: "divideSeries",
  group: "Combine",
  description: "Divides each dividend series by the one divisor series.",
  params: [
    { name: "dividendSeriesList", type: "seriesList", required: true },
    { name: "divisorSeries", type: "seriesList", required: true },
  ],
  run: (_cc, a) => {
    const dividends = seriesArg(a, "dividendSeriesList");
    const divisors = seriesArg(a, "divisorSeries");
    if (divisors.length === 0) {
      return dividends.map((s) => {
        const name = `divideSeries(${s.name},MISSING)`;
        return { ...s, name, pathExpression: name, values: s.values.map(() => null) };
      });
    }
    if (divisors.length > 1) throw new BadRequestError(`divideSeries second argument must reference exactly 1 series (got ${divisors.length})`, "bad_argument");
    const divisor = divisors[0]!;
    return dividends.map((s) => {
      const name = `divideSeries(${s.name},${divisor.name})`;
      const n = normalize([s, divisor]);
      return makeSeries(name, n.start, n.step, rows(n).map(([x, y]) => safeDiv(x ?? null, y ?? null)));
    });
  },
};

function percent(v: Value, total: Value): Value {
  const d = safeDiv(v, total);
  return d === null ? null : d * 100;
}

function pairPercent(s: Series, total: Series): Series {
  const n = normalize([s, total]);
  return makeSeries(`asPercent(${s.name},${total.name})`, n.start, n.step, rows(n).map(([x, y]) => percent(x ?? null, y ?? null)));
}

function sumOf(group: readonly Series[]): Series {
  if (group.length === 1) return group[0]!;
  const n = normalize(group);
  return makeSeries(`sumSeries(${formatPathExpressions(group)})`, n.start, n.step, rows(n).map(safeSum));
}

export const asPercent: FunctionSpec = {
  name: "asPercent",
  group: "Combine",
  description: "Each series as a percentage of a total: a number, one series, a matching list, or (by default) the sum of the list; with nodes, matched per group.",
  aliases: ["pct"],
  params: [
    { name: "seriesList", type: "seriesList", required: true },
    { name: "total", type: "any" },
    { name: "nodes", type: "nodeOrTag", multiple: true },
  ],
  run: (cc, a) => {
    const list = seriesArg(a, "seriesList");
    const total = a.get("total");
    const nodes = nodesArg(a, "nodes");
    if (list.length === 0 && !Array.isArray(total)) return [];
    if (nodes.length > 0) {
      if (total !== undefined && total !== null && !Array.isArray(total)) throw new BadRequestError("asPercent: total must be None or a series list when nodes are given", "bad_argument");
      const groups = groupBy(list, (s) => aggKey(s, nodes));
      const keys = [...groups.keys()];
      const totals = new Map<string, Series>();
      if (Array.isArray(total)) {
        const tg = groupBy(total, (s) => aggKey(s, nodes));
        for (const [k, g] of tg) {
          totals.set(k, sumOf(g));
          if (!keys.includes(k)) keys.push(k);
        }
      } else for (const [k, g] of groups) totals.set(k, sumOf(g));
      const out: Series[] = [];
      for (const k of keys) {
        const g = groups.get(k);
        const t = totals.get(k);
        if (g === undefined) {
          out.push(makeSeries(`asPercent(MISSING,${t!.name})`, t!.start, t!.step, t!.values.map(() => null)));
          continue;
        }
        for (const s of g) {
          if (t === undefined) out.push(makeSeries(`asPercent(${s.name},MISSING)`, s.start, s.step, s.values.map(() => null)));
          else out.push(pairPercent(s, t));
        }
      }
      return out;
    }
    if (total === undefined || total === null) {
      const n = normalize(list);
      const totals = rows(n).map(safeSum);
      const totalText = `sumSeries(${formatPathExpressions(list)})`;
      const table = rows(n);
      return n.series.map((s, j) =>
        makeSeries(`asPercent(${s.name},${totalText})`, n.start, n.step, table.map((row, i) => percent(row[j] ?? null, totals[i] ?? null))),
      );
    }
    if (typeof total === "number") {
      const lit = cc.argExpr("total");
      const text = pyNumber(total, lit?.kind === "number" ? lit.isInt : Number.isInteger(total));
      return list.map((s) => makeSeries(`asPercent(${s.name},${text})`, s.start, s.step, s.values.map((v) => percent(v, total))));
    }
    if (Array.isArray(total)) {
      if (total.length === 1) return list.map((s) => pairPercent(s, total[0]!));
      if (total.length !== list.length)
        throw new BadRequestError("asPercent second argument must be missing, a single digit, reference exactly 1 series or reference the same number of series as the first argument", "bad_argument");
      const byName = (x: Series, y: Series): number => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0);
      const sa = [...list].sort(byName);
      const sb = [...total].sort(byName);
      return sa.map((s, i) => pairPercent(s, sb[i]!));
    }
    throw new BadRequestError(`asPercent: total must be a number or a series list, got ${JSON.stringify(total)}`, "bad_argument");
  },
};

/** Runs a callback (an aggregation name or a combine function name) over each group. */
function applyCallback(group: Series[], callback: string, registry: ReadonlyMap<string, FunctionSpec>): Series {
  const spec = registry.get(callback);
  if (spec !== undefined && spec.group === "Combine" && spec.params[0]?.multiple === true) {
    const r = spec.run({} as CallContext, { get: () => undefined, rest: () => [group] });
    return r[0]!;
  }
  return aggregate(group, callback)[0]!;
}

export function groupByNodeSpecs(registry: () => ReadonlyMap<string, FunctionSpec>): FunctionSpec[] {
  const byNodes = (list: Series[], callback: string, nodes: Array<number | string>): Series[] => {
    const groups = groupBy(list, (s) => aggKey(s, nodes));
    const out: Series[] = [];
    for (const [key, g] of groups) {
      const r = applyCallback(g, callback, registry());
      out.push({ ...r, name: key });
    }
    return out;
  };
  return [
    {
      name: "groupByNode",
      group: "Combine",
      description: "Groups series by one node (or tag) and aggregates each group with the callback (default average).",
      params: [
        { name: "seriesList", type: "seriesList", required: true },
        { name: "nodeNum", type: "nodeOrTag", required: true },
        { name: "callback", type: "aggOrSeriesFunc", default: "average" },
      ],
      run: (_cc, a) => {
        const node = a.get("nodeNum");
        if (typeof node !== "number" && typeof node !== "string") throw new BadRequestError("groupByNode: nodeNum must be a node number or tag name", "bad_argument");
        const cb = a.get("callback");
        return byNodes(seriesArg(a, "seriesList"), typeof cb === "string" ? cb : "average", [node]);
      },
    },
    {
      name: "groupByNodes",
      group: "Combine",
      description: "Groups series by several nodes (or tags) and aggregates each group with the callback.",
      params: [
        { name: "seriesList", type: "seriesList", required: true },
        { name: "callback", type: "aggOrSeriesFunc", required: true },
        { name: "nodes", type: "nodeOrTag", multiple: true },
      ],
      run: (_cc, a) => byNodes(seriesArg(a, "seriesList"), strArg(a, "callback"), nodesArg(a, "nodes")),
    },
  ];
}

/** graphite-web's aggregateWithWildcards: groups by the name without the given nodes. */
function withWildcards(name: string, func: string): FunctionSpec {
  return {
    name,
    group: "Combine",
    description: `${func === "sum" ? "Sums" : func === "average" ? "Averages" : "Multiplies"} the series that differ only in the given node positions; each result is named by the remaining nodes.`,
    params: [
      { name: "seriesList", type: "seriesList", required: true },
      { name: "position", type: "node", multiple: true },
    ],
    run: (_cc, a) => {
      const positions = new Set(nodesArg(a, "position"));
      const groups = groupBy(seriesArg(a, "seriesList"), (s) =>
        s.name
          .split(".")
          .filter((_, i) => !positions.has(i))
          .join("."),
      );
      return [...groups].map(([key, g]) => ({ ...aggregate(g, func)[0]!, name: key }));
    },
  };
}

export const sumSeriesWithWildcards = withWildcards("sumSeriesWithWildcards", "sum");
export const averageSeriesWithWildcards = withWildcards("averageSeriesWithWildcards", "average");
export const multiplySeriesWithWildcards = withWildcards("multiplySeriesWithWildcards", "multiply");

/** graphite-web's groupByTags: groups by tag values; each result is named `name;tag=value;…`. */
export function groupByTagsSpec(registry: () => ReadonlyMap<string, FunctionSpec>): FunctionSpec {
  return {
    name: "groupByTags",
    group: "Combine",
    description: "Groups series by tag values and aggregates each group with the callback; results are named name;tag=value.",
    params: [
      { name: "seriesList", type: "seriesList", required: true },
      { name: "callback", type: "aggOrSeriesFunc", required: true },
      { name: "tags", type: "tag", required: true, multiple: true },
    ],
    run: (_cc, a) => {
      const list = seriesArg(a, "seriesList");
      const callback = strArg(a, "callback");
      const tags = a.rest("tags").map(String);
      if (tags.length === 0) throw new BadRequestError("groupByTags: no tags specified", "bad_argument");
      const byName = tags.includes("name");
      const names = new Set(list.map((s) => s.tags["name"] ?? s.name));
      const common = names.size === 1 ? [...names][0]! : callback;
      const groups = groupBy(list, (s) => {
        const pairs = tags.filter((t) => t !== "name").map((t) => `${t}=${s.tags[t] ?? ""}`).sort();
        return [byName ? (s.tags["name"] ?? s.name) : common, ...pairs].join(";");
      });
      return [...groups].map(([key, g]) => {
        const r = applyCallback(g, callback, registry());
        const parts = key.split(";");
        const keyTags: Record<string, string> = { name: parts[0]! };
        for (const p of parts.slice(1)) {
          const eq = p.indexOf("=");
          keyTags[p.slice(0, eq)] = p.slice(eq + 1);
        }
        return { ...r, name: key, pathExpression: key, tags: keyTags };
      });
    },
  };
}
