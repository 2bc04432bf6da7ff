/**
 * Prometheus exposition on `GET /metrics`: Loupe's own metrics (MetricsRegistry) and, when
 * `[export.prometheus] include_series = true`, the latest value of every stored series (untyped):
 * the Graphite path becomes a valid snake_case metric name (`servers.web1.cpu.total.user` →
 * `servers_web1_cpu_total_user`, `memory.MemFree` → `memory_mem_free`), tags become labels. Names that clash with Loupe's own metrics,
 * and a second series landing on an already used name + label set, are left out so the scrape
 * stays valid.
 */
import { Router, type RequestHandler } from "express";
import type { MetricsRegistry } from "../../lib/metrics.js";
import type { Tags, UnixMs } from "../../model/index.js";
import { access } from "../access.js";

export interface LatestPoint {
  readonly series: { readonly name: string; readonly tags: Tags };
  readonly ts: UnixMs;
  readonly value: number;
}

export interface MetricsRouteDeps {
  readonly metrics: MetricsRegistry;
  /** Latest point of each series (the store's latest()); absent or include_series off → only own metrics. */
  readonly latest?: () => Iterable<LatestPoint>;
}

/** Any string → `[a-zA-Z_:][a-zA-Z0-9_:]*` (every other character becomes `_`). */
export function promName(path: string): string {
  let out = "";
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58 || (i > 0 && c >= 48 && c <= 57);
    out += ok ? path[i] : i === 0 && c >= 48 && c <= 57 ? `_${path[i]}` : "_";
  }
  return out === "" ? "_" : out;
}

/**
 * A Graphite path as a Prometheus series name: valid characters, and snake_case as promtool's lint
 * wants (`servers.web1.memory.MemTotal` → `servers_web1_memory_mem_total`).
 */
export function promSeriesName(path: string): string {
  let snake = "";
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c >= 65 && c <= 90) {
      const p = i > 0 ? path.charCodeAt(i - 1) : 0;
      if ((p >= 97 && p <= 122) || (p >= 48 && p <= 57)) snake += "_";
      snake += String.fromCharCode(c + 32);
    } else snake += path[i];
  }
  return promName(snake);
}

/** Label names may not contain `:` and may not start with `__` (reserved). */
export function promLabelName(key: string): string {
  let n = promName(key).replace(/:/g, "_");
  if (n.startsWith("__")) n = `x${n}`;
  return n;
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** The series part of the exposition, avoiding names in `taken`. */
export function exposeSeries(points: Iterable<LatestPoint>, taken: ReadonlySet<string>): string {
  const families = new Map<string, { lines: string[]; seen: Set<string> }>();
  for (const p of points) {
    const name = promSeriesName(p.series.name);
    if (taken.has(name)) continue;
    let f = families.get(name);
    if (f === undefined) {
      f = { lines: [], seen: new Set() };
      families.set(name, f);
    }
    const keys = Object.keys(p.series.tags).sort();
    const labels: string[] = [];
    const usedLabels = new Set<string>();
    for (const k of keys) {
      const ln = promLabelName(k);
      if (usedLabels.has(ln)) continue;
      usedLabels.add(ln);
      labels.push(`${ln}="${escapeLabelValue(p.series.tags[k]!)}"`);
    }
    const labelText = labels.length > 0 ? `{${labels.join(",")}}` : "";
    if (f.seen.has(labelText)) continue;
    f.seen.add(labelText);
    f.lines.push(`${name}${labelText} ${formatValue(p.value)}`);
  }
  let out = "";
  // untyped: a Graphite series may be a gauge or a counter, and Loupe cannot tell which
  for (const [name, f] of families) out += `# HELP ${name} latest value of a stored series\n# TYPE ${name} untyped\n${f.lines.join("\n")}\n`;
  return out;
}

/**
 * Counts every HTTP request by method and status (`loupe_http_requests_total`) and adds up their
 * durations (`loupe_http_request_duration_seconds_total`). Put it first among the middleware so
 * refused requests count too. Paths are left out of the labels (unbounded).
 */
export function countRequests(metrics: MetricsRegistry): RequestHandler {
  const requests = metrics.counter("loupe_http_requests_total", "HTTP requests answered, by method and status", ["method", "code"]);
  const seconds = metrics.counter("loupe_http_request_duration_seconds_total", "time spent answering HTTP requests, by method", ["method"]);
  const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once("finish", () => {
      const method = METHODS.has(req.method) ? req.method : "OTHER";
      requests.inc({ method, code: String(res.statusCode) });
      seconds.inc({ method }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  };
}

/**
 * The process side of the `loupe_memory_*` breakdown (the store adds `loupe_memory_bytes{part}`):
 * resident set, V8 heap used and reserved, and memory outside the heap (typed arrays, SQLite,
 * buffers), read on each scrape.
 */
export function registerProcessMemory(metrics: MetricsRegistry, usage: () => NodeJS.MemoryUsage = () => process.memoryUsage()): void {
  metrics.collect(() => {
    const m = usage();
    const g = (name: string, help: string, value: number): { name: string; help: string; type: "gauge"; value: number } => ({ name, help, type: "gauge", value });
    return [
      g("loupe_memory_rss_bytes", "resident set size of the process", m.rss),
      g("loupe_memory_heap_used_bytes", "V8 heap in use (JS objects: series index, caches)", m.heapUsed),
      g("loupe_memory_heap_total_bytes", "V8 heap reserved", m.heapTotal),
      g("loupe_memory_external_bytes", "memory outside the V8 heap held by JS objects (typed arrays: heads, blocks, rollups; Buffers)", m.external),
      g("loupe_memory_array_buffers_bytes", "ArrayBuffers and Buffers (part of external)", m.arrayBuffers),
    ];
  });
}

export function metricsRoutes(deps: MetricsRouteDeps): Router {
  registerProcessMemory(deps.metrics);
  const router = Router();
  router.get("/metrics", access("viewer"), (_req, res) => {
    let text = deps.metrics.expose();
    if (deps.latest !== undefined) {
      const taken = new Set<string>();
      for (const m of text.matchAll(/^# TYPE (\S+)/gm)) taken.add(m[1]!);
      text += exposeSeries(deps.latest(), taken);
    }
    res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.send(text);
  });
  return router;
}
