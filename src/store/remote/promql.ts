/**
 * Pure text for the engine's Prometheus API (no I/O): series selectors for Loupe series, the rollup
 * query of a consolidated read, and labels → Loupe series keys.
 *
 * Names (docs: lib/prom-names.ts, `metric_names = graphite`): a Loupe series is written as
 * `__name__` = its Graphite path exactly (dots included) and one label per tag, so the mapping is
 * the identity both ways and what a Loupe agent forwards with `metric_names = graphite` meets what
 * Loupe itself writes. A set of series is read with one selector on `__name__` (an alternation of the
 * exact names); tagged variants of a name come back too and are told apart by their canonical key.
 */
import { labelsToSeries } from "../../lib/prom-names.js";
import { seriesKey } from "../../model/index.js";
import type { Consolidation } from "../api.js";

/** `s` as a literal inside a RE2 regex (the engine's regexes). */
export function escapeRegex(s: string): string {
  return s.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&");
}

/** `s` as a PromQL double-quoted string literal. */
export function promString(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/** One selector matching every series named in `names` (exact names, any tags). */
export function namesSelector(names: readonly string[]): string {
  const unique = [...new Set(names)].sort();
  if (unique.length === 1) return `{__name__=${promString(unique[0]!)}}`;
  return `{__name__=~${promString(unique.map(escapeRegex).join("|"))}}`;
}

const ROLLUP: Readonly<Record<Consolidation, string>> = {
  avg: "avg_over_time",
  min: "min_over_time",
  max: "max_over_time",
  sum: "sum_over_time",
  last: "last_over_time",
};

/** The query of a consolidated read: each bucket's rollup over a window of one step (ms), names kept. */
export function rollupQuery(selector: string, consolidate: Consolidation, stepMs: number): string {
  return `${ROLLUP[consolidate]}(${selector}[${Math.max(1, Math.round(stepMs))}ms]) keep_metric_names`;
}

/** Milliseconds as the API's seconds (with milliseconds: `1700000000.999`). */
export function apiSeconds(ms: number): string {
  const s = Math.floor(ms / 1000);
  const rest = ms - s * 1000;
  return rest === 0 ? String(s) : `${s}.${String(rest).padStart(3, "0")}`;
}

/** The canonical Loupe key of an engine series' labels; undefined without a `__name__`. */
export function keyOfLabels(metric: Readonly<Record<string, string>>): string | undefined {
  const s = labelsToSeries(Object.entries(metric));
  if (s === undefined) return undefined;
  return s.tags === undefined ? s.name : seriesKey(s.name, s.tags);
}
