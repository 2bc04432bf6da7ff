/**
 * GET /settings — the settings skeleton: appearance, snapshots, about. The auth module adds users
 * and tokens with its own router; `sections` lets it (or others) append links here.
 */
import { Router } from "express";
import { access, principalOf } from "../../access.js";
import { html, raw, type SafeHtml } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";
import type { PageDeps } from "./deps.js";

export interface SettingsSection {
  readonly title: string;
  readonly href: string;
  readonly description: string;
  readonly admin?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 16);

/** Links every instance has: the auth module's admin pages. */
export const DEFAULT_SETTINGS_SECTIONS: readonly SettingsSection[] = [
  { title: "Users", href: "/admin/users", description: "who may sign in, and their roles", admin: true },
  { title: "API tokens", href: "/admin/tokens", description: "tokens for scripts, Grafana and deploy markers", admin: true },
];

export function settingsPages(deps: PageDeps, sections: readonly SettingsSection[] = DEFAULT_SETTINGS_SECTIONS): Router {
  const router = Router();
  router.get("/settings", access("viewer"), (req, res) => {
    const p = principalOf(res);
    const snaps = deps.snapshots.list().sort((a, b) => b.createdAt - a.createdAt);
    const extra: SafeHtml[] = sections
      .filter((s) => !s.admin || p?.role === "Admin")
      .map((s) => html`<li><a href="${s.href}">${s.title}</a> <span class="muted">— ${s.description}</span></li>`);
    const body = html`
<div class="page-head"><h1>Settings</h1></div>
<div class="stack">
  <div class="card settings-section">
    <h4>Appearance</h4>
    <p>Theme: <strong id="theme-name"></strong>. Switch with the ◐ button in the top bar; the choice is kept in this browser.</p>
    <p class="muted">Dashboard shortcuts: Shift+← / Shift+→ shift the range by half, Ctrl+Z zooms out, R refreshes. Drag on a chart to zoom in, click on it to add an annotation.</p>
  </div>
  ${extra.length > 0 ? html`<div class="card settings-section"><h4>Access</h4><ul class="plain" id="settings-links">${extra}</ul></div>` : ""}
  <div class="card settings-section">
    <h4>Snapshots</h4>
    ${p?.role === "Admin" && deps.settings !== undefined
      ? html`<p><label class="check"><input type="checkbox" id="snapshots-public" ${deps.settings.get().snapshots_public ? raw("checked") : ""}> Anyone with a snapshot link may open it without signing in</label></p>`
      : ""}
    ${snaps.length === 0
      ? html`<div class="muted">No snapshots. Use "Share snapshot" on a dashboard.</div>`
      : html`<table class="list" id="snapshot-list"><thead><tr><th>Name</th><th>Range (UTC)</th><th>Created</th><th>Expires</th></tr></thead><tbody>${snaps.map(
          (s) => html`<tr><td><a href="/snapshot/${encodeURIComponent(s.key)}">${s.name}</a></td><td class="muted">${iso(s.range.from)} – ${iso(s.range.to)}</td><td class="muted">${iso(s.createdAt)}${s.createdBy ? html` by ${s.createdBy}` : ""}</td><td class="muted">${s.expiresAt === null ? "never" : iso(s.expiresAt)}</td></tr>`,
        )}</tbody></table>`}
  </div>
  <div class="card settings-section">
    <h4>About</h4>
    <p>Loupe ${deps.version ?? ""} · signed in as ${p?.login ?? p?.name ?? p?.kind ?? "nobody"} (${p?.role ?? "no role"})</p>
  </div>
</div>`;
    sendPage(req, res, { title: "Settings", body, nav: "settings", scripts: ["settings.js"] });
  });
  return router;
}
