/**
 * Dashboard variables on the client: options of query variables come from /metrics/find, custom
 * ones from their comma list; targets get `$name`, `${name}` and `[[name]]` replaced, with several
 * values (multi-select or All) as a Graphite `{a,b}` glob.
 */
import { getJson } from "./api.js";
import type { FindNode, Variable } from "./types.js";

export const ALL = "$__all";

export interface VarState {
  readonly name: string;
  readonly label: string;
  readonly type: "query" | "custom";
  readonly multi: boolean;
  readonly includeAll: boolean;
  options: string[];
  /** Selected values; [ALL] for All. */
  selected: string[];
}

/** The concrete values a variable stands for (All expands to every option). */
export function valuesOf(v: VarState): string[] {
  if (v.selected.includes(ALL)) return [...v.options];
  return v.selected;
}

export function interpolate(text: string, vars: readonly VarState[], scoped: Readonly<Record<string, string>> = {}): string {
  if (!text.includes("$") && !text.includes("[[")) return text;
  const byName = new Map(vars.map((v) => [v.name, v]));
  return text.replace(/\$\{(\w+)\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    if (scoped[name] !== undefined) return scoped[name];
    const v = byName.get(name);
    if (v === undefined) return whole;
    const vals = valuesOf(v);
    if (vals.length === 0) return "*";
    if (vals.length === 1) return vals[0]!;
    return `{${vals.join(",")}}`;
  });
}

export async function fetchOptions(v: Variable, earlier: readonly VarState[]): Promise<string[]> {
  if (v.type === "custom") return v.query.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const q = interpolate(v.query, earlier);
  try {
    const nodes = await getJson<FindNode[]>(`/metrics/find?query=${encodeURIComponent(q)}`);
    return [...new Set(nodes.map((n) => n.text))].sort();
  } catch {
    return [];
  }
}

/**
 * Options and selection of every variable, in order (later queries may use earlier variables).
 * `fromUrl` (var-<name> parameters) wins over the dashboard's saved `current`.
 */
export async function resolveVariables(defs: readonly Variable[], fromUrl: Readonly<Record<string, string[]>>, known?: ReadonlyMap<string, string[]>): Promise<VarState[]> {
  const out: VarState[] = [];
  for (const d of defs) {
    const options = known?.get(d.name) ?? (await fetchOptions(d, out));
    const url = fromUrl[d.name];
    // A link's values are kept even when the option list no longer has them (the link reproduces the view).
    let selected = url !== undefined ? url.filter((w) => w !== ALL || d.includeAll) : d.current.filter((w) => (w === ALL ? d.includeAll : options.includes(w)));
    if (!d.multi && selected.length > 1) selected = selected.slice(0, 1);
    if (selected.length === 0) selected = d.includeAll && d.multi ? [ALL] : options.length > 0 ? [options[0]!] : [];
    out.push({ name: d.name, label: d.label ?? d.name, type: d.type, multi: d.multi, includeAll: d.includeAll, options, selected });
  }
  return out;
}

/**
 * The selections a page can draw with before any option list arrives: each variable's value from the URL, or
 * its saved current value, when that needs no options (no All, not empty). Undefined when some variable
 * needs its options first. The page queries with these while the options load, and again only if the
 * resolved selections differ (resolveVariables drops a saved value the options no longer hold).
 */
export function provisionalVariables(defs: readonly Variable[], fromUrl: Readonly<Record<string, string[]>>): VarState[] | undefined {
  const out: VarState[] = [];
  for (const d of defs) {
    let selected = fromUrl[d.name] ?? d.current;
    if (!d.multi) selected = selected.slice(0, 1);
    if (selected.length === 0 || selected.includes(ALL)) return undefined;
    out.push({ name: d.name, label: d.label ?? d.name, type: d.type, multi: d.multi, includeAll: d.includeAll, options: [], selected });
  }
  return out;
}

/** Whether two resolutions select the same values for every variable. */
export function sameSelections(a: readonly VarState[], b: readonly VarState[]): boolean {
  return a.length === b.length && a.every((v, i) => v.name === b[i]!.name && v.selected.length === b[i]!.selected.length && v.selected.every((s, j) => s === b[i]!.selected[j]));
}
