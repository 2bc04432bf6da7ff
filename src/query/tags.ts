/**
 * Graphite's tag autocompletion (`/tags`, `/tags/autoComplete/tags`, `/tags/autoComplete/values`),
 * which Grafana's seriesByTag editor calls. Only tagged series count (plain Graphite paths are not
 * in graphite-web's tag database either); `name` is the metric name.
 */
import type { SeriesInfo, TimeSeriesStore } from "../store/api.js";
import { matchTagged, parseTagExpression } from "./evaluate.js";

function taggedSeries(store: TimeSeriesStore, exprs: readonly string[]): SeriesInfo[] {
  return matchTagged(store, exprs.map(parseTagExpression), undefined, "tag expression").filter((s) => Object.keys(s.tags).length > 0);
}

function limited(values: Iterable<string>, prefix: string, limit: number): string[] {
  return [...new Set(values)].filter((v) => v.startsWith(prefix)).sort().slice(0, limit);
}

/** Tag keys (with `name`) of the tagged series matching the expressions. */
export function autoCompleteTags(store: TimeSeriesStore, exprs: readonly string[], prefix = "", limit = 100): string[] {
  const keys: string[] = [];
  for (const s of taggedSeries(store, exprs)) keys.push("name", ...Object.keys(s.tags));
  return limited(keys, prefix, limit);
}

/** Values of one tag among the tagged series matching the expressions. */
export function autoCompleteValues(store: TimeSeriesStore, tag: string, exprs: readonly string[], prefix = "", limit = 100): string[] {
  const values: string[] = [];
  for (const s of taggedSeries(store, exprs)) {
    const v = tag === "name" ? s.name : s.tags[tag];
    if (v !== undefined) values.push(v);
  }
  return limited(values, prefix, limit);
}
