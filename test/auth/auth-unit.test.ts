// The auth module's services and helpers without a server (fast: the mutation run leans on this file):
// cookies, secrets, credentials, passwords, security headers, provider checks, and the session, token
// and user services on a real SQLite file (all migrations) with a FakeClock, at their time boundaries.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Request, Response } from "express";
import { parseCookies, serializeCookie } from "../../src/auth/cookies.js";
import { credentialOf } from "../../src/auth/credentials.js";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../../src/auth/password.js";
import { authProviderConfigured, checkAuthConfig } from "../../src/auth/provider.js";
import { randomToken, safeEqual, sha256Hex } from "../../src/auth/secrets.js";
import { CONTENT_SECURITY_POLICY, securityHeaders } from "../../src/auth/security-headers.js";
import { SessionService } from "../../src/auth/sessions.js";
import { roleOfScope, TOKEN_PREFIX, TokenService } from "../../src/auth/tokens.js";
import { UserService } from "../../src/auth/users.js";
import { loadConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { migrate, openDatabase } from "../../src/store/index.js";
import { openAuthStores, type AuthStores } from "../../src/store/auth/index.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-authunit-");
let dbn = 0;

function services(opts: { admins?: string[]; allowSignUp?: boolean; idleMs?: number; maxMs?: number } = {}): { stores: AuthStores; clock: FakeClock; sessions: SessionService; tokens: TokenService; users: UserService } {
  const db = openDatabase(join(dir, `a${dbn++}.db`));
  migrate(db);
  const stores = openAuthStores(db);
  const clock = new FakeClock(Date.UTC(2026, 11, 3));
  const sessions = new SessionService(stores, { idleMs: opts.idleMs ?? 3_600_000, maxMs: opts.maxMs ?? 86_400_000 }, clock);
  const tokens = new TokenService(stores, clock);
  const users = new UserService(stores, sessions, { admins: opts.admins ?? [], allowSignUp: opts.allowSignUp ?? true, defaultRole: "Viewer" }, clock);
  return { stores, clock, sessions, tokens, users };
}

// ---------- cookies and secrets ----------

test("cookies: parse names, values, quotes, percent-encoding, duplicates and junk", () => {
  assert.deepEqual([...parseCookies(undefined)], []);
  assert.deepEqual([...parseCookies("")], []);
  assert.deepEqual([...parseCookies(' a=1; b = two ;c="q v";d=%41%3B;bad;=x;a=2;e=%E0%A4%A;f=')], [
    ["a", "1"],
    ["b", "two"],
    ["c", "q v"],
    ["d", "A;"],
    ["e", "%E0%A4%A"],
    ["f", ""],
  ]);
  assert.deepEqual([...parseCookies('g="')], [["g", '"']]);
  assert.deepEqual([...parseCookies("h=a=b")], [["h", "a=b"]]);
});

test("cookies: serialize with defaults and every option", () => {
  assert.equal(serializeCookie("n", "v w"), "n=v%20w; Path=/; HttpOnly; SameSite=Lax");
  assert.equal(serializeCookie("n", "v", { maxAgeMs: 1999, secure: true, sameSite: "Strict", path: "/x", httpOnly: false }), "n=v; Path=/x; Max-Age=1; Secure; SameSite=Strict");
  assert.equal(serializeCookie("n", "", { maxAgeMs: -5 }), "n=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
  assert.equal(serializeCookie("n", "v", { secure: false, httpOnly: true }), "n=v; Path=/; HttpOnly; SameSite=Lax");
});

test("secrets: random tokens, SHA-256 and constant-time equality", () => {
  assert.match(randomToken(), /^[A-Za-z0-9_-]{43}$/);
  assert.match(randomToken(24), /^[A-Za-z0-9_-]{32}$/);
  assert.notEqual(randomToken(), randomToken());
  assert.equal(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  assert.equal(safeEqual("abc", "abc"), true);
  assert.equal(safeEqual("abc", "abd"), false);
  assert.equal(safeEqual("abc", "ab"), false);
  assert.equal(safeEqual("", ""), true);
  assert.equal(safeEqual("é", "e\u0301"), false);
});

// ---------- credentials ----------

function req(headers: Record<string, string>, query: Record<string, unknown> = {}): Request {
  return { headers, query } as unknown as Request;
}

test("credentials: Bearer, Token, Basic, query and malformed Authorization headers", () => {
  const b64 = (s: string): string => Buffer.from(s).toString("base64");
  const cases: Array<[Record<string, string>, Record<string, unknown>, unknown]> = [
    [{ authorization: "Bearer abc" }, {}, { token: "abc", form: "bearer" }],
    [{ authorization: "bearer   abc  " }, {}, { token: "abc", form: "bearer" }],
    [{ authorization: "Token xyz" }, {}, { token: "xyz", form: "token" }],
    [{ authorization: "TOKEN xyz" }, {}, { token: "xyz", form: "token" }],
    [{ authorization: `Basic ${b64("user:pa:ss")}` }, {}, { token: "pa:ss", form: "basic" }],
    [{ authorization: `Basic ${b64("onlytoken")}` }, {}, { token: "onlytoken", form: "basic" }],
    [{ authorization: "Digest x" }, {}, { token: "", form: "bearer" }],
    [{ authorization: "Bearer" }, {}, { token: "", form: "bearer" }],
    [{ authorization: "Bearer x" }, { u: "a", p: "q" }, { token: "x", form: "bearer" }],
    [{}, { u: "any", p: "tok" }, { token: "tok", form: "query" }],
    [{ authorization: "" }, { u: "any", p: "tok" }, { token: "tok", form: "query" }],
    [{}, { u: "any" }, undefined],
    [{}, { p: "tok" }, undefined],
    [{}, { u: ["a"], p: "tok" }, undefined],
    [{}, { u: "a", p: ["tok"] }, undefined],
    [{}, {}, undefined],
  ];
  for (const [h, q, want] of cases) assert.deepEqual(credentialOf(req(h, q)), want, JSON.stringify([h, q]));
});

// ---------- passwords ----------

test("passwords: scrypt hashes verify, wrong or malformed ones do not", async () => {
  assert.equal(MIN_PASSWORD_LENGTH, 10);
  const h = await hashPassword("correct horse");
  const parts = h.split("$");
  assert.deepEqual(parts.slice(0, 4), ["scrypt", "16384", "8", "1"]);
  assert.equal(Buffer.from(parts[4]!, "base64url").length, 16, "16-byte salt");
  assert.equal(Buffer.from(parts[5]!, "base64url").length, 32, "32-byte key");
  assert.notEqual(await hashPassword("correct horse"), h, "salted");
  assert.equal(await verifyPassword("correct horse", h), true);
  assert.equal(await verifyPassword("correct horsf", h), false);
  assert.equal(await verifyPassword("Cafe\u0301 au lait", await hashPassword("Café au lait")), true, "NFC-normalized");
  for (const bad of ["", "scrypt$16384$8$1$abc", `bcrypt$16384$8$1$${parts[4]}$${parts[5]}`, `scrypt$0$8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$-8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$8$1.5$${parts[4]}$${parts[5]}`, `scrypt$x$8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$8$1$${parts[4]}$`, `${h}$x`]) {
    assert.equal(await verifyPassword("correct horse", bad), false, bad);
  }
});

// ---------- headers and provider ----------

test("security headers: CSP and friends on every response, HSTS only over https", () => {
  for (const https of [false, true]) {
    const set = new Map<string, string>();
    let called = false;
    securityHeaders(https)({} as Request, { setHeader: (k: string, v: string) => set.set(k, v) } as unknown as Response, () => void (called = true));
    assert.ok(called);
    assert.equal(set.get("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
    assert.equal(set.get("X-Content-Type-Options"), "nosniff");
    assert.equal(set.get("X-Frame-Options"), "DENY");
    assert.equal(set.get("Referrer-Policy"), "same-origin");
    assert.equal(set.get("Cross-Origin-Opener-Policy"), "same-origin");
    assert.equal(set.get("Cross-Origin-Resource-Policy"), "same-origin");
    assert.equal(set.get("Strict-Transport-Security"), https ? "max-age=31536000" : undefined);
  }
  assert.match(CONTENT_SECURITY_POLICY, /^default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'$/);
});

test("provider: a login provider is GitHub or local logins; GitHub needs its id and secret; team ids are numbers", () => {
  const cfg = (text: string) => loadConfig({ text, env: {} });
  assert.equal(authProviderConfigured(cfg("")), false);
  assert.equal(authProviderConfigured(cfg("[auth.basic]\nenabled = true")), true);
  assert.equal(authProviderConfigured(cfg("[auth.github]\nenabled = true\nclient_id = a\nclient_secret = b")), true);
  assert.doesNotThrow(() => checkAuthConfig(cfg("")));
  assert.doesNotThrow(() => checkAuthConfig(cfg("[auth.github]\nenabled = true\nclient_id = a\nclient_secret = b\nteam_ids = 1, 2")));
  assert.throws(() => checkAuthConfig(cfg("[auth.github]\nenabled = true\nclient_secret = b")), (e: Error & { key?: string }) => /client_id is empty/.test(e.message));
  assert.throws(() => checkAuthConfig(cfg("[auth.github]\nenabled = true\nclient_id = a")), /client_secret is empty/);
  for (const key of ["team_ids", "admin_team_ids", "editor_team_ids"]) {
    assert.throws(
      () => checkAuthConfig(cfg(`[auth.github]\n${key} = 12, abc`)),
      (e: Error & { location?: { key?: string } }) => e.message === `[auth.github] ${key}: "abc" is not a numeric team id` && e.location?.key === key,
      key,
    );
  }
});

// ---------- sessions ----------

test("sessions: resolve until idle or max age (boundaries inclusive), touch at most once a minute, destroy", () => {
  const { sessions, users, clock, stores } = services({ idleMs: 600_000, maxMs: 3_600_000 });
  return users.add("alice", { provider: "github" }).then((u) => {
    const s = sessions.create(u.id);
    assert.match(s.cookieValue, /^[A-Za-z0-9_-]{43}$/);
    assert.match(s.csrfToken, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(s.cookieValue, s.csrfToken);
    const t0 = clock.now();
    assert.equal(stores.users.byId(u.id)!.lastSeenAt, t0);
    const r = sessions.resolve(s.cookieValue)!;
    assert.equal(r.user.login, "alice");
    assert.equal(r.session.csrfToken, s.csrfToken);
    // idle boundary: exactly idleMs after last use is still alive
    clock.advance(59_999);
    sessions.resolve(s.cookieValue);
    assert.equal(stores.sessions.get(sha256Hex(s.cookieValue))!.lastSeenAt, t0, "not touched within a minute");
    clock.advance(1);
    sessions.resolve(s.cookieValue);
    assert.equal(stores.sessions.get(sha256Hex(s.cookieValue))!.lastSeenAt, t0 + 60_000, "touched after a minute");
    assert.equal(stores.users.byId(u.id)!.lastSeenAt, t0 + 60_000);
    clock.advance(600_000);
    assert.ok(sessions.resolve(s.cookieValue) !== undefined, "exactly idle_ms: alive");
    clock.advance(600_001);
    assert.equal(sessions.resolve(s.cookieValue), undefined, "idle: ended");
    assert.equal(stores.sessions.get(sha256Hex(s.cookieValue)), undefined, "and deleted");
    // max age, while kept busy
    const m = sessions.create(u.id);
    const start = clock.now();
    while (clock.now() - start < 3_600_000) {
      clock.advance(300_000);
      assert.ok(sessions.resolve(m.cookieValue) !== undefined, `alive at ${clock.now() - start}`);
    }
    clock.advance(1);
    assert.equal(sessions.resolve(m.cookieValue), undefined, "past max age");
    // malformed and unknown values
    assert.equal(sessions.resolve("short"), undefined);
    assert.equal(sessions.resolve("x".repeat(101)), undefined);
    assert.equal(sessions.resolve("x".repeat(43)), undefined);
    const d = sessions.create(u.id);
    sessions.destroy(d.cookieValue);
    assert.equal(sessions.resolve(d.cookieValue), undefined);
  });
});

test("sessions: a disabled or deleted user's sessions end; endAllFor and purgeExpired", async () => {
  const { sessions, users, clock } = services({ idleMs: 1000, maxMs: 5000 });
  const admin = await users.add("root", { provider: "github" });
  const u = await users.add("bob", { provider: "github" });
  const a = sessions.create(u.id);
  const b = sessions.create(u.id);
  assert.equal(sessions.endAllFor(u.id), 2);
  assert.equal(sessions.resolve(a.cookieValue), undefined);
  assert.equal(sessions.resolve(b.cookieValue), undefined);
  const c = sessions.create(u.id);
  users.update(u.id, { disabled: true });
  assert.equal(sessions.resolve(c.cookieValue), undefined, "disabled");
  users.update(u.id, { disabled: false });
  const e = sessions.create(admin.id);
  const f = sessions.create(u.id);
  clock.advance(1001);
  sessions.create(admin.id);
  assert.equal(sessions.purgeExpired(), 2, "the two idle ones");
  assert.equal(sessions.resolve(e.cookieValue), undefined);
  assert.equal(sessions.resolve(f.cookieValue), undefined);
  assert.equal(sessions.purgeExpired(), 0);
});

// ---------- tokens ----------

test("tokens: names, prefix, scopes, resolve by hash, touch once a minute, revoke", () => {
  const { tokens, clock, stores } = services();
  assert.equal(roleOfScope("read"), "Viewer");
  assert.equal(roleOfScope("write"), "Editor");
  for (const bad of ["", "   ", "x".repeat(101)]) assert.throws(() => tokens.create(bad, "read", null), (e: Error & { code?: string }) => e.code === "invalid_token_name" && /1 to 100 characters/.test(e.message));
  const { token, row } = tokens.create("  grafana  ", "read", null);
  assert.equal(row.name, "grafana");
  assert.ok(token.startsWith(TOKEN_PREFIX) && token.length === TOKEN_PREFIX.length + 43);
  assert.equal(row.prefix, token.slice(0, TOKEN_PREFIX.length + 6));
  assert.equal(row.scope, "read");
  assert.equal(tokens.create("x".repeat(100), "write", null).row.name.length, 100);
  assert.equal(tokens.list().length, 2);
  assert.equal(row.lastUsedAt, null);
  const t0 = clock.now();
  assert.equal(tokens.resolve(token)!.id, row.id);
  assert.equal(stores.tokens.list().find((r) => r.id === row.id)!.lastUsedAt, t0, "first use is recorded");
  clock.advance(59_999);
  tokens.resolve(token);
  assert.equal(stores.tokens.list().find((r) => r.id === row.id)!.lastUsedAt, t0);
  clock.advance(1);
  tokens.resolve(token);
  assert.equal(stores.tokens.list().find((r) => r.id === row.id)!.lastUsedAt, t0 + 60_000);
  assert.equal(tokens.resolve(`${token}x`), undefined);
  assert.equal(tokens.resolve("short"), undefined);
  assert.equal(tokens.resolve("x".repeat(201)), undefined);
  assert.equal(tokens.resolve("x".repeat(200)), undefined);
  tokens.revoke(row.id);
  assert.equal(tokens.resolve(token), undefined);
  assert.throws(() => tokens.revoke(row.id), (e: Error & { code?: string; status?: number }) => e.code === "token_not_found" && e.status === 404);
});

// ---------- users ----------

test("users: add validates logins and passwords; the first user and listed admins are Admin", async () => {
  const { users } = services({ admins: ["Boss"] });
  for (const bad of ["", "-x", ".x", "a b", "a/b", "x".repeat(65), "é"]) await assert.rejects(users.add(bad, { provider: "github" }), (e: Error & { code?: string }) => e.code === "invalid_login", bad);
  const first = await users.add("first", { provider: "github" });
  assert.equal(first.role, "Admin");
  assert.equal((await users.add("x".repeat(64), { provider: "github" })).role, "Viewer");
  assert.equal((await users.add("a.b_c@d-e", { provider: "github", role: "Editor", name: "A B" })).role, "Editor");
  assert.equal((await users.add("boss", { provider: "github", role: "Viewer" })).role, "Admin", "listed admin, any case");
  await assert.rejects(users.add("first", { provider: "github" }), (e: Error & { code?: string }) => e.code === "user_exists");
  await assert.rejects(users.add("weak", { provider: "local", password: "123456789" }), (e: Error & { code?: string }) => e.code === "weak_password" && /at least 10 characters/.test(e.message));
  await assert.rejects(users.add("nopw", { provider: "local" }), (e: Error & { code?: string }) => e.code === "weak_password");
  const loc = await users.add("loc", { provider: "local", password: "1234567890" });
  assert.equal(loc.provider, "local");
  assert.equal(loc.name, "loc");
  assert.ok(loc.passwordHash !== null && loc.passwordHash.startsWith("scrypt$"));
  assert.equal(users.list().length, 5);
  assert.equal(users.byId(loc.id).login, "loc");
  assert.throws(() => users.byId(9999), (e: Error & { code?: string }) => e.code === "user_not_found");
});

test("users: local sign-in, password change ends sessions, disabled users and listed admins", async () => {
  const { users, sessions } = services({ admins: ["carol"] });
  await users.add("root", { provider: "github" });
  const carol = await users.add("carol", { provider: "local", password: "secret-pass-1" });
  const dave = await users.add("dave", { provider: "local", password: "secret-pass-2", role: "Editor" });
  await users.add("gh", { provider: "github" });
  assert.equal((await users.verifyLocal("dave", "secret-pass-2")).id, dave.id);
  for (const [login, pw] of [["dave", "secret-pass-1"], ["nobody", "secret-pass-2"], ["gh", "anything-at-all"]] as const) {
    await assert.rejects(users.verifyLocal(login, pw), (e: Error & { code?: string; status?: number }) => e.code === "bad_credentials" && e.status === 403 && e.message === "wrong login or password", login);
  }
  users.update(carol.id, { role: "Viewer" });
  assert.equal((await users.verifyLocal("carol", "secret-pass-1")).role, "Admin", "a listed admin is made Admin again at sign-in");
  const s = sessions.create(dave.id);
  await users.setPassword("dave", "new-password-9");
  assert.equal(sessions.resolve(s.cookieValue), undefined, "sessions end when the password changes");
  await assert.rejects(users.verifyLocal("dave", "secret-pass-2"), /wrong login or password/);
  assert.equal((await users.verifyLocal("dave", "new-password-9")).login, "dave");
  await assert.rejects(users.setPassword("dave", "short"), (e: Error & { code?: string }) => e.code === "weak_password");
  await assert.rejects(users.setPassword("nobody", "long-enough-1"), (e: Error & { code?: string }) => e.code === "user_not_found");
  await assert.rejects(users.setPassword("gh", "long-enough-1"), (e: Error & { code?: string }) => e.code === "not_local");
  users.update(dave.id, { disabled: true });
  await assert.rejects(users.verifyLocal("dave", "new-password-9"), (e: Error & { code?: string }) => e.code === "user_disabled");
});

test("users: update keeps one enabled Admin; role and disabled change independently; disabling ends sessions", async () => {
  const { users, sessions } = services();
  const a = await users.add("a", { provider: "github" });
  const b = await users.add("b", { provider: "github" });
  for (const change of [{ role: "Editor" as const }, { disabled: true }, { role: "Viewer" as const, disabled: true }]) {
    assert.throws(() => users.update(a.id, change), (e: Error & { code?: string; status?: number }) => e.code === "last_admin" && e.status === 403, JSON.stringify(change));
  }
  assert.equal(users.update(a.id, { role: "Admin" }).role, "Admin", "no change is fine");
  assert.equal(users.update(a.id, {}).role, "Admin");
  assert.equal(users.update(b.id, { role: "Admin" }).role, "Admin");
  const s = sessions.create(a.id);
  const a2 = users.update(a.id, { disabled: true });
  assert.deepEqual([a2.role, a2.disabled], ["Admin", true]);
  assert.equal(sessions.resolve(s.cookieValue), undefined);
  assert.throws(() => users.update(b.id, { role: "Viewer" }), /last enabled Admin/, "a disabled Admin does not count");
  const a3 = users.update(a.id, { disabled: false });
  assert.deepEqual([a3.role, a3.disabled], ["Admin", false]);
  const b2 = users.update(b.id, { role: "Editor" });
  assert.deepEqual([b2.role, b2.disabled], ["Editor", false]);
  const s2 = sessions.create(b.id);
  users.update(b.id, { role: "Viewer" });
  assert.ok(sessions.resolve(s2.cookieValue) !== undefined, "a role change keeps sessions");
  assert.throws(() => users.update(999, { role: "Viewer" }), (e: Error & { code?: string }) => e.code === "user_not_found");
});

test("users: GitHub sign-in creates, links placeholders, follows renames, maps roles, refuses when it must", async () => {
  const { users } = services({ admins: ["octo-admin"] });
  const facts = (id: string, login: string, name = login) => ({ profile: { id, login, name, email: `${login}@x.io`, avatarUrl: `https://a/${id}` }, emails: [], orgs: [], teams: [] });
  const ok = (mappedRole?: "Viewer" | "Editor" | "Admin") => ({ ok: true as const, email: "e@x.io", mappedRole });
  const first = users.signInGithub(facts("1", "first"), ok());
  assert.deepEqual([first.role, first.login, first.externalId, first.email, first.avatarUrl], ["Admin", "first", "1", "e@x.io", "https://a/1"]);
  assert.equal(users.signInGithub(facts("2", "two"), ok()).role, "Viewer", "default role");
  assert.equal(users.signInGithub(facts("3", "three"), ok("Editor")).role, "Editor", "mapped role");
  assert.equal(users.signInGithub(facts("4", "Octo-Admin"), ok("Viewer")).role, "Admin", "listed admin");
  // again: the same row, role follows the mapping, profile updated
  const again = users.signInGithub(facts("2", "two", "Two Two"), ok("Editor"));
  assert.deepEqual([again.role, again.name], ["Editor", "Two Two"]);
  assert.equal(users.signInGithub(facts("2", "two"), ok()).role, "Editor", "no mapping keeps the role");
  // rename onto a free login follows; onto a taken one keeps the old login
  assert.equal(users.signInGithub(facts("2", "two-renamed"), ok()).login, "two-renamed");
  assert.equal(users.signInGithub(facts("2", "three"), ok()).login, "two-renamed");
  // a placeholder from `loupe user add --github` is claimed by the account with that login
  const ph = await users.add("placeholder", { provider: "github", role: "Editor" });
  const claimed = users.signInGithub(facts("77", "placeholder"), ok());
  assert.deepEqual([claimed.id, claimed.externalId, claimed.role], [ph.id, "77", "Editor"]);
  // a local user's login cannot be taken by GitHub; a linked placeholder neither
  await users.add("localu", { provider: "local", password: "1234567890" });
  assert.throws(() => users.signInGithub(facts("88", "localu"), ok()), (e: Error & { code?: string }) => e.code === "login_taken");
  assert.throws(() => users.signInGithub(facts("89", "placeholder"), ok()), (e: Error & { code?: string }) => e.code === "login_taken");
  // disabled, and sign-up closed
  users.update(users.list().find((u) => u.login === "three")!.id, { disabled: true });
  assert.throws(() => users.signInGithub(facts("3", "three"), ok()), (e: Error & { code?: string }) => e.code === "user_disabled");
  const closed = services({ allowSignUp: false }).users;
  assert.throws(() => closed.signInGithub(facts("1", "x"), ok()), (e: Error & { code?: string }) => e.code === "signup_disabled");
});
