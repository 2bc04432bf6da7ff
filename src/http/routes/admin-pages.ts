/**
 * The admin pages under /admin/ (HTML forms carrying the `_csrf` field): users (role, state) and
 * API tokens (create: shown once; revoke). One handler per route; the JSON APIs are in admin.ts.
 */
import type { Request, RequestHandler, Response } from "express";
import type { Auth } from "../../auth/index.js";
import type { TokenRow, UserRow } from "../../store/index.js";
import { principalOf } from "../access.js";
import { html, type SafeHtml } from "../views/html.js";
import { sendPage } from "../views/layout.js";
import { csrfOf, formFields, parseInput } from "../validate.js";
import { idParam, roleSchema, tokenCreate } from "./admin-input.js";

const ROLES = ["Viewer", "Editor", "Admin"] as const;

const when = (ms: number | null): string => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));

function userRow(u: UserRow, csrf: string): SafeHtml {
  return html`<tr data-login="${u.login}">
<td>${u.login}</td><td>${u.name}</td><td>${u.email}</td><td>${u.provider}</td><td>${when(u.lastSeenAt)}</td>
<td colspan="3"><form method="post" action="/admin/users/${u.id}" class="inline">
<input type="hidden" name="_csrf" value="${csrf}">
<select name="role">${ROLES.map((r) => html`<option value="${r}" ${r === u.role ? html`selected` : ""}>${r}</option>`)}</select>
<select name="state"><option value="active" ${u.disabled ? "" : html`selected`}>active</option><option value="disabled" ${u.disabled ? html`selected` : ""}>disabled</option></select>
<button class="btn" type="submit">Save</button></form></td></tr>`;
}

/** Whether GitHub sign-ins get their role from organizations or teams (then a role set here is overwritten). */
function githubRoleMapping(auth: Auth): boolean {
  const g = auth.config["auth.github"];
  return g.admin_organizations.length + g.editor_organizations.length + g.admin_team_ids.length + g.editor_team_ids.length > 0;
}

function sendUsersPage(auth: Auth, req: Request, res: Response): void {
  const csrf = csrfOf(res);
  const rows = auth.users.list();
  const body = html`<div class="page-head"><h1>Users</h1><a class="btn" href="/admin/tokens">API tokens</a><a class="btn" href="/admin/status">Status</a></div>
${rows.length === 0
  ? html`<p>No users yet. ${auth.open ? "No login provider is configured: Loupe is open to local visitors." : ""}</p>`
  : html`<div class="table-wrap"><table class="list" id="users">
<thead><tr><th>Login</th><th>Name</th><th>Email</th><th>Sign-in</th><th>Last seen</th><th>Role</th><th>State</th><th></th></tr></thead>
<tbody>${rows.map((u) => userRow(u, csrf))}</tbody></table></div>`}
${githubRoleMapping(auth) ? html`<p class="muted">GitHub role mapping is configured: GitHub users get their mapped role again at each sign-in.</p>` : ""}`;
  sendPage(req, res, { title: "Users", body, nav: "admin" });
}

function tokenRow(t: TokenRow, csrf: string): SafeHtml {
  return html`<tr><td>${t.name}</td><td><code>${t.prefix}…</code></td><td>${t.scope}</td><td>${t.createdByLogin ?? "local"}</td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td>
<td><form method="post" action="/admin/tokens/${t.id}/revoke" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button class="btn danger" type="submit">Revoke</button></form></td></tr>`;
}

function createdBanner(created: { token: string; row: TokenRow }): SafeHtml {
  return html`<div class="banner" role="status"><p>Token <strong>${created.row.name}</strong> (${created.row.scope}) created. Copy it now: it is not shown again.</p>
<p><code id="new-token">${created.token}</code></p>
<p class="muted">Send it as <code>Authorization: Bearer …</code>, as the password of HTTP basic auth, as InfluxDB's <code>Authorization: Token …</code> or <code>?u=loupe&amp;p=…</code>.</p></div>`;
}

function sendTokensPage(auth: Auth, req: Request, res: Response, created?: { token: string; row: TokenRow }): void {
  const csrf = csrfOf(res);
  const rows = auth.tokens.list();
  const body = html`<div class="page-head"><h1>API tokens</h1><a class="btn" href="/admin/users">Users</a><a class="btn" href="/admin/status">Status</a></div>
${created !== undefined ? createdBanner(created) : ""}
<form method="post" action="/admin/tokens" class="page-head" id="token-create">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Name <input type="text" name="name" required maxlength="100"></label>
<label>Scope <select name="scope"><option value="read">read</option><option value="write">write</option></select></label>
<button class="btn primary" type="submit">Create token</button></form>
<div class="table-wrap"><table class="list" id="tokens"><thead><tr><th>Name</th><th>Prefix</th><th>Scope</th><th>Created by</th><th>Created</th><th>Last used</th><th></th></tr></thead>
<tbody>${rows.map((t) => tokenRow(t, csrf))}</tbody></table></div>`;
  sendPage(req, res, { title: "API tokens", body, nav: "admin" });
}

/** GET /admin/users */
export const usersPage = (auth: Auth): RequestHandler => (req, res) => sendUsersPage(auth, req, res);

/** POST /admin/users/:id (form: role, state) */
export const updateUserForm = (auth: Auth): RequestHandler => (req, res) => {
  const form = formFields(req.body);
  const role = parseInput(roleSchema, form["role"]);
  const disabled = form["state"] === "disabled";
  const u = auth.users.update(parseInput(idParam, req.params["id"]), { role, disabled });
  auth.log.info("user changed", { by: principalOf(res)?.login, login: u.login, role: u.role, disabled: u.disabled });
  res.redirect(303, "/admin/users");
};

/** GET /admin/tokens */
export const tokensPage = (auth: Auth): RequestHandler => (req, res) => sendTokensPage(auth, req, res);

/** POST /admin/tokens (form: name, scope): the page again, with the new token shown once. */
export const createTokenForm = (auth: Auth): RequestHandler => (req, res) => {
  const form = formFields(req.body);
  const body = parseInput(tokenCreate, { name: form["name"], scope: form["scope"] });
  const created = auth.tokens.create(body.name, body.scope, principalOf(res)?.userId ?? null);
  auth.log.info("api token created", { by: principalOf(res)?.login, name: created.row.name, scope: created.row.scope });
  res.setHeader("Cache-Control", "no-store");
  sendTokensPage(auth, req, res, created);
};

/** POST /admin/tokens/:id/revoke */
export const revokeTokenForm = (auth: Auth): RequestHandler => (req, res) => {
  auth.tokens.revoke(parseInput(idParam, req.params["id"]));
  auth.log.info("api token revoked", { by: principalOf(res)?.login, id: req.params["id"] });
  res.redirect(303, "/admin/tokens");
};
