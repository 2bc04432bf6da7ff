/** The dashboard page's URL: range, refresh, `var-<name>` values and `?viewPanel`, read and written. */
import type { RawRange } from "./time.js";
import type { VarState } from "./variables.js";

/** `var-<name>` values of a query string (a name may repeat). */
export function urlVars(search: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(search)) if (k.startsWith("var-")) (out[k.slice(4)] ??= []).push(v);
  return out;
}

export interface UrlState {
  readonly raw: RawRange;
  readonly refresh: string;
  readonly vars: readonly VarState[];
  readonly viewPanel: string | null;
}

/** `path` with the query string of a dashboard state. */
export function dashboardUrl(path: string, s: UrlState): string {
  const q = new URLSearchParams();
  q.set("from", s.raw.from);
  q.set("to", s.raw.to);
  if (s.refresh !== "") q.set("refresh", s.refresh);
  for (const v of s.vars) for (const sel of v.selected) q.append(`var-${v.name}`, sel);
  if (s.viewPanel !== null) q.set("viewPanel", s.viewPanel);
  return `${path}?${q.toString()}`;
}
