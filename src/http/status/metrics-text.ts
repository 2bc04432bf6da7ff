/**
 * Reads Loupe's own metrics back from the MetricsRegistry's Prometheus exposition (the one place every
 * module's counters meet, including those computed at scrape time), keeping only the families the
 * status page uses. Keys are `name` or `name{k="v",…}` exactly as exposed.
 */
import type { MetricsRegistry } from "../../lib/metrics.js";

export interface MetricPoint {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The families the status page reads (ingest, collectors, alerting, forwarders). */
export const STATUS_METRIC_PREFIXES = ["loupe_ingest_", "loupe_collector_", "loupe_alerting_", "loupe_forward_"] as const;

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function unescapeLabel(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => (c === "n" ? "\n" : c));
}

function parseValue(v: string): number {
  if (v === "+Inf") return Infinity;
  if (v === "-Inf") return -Infinity;
  return Number(v);
}

/** Parses exposition text (format 0.0.4) into points; comments and unparsable lines are skipped. */
export function parseExposition(text: string, prefixes: readonly string[] = STATUS_METRIC_PREFIXES): MetricPoint[] {
  const out: MetricPoint[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = LINE.exec(line);
    if (m === null) continue;
    const name = m[1]!;
    if (!prefixes.some((p) => name.startsWith(p))) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = unescapeLabel(l[2]!);
    out.push({ name, labels, value: parseValue(m[3]!) });
  }
  return out;
}

/** The key of a point in a snapshot map: `name` or `name{k=v,…}` with labels sorted. */
export function metricKey(name: string, labels: Readonly<Record<string, string>> = {}): string {
  const keys = Object.keys(labels).sort();
  return keys.length === 0 ? name : `${name}{${keys.map((k) => `${k}=${labels[k]}`).join(",")}}`;
}

/** A snapshot of the status families: key → value. */
export function readMetrics(metrics: Pick<MetricsRegistry, "expose">): Map<string, number> {
  const map = new Map<string, number>();
  for (const p of parseExposition(metrics.expose())) map.set(metricKey(p.name, p.labels), p.value);
  return map;
}
