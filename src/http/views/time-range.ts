/**
 * Grafana-style time expressions as page URLs carry them (`now-6h`, `now`, epoch ms, ISO dates),
 * resolved on the server for what a page embeds (annotations of the shown range). The browser
 * code (web/lib/time.ts) reads the same forms.
 */
import type { UnixMs } from "../../model/index.js";

const UNIT_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3600e3, d: 86400e3, w: 7 * 86400e3, M: 30 * 86400e3, y: 365 * 86400e3 };

export function parseTimeExpr(s: string, now: UnixMs): UnixMs | undefined {
  const t = s.trim();
  if (t === "now") return now;
  const rel = /^now(?:([+-])(\d+(?:\.\d+)?)(s|m|h|d|w|M|y))?(?:\/(s|m|h|d|w|M|y))?$/.exec(t);
  if (rel) {
    let v = now;
    if (rel[1] !== undefined) {
      const d = Number(rel[2]) * UNIT_MS[rel[3]!]!;
      v = Math.round(rel[1] === "-" ? now - d : now + d);
    }
    // `/unit` rounds down; the server only needs it for what a page embeds, so a UTC day/week is close enough
    if (rel[4] !== undefined) {
      const u = rel[4] === "M" ? 30 * 86400e3 : rel[4] === "y" ? 365 * 86400e3 : UNIT_MS[rel[4]]!;
      v = Math.floor(v / u) * u;
    }
    return v;
  }
  if (/^\d{9,}$/.test(t)) return Number(t);
  const d = Date.parse(t);
  return Number.isFinite(d) ? d : undefined;
}

export function resolveTimeRange(from: string, to: string, now: UnixMs): { from: UnixMs; to: UnixMs } {
  const end = parseTimeExpr(to, now) ?? now;
  let start = parseTimeExpr(from, now) ?? end - 6 * 3600e3;
  if (start >= end) start = end - 60e3;
  return { from: start, to: end };
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
