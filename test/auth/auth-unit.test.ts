// The auth module's services and helpers without a server (fast: the mutation run leans on this file):
// cookies, secrets, credentials, security headers, provider checks, and the session and token services on
// a real SQLite file (all migrations) with a FakeClock, at their time boundaries. Passwords and users:
// users-unit.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Request, Response } from "express";
import { parseCookies, serializeCookie } from "../../src/auth/cookies.js";
import { credentialOf } from "../../src/auth/credentials.js";
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

