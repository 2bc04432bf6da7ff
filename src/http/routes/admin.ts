/**
 * Admin: users (change role, disable: a disabled user's sessions end at once) and API tokens
 * (create: shown once, stored hashed, scope read or write; list; revoke), as JSON APIs under
 * /api/admin/ and as pages under /admin/ (HTML forms carrying the `_csrf` field).
 */
import express, { Router, type Request, type Response } from "express";
import { z } from "zod";
import type { Auth } from "../../auth/index.js";
import type { TokenRow, UserRow } from "../../store/index.js";
import { BadRequestError } from "../../lib/errors.js";
import { access, principalOf } from "../access.js";
import { html, type SafeHtml } from "../views/html.js";
import { sendPage } from "../views/layout.js";

const roleSchema = z.enum(["Viewer", "Editor", "Admin"]);
const userPatch = z.object({ role: roleSchema.optional(), disabled: z.boolean().optional() }).strict();
const tokenCreate = z.object({ name: z.string().trim().min(1).max(100), scope: z.enum(["read", "write"]) }).strict();
const idParam = z.coerce.number().int().positive();

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new BadRequestError(r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "), "invalid_body");
  return r.data;
}

const userJson = (u: UserRow) => ({
  id: u.id,
  login: u.login,
  name: u.name,
  email: u.email,
  provider: u.provider,
  role: u.role,
  disabled: u.disabled,
  createdAt: u.createdAt,
  lastSeenAt: u.lastSeenAt,
});

const tokenJson = (t: TokenRow) => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  scope: t.scope,
  createdBy: t.createdByLogin,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
});

const when = (ms: number | null): string => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));

export function adminRoutes(auth: Auth): Router {
  const router = Router();
  const json = express.json({ limit: "100kb" });
  const form = express.urlencoded({ extended: false, limit: "100kb" });
  const csrfOf = (res: Response): string => (res.locals as { csrfToken?: string }).csrfToken ?? "";
  const creator = (res: Response): number | null => principalOf(res)?.userId ?? null;

  // ---- JSON APIs ----
  router.get("/api/admin/users", access("admin"), (_req, res) => {
    res.json(auth.users.list().map(userJson));
  });
  router.patch("/api/admin/users/:id", access("admin"), json, (req, res) => {
    const change = parse(userPatch, req.body);
    const u = auth.users.update(parse(idParam, req.params["id"]), { ...(change.role !== undefined ? { role: change.role } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) });
    auth.log.info("user changed", { by: principalOf(res)?.login, login: u.login, role: u.role, disabled: u.disabled });
    res.json(userJson(u));
  });
  router.get("/api/admin/tokens", access("admin"), (_req, res) => {
    res.json(auth.tokens.list().map(tokenJson));
  });
  router.post("/api/admin/tokens", access("admin"), json, (req, res) => {
    const body = parse(tokenCreate, req.body);
    const { token, row } = auth.tokens.create(body.name, body.scope, creator(res));
    auth.log.info("api token created", { by: principalOf(res)?.login, name: row.name, scope: row.scope });
    res.setHeader("Cache-Control", "no-store");
    res.status(201).json({ ...tokenJson(row), token });
  });
  router.delete("/api/admin/tokens/:id", access("admin"), (req, res) => {
    auth.tokens.revoke(parse(idParam, req.params["id"]));
    auth.log.info("api token revoked", { by: principalOf(res)?.login, id: req.params["id"] });
    res.status(204).end();
  });

  // ---- pages ----
  const usersPage = (req: Request, res: Response, notice?: SafeHtml): void => {
    const csrf = csrfOf(res);
    const rows = auth.users.list();
    const body = html`<div class="page-head"><h1>Users</h1><a class="btn" href="/admin/tokens">API tokens</a></div>
${notice ?? ""}
${rows.length === 0
  ? html`<p>No users yet. ${auth.open ? "No login provider is configured: Loupe is open to local visitors." : ""}</p>`
  : html`<div class="table-wrap"><table class="list" id="users">
<thead><tr><th>Login</th><th>Name</th><th>Email</th><th>Sign-in</th><th>Last seen</th><th>Role</th><th>State</th><th></th></tr></thead>
<tbody>${rows.map(
    (u) => html`<tr data-login="${u.login}">
<td>${u.login}</td><td>${u.name}</td><td>${u.email}</td><td>${u.provider}</td><td>${when(u.lastSeenAt)}</td>
<td colspan="3"><form method="post" action="/admin/users/${u.id}" class="inline">
<input type="hidden" name="_csrf" value="${csrf}">
<select name="role">${(["Viewer", "Editor", "Admin"] as const).map((r) => html`<option value="${r}" ${r === u.role ? html`selected` : ""}>${r}</option>`)}</select>
<select name="state"><option value="active" ${u.disabled ? "" : html`selected`}>active</option><option value="disabled" ${u.disabled ? html`selected` : ""}>disabled</option></select>
<button class="btn" type="submit">Save</button></form></td></tr>`,
  )}</tbody></table></div>`}
${auth.config["auth.github"].admin_organizations.length + auth.config["auth.github"].editor_organizations.length + auth.config["auth.github"].admin_team_ids.length + auth.config["auth.github"].editor_team_ids.length > 0
  ? html`<p class="muted">GitHub role mapping is configured: GitHub users get their mapped role again at each sign-in.</p>`
  : ""}`;
    sendPage(req, res, { title: "Users", body, nav: "admin" });
  };

  const tokensPage = (req: Request, res: Response, created?: { token: string; row: TokenRow }): void => {
    const csrf = csrfOf(res);
    const rows = auth.tokens.list();
    const body = html`<div class="page-head"><h1>API tokens</h1><a class="btn" href="/admin/users">Users</a></div>
${created !== undefined
  ? html`<div class="banner" role="status"><p>Token <strong>${created.row.name}</strong> (${created.row.scope}) created. Copy it now: it is not shown again.</p>
<p><code id="new-token">${created.token}</code></p>
<p class="muted">Send it as <code>Authorization: Bearer …</code>, as the password of HTTP basic auth, as InfluxDB's <code>Authorization: Token …</code> or <code>?u=loupe&amp;p=…</code>.</p></div>`
  : ""}
<form method="post" action="/admin/tokens" class="page-head" id="token-create">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Name <input type="text" name="name" required maxlength="100"></label>
<label>Scope <select name="scope"><option value="read">read</option><option value="write">write</option></select></label>
<button class="btn primary" type="submit">Create token</button></form>
<div class="table-wrap"><table class="list" id="tokens"><thead><tr><th>Name</th><th>Prefix</th><th>Scope</th><th>Created by</th><th>Created</th><th>Last used</th><th></th></tr></thead>
<tbody>${rows.map(
  (t) => html`<tr><td>${t.name}</td><td><code>${t.prefix}…</code></td><td>${t.scope}</td><td>${t.createdByLogin ?? "local"}</td><td>${when(t.createdAt)}</td><td>${when(t.lastUsedAt)}</td>
<td><form method="post" action="/admin/tokens/${t.id}/revoke" class="inline"><input type="hidden" name="_csrf" value="${csrf}"><button class="btn danger" type="submit">Revoke</button></form></td></tr>`,
)}</tbody></table></div>`;
    sendPage(req, res, { title: "API tokens", body, nav: "admin" });
  };

  router.get("/admin", access("admin"), (_req, res) => res.redirect(302, "/admin/users"));
  router.get("/admin/users", access("admin"), (req, res) => usersPage(req, res));
  router.post("/admin/users/:id", access("admin"), form, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const role = parse(roleSchema, b["role"]);
    const disabled = b["state"] === "disabled";
    const u = auth.users.update(parse(idParam, req.params["id"]), { role, disabled });
    auth.log.info("user changed", { by: principalOf(res)?.login, login: u.login, role: u.role, disabled: u.disabled });
    res.redirect(303, "/admin/users");
  });
  router.get("/admin/tokens", access("admin"), (req, res) => tokensPage(req, res));
  router.post("/admin/tokens", access("admin"), form, (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const body = parse(tokenCreate, { name: b["name"], scope: b["scope"] });
    const created = auth.tokens.create(body.name, body.scope, creator(res));
    auth.log.info("api token created", { by: principalOf(res)?.login, name: created.row.name, scope: created.row.scope });
    res.setHeader("Cache-Control", "no-store");
    tokensPage(req, res, created);
  });
  router.post("/admin/tokens/:id/revoke", access("admin"), form, (req, res) => {
    auth.tokens.revoke(parse(idParam, req.params["id"]));
    auth.log.info("api token revoked", { by: principalOf(res)?.login, id: req.params["id"] });
    res.redirect(303, "/admin/tokens");
  });

  return router;
}
