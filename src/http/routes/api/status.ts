/**
 * GET /api/status: the status report as JSON (Admin → Status shows the same; `loupe status` reads
 * it). Admin only for people; an API token of write scope may read it too, because tokens act at
 * most as Editor and `loupe status --token` needs one (only Admins create tokens). `?fresh=1` reads
 * the table and tier sizes again instead of the minute-old cached figures.
 */
import { Router, type NextFunction, type Request, type Response } from "express";
import { ForbiddenError, UnauthorizedError } from "../../../lib/errors.js";
import { principalOf, type AccessHandler } from "../../access.js";
import type { StatusReport } from "../../status/model.js";

/** What the status routes need: the running Loupe's StatusService. */
export interface StatusSource {
  report(options?: { fresh?: boolean }): StatusReport;
}

/** Admin, or an API token of write scope (declared as "admin" for route listings). */
export const statusAccess: AccessHandler = Object.assign(
  (_req: Request, res: Response, next: NextFunction): void => {
    const p = principalOf(res);
    if (p === undefined) return next(new UnauthorizedError());
    if (p.kind === "token") return next(p.scope === "write" ? undefined : new ForbiddenError("the status needs an API token of write scope"));
    if (p.role !== "Admin") return next(new ForbiddenError("this needs the Admin role"));
    next();
  },
  { access: "admin" as const },
);

export function statusRoutes(deps: { readonly status: StatusSource }): Router {
  const router = Router();
  router.get("/api/status", statusAccess, (req, res) => {
    const fresh = req.query["fresh"] === "1" || req.query["fresh"] === "true";
    res.setHeader("Cache-Control", "no-store");
    res.json(deps.status.report({ fresh }));
  });
  return router;
}
