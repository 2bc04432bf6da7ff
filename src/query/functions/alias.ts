/** Alias functions: change series names only (the path expression stays, as in graphite-web). */
import { pythonRegex } from "../regex.js";
import { AGG_FUNCS, aggName, type AggFn, type Series } from "../series.js";
import { intArg, nodesArg, seriesArg, strArg } from "./args.js";
import { aggKey } from "./nodes.js";
import type { FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

function withName(s: Series, name: string): Series {
  return { ...s, name };
}

export const alias: FunctionSpec = {
  name: "alias",
  group: "Alias",
  description: "Shows the given string instead of the metric name.",
  params: [SERIES, { name: "newName", type: "string", required: true }],
  run: (_cc, a) => {
    const n = strArg(a, "newName");
    return seriesArg(a, "seriesList").map((s) => withName(s, n));
  },
};

export const aliasByNode: FunctionSpec = {
  name: "aliasByNode",
  group: "Alias",
  description: "Names each series by one or more nodes of its path (0-based, negative from the end) or tags.",
  params: [SERIES, { name: "nodes", type: "nodeOrTag", required: true, multiple: true }],
  run: (_cc, a) => {
    const nodes = nodesArg(a, "nodes");
    return seriesArg(a, "seriesList").map((s) => withName(s, aggKey(s, nodes)));
  },
};

export const aliasByTags: FunctionSpec = { ...aliasByNode, name: "aliasByTags", description: "Names each series by tags and/or nodes (like aliasByNode)." , params: [SERIES, { name: "tags", type: "nodeOrTag", required: true, multiple: true }], run: (_cc, a) => {
  const nodes = nodesArg(a, "tags");
  return seriesArg(a, "seriesList").map((s) => withName(s, aggKey(s, nodes)));
} };

/** graphite-web's substr(seriesList, start, stop) over the innermost path of the name. */
function substr(name: string, start: number, stop: number): string {
  const left = name.lastIndexOf("(") + 1;
  let right = name.indexOf(")");
  if (right < 0) right = name.length + 1;
  const clean = name.slice(left, right);
  const parts = clean.split(".");
  const from = start < 0 ? Math.max(0, parts.length + start) : start;
  const sliced = stop === 0 ? parts.slice(from) : parts.slice(from, stop < 0 ? parts.length + stop : stop);
  // what .replace(/,.*$/, "") did, without its quadratic backtracking on names with many commas
  const joined = sliced.join(".");
  const comma = joined.indexOf(",", joined.lastIndexOf("\n") + 1);
  return comma < 0 ? joined : joined.slice(0, comma);
}

export const aliasByMetric: FunctionSpec = {
  name: "aliasByMetric",
  group: "Alias",
  description: "Names each series by the last node of its path.",
  params: [SERIES],
  run: (_cc, a) => seriesArg(a, "seriesList").map((s) => withName(s, substr(s.name, -1, 0))),
};

export const aliasSub: FunctionSpec = {
  name: "aliasSub",
  group: "Alias",
  description: 'Runs series names through a regular expression search and replace (Python syntax: "\\1" for a group).',
  params: [SERIES, { name: "search", type: "string", required: true }, { name: "replace", type: "string", required: true }],
  run: (cc, a) => {
    const search = pythonRegex(strArg(a, "search"), "aliasSub: search");
    const replace = strArg(a, "replace");
    return seriesArg(a, "seriesList").map((s, i) => {
      if ((i & 255) === 0) cc.ctx.budget.check("matching aliasSub's search");
      return withName(s, search.replace(s.name, replace));
    });
  },
};

export const substrFn: FunctionSpec = {
  name: "substr",
  group: "Special",
  description: "Names each series by nodes start to stop (exclusive; 0 = to the end) of its innermost path.",
  params: [SERIES, { name: "start", type: "node", default: 0 }, { name: "stop", type: "node", default: 0 }],
  run: (_cc, a) => {
    const start = intArg(a, "start");
    const stop = intArg(a, "stop");
    return seriesArg(a, "seriesList").map((s) => withName(s, substr(s.name, start, stop)));
  },
};

/** Python's str() of a float: integral values keep ".0", None for no value. */
function pyFloat(v: number | null): string {
  if (v === null) return "None";
  return Number.isInteger(v) ? `${v}.0` : String(v);
}

const SI: ReadonlyArray<readonly [string, number]> = [["Y", 1e24], ["Z", 1e21], ["E", 1e18], ["P", 1e15], ["T", 1e12], ["G", 1e9], ["M", 1e6], ["K", 1e3]];
const BINARY: ReadonlyArray<readonly [string, number]> = [["Yi", 2 ** 80], ["Zi", 2 ** 70], ["Ei", 2 ** 60], ["Pi", 2 ** 50], ["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]];

/** graphite-web's format_units followed by "%.2f%s". */
export function formatUnits(v: number, system: "si" | "binary"): string {
  for (const [prefix, size] of system === "si" ? SI : BINARY) if (Math.abs(v) >= size) return `${(v / size).toFixed(2)}${prefix}`;
  return v.toFixed(2);
}

export const legendValue: FunctionSpec = {
  name: "legendValue",
  group: "Alias",
  description: "Appends aggregates (avg, last, max, min, total …) to each name; a last argument si or binary formats them with unit prefixes.",
  params: [SERIES, { name: "valuesTypes", type: "string", multiple: true }],
  run: (_cc, a) => {
    let types = a.rest("valuesTypes").map(String);
    let system: "si" | "binary" | undefined;
    const last = types[types.length - 1];
    if (last === "si" || last === "binary") {
      system = last;
      types = types.slice(0, -1);
    }
    return seriesArg(a, "seriesList").map((s) => {
      let name = s.name;
      for (const t of types) {
        let fn: AggFn | undefined;
        try {
          fn = AGG_FUNCS[aggName(t)];
        } catch {
          fn = undefined;
        }
        const v = fn === undefined ? null : fn(s.values);
        if (system === undefined) name += ` (${t}: ${fn === undefined ? "(?)" : pyFloat(v)})`;
        else {
          const shown = fn === undefined ? "(?)" : v === null ? "None" : formatUnits(v, system);
          name = `${name.padEnd(20)}${t.padEnd(5)}${shown.padEnd(10)}`;
        }
      }
      return withName(s, name);
    });
  },
};
