/**
 * Grafana-style time expressions as page URLs carry them (`now-6h`, `now`, epoch ms, ISO dates),
 * resolved on the server for what a page embeds (annotations of the shown range). The parser is
 * shared with the browser (src/lib/time-expr.ts); the server does not know the viewer's time zone,
 * so `/unit` rounds down in fixed-length UTC units (`/d` to 00:00 UTC), an approximation of the
 * browser's local calendar that is close enough for what a page embeds.
 */
import { resolveTimeExpr, resolveTimeExprRange, UTC_FIXED_ROUNDING } from "../../lib/time-expr.js";
import type { UnixMs } from "../../model/index.js";

export function parseTimeExpr(s: string, now: UnixMs): UnixMs | undefined {
  return resolveTimeExpr(s, now, UTC_FIXED_ROUNDING);
}

export function resolveTimeRange(from: string, to: string, now: UnixMs): { from: UnixMs; to: UnixMs } {
  return resolveTimeExprRange(from, to, now, UTC_FIXED_ROUNDING);
}

/** A query-string value as one string (first of a repeated parameter). */
export function queryString(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return undefined;
}

/** A query-string value as a list of strings. */
export function queryList(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string");
  return [];
}

/** `var-<name>` parameters of a page URL. */
export function urlVariables(query: Record<string, unknown>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(query)) if (k.startsWith("var-") && k.length > 4) out[k.slice(4)] = queryList(v);
  return out;
}
