/**
 * Admin: users (add, change role, disable: a disabled user's sessions end at once; reset a local
 * user's password) and API tokens
 * (create: shown once, stored hashed, scope read or write; list; revoke), as JSON APIs under
 * /api/admin/ (here) and as pages under /admin/ (admin-pages.ts). One handler per route; inputs
 * are checked by the schemas of admin-input.ts through the shared parseInput.
 */
import express, { Router, type RequestHandler } from "express";
import type { Auth } from "../../auth/index.js";
import type { TokenRow, UserRow } from "../../store/index.js";
import { access, principalOf } from "../access.js";
import { parseInput } from "../validate.js";
import { idParam, passwordReset, tokenCreate, userCreate, userPatch } from "./admin-input.js";
import { createTokenForm, revokeTokenForm, tokensPage } from "./admin-pages.js";
import { addUserForm, resetPasswordForm, updateUserForm, usersPage } from "./admin-users.js";

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

/** GET /api/admin/users */
const listUsers = (auth: Auth): RequestHandler => (_req, res) => {
  res.json(auth.users.list().map(userJson));
};

/** PATCH /api/admin/users/:id {role?, disabled?} */
const updateUser = (auth: Auth): RequestHandler => (req, res) => {
  const change = parseInput(userPatch, req.body);
  const u = auth.users.update(parseInput(idParam, req.params["id"]), { ...(change.role !== undefined ? { role: change.role } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) });
  auth.log.info("user changed", { by: principalOf(res)?.login, login: u.login, role: u.role, disabled: u.disabled });
  res.json(userJson(u));
};

/** POST /api/admin/users {login, role, provider?, password?}: 201 with the user. */
const addUser = (auth: Auth): RequestHandler => async (req, res) => {
  const body = parseInput(userCreate, req.body);
  const u = await auth.users.add(body.login, { provider: body.provider, role: body.role, ...(body.password !== undefined ? { password: body.password } : {}) });
  auth.log.info("user added", { by: principalOf(res)?.login, login: u.login, provider: u.provider, role: u.role });
  res.status(201).json(userJson(u));
};

/** PUT /api/admin/users/:id/password {password}: 204; the user's sessions end. */
const resetPassword = (auth: Auth): RequestHandler => async (req, res) => {
  const { password } = parseInput(passwordReset, req.body);
  const u = await auth.users.resetPassword(parseInput(idParam, req.params["id"]), password);
  auth.log.info("user password reset", { by: principalOf(res)?.login, login: u.login });
  res.status(204).end();
};

/** GET /api/admin/tokens */
const listTokens = (auth: Auth): RequestHandler => (_req, res) => {
  res.json(auth.tokens.list().map(tokenJson));
};

/** POST /api/admin/tokens {name, scope}: 201 with the token, shown this once. */
const createToken = (auth: Auth): RequestHandler => (req, res) => {
  const body = parseInput(tokenCreate, req.body);
  const { token, row } = auth.tokens.create(body.name, body.scope, principalOf(res)?.userId ?? null);
  auth.log.info("api token created", { by: principalOf(res)?.login, name: row.name, scope: row.scope });
  res.setHeader("Cache-Control", "no-store");
  res.status(201).json({ ...tokenJson(row), token });
};

/** DELETE /api/admin/tokens/:id */
const revokeToken = (auth: Auth): RequestHandler => (req, res) => {
  auth.tokens.revoke(parseInput(idParam, req.params["id"]));
  auth.log.info("api token revoked", { by: principalOf(res)?.login, id: req.params["id"] });
  res.status(204).end();
};

export function adminRoutes(auth: Auth): Router {
  const router = Router();
  const admin = access("admin");
  const json = express.json({ limit: "100kb" });
  const form = express.urlencoded({ extended: false, limit: "100kb" });
  router.get("/api/admin/users", admin, listUsers(auth));
  router.post("/api/admin/users", admin, json, addUser(auth));
  router.patch("/api/admin/users/:id", admin, json, updateUser(auth));
  router.put("/api/admin/users/:id/password", admin, json, resetPassword(auth));
  router.get("/api/admin/tokens", admin, listTokens(auth));
  router.post("/api/admin/tokens", admin, json, createToken(auth));
  router.delete("/api/admin/tokens/:id", admin, revokeToken(auth));

  router.get("/admin", admin, (_req, res) => res.redirect(302, "/admin/users"));
  router.get("/admin/users", admin, usersPage(auth));
  router.post("/admin/users", admin, form, addUserForm(auth));
  router.post("/admin/users/:id", admin, form, updateUserForm(auth));
  router.post("/admin/users/:id/password", admin, form, resetPasswordForm(auth));
  router.get("/admin/tokens", admin, tokensPage(auth));
  router.post("/admin/tokens", admin, form, createTokenForm(auth));
  router.post("/admin/tokens/:id/revoke", admin, form, revokeTokenForm(auth));
  return router;
}
