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
import { roleAtLeast } from "../../src/auth/index.js";
import { needs } from "../helpers/system.js";
import { formLogin, ldapIni, OPENSSL, SLAPADD, SLAPD, startSlapd } from "./ldap-peer.js";
import { OIDC_CLIENT, OIDC_SECRET, oidcIni, oidcLogin, startOidcProvider } from "./oidc-peers.js";
import { proxyIni } from "./proxy-peer.js";

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
  [/^\/login\/generic_oauth$/, "generic OAuth start and callback"],
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

/**
 * Sessions made by each provider (generic OAuth against a real oidc-provider, LDAP against slapd,
 * the auth proxy) carry the role their group mapping gives, and the route guards honour it: a
 * Viewer gets 403 on every Editor/Admin route, an Editor 403 on every Admin route and none on its
 * GET routes, an Admin no 401/403 on any GET route.
 */
test("route table: sessions from generic OAuth, LDAP and the auth proxy get Viewer/Editor/Admin from group mappings", { skip: needs(SLAPD, SLAPADD, OPENSSL) }, async (t) => {
  const op = await startOidcProvider([
    { sub: "oa", preferred_username: "oa", email: "oa@example.com", name: "OAuth Admin", groups: ["monitoring", "ops-admins"] },
    { sub: "oe", preferred_username: "oe", email: "oe@example.com", name: "OAuth Editor", groups: ["monitoring", "ops"] },
    { sub: "ov", preferred_username: "ov", email: "ov@example.com", name: "OAuth Viewer", groups: ["monitoring"] },
  ]);
  const slapd = await startSlapd(
    ["la", "le", "lv"].map((uid) => ({ uid, password: `${uid}-password`, cn: `LDAP ${uid}`, mail: `${uid}@example.org` })),
    { admins: ["la"], editors: ["le"], viewers: ["lv"] },
  );
  const h = await startHarness(`${oidcIni(op.issuer)}\n${ldapIni(slapd)}\n${proxyIni()}`, { github: false });
  op.configure({ clientId: OIDC_CLIENT, clientSecret: OIDC_SECRET, redirectUri: `${h.base}/login/generic_oauth` });
  const { routes } = listRoutes(h.loupe.app);
  assert.ok(routes.filter((r) => r.access === "admin").length >= 5 && routes.filter((r) => r.access === "editor").length >= 5, "admin and editor routes to check");

  const sessions: Record<string, Record<"Admin" | "Editor" | "Viewer", () => Promise<Client>>> = {
    "generic OAuth": { Admin: () => viaOidc("oa"), Editor: () => viaOidc("oe"), Viewer: () => viaOidc("ov") },
    LDAP: { Admin: () => viaLdap("la"), Editor: () => viaLdap("le"), Viewer: () => viaLdap("lv") },
    "auth proxy": { Admin: () => viaProxy("pa", "ops-admins"), Editor: () => viaProxy("pe", "ops"), Viewer: () => viaProxy("pv", "") },
  };
  async function viaOidc(login: string): Promise<Client> {
    const c = new Client(h.base);
    await oidcLogin(c, login);
    return c;
  }
  async function viaLdap(uid: string): Promise<Client> {
    const c = new Client(h.base);
    await formLogin(c, uid, `${uid}-password`);
    return c;
  }
  async function viaProxy(user: string, groups: string): Promise<Client> {
    const c = new Client(h.base);
    const res = await c.get("/api/user", { "x-webauth-user": user, "x-user-groups": groups });
    await res.arrayBuffer();
    return c; // the session cookie alone from here on
  }
  const statusOf = async (c: Client, method: string, path: string, csrf: string): Promise<number> => {
    const res = await c.send(method, concrete(path), undefined, { accept: "application/json", "x-csrf-token": csrf });
    await res.arrayBuffer();
    return res.status;
  };

  for (const [provider, byRole] of Object.entries(sessions)) {
    for (const role of ["Admin", "Editor", "Viewer"] as const) {
      await t.test(`${provider}: ${role}`, async () => {
        const c = await byRole[role]();
        const me = (await (await c.get("/api/user", { accept: "application/json" })).json()) as { role: string; kind: string; csrfToken: string };
        assert.deepEqual([me.kind, me.role], ["user", role], `${provider} session for a ${role}`);
        const failures: string[] = [];
        for (const r of routes) {
          if (r.access === "public") continue;
          const needs = r.access === "admin" ? "Admin" : r.access === "editor" ? "Editor" : "Viewer";
          const allowed = roleAtLeast(role, needs);
          if (!allowed) {
            const status = await statusOf(c, r.method, r.path, me.csrfToken);
            if (status !== 403) failures.push(`${r.method} ${r.path} [${r.access}]: ${status}, expected 403`);
          } else if (r.method === "GET" && r.path !== "/logout") {
            const status = await statusOf(c, r.method, r.path, me.csrfToken);
            if (status === 401 || status === 403) failures.push(`${r.method} ${r.path} [${r.access}]: ${status}, expected access`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }
  }
});
