/**
 * The Users page under /admin/users (server-rendered forms carrying `_csrf`): add a user (local with
 * a password, or a GitHub login reserved before its first sign-in), change role, disable/enable,
 * reset a local user's password. A refused form comes back to a browser (Accept: text/html) as the
 * page with the error and the values typed (never a password), to other clients as the JSON error;
 * a done one redirects (303) to the page with a notice naming the user.
 */
import type { Request, RequestHandler, Response } from "express";
import type { Auth } from "../../auth/index.js";
import type { UserRow } from "../../store/index.js";
import { LoupeError } from "../../lib/errors.js";
import { principalOf } from "../access.js";
import { html, type SafeHtml } from "../views/html.js";
import { sendPage } from "../views/layout.js";
import { csrfOf, formFields, parseInput } from "../validate.js";
import { idParam, passwordReset, roleSchema, userCreate } from "./admin-input.js";

const ROLES = ["Viewer", "Editor", "Admin"] as const;

/** Notices after a redirect: ?done=CODE&login=… (only known codes; the login is escaped). */
const DONE: Readonly<Record<string, string>> = {
  added: "added",
  saved: "saved",
  password: "has a new password; their sessions were ended",
};

interface Kept {
  readonly login: string;
  readonly role: string;
  readonly provider: string;
}

const when = (ms: number | null): string => (ms === null ? "never" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC"));

function passwordCell(u: UserRow, csrf: string): SafeHtml {
  if (u.provider !== "local") return html`<td class="muted">GitHub</td>`;
  return html`<td><form method="post" action="/admin/users/${u.id}/password" class="inline reset-password">
<input type="hidden" name="_csrf" value="${csrf}">
<input type="password" name="password" placeholder="New password" autocomplete="new-password" required aria-label="New password for ${u.login}">
<button class="btn" type="submit">Reset password</button></form></td>`;
}

function userRow(u: UserRow, csrf: string): SafeHtml {
  return html`<tr data-login="${u.login}">
<td>${u.login}</td><td>${u.name}</td><td>${u.email}</td><td>${u.provider}</td><td>${when(u.lastSeenAt)}</td>
<td colspan="3"><form method="post" action="/admin/users/${u.id}" class="inline user-update">
<input type="hidden" name="_csrf" value="${csrf}">
<select name="role" aria-label="Role of ${u.login}">${ROLES.map((r) => html`<option value="${r}" ${r === u.role ? html`selected` : ""}>${r}</option>`)}</select>
<select name="state" aria-label="State of ${u.login}"><option value="active" ${u.disabled ? "" : html`selected`}>active</option><option value="disabled" ${u.disabled ? html`selected` : ""}>disabled</option></select>
<button class="btn" type="submit">Save</button></form></td>${passwordCell(u, csrf)}</tr>`;
}

function addForm(auth: Auth, csrf: string, kept: Kept | undefined): SafeHtml {
  const providers = [...(auth.basicEnabled ? ["local"] : []), ...(auth.githubEnabled ? ["github"] : [])];
  if (providers.length === 0) return html`<p class="muted">No sign-in provider is on: users cannot be added.</p>`;
  const role = kept?.role ?? "Viewer";
  return html`<form method="post" action="/admin/users" class="page-head" id="user-add">
<input type="hidden" name="_csrf" value="${csrf}">
<label>Login <input type="text" name="login" required maxlength="64" value="${kept?.login ?? ""}" autocomplete="off"></label>
<label>Sign-in <select name="provider">${providers.map((p) => html`<option value="${p}" ${p === kept?.provider ? html`selected` : ""}>${p === "local" ? "local (password)" : "GitHub"}</option>`)}</select></label>
${auth.basicEnabled ? html`<label>Password <input type="password" name="password" autocomplete="new-password" placeholder="local users only"></label>` : ""}
<label>Role <select name="role">${ROLES.map((r) => html`<option value="${r}" ${r === role ? html`selected` : ""}>${r}</option>`)}</select></label>
<button class="btn primary" type="submit">Add user</button></form>`;
}

function githubRoleMapping(auth: Auth): boolean {
  const g = auth.config["auth.github"];
  return g.admin_organizations.length + g.editor_organizations.length + g.admin_team_ids.length + g.editor_team_ids.length > 0;
}

function notice(req: Request, error: string | undefined): SafeHtml | "" {
  if (error !== undefined) return html`<div class="banner error-text" role="alert" id="users-error">${error}</div>`;
  const done = typeof req.query["done"] === "string" ? DONE[req.query["done"]] : undefined;
  const login = typeof req.query["login"] === "string" ? req.query["login"].slice(0, 64) : "";
  return done === undefined ? "" : html`<div class="banner" role="status" id="users-notice">User <strong>${login}</strong> ${done}.</div>`;
}

function sendUsersPage(auth: Auth, req: Request, res: Response, error?: string, kept?: Kept): void {
  const csrf = csrfOf(res);
  const rows = auth.users.list();
  const body = html`<div class="page-head"><h1>Users</h1><a class="btn" href="/admin/tokens">API tokens</a><a class="btn" href="/admin/status">Status</a></div>
${notice(req, error)}
${addForm(auth, csrf, kept)}
${rows.length === 0
  ? html`<p>No users yet. ${auth.open ? "No login provider is configured: Loupe is open to local visitors." : ""}</p>`
  : html`<div class="table-wrap"><table class="list" id="users">
<thead><tr><th>Login</th><th>Name</th><th>Email</th><th>Sign-in</th><th>Last seen</th><th>Role</th><th>State</th><th></th><th>Password</th></tr></thead>
<tbody>${rows.map((u) => userRow(u, csrf))}</tbody></table></div>`}
${githubRoleMapping(auth) ? html`<p class="muted">GitHub role mapping is configured: GitHub users get their mapped role again at each sign-in.</p>` : ""}`;
  sendPage(req, res, { title: "Users", body, nav: "admin" });
}

/** Runs a form's change; a refusal (bad input, duplicate, last Admin…) re-renders the page with the error and its status. */
async function attempt(auth: Auth, req: Request, res: Response, run: () => Promise<string>, kept?: Kept): Promise<void> {
  try {
    const target = await run();
    res.redirect(303, target);
  } catch (err) {
    // a browser's form gets the page back with the error; other clients the JSON error (errors middleware)
    if (!(err instanceof LoupeError) || err.status >= 500 || req.get("accept")?.includes("text/html") !== true) throw err;
    res.status(err.status);
    sendUsersPage(auth, req, res, err.message, kept);
  }
}

const doneUrl = (code: keyof typeof DONE, login: string): string => `/admin/users?done=${code}&login=${encodeURIComponent(login)}`;

/** GET /admin/users */
export const usersPage = (auth: Auth): RequestHandler => (req, res) => sendUsersPage(auth, req, res);

/** POST /admin/users (form: login, provider, password, role) */
export const addUserForm = (auth: Auth): RequestHandler => (req, res, next) => {
  const form = formFields(req.body);
  const str = (k: string): string => (typeof form[k] === "string" ? form[k] : "");
  const kept: Kept = { login: str("login").slice(0, 64), role: str("role"), provider: str("provider") };
  const run = async (): Promise<string> => {
    const input = parseInput(userCreate, { login: str("login"), role: str("role"), provider: str("provider") || "local", ...(str("password") !== "" ? { password: str("password") } : {}) });
    const u = await auth.users.add(input.login, { provider: input.provider, role: input.role, ...(input.provider === "local" && input.password !== undefined ? { password: input.password } : {}) });
    auth.log.info("user added", { by: principalOf(res)?.login, login: u.login, provider: u.provider, role: u.role });
    return doneUrl("added", u.login);
  };
  attempt(auth, req, res, run, kept).catch(next);
};

/** POST /admin/users/:id (form: role, state) */
export const updateUserForm = (auth: Auth): RequestHandler => (req, res, next) => {
  const run = async (): Promise<string> => {
    const form = formFields(req.body);
    const role = parseInput(roleSchema, form["role"]);
    const disabled = form["state"] === "disabled";
    const u = auth.users.update(parseInput(idParam, req.params["id"]), { role, disabled });
    auth.log.info("user changed", { by: principalOf(res)?.login, login: u.login, role: u.role, disabled: u.disabled });
    return doneUrl("saved", u.login);
  };
  attempt(auth, req, res, run).catch(next);
};

/** POST /admin/users/:id/password (form: password): a local user's new password; their sessions end. */
export const resetPasswordForm = (auth: Auth): RequestHandler => (req, res, next) => {
  const run = async (): Promise<string> => {
    const { password } = parseInput(passwordReset, { password: formFields(req.body)["password"] });
    const u = await auth.users.resetPassword(parseInput(idParam, req.params["id"]), password);
    auth.log.info("user password reset", { by: principalOf(res)?.login, login: u.login });
    return doneUrl("password", u.login);
  };
  attempt(auth, req, res, run).catch(next);
};
