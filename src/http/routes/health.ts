import { Router } from "express";
import { access } from "../access.js";

export interface HealthDeps {
  readonly version: string;
  readonly startedAt: number;
  /** Extra health facts (store, collectors) added by the composition root. */
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
