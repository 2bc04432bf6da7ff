// The auth pipeline (src/auth/middleware.ts) in a bare express app on 127.0.0.1 with stub session and
// token services: which principal each kind of request gets, the CSRF token it is bound to, when CSRF
// is checked (unsafe methods from browsers or with a session), the API-token limit and its 429, and
// the cookies it sets. Fast: no SQLite, no scrypt, no Loupe server.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import express, { type NextFunction, type Request, type Response } from "express";
import { authPipeline, clearSessionCookie, setSessionCookie, TooManyAttemptsError, type PipelineDeps } from "../../src/auth/middleware.js";
import { FailureLimiter } from "../../src/auth/rate-limit.js";
import type { SessionService } from "../../src/auth/sessions.js";
import type { TokenService } from "../../src/auth/tokens.js";
import { createLogger } from "../../src/lib/logger.js";
import { LoupeError } from "../../src/lib/errors.js";

const SID = "s".repeat(43);
const SESSION_CSRF = "c".repeat(43);
const GOOD_TOKEN = `loupe_${"g".repeat(43)}`;
const READ_TOKEN = `loupe_${"r".repeat(43)}`;
const VALID_CSRF_COOKIE = "k".repeat(43);

interface Setup {
  base: string;
  logs: string[];
  resolvedTokens: string[];
  clock: { t: number };
}

async function start(over: Partial<PipelineDeps> = {}): Promise<Setup> {
  const logs: string[] = [];
  const resolvedTokens: string[] = [];
  const clock = { t: 1_000_000 };
  const sessions = {
    resolve: (v: string) =>
      v === SID ? { session: { csrfToken: SESSION_CSRF }, user: { id: 7, login: "ann", name: "Ann", role: "Editor", disabled: false } } : undefined,
  } as unknown as SessionService;
  const tokens = {
    resolve: (t: string) => {
      resolvedTokens.push(t);
      if (t === GOOD_TOKEN) return { id: 1, name: "agent", scope: "write" };
      if (t === READ_TOKEN) return { id: 2, name: "grafana", scope: "read" };
      return undefined;
    },
  } as unknown as TokenService;
  const deps: PipelineDeps = {
    open: false,
    anonymousRole: undefined,
    sessions,
    tokens,
    tokenLimiter: new FailureLimiter(2, 60_000, () => clock.t),
    secureCookies: false,
    sessionMaxMs: 3_600_000,
    log: createLogger({ level: "debug", sink: { write: (l) => void logs.push(l) } }),
    ...over,
  };
  const app = express();
  app.set("trust proxy", false);
  app.use(authPipeline(deps));
  app.all("/x", (_req, res) => {
    const l = res.locals as { principal?: unknown; csrfToken?: string; sessionCookie?: string };
    res.json({ principal: l.principal ?? null, csrf: l.csrfToken ?? null, sessionCookie: l.sessionCookie ?? null });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err instanceof LoupeError ? err : new LoupeError("internal", String(err));
    res.status(e.status).json({ code: e.code, message: e.message });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  after(() => server.close());
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, logs, resolvedTokens, clock };
}

async function call(s: Setup, method: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; json: Record<string, unknown>; cookies: string[]; headers: Headers }> {
  const r = await fetch(s.base, { method, headers, ...(body === undefined ? {} : { body }) });
  return { status: r.status, json: (await r.json()) as Record<string, unknown>, cookies: r.headers.getSetCookie(), headers: r.headers };
}

test("middleware: API tokens become token principals (write → Editor, read → Viewer), exempt from CSRF", async () => {
  const s = await start();
  const w = await call(s, "POST", { authorization: `Bearer ${GOOD_TOKEN}`, origin: "https://evil.example", cookie: `loupe_session=${SID}` });
  assert.equal(w.status, 200);
  assert.deepEqual(w.json.principal, { kind: "token", role: "Editor", scope: "write", name: "agent", login: "token:agent" });
  assert.equal(w.json.csrf, null, "a token request gets no CSRF token");
  assert.equal(w.json.sessionCookie, null, "and ignores the session cookie");
  const r = await call(s, "GET", { authorization: `Token ${READ_TOKEN}` });
  assert.deepEqual(r.json.principal, { kind: "token", role: "Viewer", scope: "read", name: "grafana", login: "token:grafana" });
  assert.deepEqual(w.cookies, []);
});

test("middleware: a wrong token is 401 and logged; past the limit 429 with Retry-After, unlogged; a right token still works", async () => {
  const s = await start();
  for (let i = 0; i < 2; i++) {
    const r = await call(s, "GET", { authorization: "Bearer wrong-token-of-some-length" });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { code: "invalid_token", message: "invalid API token" });
  }
  assert.equal(s.logs.filter((l) => l.includes("api token refused") && l.includes("bearer") && l.includes("127.0.0.1")).length, 2);
  s.clock.t += 30_500;
  const limited = await call(s, "GET", { authorization: "Bearer wrong-token-of-some-length" });
  assert.equal(limited.status, 429);
  assert.equal(limited.json.code, "too_many_attempts");
  assert.equal(limited.headers.get("retry-after"), "30", "29.5 s rounded up");
  assert.equal(s.logs.filter((l) => l.includes("api token refused")).length, 2, "no log line past the limit");
  const ok = await call(s, "GET", { authorization: `Bearer ${GOOD_TOKEN}` });
  assert.equal(ok.status, 200);
});

test("middleware: an Authorization header of no known form is a wrong token, never looked up; cross-site Basic is refused", async () => {
  const s = await start();
  const r = await call(s, "GET", { authorization: "Negotiate" });
  assert.equal(r.status, 401);
  assert.deepEqual(s.resolvedTokens, []);
  const basic = `Basic ${Buffer.from(`x:${GOOD_TOKEN}`).toString("base64")}`;
  const cross = await call(s, "GET", { authorization: basic, "sec-fetch-site": "cross-site" });
  assert.equal(cross.status, 403);
  assert.equal(cross.json.code, "csrf");
  const same = await call(s, "GET", { authorization: basic, "sec-fetch-site": "same-origin" });
  assert.equal(same.status, 200);
});

test("middleware: a session cookie gives its user and binds CSRF to the session; unsafe methods need it", async () => {
  const s = await start();
  const cookie = `loupe_session=${SID}`;
  const get = await call(s, "GET", { cookie });
  assert.deepEqual(get.json, { principal: { kind: "user", role: "Editor", userId: 7, login: "ann", name: "Ann" }, csrf: SESSION_CSRF, sessionCookie: SID });
  assert.deepEqual(get.cookies, [], "no CSRF cookie with a session");
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.equal((await call(s, method, { cookie })).status, 403, `${method} without token`);
    assert.equal((await call(s, method, { cookie, "x-csrf-token": VALID_CSRF_COOKIE })).status, 403, `${method} with another token`);
    assert.equal((await call(s, method, { cookie, "x-csrf-token": SESSION_CSRF })).status, 200, `${method} with the token`);
  }
  const form = await call(s, "POST", { cookie, "content-type": "application/x-www-form-urlencoded" }, `a=1&_csrf=${SESSION_CSRF}`);
  assert.equal(form.status, 200, "the token in a form body");
  const wrongForm = await call(s, "POST", { cookie, "content-type": "application/x-www-form-urlencoded" }, "_csrf=nope");
  assert.equal(wrongForm.status, 403);
  const json = await call(s, "POST", { cookie, "content-type": "application/json" }, JSON.stringify({ _csrf: SESSION_CSRF }));
  assert.equal(json.status, 403, "only form bodies are read for _csrf");
  assert.equal((await call(s, "POST", { cookie, "x-csrf-token": "" }, "")).status, 403, "an empty header is no token");
});

test("middleware: an unknown session cookie is cleared and the request goes on as nobody, open or anonymous", async () => {
  for (const [over, principal] of [
    [{}, null],
    [{ open: true }, { kind: "open", role: "Admin", login: "local" }],
    [{ anonymousRole: "Viewer" as const }, { kind: "anonymous", role: "Viewer", login: "anonymous" }],
  ] as const) {
    const s = await start(over);
    const r = await call(s, "GET", { cookie: `loupe_session=${"z".repeat(43)}` });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.principal, principal);
    assert.equal(r.json.sessionCookie, null);
    assert.ok(r.cookies.some((c) => c.startsWith("loupe_session=; Path=/; Max-Age=0; HttpOnly")), r.cookies.join(" | "));
    const empty = await call(s, "GET", { cookie: "loupe_session=" });
    assert.ok(!empty.cookies.some((c) => c.startsWith("loupe_session=")), "an empty cookie is no session: nothing to clear");
  }
});

test("middleware: without a session the CSRF token is a 43-character cookie, kept when valid, replaced when not", async () => {
  const s = await start({ open: true, secureCookies: true });
  const fresh = await call(s, "GET");
  assert.equal(fresh.cookies.length, 1);
  const m = /^loupe_csrf=([A-Za-z0-9_-]{43}); Path=\/; HttpOnly; Secure; SameSite=Strict$/.exec(fresh.cookies[0]!);
  assert.ok(m, fresh.cookies[0]);
  assert.equal(fresh.json.csrf, m[1]);
  const kept = await call(s, "GET", { cookie: `loupe_csrf=${VALID_CSRF_COOKIE}` });
  assert.deepEqual(kept.cookies, []);
  assert.equal(kept.json.csrf, VALID_CSRF_COOKIE);
  for (const bad of ["k".repeat(42), "k".repeat(44), `${"k".repeat(42)}!`]) {
    const replaced = await call(s, "GET", { cookie: `loupe_csrf=${bad}` });
    assert.equal(replaced.cookies.length, 1, bad);
    assert.notEqual(replaced.json.csrf, bad);
  }
});

test("middleware: CSRF is checked for unsafe methods from browsers (cookie, Origin or Sec-Fetch-Site), not for programs", async () => {
  const s = await start({ open: true });
  const csrfCookie = `loupe_csrf=${VALID_CSRF_COOKIE}`;
  for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
    assert.equal((await call(s, method)).status, 200, `${method} from a program`);
    assert.equal((await call(s, method, { "sec-fetch-mode": "cors" })).status, 200, `${method}: Sec-Fetch-Mode alone is not a browser`);
    for (const h of [{ cookie: csrfCookie }, { origin: "http://127.0.0.1:3000" }, { "sec-fetch-site": "same-origin" }]) {
      assert.equal((await call(s, method, h)).status, 403, `${method} ${JSON.stringify(h)}`);
    }
    assert.equal((await call(s, method, { cookie: csrfCookie, "x-csrf-token": VALID_CSRF_COOKIE })).status, 200);
  }
  for (const method of ["GET", "HEAD", "OPTIONS"]) {
    const r = await fetch(s.base, { method, headers: { origin: "http://x", cookie: csrfCookie } });
    assert.equal(r.status, 200, method);
  }
});

test("middleware: session cookies and the 429 message", () => {
  const headers: string[] = [];
  const res = { append: (_n: string, v: string) => void headers.push(v) } as unknown as Response;
  setSessionCookie(res, "abc", { secureCookies: true, sessionMaxMs: 3_600_500 });
  clearSessionCookie(res, false);
  assert.deepEqual(headers, ["loupe_session=abc; Path=/; Max-Age=3600; HttpOnly; Secure; SameSite=Lax", "loupe_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax"]);
  const e = new TooManyAttemptsError(1_001);
  assert.equal(e.status, 429);
  assert.equal(e.message, "too many failed attempts from this address; try again in 2 s");
  assert.equal(e.retryAfterMs, 1_001);
});
