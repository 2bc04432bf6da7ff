/**
 * GET /api/status: the status report as JSON (Admin → Status shows the same; `loupe status` reads
 * it). Admin only: API tokens act at most as Editors, so none reads it (tokens.ts); `loupe status`
 * reads the data dir itself when it is refused. `?fresh=1` reads the table and tier sizes again
 * instead of the minute-old cached figures.
 */
import { Router } from "express";
import { access } from "../../access.js";
import type { StatusReport } from "../../status/model.js";

/** What the status routes need: the running Loupe's StatusService. */
export interface StatusSource {
  report(options?: { fresh?: boolean }): Promise<StatusReport>;
}

export function statusRoutes(deps: { readonly status: StatusSource }): Router {
  const router = Router();
  router.get("/api/status", access("admin"), async (req, res) => {
    const fresh = req.query["fresh"] === "1" || req.query["fresh"] === "true";
    const report = await deps.status.report({ fresh });
    res.setHeader("Cache-Control", "no-store");
    res.json(report);
  });
  return router;
}
