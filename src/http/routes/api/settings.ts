/** Instance settings changed at run time (admin only): `GET /api/settings`, `PUT /api/settings` with the fields to change. */
import { Router } from "express";
import { access } from "../../access.js";
import { parseOrThrow } from "../../../dashboards/index.js";
import { instanceSettingsSchema, type SettingsService } from "../../../store/index.js";
import { jsonBody } from "./dashboards.js";

export interface SettingsRoutesDeps {
  readonly settings: SettingsService;
}

const patchSchema = instanceSettingsSchema.partial().strict();

export function settingsRoutes(deps: SettingsRoutesDeps): Router {
  const router = Router();
  router.get("/api/settings", access("admin"), (_req, res) => {
    res.json(deps.settings.get());
  });
  router.put("/api/settings", access("admin"), jsonBody("16kb"), (req, res) => {
    res.json(deps.settings.update(parseOrThrow(patchSchema, req.body)));
  });
  return router;
}
