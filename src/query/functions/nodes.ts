/** Name nodes and tags of a series (graphite-web's getNodeOrTag / aggKey). */
import { firstPathExpression } from "../parser.js";
import type { Series } from "../series.js";

/** Node n of the name (negative counts from the end), or else the tag named n, or "". */
export function nodeOrTag(s: Series, n: number | string, pathExpression?: string): string {
  if (typeof n === "number" && Number.isInteger(n)) {
    const parts = (pathExpression ?? s.name).split(";", 1)[0]!.split(".");
    const idx = n < 0 ? parts.length + n : n;
    const v = parts[idx];
    if (v !== undefined) return v;
  }
  return s.tags[String(n)] ?? "";
}

/** The group key of a series for a list of nodes: names ending in ')' use their first path. */
export function aggKey(s: Series, nodes: ReadonlyArray<number | string>): string {
  const pe = s.name.endsWith(")") ? firstPathExpression(s.name) : undefined;
  return nodes.map((n) => nodeOrTag(s, n, pe)).join(".");
}

/** Groups series by key, keys in first-seen order. */
export function groupBy(list: readonly Series[], key: (s: Series) => string): Map<string, Series[]> {
  const groups = new Map<string, Series[]>();
  for (const s of list) {
    const k = key(s);
    const g = groups.get(k);
    if (g) g.push(s);
    else groups.set(k, [s]);
  }
  return groups;
}
