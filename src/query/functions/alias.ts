/** Alias functions: change series names only (the path expression stays, as in graphite-web). */
import { pythonSub } from "../regex.js";
import type { Series } from "../series.js";
import { nodesArg, seriesArg, strArg } from "./args.js";
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
  return sliced.join(".").replace(/,.*$/, "");
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
  run: (_cc, a) => {
    const search = strArg(a, "search");
    const replace = strArg(a, "replace");
    return seriesArg(a, "seriesList").map((s) => withName(s, pythonSub(search, replace, s.name)));
  },
};
