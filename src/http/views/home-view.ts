/** The dashboards list: search by title and tag, recently viewed, new dashboard and import. */
import type { DashboardSummary } from "../../dashboards/index.js";
import { html, type SafeHtml } from "./html.js";

export interface HomeView {
  readonly list: readonly DashboardSummary[];
  readonly recent: readonly DashboardSummary[];
  readonly query: string;
  readonly tag: string;
  readonly canEdit: boolean;
  /** Shows "Recently deleted" (the trash, restorable by Admins). */
  readonly isAdmin?: boolean;
}

function tagLinks(tags: readonly string[]): SafeHtml {
  return html`${tags.map((t) => html`<a class="tag" href="/dashboards?tag=${encodeURIComponent(t)}">${t}</a>`)}`;
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 90) return "just now";
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}

export function homeBody(v: HomeView): SafeHtml {
  const filtered = v.query !== "" || v.tag !== "";
  return html`
<div class="page-head">
  <h1>Dashboards</h1>
  <span class="spacer"></span>
  ${v.canEdit ? html`<button type="button" class="btn primary" id="new-dashboard">New dashboard</button><button type="button" class="btn" id="import-open">Import</button>` : ""}
  ${v.isAdmin === true ? html`<button type="button" class="btn" id="trash-open">Recently deleted</button>` : ""}
</div>
<div class="cols">
  <div>
    <form class="search" method="get" action="/dashboards" role="search">
      <input type="search" name="query" id="search" value="${v.query}" placeholder="Search dashboards by title" autocomplete="off">
      ${v.tag !== "" ? html`<input type="hidden" name="tag" value="${v.tag}"><a class="tag" href="/dashboards?query=${encodeURIComponent(v.query)}" title="Remove tag filter">${v.tag} ✕</a>` : ""}
      <button class="btn" type="submit">Search</button>
      ${filtered ? html`<a class="btn" href="/dashboards">Clear</a>` : ""}
    </form>
    <div class="card">
      ${v.list.length === 0
        ? html`<div class="empty">${filtered ? "No dashboard matches." : "No dashboards yet."}</div>`
        : html`<table class="list" id="dashboard-list">
        <thead><tr><th>Title</th><th>Tags</th><th>Updated</th></tr></thead>
        <tbody>${v.list.map(
          (d) => html`<tr data-uid="${d.uid}"><td><a href="/d/${encodeURIComponent(d.uid)}">${d.title}</a>${d.provisioned ? html` <span class="muted" title="provisioned from a file">⎘</span>` : ""}</td><td>${tagLinks(d.tags)}</td><td class="muted">${ago(d.updatedAt)}</td></tr>`,
        )}</tbody></table>`}
    </div>
  </div>
  <aside class="stack">
    <div class="card">
      <h4>Recently viewed</h4>
      ${v.recent.length === 0
        ? html`<div class="muted">Nothing yet.</div>`
        : html`<ul class="plain" id="recent-list">${v.recent.map((d) => html`<li><a href="/d/${encodeURIComponent(d.uid)}">${d.title}</a></li>`)}</ul>`}
    </div>
    <div class="card">
      <h4>Tags</h4>
      <div>${tagLinks([...new Set(v.list.flatMap((d) => d.tags))].sort())}</div>
    </div>
  </aside>
</div>`;
}
