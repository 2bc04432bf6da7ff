/** GET /d/:uid/panel/:id/edit (`new` adds a panel) — the panel editor; web/editor.ts does the work. */
import { Router } from "express";
import { access } from "../../access.js";
import { html, jsonScript } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";
import { queryString, urlVariables } from "../../views/time-range.js";
import type { PageDeps } from "./deps.js";

export function editorPages(deps: PageDeps): Router {
  const router = Router();
  router.get("/d/:uid/panel/:id/edit", access("editor"), (req, res) => {
    const uid = String(req.params["uid"]);
    const idParam = String(req.params["id"]);
    const stored = deps.dashboards.get(uid);
    const panelId = idParam === "new" ? null : Number(idParam);
    if (stored === undefined || (panelId !== null && !stored.dashboard.panels.some((p) => p.id === panelId))) {
      res.status(404);
      sendPage(req, res, { title: "Not found", body: html`<div class="card empty">No such dashboard or panel. <a href="/dashboards">All dashboards</a></div>` });
      return;
    }
    const d = stored.dashboard;
    const data = {
      dashboard: d,
      version: stored.version,
      panelId,
      range: { from: queryString(req.query["from"]) ?? d.time.from, to: queryString(req.query["to"]) ?? d.time.to },
      vars: urlVariables(req.query as Record<string, unknown>),
    };
    const back = `/d/${encodeURIComponent(uid)}`;
    const body = html`
<div class="page-head">
  <h1>${panelId === null ? "New panel" : "Edit panel"} <span class="muted">· ${d.title}</span></h1>
  <span class="spacer"></span>
  <a class="btn" id="editor-cancel" href="${back}">Discard</a>
  <button type="button" class="btn primary" id="editor-save">Save</button>
</div>
<div class="editor" id="editor"></div>
${jsonScript("loupe-page", data)}`;
    sendPage(req, res, { title: `Edit panel · ${d.title}`, body, nav: "dashboards", scripts: ["editor.js"], wide: true, toolbar: html`<div id="dash-toolbar"></div>` });
  });
  return router;
}
