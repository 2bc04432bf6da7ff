/**
 * The dashboard's batch query API. `POST /api/query`
 *   {"from": ms|string, "to": ms|string, "maxDataPoints"?: n, "queries": [{"id", "target"}]}
 * → {"from": ms, "to": ms, "results": [{"id", "step": ms, "timestamps": [ms…],
 *     "series": [{"target", "tags", "values": [number|null…]}], "error"?: {"code","message"}}]}
 * One shared timestamp array per query (uPlot's columnar shape). A bad target gives its query an
 * error; the others still answer. Strings for from/to: `now`, `now-6h`, `-6h` and Graphite forms.
 */
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Clock } from "../../../lib/clock.js";
import { systemClock } from "../../../lib/clock.js";
import { BadRequestError } from "../../../lib/errors.js";
import type { MetricsRegistry } from "../../../lib/metrics.js";
import { evaluateTargets, parseTime, queryBudgets, toColumns, QueryBudget, type QueryLimits } from "../../../query/index.js";
import type { TimeSeriesStore } from "../../../store/index.js";
import { access } from "../../access.js";

export interface QueryRouteDeps {
  readonly store: TimeSeriesStore;
  readonly clock?: Clock;
  /** [query] timeout, max_series, max_points (their defaults when absent). */
  readonly limits?: QueryLimits;
  /** Where refusals by those limits are counted. */
  readonly metrics?: MetricsRegistry;
}

const TimeValue = z.union([z.number().finite().min(-8.64e15).max(8.64e15), z.string().min(1).max(100)]);

export const QueryRequest = z.object({
  from: TimeValue,
  to: TimeValue,
  maxDataPoints: z.number().int().positive().max(100_000).optional(),
  queries: z.array(z.object({ id: z.string().max(200), target: z.string().max(10_000) })).max(200),
});
export type QueryRequest = z.infer<typeof QueryRequest>;

export interface QueryResult {
  readonly id: string;
  readonly step: number;
  readonly timestamps: number[];
  readonly series: Array<{ readonly target: string; readonly tags?: Record<string, string>; readonly values: Array<number | null> }>;
  readonly error?: { readonly code: string; readonly message: string };
}

export interface QueryResponse {
  readonly from: number;
  readonly to: number;
  readonly results: QueryResult[];
}

function toMs(v: number | string, now: number): number {
  return typeof v === "number" ? v : parseTime(v, now);
}

/** Runs a batch request in-process (the route's body, also usable by other modules). */
export function runQueryBatch(store: TimeSeriesStore, body: QueryRequest, now: number, budget?: QueryBudget): QueryResponse {
  const from = toMs(body.from, now);
  const to = toMs(body.to, now);
  if (to <= from) throw new BadRequestError("empty time range: from must be before to", "bad_time_range");
  const results = evaluateTargets(
    store,
    body.queries.map((q) => q.target),
    from,
    to,
    body.maxDataPoints,
    budget === undefined ? { now, consolidateOver: "target" } : { now, budget, consolidateOver: "target" },
  );
  return {
    from,
    to,
    results: body.queries.map((q, i) => {
      const r = results[i]!;
      if (r.error !== undefined) return { id: q.id, step: 0, timestamps: [], series: [], error: { code: r.error.code, message: r.error.message } };
      const cols = toColumns(r.series, from, to);
      return { id: q.id, step: cols.step, timestamps: cols.timestamps, series: cols.series };
    }),
  };
}

export function queryRoutes(deps: QueryRouteDeps): Router {
  const router = Router();
  const clock = deps.clock ?? systemClock;
  const newBudget = queryBudgets(deps.limits, deps.metrics);
  router.post("/api/query", access("viewer"), express.json({ limit: "1mb" }), async (req: Request, res: Response) => {
    const parsed = QueryRequest.safeParse(req.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadRequestError(`invalid query request: ${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "bad body"}`, "bad_request");
    }
    // no res.json: skips the ETag hash of a body that is never the same twice
    const now = clock.now();
    // a store whose points live elsewhere fetches what the batch reads first (src/store/api.ts PrefetchingReads)
    if (deps.store.prefetch !== undefined) {
      const limits = newBudget().limits;
      await deps.store.prefetch(() => runQueryBatch(deps.store, parsed.data, now, new QueryBudget(limits)));
    }
    const body = JSON.stringify(runQueryBatch(deps.store, parsed.data, now, newBudget()));
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.setHeader("Content-Length", Buffer.byteLength(body));
    res.end(body);
  });
  return router;
}
