import { Router } from "express";
import type { TimeSeriesStore } from "../../store/index.js";
import { access } from "../access.js";

export interface HealthDeps {
  readonly version: string;
  readonly startedAt: number;
  /** Extra health facts (store, collectors) added by the route table. */
  readonly details?: () => Record<string, unknown>;
}

/** GET /healthz: no auth, always cheap. */
export function healthRoutes(deps: HealthDeps): Router {
  const router = Router();
  router.get("/healthz", access("public"), (_req, res) => {
    res.json({ status: "ok", version: deps.version, uptime_s: Math.round((Date.now() - deps.startedAt) / 1000), ...(deps.details?.() ?? {}) });
  });
  return router;
}

/** The store's part of /healthz: series (and its bound), points per tier, sizes, refusals. */
export function storeHealth(store: Pick<TimeSeriesStore, "stats">): Record<string, unknown> {
  const s = store.stats();
  return { store: { series: s.series, max_series: s.maxSeries, series_refused: s.seriesRefused, points: s.pointsByTier, head_points: s.headPoints, db_bytes: s.dbBytes, wal_bytes: s.walBytes, writes_refused: s.writesRefused } };
}
