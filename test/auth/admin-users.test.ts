/**
 * The /admin/users forms over real HTTP (the whole of Loupe with local logins): add a user, change
 * role, disable/enable, reset password; refusals re-render the page with the error; Viewers get 403.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { Client, startHarness, type Harness } from "./harness.js";

const ADMIN_PW = "admin password 1";
const FORM = { "content-type": "application/x-www-form-urlencoded" };

async function addAdmin(h: Harness): Promise<void> {
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => ADMIN_PW };
  assert.equal(await runCli(["user", "add", "root", "--config", ini], io), 0);
}

async function signIn(h: Harness, login: string, password: string): Promise<{ c: Client; res: Response }> {
  const c = new Client(h.base);
  const csrf = await c.csrf("/login");
  const res = await c.send("POST", "/login", new URLSearchParams({ _csrf: csrf, login, password, next: "/" }), FORM);
  return { c, res };
}

async function post(c: Client, path: string, fields: Record<string, string>, csrf?: string): Promise<Response> {
  const token = csrf ?? (await c.csrf("/admin/users"));
  return c.send("POST", path, new URLSearchParams({ _csrf: token, ...fields }), { ...FORM, accept: "text/html" });
}

async function idOf(c: Client, login: string): Promise<number> {
  const users = (await (await c.get("/api/admin/users")).json()) as Array<{ id: number; login: string }>;
  return users.find((u) => u.login === login)!.id;
}

test("admin user management forms", async (t) => {
  const h = await startHarness("[auth.basic]\nenabled = true", { github: false });
  await addAdmin(h);
  const { c: admin, res } = await signIn(h, "root", ADMIN_PW);
  assert.equal(res.status, 303);

  await t.test("the Users page has the add form; adding a local Editor lets them sign in", async () => {
    const page = await (await admin.get("/admin/users")).text();
    assert.match(page, /<form method="post" action="\/admin\/users" class="page-head" id="user-add">/);
    const r = await post(admin, "/admin/users", { login: "bob", provider: "local", password: "bob password 1", role: "Editor" });
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), "/admin/users?done=added&login=bob");
    assert.match(await (await admin.get(r.headers.get("location")!)).text(), /id="users-notice">User <strong>bob<\/strong> added/);
    const bob = await signIn(h, "bob", "bob password 1");
    assert.equal(bob.res.status, 303);
    const who = (await (await bob.c.get("/api/user")).json()) as { login: string; role: string };
    assert.deepEqual([who.login, who.role], ["bob", "Editor"]);
  });

  await t.test("refused adds re-render with the error and the login kept, never the password", async () => {
    const dup = await post(admin, "/admin/users", { login: "bob", provider: "local", password: "another pass 1", role: "Viewer" });
    assert.equal(dup.status, 409);
    const dupPage = await dup.text();
    assert.match(dupPage, /id="users-error">user bob already exists/);
    assert.match(dupPage, /name="login" required maxlength="64" value="bob"/);
    const weak = await post(admin, "/admin/users", { login: "carol", provider: "local", password: "short", role: "Viewer" });
    assert.equal(weak.status, 400);
    const weakPage = await weak.text();
    assert.match(weakPage, /at least 10 characters/);
    assert.doesNotMatch(weakPage, /value="short"/);
    const bad = await post(admin, "/admin/users", { login: "no spaces allowed", provider: "local", password: "long enough 1", role: "Viewer" });
    assert.equal(bad.status, 400);
    const noRole = await post(admin, "/admin/users", { login: "dave", provider: "local", password: "long enough 1", role: "God" });
    assert.equal(noRole.status, 400);
    const noCsrf = await admin.send("POST", "/admin/users", new URLSearchParams({ login: "eve", password: "long enough 1", role: "Admin" }), FORM);
    assert.equal(noCsrf.status, 403);
    const asJson = await admin.send("POST", "/admin/users", new URLSearchParams({ _csrf: await admin.csrf("/admin/users"), login: "bob", password: "another pass 1", role: "Viewer" }), FORM);
    assert.equal(asJson.status, 409);
    assert.equal(((await asJson.json()) as { error: { code: string } }).error.code, "user_exists", "a non-browser client gets the JSON error");
    const users = (await (await admin.get("/api/admin/users")).json()) as Array<{ login: string }>;
    assert.deepEqual(users.map((u) => u.login).sort(), ["bob", "root"]);
  });

  await t.test("disable ends the user's sessions and refuses sign-in; enable allows it again", async () => {
    const bob = await signIn(h, "bob", "bob password 1");
    const id = await idOf(admin, "bob");
    const r = await post(admin, `/admin/users/${id}`, { role: "Editor", state: "disabled" });
    assert.equal(r.headers.get("location"), "/admin/users?done=saved&login=bob");
    assert.equal((await bob.c.get("/api/user")).status, 401, "the session ended");
    const refused = await signIn(h, "bob", "bob password 1");
    assert.match(refused.res.headers.get("location")!, /error=user_disabled&login=bob/);
    await post(admin, `/admin/users/${id}`, { role: "Viewer", state: "active" });
    const again = await signIn(h, "bob", "bob password 1");
    assert.equal(again.res.headers.get("location"), "/");
    assert.equal(((await (await again.c.get("/api/user")).json()) as { role: string }).role, "Viewer");
  });

  await t.test("reset password: the old one stops working, the new one works, sessions end", async () => {
    const bob = await signIn(h, "bob", "bob password 1");
    const id = await idOf(admin, "bob");
    const r = await post(admin, `/admin/users/${id}/password`, { password: "bob password 2" });
    assert.equal(r.headers.get("location"), "/admin/users?done=password&login=bob");
    assert.equal((await bob.c.get("/api/user")).status, 401);
    assert.match((await signIn(h, "bob", "bob password 1")).res.headers.get("location")!, /error=bad_credentials/);
    assert.equal((await signIn(h, "bob", "bob password 2")).res.headers.get("location"), "/");
    const weak = await post(admin, `/admin/users/${id}/password`, { password: "tiny" });
    assert.equal(weak.status, 400);
    assert.match(await weak.text(), /id="users-error">a password needs at least 10 characters/);
    const missing = await post(admin, "/admin/users/9999/password", { password: "long enough 9" });
    assert.equal(missing.status, 404);
  });

  await t.test("the last enabled Admin cannot demote themself; a Viewer gets 403 on every admin form", async () => {
    const rootId = await idOf(admin, "root");
    const r = await post(admin, `/admin/users/${rootId}`, { role: "Viewer", state: "active" });
    assert.equal(r.status, 403);
    assert.match(await r.text(), /last enabled Admin/);
    const viewer = (await signIn(h, "bob", "bob password 2")).c;
    const csrf = await viewer.token();
    assert.equal((await viewer.get("/admin/users")).status, 403);
    assert.equal((await post(viewer, "/admin/users", { login: "mallory", provider: "local", password: "long enough 1", role: "Admin" }, csrf)).status, 403);
    assert.equal((await post(viewer, `/admin/users/${rootId}/password`, { password: "taken over 1" }, csrf)).status, 403);
    assert.equal((await post(viewer, `/admin/users/${rootId}`, { role: "Viewer", state: "disabled" }, csrf)).status, 403);
  });

  await t.test("JSON API: POST /api/admin/users and PUT /api/admin/users/:id/password", async () => {
    const token = await admin.token();
    const json = { "content-type": "application/json", "x-csrf-token": token };
    const r = await admin.send("POST", "/api/admin/users", JSON.stringify({ login: "gh-user", provider: "github", role: "Editor" }), json);
    assert.equal(r.status, 201);
    assert.deepEqual(((await r.json()) as { provider: string; role: string }).role, "Editor");
    const ghId = await idOf(admin, "gh-user");
    const notLocal = await admin.send("PUT", `/api/admin/users/${ghId}/password`, JSON.stringify({ password: "long enough 1" }), json);
    assert.equal(notLocal.status, 400);
    const bobId = await idOf(admin, "bob");
    assert.equal((await admin.send("PUT", `/api/admin/users/${bobId}/password`, JSON.stringify({ password: "bob password 3" }), json)).status, 204);
    assert.equal((await signIn(h, "bob", "bob password 3")).res.headers.get("location"), "/");
  });
});
