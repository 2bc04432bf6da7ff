/**
 * Graphite's read API, so Grafana can use Loupe as a Graphite data source: `GET|POST /render`,
 * `/metrics/find`, `/metrics/expand`, `/metrics/index.json`, `/tags`, `/tags/<tag>`,
 * `/tags/findSeries`, `/tags/autoComplete/{tags,values}`, `/version`, `/functions`, answering as
 * graphite-web 1.1.8 does (docs/graphite-compat.md). Parameters come from the query
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
  compileTarget,
  type QueryBudget,
  autoCompleteValues,
  describeFunctions,
  evaluateTargetsAsync,
  findSeriesByTags,
  parseTime,
  tagDetails,
  pythonRegex,
  queryBudgets,
  renderJsonText,
  toRenderCsv,
  toRenderRaw,
  type EventSource,
  type QueryLimits,
} from "../../../query/index.js";
import type { PathNode, TimeSeriesStore } from "../../../store/index.js";
import { access } from "../../access.js";

/** The graphite-web version we answer as (Grafana picks its feature set from it). */
export const GRAPHITE_COMPAT_VERSION = "1.1.10";

export interface RenderRouteDeps {
  readonly store: TimeSeriesStore;
  readonly clock?: Clock;
  /** [query] timeout, max_series, max_points (their defaults when absent). */
  readonly limits?: QueryLimits;
  /** Where refusals by those limits are counted. */
  readonly metrics?: MetricsRegistry;
  /** The events events() draws (Loupe's annotations): times in [from, until) carrying all the tags. */
  readonly events?: EventSource;
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

type Handler = (req: Request, res: Response) => void;

/** Codes of errors raised while a function runs: graphite-web 1.1.8 lets them escape as 500. */
const FUNCTION_FAILURES = new Set(["bad_argument", "bad_time", "not_a_series", "empty_series_list"]);

/**
 * graphite-web parses a target without requiring the whole text to match (pyparsing without
 * parseAll): `sumSeries(a.b` is read as the path `sumSeries` (nothing), `sumSeries(a.b))` as the
 * call before the extra `)`. Loupe does the same after a syntax error: the longest prefix ending
 * at a `)` that parses (20 tries at most), else the path before the first `(`.
 */
function lenientTarget(target: string): string | undefined {
  let tries = 0;
  for (let i = target.lastIndexOf(")"); i > 0 && tries < 20; i = target.lastIndexOf(")", i - 1), tries++) {
    try {
      compileTarget(target.slice(0, i + 1));
      return target.slice(0, i + 1);
    } catch {
      // keep looking
    }
  }
  return /^[^(),'"\s]+(?=\()/.exec(target.trim())?.[0];
}

function renderHandler(deps: RenderRouteDeps, clock: Clock, newBudget: () => QueryBudget): (req: Request, res: Response) => Promise<void> {
  return async (req, res) => {
    const p = params(req);
    const now = clock.now();
    const tz = one(p, "tz");
    const t1 = parseTime(one(p, "from") ?? "-24h", now, tz);
    const t2 = parseTime(one(p, "until") ?? one(p, "to") ?? "now", now, tz);
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
    const budget = newBudget();
    budget.takeTargets(targets.length);
    const options = { now, budget, ...(xFilesFactor !== undefined ? { xFilesFactor } : {}), ...(deps.events !== undefined ? { events: deps.events } : {}) };
    const first = await evaluateTargetsAsync(deps.store, targets.map((t) => t), from, until, maxDataPoints, options);
    const results: typeof first = [];
    for (let i = 0; i < first.length; i++) {
      const r = first[i]!;
      const lead = r.error?.code === "target_syntax" ? lenientTarget(targets[i]!) : undefined;
      results.push(lead === undefined ? r : ((await evaluateTargetsAsync(deps.store, [lead], from, until, maxDataPoints, { ...options, budget: newBudget() }))[0] ?? r));
    }
    const failed = results.find((r) => r.error !== undefined);
    if (failed?.error !== undefined) {
      const status = FUNCTION_FAILURES.has(failed.error.code) ? 500 : failed.error.status;
      throw new LoupeError(failed.error.code, failed.error.message, { status });
    }
    const series = results.flatMap((r) => r.series);
    if (format === "raw") sendText(res, "text/plain; charset=utf-8", toRenderRaw(series));
    else if (format === "csv") sendText(res, "text/csv; charset=utf-8", toRenderCsv(series));
    else sendText(res, "application/json; charset=utf-8", renderJsonText(series, { noNullPoints: flag(p, "noNullPoints") }));
  };
}

/** The query up to and with its last dot: graphite-web's ids keep the query's wildcards. */
function basePath(query: string): string {
  const i = query.lastIndexOf(".");
  return i < 0 ? "" : query.slice(0, i + 1);
}

/** Loupe's own metrics (`loupe.*`) stay out of the top of the tree: graphite-web's has no such node. */
const SELF_TREE = "loupe";

/**
 * The top of the tree as graphite-web's whisper tree has it: the first nodes of plain (untagged)
 * series, and `_tagged` (where carbon keeps tagged series) when any tagged series exists and the
 * query matches it; tagged names are not tree nodes.
 */
function topLevel(store: TimeSeriesStore, query: string, nodes: readonly PathNode[]): PathNode[] {
  const plain = new Set<string>();
  let tagged = false;
  for (const s of store.matchSeries([{ key: "name", op: "=~", value: ".*" }])) {
    if (s.key === s.name) plain.add(s.name.split(".")[0]!);
    else tagged = true;
  }
  const out = nodes.filter((n) => plain.has(n.text) && n.text !== SELF_TREE);
  // simple globs only (`*`, `_t*`, `_tagged`): enough for the tree's top
  const simple = /^[\w*?]+$/.test(query) ? new RegExp(`^${query.replace(/\*/g, ".*").replace(/\?/g, ".")}$`) : undefined;
  if (tagged && simple?.test("_tagged") === true) out.unshift({ path: "_tagged", text: "_tagged", leaf: false, expandable: true });
  return out;
}

function findHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    const p = params(req);
    const query = one(p, "query");
    if (query === undefined || query === "") throw new BadRequestError("query is required", "bad_parameter");
    let nodes = deps.store.listChildren(query);
    const format = one(p, "format") ?? "treejson";
    if (format === "completer") {
      res.json({ metrics: nodes.map((n) => ({ path: n.expandable ? `${n.path}.` : n.path, name: n.text, is_leaf: n.leaf && !n.expandable ? "1" : "0" })) });
      return;
    }
    if (format !== "treejson" && format !== "json") throw new BadRequestError(`format ${JSON.stringify(format)} is not supported (treejson or completer)`, "bad_format");
    // graphite-web's tree_json: one node per name (the first one found), its id the query's base path + name
    const base = basePath(query);
    if (base === "") nodes = topLevel(deps.store, query, nodes);
    const seen = new Set<string>();
    const out: Array<Record<string, string | number>> = [];
    for (const n of nodes) {
      if (seen.has(n.text)) continue;
      seen.add(n.text);
      out.push({ text: n.text, id: base + n.text, leaf: n.leaf ? 1 : 0, expandable: n.expandable ? 1 : 0, allowChildren: n.expandable ? 1 : 0 });
    }
    res.json(out);
  };
}

function expandHandler(deps: RenderRouteDeps, newBudget: () => QueryBudget): Handler {
  return (req, res) => {
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
}

/** Grafana's seriesByTag editor asks for at most `limit` answers. */
function limitOf(p: Params): number {
  const n = Number(one(p, "limit") ?? 100);
  return Number.isInteger(n) && n > 0 ? Math.min(n, 10_000) : 100;
}

function tagListHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    const p = params(req);
    const filter = one(p, "filter");
    const re = filter !== undefined && filter !== "" ? pythonRegex(filter, "/tags: filter") : undefined;
    res.json(autoCompleteTags(deps.store, [], "", 100_000).filter((t) => re === undefined || re.test(t)).slice(0, limitOf(p)).map((tag) => ({ tag })));
  };
}

function tagHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    const tag = String(req.params["tag"] ?? "");
    res.json(tagDetails(deps.store, tag, one(params(req), "filter")));
  };
}

function findSeriesHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    res.json(findSeriesByTags(deps.store, list(params(req)["expr"])));
  };
}

function tagsCompleteHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    const p = params(req);
    res.json(autoCompleteTags(deps.store, list(p["expr"]), one(p, "tagPrefix") ?? "", limitOf(p)));
  };
}

function valuesCompleteHandler(deps: RenderRouteDeps): Handler {
  return (req, res) => {
    const p = params(req);
    const tag = one(p, "tag");
    if (tag === undefined || tag === "") throw new BadRequestError("tag is required", "bad_parameter");
    res.json(autoCompleteValues(deps.store, tag, list(p["expr"]), one(p, "valuePrefix") ?? "", limitOf(p)));
  };
}

export function renderRoutes(deps: RenderRouteDeps): Router {
  const router = Router();
  const newBudget = queryBudgets(deps.limits, deps.metrics);
  const form = express.urlencoded({ extended: false, limit: "1mb", parameterLimit: 10_000 });
  const viewer = access("viewer");
  const both = (path: string, h: Handler, ...parsers: express.RequestHandler[]): void => {
    router.get(path, viewer, h);
    router.post(path, viewer, form, ...parsers, h);
  };
  both("/render", renderHandler(deps, deps.clock ?? systemClock, newBudget), express.json({ limit: "1mb" }));
  both("/metrics/find", findHandler(deps));
  both("/metrics/expand", expandHandler(deps, newBudget));
  router.get("/metrics/index.json", viewer, (_req, res) => {
    const names = new Set(deps.store.matchSeries([{ key: "name", op: "=~", value: ".*" }]).map((s) => s.name));
    res.json([...names].sort());
  });
  router.get("/tags", viewer, tagListHandler(deps));
  both("/tags/autoComplete/tags", tagsCompleteHandler(deps));
  both("/tags/autoComplete/values", valuesCompleteHandler(deps));
  both("/tags/findSeries", findSeriesHandler(deps));
  router.get("/tags/:tag", viewer, tagHandler(deps));
  router.get("/version", viewer, (_req, res) => {
    res.type("text/plain").send(GRAPHITE_COMPAT_VERSION);
  });
  router.get("/functions", viewer, (_req, res) => {
    res.json(describeFunctions());
  });
  return router;
}
