/** GET /d/:uid — a dashboard; the URL's from, to, refresh and var-<name> reproduce a view. */
import { Router } from "express";
import { access, principalOf } from "../../access.js";
import { dashboardBody } from "../../views/dashboard-view.js";
import { sendPage } from "../../views/layout.js";
import { html } from "../../views/html.js";
import { queryString, resolveTimeRange, urlVariables } from "../../views/time-range.js";
import { canEdit, userKey, type PageDeps } from "./deps.js";

export function dashboardPages(deps: PageDeps): Router {
  const router = Router();
  const now = (): number => deps.clock?.now() ?? Date.now();

  router.get(["/d/:uid", "/d/:uid/:slug"], access("viewer"), (req, res) => {
    const uid = String(req.params["uid"]);
    const stored = deps.dashboards.get(uid);
    if (stored === undefined) {
      res.status(404);
      sendPage(req, res, { title: "Not found", nav: "dashboards", body: html`<div class="card empty">No dashboard with uid <code>${uid}</code>. <a href="/dashboards">All dashboards</a></div>` });
      return;
    }
    const d = stored.dashboard;
    const range = { from: queryString(req.query["from"]) ?? d.time.from, to: queryString(req.query["to"]) ?? d.time.to };
    const abs = resolveTimeRange(range.from, range.to, now());
    try {
      deps.dashboards.markViewed(uid, userKey(principalOf(res)));
    } catch {
      /* recently-viewed is best effort */
    }
    const body = dashboardBody({
      mode: "live",
      uid,
      dashboard: d,
      version: stored.version,
      canEdit: canEdit(res),
      range,
      refresh: queryString(req.query["refresh"]) ?? d.refresh,
      vars: urlVariables(req.query as Record<string, unknown>),
      annotations: deps.annotations.list({ from: abs.from, to: abs.to, dashboardUid: uid, limit: 1000 }),
    });
    sendPage(req, res, { title: d.title, body, nav: "dashboards", scripts: ["dashboard.js"], wide: true, toolbar: html`<div id="dash-toolbar"></div>` });
  });
  return router;
}
