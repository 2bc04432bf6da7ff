/**
 * Graphite's read API, so Grafana can use Loupe as a Graphite data source: `GET|POST /render`,
 * `/metrics/find`, `/metrics/expand`, `/metrics/index.json`, `/tags/autoComplete/{tags,values}`,
 * `/version`, `/functions`. Parameters come from the query
 * string or a form body (Grafana posts application/x-www-form-urlencoded). Thin: parsing and
 * evaluation live in src/query/.
 */
import express, { Router, type Request, type Response } from "express";
import type { Clock } from "../../../lib/clock.js";
import { systemClock } from "../../../lib/clock.js";
import { BadRequestError, LoupeError } from "../../../lib/errors.js";
import type { MetricsRegistry } from "../../../lib/metrics.js";
import {
  autoCompleteTags,
  autoCompleteValues,
  describeFunctions,
  evaluateTargets,
  parseTime,
  pythonRegex,
  queryBudgets,
  renderJsonText,
  toRenderCsv,
  toRenderRaw,
  type QueryLimits,
} from "../../../query/index.js";
import type { TimeSeriesStore } from "../../../store/index.js";
import { access } from "../../access.js";

/** The graphite-web version we answer as (Grafana picks its feature set from it). */
export const GRAPHITE_COMPAT_VERSION = "1.1.10";

const MAX_TARGETS = 500;

export interface RenderRouteDeps {
  readonly store: TimeSeriesStore;
  readonly clock?: Clock;
  /** [query] timeout, max_series, max_points (their defaults when absent). */
  readonly limits?: QueryLimits;
  /** Where refusals by those limits are counted. */
  readonly metrics?: MetricsRegistry;
}

type Params = Record<string, unknown>;

/** Query string and form body together (body wins). */
function params(req: Request): Params {
  const body = req.body !== null && typeof req.body === "object" && !Buffer.isBuffer(req.body) ? (req.body as Params) : {};
  return { ...(req.query as Params), ...body };
}

function list(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap(list);
  if (typeof v === "string") return [v];
  if (typeof v === "number") return [String(v)];
  throw new BadRequestError("parameters must be plain strings", "bad_parameter");
}

/** The last value of a parameter; an empty value counts as absent (`until=` means the default). */
function one(p: Params, name: string): string | undefined {
  const v = list(p[name]).filter((x) => x !== "");
  return v.length > 0 ? v[v.length - 1] : undefined;
}

function flag(p: Params, name: string): boolean {
  const v = one(p, name);
  return v !== undefined && /^(1|true|yes|on)$/i.test(v);
}

/** Large bodies without res.send's ETag hashing (a render answer is never the same twice anyway). */
function sendText(res: Response, type: string, body: string): void {
  res.setHeader("Content-Type", type);
  res.setHeader("Content-Length", Buffer.byteLength(body));
  res.end(body);
}

export function renderRoutes(deps: RenderRouteDeps): Router {
  const router = Router();
  const clock = deps.clock ?? systemClock;
  const newBudget = queryBudgets(deps.limits, deps.metrics);
  const form = express.urlencoded({ extended: false, limit: "1mb", parameterLimit: 10_000 });

  const render = (req: Request, res: Response): void => {
    const p = params(req);
    const now = clock.now();
    const t1 = parseTime(one(p, "from") ?? "-24h", now);
    const t2 = parseTime(one(p, "until") ?? one(p, "to") ?? "now", now);
    // graphite-web takes the earlier of the two as the start
    const from = Math.min(t1, t2);
    const until = Math.max(t1, t2);
    if (until === from) throw new BadRequestError(`empty time range: from and until are both ${new Date(from).toISOString()}`, "bad_time_range");
    const format = (one(p, "format") ?? "json").toLowerCase();
    if (format !== "json" && format !== "csv" && format !== "raw") throw new BadRequestError(`format ${JSON.stringify(format)} is not supported (json, csv or raw)`, "bad_format");
    // graphite-web: maxDataPoints only when all digits, and only for json
    const mdpText = one(p, "maxDataPoints");
    const maxDataPoints = format === "json" && mdpText !== undefined && /^[0-9]+$/.test(mdpText) && Number(mdpText) > 0 ? Number(mdpText) : undefined;
    const xffText = one(p, "xFilesFactor");
    const xFilesFactor = xffText !== undefined && Number.isFinite(Number(xffText)) ? Number(xffText) : undefined;
    const targets = list(p["target"]).filter((t) => t.trim() !== "");
    if (targets.length > MAX_TARGETS) throw new BadRequestError(`at most ${MAX_TARGETS} targets per request, got ${targets.length}`, "too_many_targets");
    const results = evaluateTargets(deps.store, targets, from, until, maxDataPoints, { now, budget: newBudget(), ...(xFilesFactor !== undefined ? { xFilesFactor } : {}) });
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) throw new LoupeError(failed.error.code, failed.error.message, { status: failed.error.status });
    const series = results.flatMap((r) => r.series);
    if (format === "raw") {
      sendText(res, "text/plain; charset=utf-8", toRenderRaw(series));
      return;
    }
    if (format === "csv") {
      sendText(res, "text/csv; charset=utf-8", toRenderCsv(series));
      return;
    }
    sendText(res, "application/json; charset=utf-8", renderJsonText(series, { noNullPoints: flag(p, "noNullPoints") }));
  };
  router.get("/render", access("viewer"), render);
  router.post("/render", access("viewer"), form, express.json({ limit: "1mb" }), render);

  const find = (req: Request, res: Response): void => {
    const p = params(req);
    const query = one(p, "query");
    if (query === undefined || query === "") throw new BadRequestError("query is required", "bad_parameter");
    const nodes = deps.store.listChildren(query);
    const format = one(p, "format") ?? "treejson";
    if (format === "completer") {
      res.json({ metrics: nodes.map((n) => ({ path: n.expandable ? `${n.path}.` : n.path, name: n.text, is_leaf: n.leaf && !n.expandable ? "1" : "0" })) });
      return;
    }
    if (format !== "treejson" && format !== "json") throw new BadRequestError(`format ${JSON.stringify(format)} is not supported (treejson or completer)`, "bad_format");
    res.json(
      nodes.map((n) => ({
        text: n.text,
        id: n.path,
        leaf: n.leaf ? 1 : 0,
        expandable: n.expandable ? 1 : 0,
        allowChildren: n.expandable ? 1 : 0,
      })),
    );
  };
  router.get("/metrics/find", access("viewer"), find);
  router.post("/metrics/find", access("viewer"), form, find);

  const expand = (req: Request, res: Response): void => {
    const p = params(req);
    const queries = list(p["query"]);
    if (queries.length === 0) throw new BadRequestError("query is required", "bad_parameter");
    const leavesOnly = flag(p, "leavesOnly");
    const byExpr: Record<string, string[]> = {};
    const budget = newBudget();
    for (const q of queries) {
      budget.check(`expanding ${q}`);
      const paths = deps.store
        .listChildren(q)
        .filter((n) => !leavesOnly || n.leaf)
        .map((n) => n.path);
      byExpr[q] = [...new Set(paths)].sort();
    }
    if (flag(p, "groupByExpr")) res.json({ results: byExpr });
    else res.json({ results: [...new Set(Object.values(byExpr).flat())].sort() });
  };
  router.get("/metrics/expand", access("viewer"), expand);
  router.post("/metrics/expand", access("viewer"), form, expand);

  router.get("/metrics/index.json", access("viewer"), (_req, res) => {
    const names = new Set(deps.store.matchSeries([{ key: "name", op: "=~", value: ".*" }]).map((s) => s.name));
    res.json([...names].sort());
  });

  // Grafana's seriesByTag editor
  const limitOf = (p: Params): number => {
    const n = Number(one(p, "limit") ?? 100);
    return Number.isInteger(n) && n > 0 ? Math.min(n, 10_000) : 100;
  };
  router.get("/tags", access("viewer"), (req, res) => {
    const p = params(req);
    const filter = one(p, "filter");
    const re = filter !== undefined && filter !== "" ? pythonRegex(filter, "/tags: filter") : undefined;
    res.json(autoCompleteTags(deps.store, [], "", 100_000).filter((t) => re === undefined || re.test(t)).slice(0, limitOf(p)).map((tag) => ({ tag })));
  });
  const tagsComplete = (req: Request, res: Response): void => {
    const p = params(req);
    res.json(autoCompleteTags(deps.store, list(p["expr"]), one(p, "tagPrefix") ?? "", limitOf(p)));
  };
  const valuesComplete = (req: Request, res: Response): void => {
    const p = params(req);
    const tag = one(p, "tag");
    if (tag === undefined || tag === "") throw new BadRequestError("tag is required", "bad_parameter");
    res.json(autoCompleteValues(deps.store, tag, list(p["expr"]), one(p, "valuePrefix") ?? "", limitOf(p)));
  };
  router.get("/tags/autoComplete/tags", access("viewer"), tagsComplete);
  router.post("/tags/autoComplete/tags", access("viewer"), form, tagsComplete);
  router.get("/tags/autoComplete/values", access("viewer"), valuesComplete);
  router.post("/tags/autoComplete/values", access("viewer"), form, valuesComplete);

  router.get("/version", access("viewer"), (_req, res) => {
    res.type("text/plain").send(GRAPHITE_COMPAT_VERSION);
  });
  router.get("/functions", access("viewer"), (_req, res) => {
    res.json(describeFunctions());
  });
  return router;
}
