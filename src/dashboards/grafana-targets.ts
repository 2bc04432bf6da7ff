/**
 * Grafana panel queries → Loupe Graphite targets. Only Graphite queries (`target`) convert; a
 * Prometheus `expr`, an InfluxDB `query`, SQL and the like are reported with the reason.
 * Graphite's `#A` references to other queries of the panel are expanded, and Grafana's variable
 * spellings (`[[host]]`, `${host:raw}`) become `$host`.
 */
import { arr, obj, str, type Json } from "./json-read.js";

export interface ConvertedTarget {
  readonly refId: string;
  readonly target: string;
  readonly hide: boolean;
}

export interface TargetsResult {
  readonly targets: ConvertedTarget[];
  /** One reason per query that did not convert. */
  readonly problems: string[];
}

const NON_GRAPHITE_NAME = /prometheus|influx|loki|elastic|mysql|postgres|mssql|cloudwatch|opentsdb|tempo|jaeger|azure|stackdriver|testdata/i;

/**
 * The datasource plugin type behind a panel's or query's `datasource` field, when it can be told:
 * `{type}` objects, `${DS_X}` inputs declared in `__inputs`, and well-known names. "mixed" means
 * look at each query; undefined means unknown (decided by the query's fields).
 */
export function datasourceType(ds: unknown, inputs: ReadonlyMap<string, string>): string | undefined {
  const o = obj(ds);
  if (o !== undefined) {
    const t = str(o["type"]);
    if (t === "datasource" && str(o["uid"]) === "-- Mixed --") return "mixed";
    if (t === "datasource" && str(o["uid"]) === "grafana") return "grafana";
    if (t !== undefined && t !== "") return t;
    const uid = str(o["uid"]);
    return uid === undefined ? undefined : datasourceType(uid, inputs);
  }
  const s = str(ds);
  if (s === undefined || s === "" || s === "default") return undefined;
  if (s === "-- Mixed --") return "mixed";
  if (s === "-- Grafana --" || s === "grafana") return "grafana";
  if (s === "-- Dashboard --") return "dashboard";
  const input = /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(s);
  if (input !== null) return inputs.get(input[1]!);
  if (/graphite/i.test(s)) return "graphite";
  const m = NON_GRAPHITE_NAME.exec(s);
  return m === null ? undefined : m[0].toLowerCase();
}

/** `[[host]]` → `$host`; `${host:raw}` / `${host}` → `$host` (or `${host}` when a word character follows). */
export function normalizeVariables(text: string): string {
  return text.replace(/\[\[([A-Za-z_][A-Za-z0-9_]*)(?::[A-Za-z0-9_]+)?\]\]|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::[^}]*)?\}/g, (whole, a: string | undefined, b: string | undefined, offset: number, all: string) => {
    const name = a ?? b ?? "";
    const next = all[offset + whole.length] ?? "";
    return /[A-Za-z0-9_]/.test(next) ? `\${${name}}` : `$${name}`;
  });
}

function describeQuery(t: Json): string {
  if (typeof t["expr"] === "string") return `a Prometheus query (${truncate(t["expr"])})`;
  if (typeof t["rawSql"] === "string") return "an SQL query";
  if (typeof t["query"] === "string") return `a non-Graphite query (${truncate(t["query"])})`;
  if (Array.isArray(t["select"]) || typeof t["measurement"] === "string") return "an InfluxDB query";
  return "a query without a Graphite target";
}

function truncate(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** Converts a panel's `targets`, given the panel's datasource type. */
export function convertTargets(panel: Json, inputs: ReadonlyMap<string, string>): TargetsResult {
  const panelType = datasourceType(panel["datasource"], inputs);
  const raw = arr(panel["targets"]).map(obj).filter((t): t is Json => t !== undefined);
  const problems: string[] = [];
  const graphite: Array<{ refId: string; target: string; hide: boolean }> = [];
  const used = new Set<string>();
  for (const t of raw) {
    const own = t["datasource"] === undefined || t["datasource"] === null ? undefined : datasourceType(t["datasource"], inputs);
    const type = own ?? panelType;
    const refIdIn = str(t["refId"]) ?? "";
    const label = refIdIn === "" ? "query" : `query ${refIdIn}`;
    if (type !== undefined && type !== "graphite" && type !== "mixed") {
      problems.push(`${label}: datasource type "${type}" is not Graphite`);
      continue;
    }
    const text = str(t["targetFull"]) ?? str(t["target"]);
    if (text === undefined) {
      problems.push(`${label}: ${describeQuery(t)}`);
      continue;
    }
    if (text.trim() === "") continue;
    let refId = /^[A-Za-z0-9_]{1,8}$/.test(refIdIn) && !used.has(refIdIn) ? refIdIn : "";
    if (refId === "") {
      for (let i = 0; refId === "" || used.has(refId); i++) refId = i < 26 ? String.fromCharCode(65 + i) : `Q${i}`;
    }
    used.add(refId);
    graphite.push({ refId, target: text, hide: t["hide"] === true });
  }
  // Expand `#B` references (Graphite's nested queries), innermost first, a bounded number of times.
  const byRef = new Map(graphite.map((g) => [g.refId, g.target]));
  const expand = (text: string, depth: number): string =>
    depth > 8 ? text : text.replace(/#([A-Z][A-Z0-9_]{0,7})\b/g, (whole, ref: string) => {
      const inner = byRef.get(ref);
      return inner === undefined ? whole : expand(inner, depth + 1);
    });
  const targets = graphite.map((g) => ({ ...g, target: normalizeVariables(expand(g.target, 0)) }));
  for (const t of targets) {
    if (t.target.length > 4000) problems.push(`query ${t.refId}: target longer than 4000 characters`);
  }
  return { targets: targets.filter((t) => t.target.length <= 4000), problems };
}
