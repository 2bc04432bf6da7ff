/**
 * Pairwise and templated combinations: {sum,diff,multiply,divide}SeriesLists, aggregateSeriesLists,
 * aggregateWithWildcards, rangeOfSeries, applyByNode, mapSeries / reduceSeries.
 */
import { BadRequestError } from "../../lib/errors.js";
import { parseTarget } from "../parser.js";
import { makeSeries, normalize, rows, safeDiv, type Series } from "../series.js";
import { intArg, nodesArg, optStrArg, seriesArg, strArg } from "./args.js";
import { aggregate } from "./combine.js";
import { aggKey, groupBy } from "./nodes.js";
import type { ArgValue, FunctionSpec } from "./types.js";

const FIRST = { name: "seriesListFirstPos", type: "seriesList", required: true } as const;
const SECOND = { name: "seriesListSecondPos", type: "seriesList", required: true } as const;

function pairs(a: Parameters<FunctionSpec["run"]>[1]): Array<[Series, Series]> {
  const x = seriesArg(a, "seriesListFirstPos");
  const y = seriesArg(a, "seriesListSecondPos");
  if (x.length !== y.length) throw new BadRequestError(`the two series lists must have the same length (${x.length} and ${y.length})`, "bad_argument");
  return x.map((s, i) => [s, y[i]!]);
}

/** graphite-web's aggregateSeriesLists: list1[i] with list2[i], named `<func>Series(a,b)`. */
function aggregateLists(ps: Array<[Series, Series]>, func: string): Series[] {
  return ps.flatMap(([s, t]) => {
    const r = aggregate([s, t], func)[0];
    if (r === undefined) return [];
    const name = `${r.name.slice(0, r.name.indexOf("Series("))}Series(${s.name},${t.name})`;
    return [{ ...r, name, pathExpression: name }];
  });
}

function seriesLists(name: string, func: string, what: string): FunctionSpec {
  return {
    name,
    group: "Combine",
    description: `${what} list1[0] with list2[0], list1[1] with list2[1] and so on (lists of the same length).`,
    params: [FIRST, SECOND],
    run: (_cc, a) => aggregateLists(pairs(a), func),
  };
}

export const sumSeriesLists = seriesLists("sumSeriesLists", "sum", "Adds");
export const diffSeriesLists = seriesLists("diffSeriesLists", "diff", "Subtracts");
export const multiplySeriesLists = seriesLists("multiplySeriesLists", "multiply", "Multiplies");

export const aggregateSeriesLists: FunctionSpec = {
  name: "aggregateSeriesLists",
  group: "Combine",
  description: "Aggregates list1[i] with list2[i] using the named function.",
  params: [FIRST, SECOND, { name: "func", type: "aggFunc", required: true }],
  run: (_cc, a) => aggregateLists(pairs(a), strArg(a, "func")),
};

export const divideSeriesLists: FunctionSpec = {
  name: "divideSeriesLists",
  group: "Combine",
  description: "Divides list1[i] by list2[i] (null where the divisor is 0 or null).",
  params: [
    { name: "dividendSeriesList", type: "seriesList", required: true },
    { name: "divisorSeriesList", type: "seriesList", required: true },
  ],
  run: (_cc, a) => {
    const x = seriesArg(a, "dividendSeriesList");
    const y = seriesArg(a, "divisorSeriesList");
    if (x.length !== y.length) throw new BadRequestError("dividendSeriesList and divisorSeriesList argument must have equal length", "bad_argument");
    return x.map((s, i) => {
      const n = normalize([s, y[i]!]);
      return makeSeries(`divideSeries(${s.name},${y[i]!.name})`, n.start, n.step, rows(n).map(([p, q]) => safeDiv(p ?? null, q ?? null)));
    });
  },
};

export const rangeOfSeries: FunctionSpec = {
  name: "rangeOfSeries",
  group: "Combine",
  description: "At each time, the maximum minus the minimum across the series.",
  params: [{ name: "seriesLists", type: "seriesList", required: true, multiple: true }],
  run: (_cc, a) => aggregate(a.rest("seriesLists").flatMap((v) => (Array.isArray(v) ? v : [])), "rangeOf"),
};

export const aggregateWithWildcards: FunctionSpec = {
  name: "aggregateWithWildcards",
  group: "Combine",
  description: "Aggregates the series that differ only in the given node positions; each result is named by the remaining nodes.",
  params: [
    { name: "seriesList", type: "seriesList", required: true },
    { name: "func", type: "aggFunc", required: true },
    { name: "positions", type: "node", multiple: true },
  ],
  run: (_cc, a) => {
    const func = strArg(a, "func");
    const positions = new Set(nodesArg(a, "positions"));
    const groups = groupBy(seriesArg(a, "seriesList"), (s) =>
      s.name
        .split(".")
        .filter((_, i) => !positions.has(i))
        .join("."),
    );
    return [...groups].map(([key, g]) => ({ ...aggregate(g, func)[0]!, name: key }));
  },
};

export const applyByNode: FunctionSpec = {
  name: "applyByNode",
  group: "Combine",
  description: "For each distinct prefix up to nodeNum, evaluates the template with % replaced by the prefix (and names the results newName with % replaced).",
  params: [
    { name: "seriesList", type: "seriesList", required: true },
    { name: "nodeNum", type: "node", required: true },
    { name: "templateFunction", type: "string", required: true },
    { name: "newName", type: "string" },
  ],
  run: (cc, a) => {
    const list = seriesArg(a, "seriesList");
    const node = intArg(a, "nodeNum");
    const template = strArg(a, "templateFunction");
    const newName = optStrArg(a, "newName");
    const prefixes = [...new Set(list.map((s) => s.name.split(".").slice(0, node + 1).join(".")))].sort();
    if (prefixes.length > 1000) throw new BadRequestError("applyByNode: more than 1000 prefixes", "bad_argument");
    const out: Series[] = [];
    for (const prefix of prefixes) {
      for (const r of cc.evaluate(parseTarget(template.split("%").join(prefix)))) {
        const name = newName !== undefined ? newName.split("%").join(prefix) : r.name;
        out.push({ ...r, name, pathExpression: prefix });
      }
    }
    return out;
  },
};

/** Runs a function on literal arguments, bound to its parameters in order (reduceSeries' calls). */
function runWith(spec: FunctionSpec, cc: Parameters<FunctionSpec["run"]>[0], values: ArgValue[]): Series[] {
  const single = new Map<string, ArgValue>();
  const rest = new Map<string, ArgValue[]>();
  let pi = 0;
  for (const v of values) {
    const p = spec.params[pi];
    if (p === undefined) throw new BadRequestError(`${spec.name}: too many arguments`, "bad_argument");
    if (p.multiple === true) rest.set(p.name, [...(rest.get(p.name) ?? []), v]);
    else {
      single.set(p.name, v);
      pi++;
    }
  }
  for (const p of spec.params) if (!single.has(p.name) && p.default !== undefined && p.multiple !== true) single.set(p.name, p.default);
  return spec.run(cc, { get: (n) => single.get(n), rest: (n) => rest.get(n) ?? [] });
}

export function mapReduceSpecs(registry: () => ReadonlyMap<string, FunctionSpec>): FunctionSpec[] {
  return [
    {
      name: "mapSeries",
      group: "Combine",
      aliases: ["map"],
      description: "Groups series by the given nodes (or tags), for reduceSeries; the groups follow one another in one list.",
      params: [
        { name: "seriesList", type: "seriesList", required: true },
        { name: "mapNodes", type: "nodeOrTag", required: true, multiple: true },
      ],
      run: (_cc, a) => [...groupBy(seriesArg(a, "seriesList"), (s) => aggKey(s, nodesArg(a, "mapNodes"))).values()].flat(),
    },
    {
      name: "reduceSeries",
      group: "Combine",
      aliases: ["reduce"],
      description: "Calls reduceFunction with the series whose node reduceNode is each of reduceMatchers, per common prefix; results are named <prefix>.reduce.<function> (incomplete groups are left out).",
      params: [
        { name: "seriesLists", type: "seriesList", required: true },
        { name: "reduceFunction", type: "string", required: true },
        { name: "reduceNode", type: "node", required: true },
        { name: "reduceMatchers", type: "string", required: true, multiple: true },
      ],
      run: (cc, a) => {
        const fnName = strArg(a, "reduceFunction");
        const spec = registry().get(fnName);
        if (spec === undefined) throw new BadRequestError(`reduceSeries: unknown function ${fnName}`, "bad_argument");
        const node = intArg(a, "reduceNode");
        const matchers = a.rest("reduceMatchers").map(String);
        const slots = new Map<string, Array<Series | undefined>>();
        for (const s of seriesArg(a, "seriesLists")) {
          const nodes = s.name.split(".");
          const at = matchers.indexOf(nodes[node] ?? "");
          if (at < 0) continue;
          const key = `${nodes.slice(0, node).join(".")}.reduce.${fnName}`;
          const slot = slots.get(key) ?? new Array<Series | undefined>(matchers.length).fill(undefined);
          slot[at] = s;
          slots.set(key, slot);
        }
        const out: Series[] = [];
        for (const [key, slot] of slots) {
          if (slot.some((x) => x === undefined)) continue;
          const r = runWith(spec, cc, slot.map((x) => [x!]))[0];
          if (r !== undefined) out.push({ ...r, name: key });
        }
        return out;
      },
    },
  ];
}
