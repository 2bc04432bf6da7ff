// CSRF on every unsafe method (POST, PUT, PATCH, DELETE) of every route that accepts one, in both auth
// modes: open loopback mode (no login provider: a cookie-bound double-submit token) and session mode (a
// token bound to the session). A browser-like request without the token, or with a wrong one, gets
// 403 {code: "csrf"}; with the right token (header or `_csrf` form field) it passes the CSRF check.
// The route list comes from the app itself, so a new unsafe route is covered without editing this file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, githubLogin, startHarness, type Harness } from "./harness.js";
import { listRoutes } from "./route-list.js";

const UNSAFE = ["POST", "PUT", "PATCH", "DELETE"];
const BROWSER = { accept: "application/json", origin: "http://127.0.0.1", "sec-fetch-site": "same-origin", "content-type": "application/json" };

/** A concrete URL for a route pattern (parameters filled with 1). */
const concrete = (path: string): string => path.replace(/\{[^{}]*\}/g, "").replace(/:(\w+)/g, "1") || "/";

async function csrfCode(res: Response): Promise<string | undefined> {
  const text = await res.text();
  if (res.status !== 403) return undefined;
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return /csrf/i.test(text) ? "csrf" : "forbidden";
  }
}

function unsafeRoutes(h: Harness): Array<{ method: string; path: string }> {
  const routes = listRoutes(h.loupe.app).routes.filter((r) => UNSAFE.includes(r.method));
  // logout last: accepting it ends the session
  return routes.sort((a, b) => Number(a.path === "/logout") - Number(b.path === "/logout"));
}

async function checkEveryRoute(h: Harness, client: Client, token: string, otherToken: string): Promise<void> {
  const routes = unsafeRoutes(h);
  assert.ok(routes.length >= 20, `found ${routes.length} unsafe routes`);
  const methods = new Set(routes.map((r) => r.method));
  assert.deepEqual([...methods].sort(), ["DELETE", "PATCH", "POST", "PUT"], "every unsafe method is exercised");
  const failures: string[] = [];
  for (const r of routes) {
    const url = concrete(r.path);
    const none = await csrfCode(await client.send(r.method, url, "{}", BROWSER));
    if (none !== "csrf") failures.push(`${r.method} ${r.path} without a token: ${none ?? "accepted"}`);
    const wrong = await csrfCode(await client.send(r.method, url, "{}", { ...BROWSER, "x-csrf-token": otherToken }));
    if (wrong !== "csrf") failures.push(`${r.method} ${r.path} with a wrong token: ${wrong ?? "accepted"}`);
    const shorter = await csrfCode(await client.send(r.method, url, "{}", { ...BROWSER, "x-csrf-token": token.slice(0, -1) }));
    if (shorter !== "csrf") failures.push(`${r.method} ${r.path} with a truncated token: ${shorter ?? "accepted"}`);
  }
  for (const r of routes) {
    const ok = await csrfCode(await client.send(r.method, concrete(r.path), "{}", { ...BROWSER, "x-csrf-token": token }));
    if (ok === "csrf") failures.push(`${r.method} ${r.path} with the right token: refused as CSRF`);
  }
  assert.deepEqual(failures, []);
}

test("CSRF, open loopback mode (double submit): every unsafe route refuses a browser request without the cookie's token", async (t) => {
  const h = await startHarness("", { github: false });
  const client = new Client(h.base);
  const token = await client.token();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(client.cookies.get("loupe_csrf"), token, "the token is the loupe_csrf cookie");

  await t.test("every route, every unsafe method", () => checkEveryRoute(h, client, token, "A".repeat(43)));

  await t.test("a cookie, an Origin or Sec-Fetch-Site alone marks a browser; a program with none of them needs no token", async () => {
    const plain = new Client(h.base);
    const body = "c.x 1 1700000000";
    const programs = await plain.send("POST", "/write", body, { "content-type": "text/plain" });
    assert.notEqual(await csrfCode(programs), "csrf", "curl-like request");
    for (const hdr of [{ origin: "http://evil.example" }, { "sec-fetch-site": "cross-site" }, { cookie: "x=1" }]) {
      const res = await plain.send("POST", "/write", body, { "content-type": "text/plain", ...hdr });
      assert.equal(await csrfCode(res), "csrf", JSON.stringify(hdr));
    }
  });

  await t.test("a token from another browser's cookie is refused; a malformed cookie is replaced", async () => {
    const other = new Client(h.base);
    const otherToken = await other.token();
    assert.notEqual(otherToken, token);
    const res = await client.send("POST", "/api/annotations", "{}", { ...BROWSER, "x-csrf-token": otherToken });
    assert.equal(await csrfCode(res), "csrf");
    const bad = new Client(h.base);
    bad.cookies.set("loupe_csrf", "short");
    const fresh = await bad.token();
    assert.match(fresh, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(bad.cookies.get("loupe_csrf"), fresh);
    const forged = new Client(h.base);
    forged.cookies.set("loupe_csrf", "short");
    assert.equal(await csrfCode(await forged.send("POST", "/api/annotations", "{}", { ...BROWSER, "x-csrf-token": "short" })), "csrf", "a malformed cookie never validates itself");
  });

  await t.test("the token in a form body (_csrf) is accepted, a wrong one refused", async () => {
    const form = { accept: "application/json", origin: h.base, "content-type": "application/x-www-form-urlencoded" };
    const ok = await client.send("POST", "/api/annotations", new URLSearchParams({ _csrf: token, text: "x" }), form);
    assert.notEqual(await csrfCode(ok), "csrf");
    const bad = await client.send("POST", "/api/annotations", new URLSearchParams({ _csrf: "A".repeat(43) }), form);
    assert.equal(await csrfCode(bad), "csrf");
    const empty = await client.send("POST", "/api/annotations", new URLSearchParams({ text: "x" }), form);
    assert.equal(await csrfCode(empty), "csrf");
  });
});

test("CSRF, session mode: every unsafe route refuses a signed-in browser request without the session's token", async (t) => {
  const h = await startHarness();
  h.gh.addUser({ id: 1, login: "first-admin" });
  const { client } = await githubLogin(h, "first-admin");
  const token = await client.token();
  const cookieToken = client.cookies.get("loupe_csrf");

  await t.test("the session token differs from the pre-login cookie token, which is no longer accepted", async () => {
    assert.ok(client.cookies.has("loupe_session"));
    if (cookieToken !== undefined) {
      assert.notEqual(cookieToken, token);
      const res = await client.send("POST", "/api/annotations", "{}", { ...BROWSER, "x-csrf-token": cookieToken });
      assert.equal(await csrfCode(res), "csrf");
    }
  });

  await t.test("a session cookie alone (no Origin, no Sec-Fetch-Site) still needs the token", async () => {
    const res = await client.send("POST", "/api/annotations", "{}", { "content-type": "application/json", accept: "application/json" });
    assert.equal(await csrfCode(res), "csrf");
  });

  await t.test("every route, every unsafe method", () => checkEveryRoute(h, client, token, "A".repeat(43)));
});
