/**
 * The API tokens page under /admin/tokens (HTML forms carrying the `_csrf` field): create (shown
 * once) and revoke. The Users page is admin-users.ts; the JSON APIs are in admin.ts.
 */
import type { Request, RequestHandler, Response } from "express";
import type { Auth } from "../../auth/index.js";
import type { TokenRow } from "../../store/index.js";
import { principalOf } from "../access.js";
import { html, type SafeHtml } from "../views/html.js";
import { sendPage } from "../views/layout.js";
import { csrfOf, formFields, parseInput } from "../validate.js";
import { idParam, tokenCreate } from "./admin-input.js";

const when = (ms: number | null): string => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));

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
