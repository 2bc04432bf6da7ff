/**
 * Evaluation of parsed targets over the store: paths become series through findSeries + select
 * (the store picks tier and step from maxDataPoints), calls bind their arguments by the function's
 * parameter list and run. `evaluateTargets` is the in-process entry point used by /render,
 * /api/query and anything else that needs query results.
 */
import { BadRequestError, LoupeError, ParseError } from "../lib/errors.js";
import { closest } from "../lib/levenshtein.js";
import { checkRegex, compileRegex } from "../lib/safe-regex.js";
import type { Consolidation, SeriesInfo, TagMatcher, TimeSeriesStore } from "../store/api.js";
import type { CallExpr, Expr } from "./ast.js";
import { QueryBudget, QueryLimitError } from "./budget.js";
import { describe } from "./functions/args.js";
import { functionNames, getFunction, registerFunctions, storeConsolidation } from "./functions/index.js";
import type { ArgValue, BoundArgs, CallContext, EvalContext, EventSource, FunctionSpec, ParamSpec } from "./functions/types.js";
import { parseTarget, syntaxError, walkCalls } from "./parser.js";
import { consolidateForJson } from "./consolidate.js";
import { makeSeries, type Series } from "./series.js";

/** Parses a target and checks that every function exists (ParseError naming the column otherwise). */
export function compileTarget(target: string): Expr {
  const expr = parseTarget(target);
  for (const call of walkCalls(expr)) {
    if (getFunction(call.name) === undefined) {
      const hint = closest(call.name, functionNames());
      throw syntaxError(target, call.pos, `unknown function ${call.name}${hint ? ` (did you mean ${hint}?)` : ""}`, "unknown_function");
    }
  }
  return expr;
}

type SelectOpts = { step?: number; maxPoints?: number; consolidate?: Consolidation };

/**
 * A series sparser than this is read on the default grid (its spacing is its density, not its
 * resolution: a hit every 370 s is shown at 10 s with nulls between, as graphite's archive does).
 */
const SPARSE_SPACING = 300_000;
const DEFAULT_RESOLUTION = 10_000;

/**
 * The raw resolution of a set of series: the store's finest natural interval (a one-bucket probe),
 * or the default grid when they are sparser than SPARSE_SPACING; and the step the read will have
 * on the tier that covers `from`.
 */
function rawResolution(ctx: EvalContext, ids: readonly number[], from: number): { step: number; readStep: number } {
  // the store plans a read without options at the data's spacing, on the tier whose retention covers `from`
  const probe = ctx.store.select(ids, from, from + 1, {});
  const tierRes = probe.tier === "1h" ? 3_600_000 : probe.tier === "1m" ? 60_000 : 0;
  const step = probe.step > SPARSE_SPACING ? DEFAULT_RESOLUTION : probe.step;
  return { step, readStep: Math.max(step, tierRes) };
}

/**
 * graphite-web's window: the steps in (from, until], each bucket [t, t + step) labelled t. The
 * store answers [from', until') on multiples of its step, so the read is [from + 1, until + 1):
 * the first bucket is the first multiple after `from`, the last the one holding `until`. The
 * store picks the tier whose retention covers `from` (raw, then 1 min, then 1 h) as whisper does.
 */
export function readWindow(from: number, until: number): { from: number; until: number } {
  return { from: from + 1, until: until + 1 };
}

/**
 * With maxDataPoints, a fetch is read at the series' resolution while that is at most
 * READ_VALUES_PER_POINT values per returned point (10 days of 10 s data at 300 points is 288; never
 * less than MIN_READ_VALUES) and at most FULL_READ_VALUES values over all its series (a few series
 * over 2 days at 10 s; ~0.1 s of decoding): graphite-web's own consolidation then answers exactly.
 * Beyond either, the store picks the tier and step from maxPoints (src/store/tsdb/plan.ts: 100
 * series over 7 days read the 1m tier's 5-minute level, 288 points; over 30 days its 30-minute level).
 */
export const READ_VALUES_PER_POINT = 512;
const MIN_READ_VALUES = 65_536;
export const FULL_READ_VALUES = 250_000;

/** The store options of a fetch: the resolution's step, or the store's choice beyond the read budget. */
function fetchOptions(ctx: EvalContext, ids: readonly number[], win: { from: number; until: number }): SelectOpts & { buckets: number } {
  const { step, readStep } = ctx.step !== undefined ? { step: ctx.step, readStep: ctx.step } : rawResolution(ctx, ids, win.from);
  const buckets = Math.max(0, Math.ceil(win.until / readStep) - Math.ceil(win.from / readStep));
  const budget = ctx.maxPoints === undefined ? Infinity : Math.max(MIN_READ_VALUES, ctx.maxPoints * READ_VALUES_PER_POINT);
  const opts: SelectOpts & { buckets: number } =
    ctx.step === undefined && ctx.maxPoints !== undefined && (buckets > budget || buckets * ids.length > FULL_READ_VALUES)
      ? { maxPoints: ctx.maxPoints, buckets: ctx.maxPoints + 1 }
      : { step, buckets };
  if (ctx.consolidate !== undefined) opts.consolidate = ctx.consolidate;
  return opts;
}

function fetchInfos(ctx: EvalContext, infos: SeriesInfo[], pathExpression: string): Series[] {
  if (infos.length === 0) return [];
  ctx.budget.check(`matching ${pathExpression}`);
  ctx.budget.takeSeries(infos.length, pathExpression);
  const sorted = [...infos].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const ids = sorted.map((s) => s.id);
  const win = readWindow(ctx.from, ctx.until);
  const { buckets, ...opts } = fetchOptions(ctx, ids, win);
  // one process serves everyone: refuse a read that would pass [query] max_points before it is made
  const reserved = ids.length * buckets;
  ctx.budget.takePoints(reserved, `${pathExpression} (${ids.length} series × ${buckets})`);
  const res = ctx.store.select(ids, win.from, win.until, opts);
  const actual = res.timestamps.length * ids.length;
  if (actual > reserved) ctx.budget.takePoints(actual - reserved, pathExpression);
  else ctx.budget.refundPoints(reserved - actual);
  ctx.budget.check(`reading ${pathExpression}`);
  const byId = new Map(res.series.map((r) => [r.id, r.values]));
  const start = res.timestamps[0] ?? Math.ceil(res.from / res.step) * res.step;
  return sorted.map((info) => {
    const s = makeSeries(info.key, start, res.step, [...(byId.get(info.id) ?? res.timestamps.map(() => null))]);
    s.pathExpression = pathExpression;
    s.tags = { ...info.tags, name: info.name };
    if (ctx.xff !== undefined) s.xff = ctx.xff;
    return s;
  });
}

function cached(ctx: EvalContext, key: string, load: () => Series[]): Series[] {
  const k = `${key}\u0000${ctx.from}\u0000${ctx.until}\u0000${ctx.step ?? ""}\u0000${ctx.maxPoints ?? ""}\u0000${ctx.consolidate ?? ""}`;
  let v = ctx.cache.get(k);
  if (v === undefined) {
    v = load();
    ctx.cache.set(k, v);
  }
  return v;
}

/** A path is a glob over names; a tagged path (`name;k=v;…`) names one series by its canonical key, as in graphite-web. */
function fetchPath(ctx: EvalContext, path: string): Series[] {
  if (path.includes(";")) {
    const info = ctx.store.getSeries(path);
    return cached(ctx, `key:${path}`, () => fetchInfos(ctx, info !== undefined ? [info] : [], path));
  }
  return cached(ctx, `path:${path}`, () => fetchInfos(ctx, ctx.store.findSeries(path), path));
}

/**
 * `tag=value`, `tag!=value`, `tag=~regex`, `tag!=~regex` (graphite-web's tag expressions). A regex
 * is anchored at the start only, as in graphite-web (`host=~web` matches web1): the store anchors
 * both ends, so `.*` is appended.
 */
export function parseTagExpression(text: string): TagMatcher {
  const m = /^([^=!~]+?)(!=~|=~|!=|=)(.*)$/.exec(text.trim());
  if (!m) throw new BadRequestError(`seriesByTag: ${JSON.stringify(text)} is not a tag expression (tag=value, tag!=value, tag=~regex, tag!=~regex)`, "bad_argument");
  const op = m[2] as TagMatcher["op"];
  let value = m[3]!;
  if (op === "=~" || op === "!=~") {
    checkRegex(value, `seriesByTag: ${JSON.stringify(text)}`);
    value = `(?:${value}).*`;
  }
  return { key: m[1]!.trim(), op, value };
}

/**
 * Series matching tag expressions: the store answers the exact ones (`=`, `!=`); the regexes are
 * tested here, with the request's deadline checked as they go through many series.
 */
export function matchTagged(store: TimeSeriesStore, exprs: readonly TagMatcher[], budget?: QueryBudget, what = "seriesByTag"): SeriesInfo[] {
  const exact = exprs.filter((m) => m.op === "=" || m.op === "!=");
  const regexes = exprs.filter((m) => m.op === "=~" || m.op === "!=~").map((m) => ({ m, re: compileRegex(m.value, `${what}: ${m.key}${m.op}`) }));
  const candidates = store.matchSeries(exact);
  if (regexes.length === 0) return candidates;
  const out: SeriesInfo[] = [];
  for (let i = 0; i < candidates.length; i++) {
    if ((i & 1023) === 0) budget?.check(`matching ${what}`);
    const s = candidates[i]!;
    if (regexes.every(({ m, re }) => re.testWhole(m.key === "name" ? s.name : (s.tags[m.key] ?? "")) === (m.op === "=~"))) out.push(s);
  }
  return out;
}

const seriesByTag: FunctionSpec = {
  name: "seriesByTag",
  group: "Special",
  description: "Series whose tags match all the expressions ('tag=value', 'tag!=value', 'tag=~regex', 'tag!=~regex'; 'name' is the metric name).",
  params: [{ name: "tagExpressions", type: "string", required: true, multiple: true }],
  run: (cc, a) => {
    const exprs = a.rest("tagExpressions").map((v) => {
      if (typeof v !== "string") throw new BadRequestError(`seriesByTag arguments must be quoted strings, got ${describe(v)}`, "bad_argument");
      return parseTagExpression(v);
    });
    if (exprs.length === 0) throw new BadRequestError("seriesByTag needs at least one tag expression", "bad_argument");
    return cached(cc.ctx, `tags:${cc.call.text}`, () => fetchInfos(cc.ctx, matchTagged(cc.ctx.store, exprs, cc.ctx.budget), cc.call.text));
  },
};
registerFunctions([seriesByTag]);

function accepts(p: ParamSpec, v: ArgValue): boolean {
  switch (p.type) {
    case "seriesList":
    case "seriesLists":
      return Array.isArray(v);
    case "float":
    case "integer":
    case "intOrInf":
    case "node":
      return typeof v === "number";
    case "string":
    case "interval":
    case "aggFunc":
    case "aggOrSeriesFunc":
    case "tag":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean" || typeof v === "number";
    case "intOrInterval":
    case "nodeOrTag":
      return typeof v === "number" || typeof v === "string";
    case "any":
      return true;
  }
}

function bind(spec: FunctionSpec, call: CallExpr, evalArg: (e: Expr) => ArgValue): BoundArgs {
  const single = new Map<string, ArgValue>();
  const rest = new Map<string, ArgValue[]>();
  const params = spec.params;
  const fail = (pos: number, msg: string): BadRequestError =>
    new BadRequestError(`${spec.name}: ${msg} (at column ${pos + 1})`, "bad_argument");
  const put = (p: ParamSpec, e: Expr): void => {
    if (e.kind === "none") return;
    const v = evalArg(e);
    if (!accepts(p, v)) throw fail(e.pos, `argument ${p.name} must be ${p.type}, got ${describe(v)}`);
    if (p.multiple === true) (rest.get(p.name) ?? rest.set(p.name, []).get(p.name)!).push(v);
    else single.set(p.name, v);
  };
  let pi = 0;
  for (const e of call.args) {
    const p = params[pi];
    if (p === undefined) throw fail(e.pos, `too many arguments (takes ${params.length})`);
    put(p, e);
    if (p.multiple !== true) pi++;
  }
  for (const [k, e] of Object.entries(call.kwargs)) {
    const p = params.find((x) => x.name === k);
    if (p === undefined) throw fail(e.pos, `no parameter named ${k}`);
    if (single.has(k) || rest.has(k)) throw fail(e.pos, `argument ${k} given twice`);
    put(p, e);
  }
  for (const p of params) {
    if (p.required === true && !single.has(p.name) && !rest.has(p.name)) throw fail(call.pos, `missing required argument ${p.name}`);
    if (!single.has(p.name) && p.default !== undefined && p.multiple !== true) single.set(p.name, p.default);
  }
  return { get: (n) => single.get(n), rest: (n) => rest.get(n) ?? [] };
}

/** Evaluates one expression to a series list (literals are refused here). */
export function evaluateExpr(expr: Expr, ctx: EvalContext): Series[] {
  const v = evaluateValue(expr, ctx);
  if (!Array.isArray(v)) throw new BadRequestError(`expected a series list at column ${expr.pos + 1}, got ${describe(v)}`, "not_a_series");
  return v;
}

function evaluateValue(expr: Expr, ctx: EvalContext): ArgValue {
  switch (expr.kind) {
    case "path":
      return fetchPath(ctx, expr.path);
    case "number":
    case "string":
    case "bool":
      return expr.value;
    case "none":
      return null;
    case "call": {
      ctx.budget.check(`evaluating ${expr.name}`);
      const spec = getFunction(expr.name);
      if (spec === undefined) throw new ParseError(`unknown function ${expr.name} at column ${expr.pos + 1}`, { column: expr.pos + 1 }, "unknown_function");
      // consolidateBy(x, "max") asks the store to consolidate x by max too
      let argCtx = ctx;
      if (spec.name === "consolidateBy") {
        const f = expr.args[1] ?? expr.kwargs["consolidationFunc"];
        const c = f?.kind === "string" ? storeConsolidation(f.value) : undefined;
        if (c !== undefined) argCtx = { ...ctx, consolidate: c };
      } else if (spec.name === "cumulative") argCtx = { ...ctx, consolidate: "sum" };
      const args = bind(spec, expr, (e) => evaluateValue(e, argCtx));
      const cc: CallContext = {
        ctx,
        call: expr,
        argExpr: (name) => {
          const i = spec.params.findIndex((p) => p.name === name);
          return expr.kwargs[name] ?? (i >= 0 ? expr.args[i] : undefined);
        },
        evaluate: (e, over = {}) => evaluateExpr(e, { ...argCtx, ...over }),
      };
      const out = spec.run(cc, args);
      ctx.budget.check(`evaluating ${expr.name}`);
      return out;
    }
  }
}

export interface TargetResult {
  readonly target: string;
  readonly series: Series[];
  /** Why the target produced nothing; status is the HTTP status /render answers with. */
  readonly error?: { readonly code: string; readonly message: string; readonly status: number };
}

export interface EvaluateOptions {
  /** "now" for relative times inside functions; defaults to Date.now(). */
  readonly now?: number;
  /** The request's deadline and series/points budgets; the defaults of [query] when absent. */
  readonly budget?: QueryBudget;
  /** The request's xFilesFactor: the default of every fetched series (graphite-web's DEFAULT_XFILES_FACTOR is 0). */
  readonly xFilesFactor?: number;
  /** Where events() reads the events (none when absent). */
  readonly events?: EventSource;
  /**
   * "answer" (graphite-web, the default): maxDataPoints consolidation over the time range of all
   * series of all targets; "target": each target's series on their own (Loupe's /api/query panels).
   */
  readonly consolidateOver?: "answer" | "target";
}

function failure(target: string, err: unknown): TargetResult {
  if (err instanceof LoupeError) return { target, series: [], error: { code: err.code, message: err.message, status: err.status } };
  // a bug in one function must not fail the other targets of a dashboard
  return { target, series: [], error: { code: "internal", message: `query failed: ${err instanceof Error ? err.message : String(err)}`, status: 500 } };
}

/**
 * evaluateTargets on a store that may need its reads fetched first (the VictoriaMetrics backend's
 * prefetch, src/store/api.ts PrefetchingReads): the targets are evaluated once in its recording mode
 * (on a fresh budget with the same limits), then for real. On the local store: evaluateTargets.
 */
export async function evaluateTargetsAsync(
  store: TimeSeriesStore,
  targets: readonly string[],
  from: number,
  to: number,
  maxDataPoints?: number,
  options: EvaluateOptions = {},
): Promise<TargetResult[]> {
  if (store.prefetch !== undefined) {
    const limits = options.budget?.limits;
    await store.prefetch(() => evaluateTargets(store, targets, from, to, maxDataPoints, { ...options, budget: new QueryBudget(limits) }));
  }
  return evaluateTargets(store, targets, from, to, maxDataPoints, options);
}

/**
 * Runs each target over graphite's window (from, to] and returns its series (consolidated to
 * maxDataPoints as graphite-web consolidates json). A bad
 * target gets an `error` and an empty list; the others still run. Never throws.
 */
export function evaluateTargets(
  store: TimeSeriesStore,
  targets: readonly string[],
  from: number,
  to: number,
  maxDataPoints?: number,
  options: EvaluateOptions = {},
): TargetResult[] {
  const cache = new Map<string, Series[]>();
  const base: EvalContext = {
    store,
    from,
    until: to,
    now: options.now ?? Date.now(),
    cache,
    shared: new Map(),
    budget: options.budget ?? new QueryBudget(),
    ...(maxDataPoints !== undefined && maxDataPoints > 0 ? { maxPoints: Math.floor(maxDataPoints) } : {}),
    ...(options.xFilesFactor !== undefined ? { xff: options.xFilesFactor } : {}),
    ...(options.events !== undefined ? { events: options.events } : {}),
  };
  // a request-wide limit (deadline, series or points budget) ends the request: the targets after it get its error
  let exhausted: QueryLimitError | undefined;
  const results = targets.map((target): TargetResult => {
    if (exhausted !== undefined) return failure(target, exhausted);
    try {
      return { target, series: evaluateExpr(compileTarget(target), base) };
    } catch (err) {
      if (err instanceof QueryLimitError) exhausted = err;
      if (err instanceof LoupeError && err.code === "regex_too_large") base.budget.countExceeded("max_regex_size");
      return failure(target, err);
    }
  });
  const mdp = base.maxPoints;
  if (mdp === undefined) return results;
  if (options.consolidateOver === "target") return results.map((r) => ({ ...r, series: consolidateForJson(r.series, mdp) }));
  // graphite-web consolidates the whole answer at once: the time range is over all its series
  const all = consolidateForJson(results.flatMap((r) => r.series), mdp);
  let k = 0;
  return results.map((r) => ({ ...r, series: r.series.map(() => all[k++]!) }));
}
