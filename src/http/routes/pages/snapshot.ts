/** GET /snapshot/:key — a frozen dashboard drawn from its stored data; never queries live data. */
import { Router } from "express";
import { access } from "../../access.js";
import { dashboardBody } from "../../views/dashboard-view.js";
import { sendPage } from "../../views/layout.js";
import { html } from "../../views/html.js";
import type { PageDeps } from "./deps.js";

export function snapshotPages(deps: PageDeps): Router {
  const router = Router();
  const guard = deps.snapshotAccess ?? access("viewer");
  router.get("/snapshot/:key", guard, (req, res) => {
    const key = String(req.params["key"]);
    const s = deps.snapshots.get(key);
    const now = deps.clock?.now() ?? Date.now();
    if (s === undefined || (s.expiresAt !== null && s.expiresAt <= now)) {
      res.status(404);
      sendPage(req, res, { title: "Snapshot not found", body: html`<div class="card empty">This snapshot does not exist or has expired.</div>` });
      return;
    }
    const body = dashboardBody({
      mode: "snapshot",
      uid: s.dashboard.uid,
      dashboard: s.dashboard,
      version: s.dashboard.version,
      canEdit: false,
      range: { from: String(s.range.from), to: String(s.range.to) },
      refresh: "",
      vars: {},
      annotations: [],
      snapshot: { key: s.key, name: s.name, createdAt: s.createdAt, expiresAt: s.expiresAt, range: s.range, data: s.data },
    });
    sendPage(req, res, { title: `Snapshot: ${s.name}`, body, scripts: ["dashboard.js"], wide: true });
  });
  return router;
}
