/**
 * Every registered route of the whole app (built by startLoupe, as `loupe run` does, with GitHub
 * auth configured) is walked from express's router stack. Without a session or token each one,
 * except login, health, static assets and the OAuth callback, must answer 401 (API) or redirect to
 * /login (page); a Viewer must get 403 on every Editor/Admin route; every route must declare its
 * access level with access(...).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, githubLogin, startHarness } from "./harness.js";
import { listRoutes } from "./route-list.js";

export { listRoutes };

/** A concrete URL for a route pattern: optional groups dropped, parameters filled in. */
function concrete(path: string): string {
  let p = path;
  for (let i = 0; i < 5 && /\{[^{}]*\}/.test(p); i++) p = p.replace(/\{[^{}]*\}/g, "");
  p = p.replace(/:(\w+)/g, "1").replace(/\*(\w+)/g, "x/y");
  return p === "" ? "/" : p;
}

const EXEMPT: ReadonlyArray<[RegExp, string]> = [
  [/^\/healthz$/, "health"],
  [/^\/ping$/, "health (InfluxDB /ping, used by clients to probe)"],
  [/^\/login$/, "login"],
  [/^\/login\/github$/, "login start and OAuth callback"],
  [/^\/logout$/, "logout"],
  [/^\/public(\/|$)/, "static assets"],
  [/^\/favicon\.ico$/, "static assets"],
];

const exemptReason = (path: string): string | undefined => EXEMPT.find(([re]) => re.test(path))?.[1];

test("route table: every route declares access; 401 or redirect to /login without credentials; 403 for a Viewer on Editor/Admin routes", async (t) => {
  const h = await startHarness();
  const { routes, others } = listRoutes(h.loupe.app);
  t.diagnostic(`${routes.length} routes: ${routes.map((r) => `${r.method} ${r.path} [${r.access ?? "NONE"}]`).join(", ")}`);
  if (others.length > 0) t.diagnostic(`path-mounted middleware (not routes): ${others.join(", ")}`);
  assert.ok(routes.length >= 10, `found ${routes.length} routes`);
  assert.ok(routes.some((r) => r.path === "/api/admin/users"), "auth routes present");

  await t.test("every route declares its access level", () => {
    const missing = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(missing, [], "routes without access(...)");
  });

  await t.test("only login, health, static assets and the OAuth callback are public", () => {
    const wrong = routes.filter((r) => r.access === "public" && exemptReason(r.path) === undefined).map((r) => `${r.method} ${r.path}`);
    assert.deepEqual(wrong, [], "public routes that should need a session or token");
  });

  await t.test("without a session or token: 401 for APIs, a redirect to /login for pages", async () => {
    const failures: string[] = [];
    for (const r of routes) {
      if (r.access === "public" && exemptReason(r.path) !== undefined) continue;
      const url = `${h.base}${concrete(r.path)}`;
      const api = await fetch(url, { method: r.method, headers: { accept: "application/json" }, redirect: "manual" });
      await api.arrayBuffer();
      if (api.status !== 401) failures.push(`${r.method} ${r.path} (json): ${api.status}`);
      if (r.method === "GET" && !r.path.startsWith("/api/")) {
        const page = await fetch(url, { headers: { accept: "text/html" }, redirect: "manual" });
        await page.arrayBuffer();
        const loc = page.headers.get("location") ?? "";
        if (page.status !== 302 || !loc.startsWith("/login?next=")) failures.push(`${r.method} ${r.path} (html): ${page.status} ${loc}`);
      }
    }
    assert.deepEqual(failures, []);
  });

  await t.test("the exempt ones answer without credentials: health, login page, static assets", async () => {
    for (const path of ["/healthz", "/login", ...others.filter((o) => o.startsWith("/public ")).map(() => "/public/loupe.css")]) {
      const r = await fetch(`${h.base}${path}`, { redirect: "manual" });
      await r.arrayBuffer();
      assert.equal(r.status, 200, path);
    }
  });

  await t.test("a Viewer gets 403 on every Editor and Admin route", async () => {
    h.gh.addUser({ id: 1, login: "first-admin" });
    h.gh.addUser({ id: 2, login: "viewer" });
    await githubLogin(h, "first-admin");
    const viewer: Client = (await githubLogin(h, "viewer")).client;
    const who = (await (await viewer.get("/api/user")).json()) as { role: string; csrfToken: string };
    assert.equal(who.role, "Viewer");
    const failures: string[] = [];
    let checked = 0;
    for (const r of routes.filter((x) => x.access === "editor" || x.access === "admin")) {
      checked++;
      const res = await viewer.send(r.method, concrete(r.path), undefined, { accept: "application/json", "x-csrf-token": who.csrfToken });
      await res.arrayBuffer();
      if (res.status !== 403) failures.push(`${r.method} ${r.path} [${r.access}]: ${res.status}`);
    }
    t.diagnostic(`${checked} Editor/Admin routes checked as Viewer`);
    assert.ok(checked > 0);
    assert.deepEqual(failures, []);
  });
});
