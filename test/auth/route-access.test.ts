// The route table checked against an independent expected-access list written here by hand (issue 10):
// every route of the whole app (method, path, level). A route missing from the app, a new route not
// in this list, or a route whose declared level differs, fails. Then every route is requested as
// nobody, a read token, a write token, a Viewer, an Editor and an Admin: below its level → 401 (nobody)
// or 403, at or above → neither. Editors get 403 on every Admin route; read tokens on every write route.
//
// Adding a route? Add it to EXPECTED with the level it must have; that is the point of this list.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client, githubLogin, startHarness } from "./harness.js";
import { listRoutes } from "./route-list.js";

type Level = "public" | "viewer" | "editor" | "admin";

const EXPECTED: ReadonlyArray<readonly [string, string, Level]> = [
  ["GET", "/healthz", "public"],
  ["GET", "/ping", "public"],
  ["GET", "/login", "public"],
  ["POST", "/login", "public"],
  ["GET", "/login/github", "public"],
  ["GET", "/login/generic_oauth", "public"],
  ["GET", "/logout", "public"],
  ["POST", "/logout", "public"],
  // dashboards
  ["GET", "/api/dashboards", "viewer"],
  ["POST", "/api/dashboards", "editor"],
  ["POST", "/api/dashboards/import", "editor"],
  ["GET", "/api/dashboards/trash", "admin"],
  ["POST", "/api/dashboards/uid/:uid/restore", "admin"],
  ["GET", "/api/dashboards/:uid", "viewer"],
  ["DELETE", "/api/dashboards/:uid", "editor"],
  ["GET", "/api/dashboards/:uid/versions", "viewer"],
  ["GET", "/api/dashboards/:uid/versions/:version", "viewer"],
  ["POST", "/api/dashboards/:uid/restore", "editor"],
  ["GET", "/api/dashboards/:uid/export", "viewer"],
  // annotations and Graphite events
  ["GET", "/api/annotations", "viewer"],
  ["POST", "/api/annotations", "editor"],
  ["DELETE", "/api/annotations/:id", "editor"],
  ["POST", "/events", "editor"],
  ["POST", "/events/", "editor"],
  ["GET", "/events/get_data", "viewer"],
  // snapshots
  ["POST", "/api/snapshots", "editor"],
  ["GET", "/api/snapshots", "viewer"],
  ["GET", "/api/snapshots/:key", "viewer"],
  ["DELETE", "/api/snapshots/:key", "editor"],
  // settings, users, tokens
  ["GET", "/api/settings", "admin"],
  ["PUT", "/api/settings", "admin"],
  ["GET", "/api/user", "viewer"],
  ["GET", "/api/admin/users", "admin"],
  ["POST", "/api/admin/users", "admin"],
  ["PATCH", "/api/admin/users/:id", "admin"],
  ["PUT", "/api/admin/users/:id/password", "admin"],
  ["GET", "/api/admin/tokens", "admin"],
  ["POST", "/api/admin/tokens", "admin"],
  ["DELETE", "/api/admin/tokens/:id", "admin"],
  ["GET", "/admin", "admin"],
  ["GET", "/admin/users", "admin"],
  ["POST", "/admin/users", "admin"],
  ["POST", "/admin/users/:id", "admin"],
  ["POST", "/admin/users/:id/password", "admin"],
  ["GET", "/admin/tokens", "admin"],
  ["POST", "/admin/tokens", "admin"],
  ["POST", "/admin/tokens/:id/revoke", "admin"],
  ["GET", "/api/status", "admin"],
  ["GET", "/admin/status", "admin"],
  // ingest (Influx line protocol) and Loupe's own metrics
  ["POST", "/query", "editor"],
  ["POST", "/write", "editor"],
  ["POST", "/api/v2/write", "editor"],
  ["POST", "/api/v1/write", "editor"], // Prometheus remote_write
  ["GET", "/metrics", "viewer"],
  // Graphite render API
  ["GET", "/render", "viewer"],
  ["POST", "/render", "viewer"],
  ["GET", "/metrics/find", "viewer"],
  ["POST", "/metrics/find", "viewer"],
  ["GET", "/metrics/expand", "viewer"],
  ["POST", "/metrics/expand", "viewer"],
  ["GET", "/metrics/index.json", "viewer"],
  ["GET", "/tags", "viewer"],
  ["GET", "/tags/autoComplete/tags", "viewer"],
  ["POST", "/tags/autoComplete/tags", "viewer"],
  ["GET", "/tags/autoComplete/values", "viewer"],
  ["POST", "/tags/autoComplete/values", "viewer"],
  ["GET", "/version", "viewer"],
  ["GET", "/functions", "viewer"],
  ["POST", "/api/query", "viewer"],
  ["GET", "/tags/findSeries", "viewer"],
  ["POST", "/tags/findSeries", "viewer"],
  ["GET", "/tags/:tag", "viewer"],
  // alerting (issue 12): Viewers see alerts; Editors edit rules and silences; notifier destinations only Admins
  ["GET", "/api/alerts", "viewer"],
  ["GET", "/api/alert-history", "viewer"],
  ["GET", "/api/alert-notifiers", "viewer"],
  ["GET", "/api/alert-notifiers/config", "admin"],
  ["GET", "/api/alert-rules", "viewer"],
  ["GET", "/api/alert-rules/:uid", "viewer"],
  ["POST", "/api/alert-rules", "editor"],
  ["POST", "/api/alert-rules/preview", "editor"],
  ["POST", "/api/alert-rules/backtest", "editor"],
  ["PUT", "/api/alert-rules/:uid", "editor"],
  ["DELETE", "/api/alert-rules/:uid", "editor"],
  ["GET", "/api/silences", "viewer"],
  ["POST", "/api/silences", "editor"],
  ["DELETE", "/api/silences/:id", "editor"],
  ["GET", "/api/v1/alerts", "viewer"],
  ["GET", "/api/v1/rules", "viewer"],
  ["GET", "/alerts", "viewer"],
  ["GET", "/alerts/rules/new", "editor"],
  ["GET", "/alerts/rules/:uid/edit", "editor"],
  // hosts (issue 15): who sends points, up or silent
  ["GET", "/api/hosts", "viewer"],
  ["GET", "/hosts", "viewer"],
  // pages
  ["GET", "/", "viewer"],
  ["GET", "/dashboards", "viewer"],
  ["GET", "/d/:uid/panel/:id/edit", "editor"],
  ["GET", "/d/:uid", "viewer"],
  ["GET", "/d/:uid/:slug", "viewer"],
  ["GET", "/explore", "viewer"],
  ["GET", "/annotations", "viewer"],
  ["GET", "/settings", "viewer"],
  ["GET", "/snapshot/:key", "viewer"],
];

const RANK: Record<Level, number> = { public: 0, viewer: 1, editor: 2, admin: 3 };
/** Routes whose success would end the caller's session: checked for their level only. */
const SESSION_ENDING = new Set(["GET /logout", "POST /logout"]);

/** Parameters become an id that exists nowhere, so an allowed request changes nothing. */
const concrete = (path: string): string => path.replace(/:(\w+)/g, "999999");

test("route access: the expected list names each route once", () => {
  const keys = EXPECTED.map(([m, p]) => `${m} ${p}`);
  assert.equal(new Set(keys).size, keys.length, "the expected list has no duplicates");
});

test("route access: every route answers each role as the expected list says", async (t) => {
  const h = await startHarness();
  const { routes } = listRoutes(h.loupe.app);
  const actual = new Map(routes.map((r) => [`${r.method} ${r.path}`, r.access]));
  const expected = new Map(EXPECTED.map(([m, p, l]) => [`${m} ${p}`, l]));

  await t.test("no route is missing, none is new, every declared level matches", () => {
    const missing = [...expected.keys()].filter((k) => !actual.has(k));
    const added = [...actual.keys()].filter((k) => !expected.has(k));
    const differs = [...expected].filter(([k, l]) => actual.has(k) && actual.get(k) !== l).map(([k, l]) => `${k}: declared ${actual.get(k) ?? "nothing"}, expected ${l}`);
    assert.deepEqual(missing, [], "routes in the expected list that the app no longer has");
    assert.deepEqual(added, [], "routes the app has that the expected list does not name (add them with their level)");
    assert.deepEqual(differs, []);
  });

  h.gh.addUser({ id: 1, login: "first-admin" });
  h.gh.addUser({ id: 2, login: "ed" });
  h.gh.addUser({ id: 3, login: "vi" });
  const admin = (await githubLogin(h, "first-admin")).client;
  const editor = (await githubLogin(h, "ed")).client;
  const viewer = (await githubLogin(h, "vi")).client;
  const adminCsrf = await admin.token();
  const users = (await (await admin.get("/api/admin/users", { accept: "application/json" })).json()) as Array<{ id: number; login: string }>;
  const edId = users.find((u) => u.login === "ed")!.id;
  const promote = await admin.send("PATCH", `/api/admin/users/${edId}`, JSON.stringify({ role: "Editor" }), { "content-type": "application/json", "x-csrf-token": adminCsrf });
  assert.equal(promote.status, 200);
  const mkToken = async (scope: string): Promise<string> => {
    const res = await admin.send("POST", "/api/admin/tokens", JSON.stringify({ name: `t-${scope}`, scope }), { "content-type": "application/json", "x-csrf-token": adminCsrf });
    assert.equal(res.status, 201);
    return ((await res.json()) as { token: string }).token;
  };
  const readToken = await mkToken("read");
  const writeToken = await mkToken("write");

  interface Caller {
    readonly name: string;
    readonly rank: number;
    send(method: string, path: string): Promise<Response>;
  }
  const sessionCaller = async (name: string, rank: number, c: Client): Promise<Caller> => {
    const csrf = await c.token();
    return { name, rank, send: (m, p) => c.send(m, p, m === "GET" ? undefined : "{}", { accept: "application/json", "content-type": "application/json", "x-csrf-token": csrf }) };
  };
  const tokenCaller = (name: string, rank: number, token: string): Caller => ({
    name,
    rank,
    send: (m, p) => fetch(`${h.base}${p}`, { method: m, body: m === "GET" ? null : "{}", redirect: "manual", headers: { accept: "application/json", "content-type": "application/json", authorization: `Bearer ${token}` } }),
  });
  const nobody: Caller = { name: "nobody", rank: 0, send: (m, p) => fetch(`${h.base}${p}`, { method: m, body: m === "GET" ? null : "{}", redirect: "manual", headers: { accept: "application/json", "content-type": "application/json" } }) };
  // A read token acts as a Viewer on viewer routes only; a write token as an Editor (never Admin).
  const callers: Caller[] = [
    nobody,
    tokenCaller("read token", RANK.viewer, readToken),
    tokenCaller("write token", RANK.editor, writeToken),
    await sessionCaller("Viewer", RANK.viewer, viewer),
    await sessionCaller("Editor", RANK.editor, editor),
    await sessionCaller("Admin", RANK.admin, admin),
  ];
  assert.equal((await (await viewer.get("/api/user", { accept: "application/json" })).json() as { role: string }).role, "Viewer");
  assert.equal((await (await editor.get("/api/user", { accept: "application/json" })).json() as { role: string }).role, "Editor");

  for (const caller of callers) {
    await t.test(`as ${caller.name}`, async () => {
      const failures: string[] = [];
      let denied = 0;
      for (const [method, path, level] of EXPECTED) {
        if (SESSION_ENDING.has(`${method} ${path}`)) continue;
        const res = await caller.send(method, concrete(path));
        await res.arrayBuffer();
        const allowed = caller.rank >= RANK[level];
        const want = allowed ? "allowed" : caller.rank === 0 ? "401" : "403";
        const got = res.status === 401 ? "401" : res.status === 403 ? "403" : "allowed";
        if (got !== want) failures.push(`${method} ${path} [${level}]: ${res.status}, expected ${want}`);
        if (!allowed) denied++;
      }
      assert.deepEqual(failures, []);
      if (caller.rank < RANK.admin) assert.ok(denied > 0, "some routes are denied");
    });
  }

  await t.test("Editors on Admin routes: 403 on each one (listed)", async () => {
    const adminRoutes = EXPECTED.filter(([, , l]) => l === "admin");
    assert.ok(adminRoutes.length >= 12, `${adminRoutes.length} admin routes`);
    const ed = callers.find((c) => c.name === "Editor")!;
    for (const [m, p] of adminRoutes) {
      const res = await ed.send(m, concrete(p));
      const body = (await res.json()) as { error?: { code?: string } };
      assert.equal(res.status, 403, `${m} ${p}`);
      assert.equal(body.error?.code, "forbidden", `${m} ${p}`);
    }
  });

  await t.test("logout answers without credentials", async () => {
    const res = await fetch(`${h.base}/logout`, { redirect: "manual" });
    await res.arrayBuffer();
    assert.ok(res.status !== 401 && res.status !== 403, String(res.status));
  });
});
