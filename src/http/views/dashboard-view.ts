/** The dashboard page shell (/d/:uid, /snapshot/:key): the browser code (web/dashboard.ts) fills the grid. */
import type { Dashboard } from "../../dashboards/index.js";
import { html, jsonScript, type SafeHtml } from "./html.js";

export interface DashboardViewData {
  readonly mode: "live" | "snapshot";
  readonly uid: string;
  readonly dashboard: Dashboard;
  readonly version: number;
  readonly canEdit: boolean;
  readonly range: { readonly from: string; readonly to: string };
  readonly refresh: string;
  readonly vars: Record<string, string[]>;
  readonly annotations: readonly unknown[];
  readonly snapshot?: {
    readonly key: string;
    readonly name: string;
    readonly createdAt: number;
    readonly expiresAt: number | null;
    readonly range: { readonly from: number; readonly to: number };
    readonly data: Readonly<Record<string, unknown>>;
  };
}

export function dashboardBody(d: DashboardViewData): SafeHtml {
  const uid = encodeURIComponent(d.uid);
  const snap = d.snapshot;
  return html`
${snap
  ? html`<div class="banner" id="snapshot-banner">Snapshot <strong>${snap.name}</strong> of ${new Date(snap.range.from).toISOString().replace("T", " ").slice(0, 16)} – ${new Date(snap.range.to).toISOString().replace("T", " ").slice(0, 16)} UTC, taken ${new Date(snap.createdAt).toISOString().replace("T", " ").slice(0, 16)} UTC${snap.expiresAt !== null ? html`, expires ${new Date(snap.expiresAt).toISOString().replace("T", " ").slice(0, 16)} UTC` : ""}. Data is frozen.</div>`
  : ""}
<div class="dash-head">
  <h1 id="dash-title">${d.dashboard.title}</h1>
  ${d.dashboard.tags.map((t) => html`<a class="tag" href="/dashboards?tag=${encodeURIComponent(t)}">${t}</a>`)}
  <span class="spacer"></span>
  ${d.mode === "live"
    ? html`${d.canEdit ? html`<a class="btn" id="add-panel" href="/d/${uid}/panel/new/edit">Add panel</a><button type="button" class="btn" id="edit-json">JSON</button><button type="button" class="btn" id="save-view" title="Make the current time range, refresh and variable values this dashboard's defaults">Save view</button>` : ""}
  <a class="btn" id="export-json" href="/api/dashboards/${uid}/export" download="${d.uid}.json">Export</a>
  <button type="button" class="btn" id="share-snapshot">Share snapshot</button>`
    : ""}
</div>
<div class="variables" id="variables" hidden></div>
<div class="panels" id="panels"></div>
${jsonScript("loupe-page", d)}`;
}
