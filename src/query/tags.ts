/**
 * graphite-web's tag API over the store: `/tags/<tag>`, `/tags/findSeries` and the autocompletion
 * (`/tags`, `/tags/autoComplete/tags`, `/tags/autoComplete/values`) Grafana's seriesByTag editor
 * calls. As in carbon's tag database, every series is in it — untagged ones with only `name`.
 */
import { BadRequestError } from "../lib/errors.js";
import { checkRegex, compileRegex } from "../lib/safe-regex.js";
import type { SeriesInfo, TagMatcher, TimeSeriesStore } from "../store/api.js";
import { matchTagged, parseTagExpression } from "./evaluate.js";

const ALL: TagMatcher = { key: "name", op: "=~", value: ".*" };

function tagOf(s: SeriesInfo, key: string): string | undefined {
  return key === "name" ? s.name : s.tags[key];
}

/**
 * Series matching graphite tag expressions. `tag=` (empty) means the tag is absent and `tag!=`
 * that it is present, as in graphite-web; the others go to matchTagged.
 */
export function findTagged(store: TimeSeriesStore, exprs: readonly string[]): SeriesInfo[] {
  const parsed = exprs.map(parseTagExpression);
  const absent = parsed.filter((m) => m.value === "" && (m.op === "=" || m.op === "!="));
  const rest = parsed.filter((m) => !absent.includes(m));
  const found = matchTagged(store, rest.length > 0 ? rest : [ALL], undefined, "tag expression");
  return found.filter((s) => absent.every((m) => (tagOf(s, m.key) === undefined) === (m.op === "=")));
}

/** Whether an expression can select series on its own (graphite-web refuses a query with none). */
function positive(text: string): boolean {
  const m = parseTagExpression(text);
  if (m.op === "=") return m.value !== "";
  if (m.op === "=~") return !compileRegex(m.value, "tag expression").testWhole("");
  return false;
}

/** `/tags/findSeries`: the sorted paths (canonical keys) of the series matching all expressions. */
export function findSeriesByTags(store: TimeSeriesStore, exprs: readonly string[]): string[] {
  if (exprs.length === 0) throw new BadRequestError("findSeries: at least one expr is required", "bad_parameter");
  if (!exprs.some(positive)) throw new BadRequestError("findSeries: at least one tag expression must match non-empty values (tag=value or tag=~regex)", "bad_parameter");
  return findTagged(store, exprs)
    .map((s) => s.key)
    .sort();
}

/** `/tags/<tag>`: each value with its number of series (values starting with a `filter` match), or null for an unknown tag. */
export function tagDetails(store: TimeSeriesStore, tag: string, filter?: string): { tag: string; values: Array<{ value: string; count: number }> } | null {
  let re: ReturnType<typeof compileRegex> | undefined;
  if (filter !== undefined && filter !== "") {
    checkRegex(filter, "/tags: filter");
    re = compileRegex(`(?:${filter}).*`, "/tags: filter");
  }
  const counts = new Map<string, number>();
  for (const s of store.matchSeries([ALL])) {
    const v = tagOf(s, tag);
    if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  const values = [...counts.entries()]
    .filter(([v]) => re === undefined || re.testWhole(v))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, count]) => ({ value, count }));
  return { tag, values };
}

function limited(values: Iterable<string>, prefix: string, limit: number): string[] {
  return [...new Set(values)].filter((v) => v.startsWith(prefix)).sort().slice(0, limit);
}

/** Tag keys (with `name`) of the series matching the expressions, leaving out the tags the expressions use. */
export function autoCompleteTags(store: TimeSeriesStore, exprs: readonly string[], prefix = "", limit = 100): string[] {
  const used = new Set(exprs.map((e) => parseTagExpression(e).key));
  const keys: string[] = [];
  for (const s of findTagged(store, exprs)) keys.push("name", ...Object.keys(s.tags));
  return limited(
    keys.filter((k) => !used.has(k)),
    prefix,
    limit,
  );
}

/** Values of one tag among the series matching the expressions. */
export function autoCompleteValues(store: TimeSeriesStore, tag: string, exprs: readonly string[], prefix = "", limit = 100): string[] {
  const values: string[] = [];
  for (const s of findTagged(store, exprs)) {
    const v = tagOf(s, tag);
    if (v !== undefined) values.push(v);
  }
  return limited(values, prefix, limit);
}
