/** GET /annotations — annotations of a range (default: last 7 days), filtered by tag. */
import { Router } from "express";
import { access } from "../../access.js";
import { html } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";
import { queryString, resolveTimeRange } from "../../views/time-range.js";
import { canEdit, type PageDeps } from "./deps.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

export function annotationPages(deps: PageDeps): Router {
  const router = Router();
  router.get("/annotations", access("viewer"), (req, res) => {
    const from = queryString(req.query["from"]) ?? "now-7d";
    const to = queryString(req.query["to"]) ?? "now";
    const tag = (queryString(req.query["tag"]) ?? "").trim();
    const abs = resolveTimeRange(from, to, deps.clock?.now() ?? Date.now());
    const list = deps.annotations.list({ from: abs.from, to: abs.to, limit: 500, ...(tag !== "" ? { tags: [tag] } : {}) }).sort((a, b) => b.time - a.time);
    const titles = new Map(deps.dashboards.list().map((d) => [d.uid, d.title]));
    const editable = canEdit(res);
    const body = html`
<div class="page-head"><h1>Annotations</h1></div>
<form class="search" method="get" action="/annotations">
  <input type="text" name="from" value="${from}" title="From (now-7d, 2024-01-31 …)">
  <input type="text" name="to" value="${to}" title="To">
  <input type="search" name="tag" value="${tag}" placeholder="Tag">
  <button class="btn" type="submit">Filter</button>
</form>
<div class="card">
${list.length === 0
  ? html`<div class="empty">No annotations between ${iso(abs.from)} and ${iso(abs.to)} UTC. Click on a chart to add one, or <code>POST /api/annotations</code> from a deploy script.</div>`
  : html`<table class="list" id="annotation-list"><thead><tr><th>Time (UTC)</th><th>Text</th><th>Tags</th><th>Dashboard</th><th>By</th>${editable ? html`<th></th>` : ""}</tr></thead><tbody>
  ${list.map(
    (a) => html`<tr data-id="${a.id}"><td class="muted">${iso(a.time)}${a.timeEnd > a.time ? html` – ${iso(a.timeEnd)}` : ""}</td><td>${a.text}</td><td>${a.tags.map((t) => html`<a class="tag" href="/annotations?tag=${encodeURIComponent(t)}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}">${t}</a>`)}</td><td>${
      a.dashboardUid === null
        ? html`<span class="muted">all</span>`
        : html`<a href="/d/${encodeURIComponent(a.dashboardUid)}?from=${a.time - 3600e3}&to=${a.timeEnd + 3600e3}">${titles.get(a.dashboardUid) ?? a.dashboardUid}</a>`
    }</td><td class="muted">${a.createdBy ?? ""}</td>${editable ? html`<td><button type="button" class="btn link danger anno-delete" data-id="${a.id}">Delete</button></td>` : ""}</tr>`,
  )}</tbody></table>`}
</div>`;
    sendPage(req, res, { title: "Annotations", body, nav: "annotations", scripts: ["annotations.js"] });
  });
  return router;
}
