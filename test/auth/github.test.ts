import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { Client, githubLogin, startHarness, CLIENT_SECRET, type Harness } from "./harness.js";

const me = async (c: Client): Promise<{ status: number; body: { login?: string; role?: string; kind?: string } }> => {
  const res = await c.get("/api/user", { accept: "application/json" });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as { login: string; role: string; kind: string }) : {} };
};

test("GitHub sign-in: first user is Admin, returning user keeps one row, callback URL from root_url, state checked, logout, disabled user locked out", async (t) => {
  const h: Harness = await startHarness("[auth]\nadmins = carol");
  h.gh.addUser({ id: 101, login: "alice", name: "Alice A", emails: [{ email: "alice@example.com", primary: true, verified: true }] });
  h.gh.addUser({ id: 102, login: "bob", email: "bob@example.org" });
  h.gh.addUser({ id: 103, login: "carol" });

  await t.test("without a session, an API answers 401 and a page redirects to /login", async () => {
    const c = new Client(h.base);
    assert.equal((await me(c)).status, 401);
    const page = await c.get("/admin/users", { accept: "text/html" });
    assert.equal(page.status, 302);
    assert.equal(page.headers.get("location"), "/login?next=%2Fadmin%2Fusers");
  });

  await t.test("first sign-in creates an Admin, lands on next, and the callback URL derives from root_url", async () => {
    const { client, hops } = await githubLogin(h, "alice", undefined, "/admin/users");
    assert.equal(h.gh.redirectUris.at(-1), `${h.base}/login/github`);
    assert.equal(hops.at(-1), `${h.base}/admin/users`);
    const who = await me(client);
    assert.deepEqual([who.status, who.body.login, who.body.role, who.body.kind], [200, "alice", "Admin", "user"]);
    const u = (await (await client.get("/api/admin/users")).json()) as Array<{ login: string; email: string; name: string }>;
    assert.deepEqual(u.map((x) => [x.login, x.name, x.email]), [["alice", "Alice A", "alice@example.com"]], "private email taken from /user/emails");
    const cookie = (await githubLogin(h, "alice")).client;
    assert.ok(cookie.cookies.has("loupe_session"));
  });

  await t.test("second user gets the default role (Viewer); [auth] admins makes carol Admin", async () => {
    assert.equal((await me((await githubLogin(h, "bob")).client)).body.role, "Viewer");
    assert.equal((await me((await githubLogin(h, "carol")).client)).body.role, "Admin");
  });

  await t.test("returning user: same row, no duplicate, session id rotated at login", async () => {
    const c = new Client(h.base);
    await githubLogin(h, "bob", c);
    const first = c.cookies.get("loupe_session");
    await githubLogin(h, "bob", c);
    const second = c.cookies.get("loupe_session");
    assert.ok(first !== undefined && second !== undefined && first !== second, "a new session id at each login");
    const old = new Client(h.base);
    old.cookies.set("loupe_session", first!);
    assert.equal((await me(old)).status, 401, "the previous session of this browser ended");
    const admin = (await githubLogin(h, "alice")).client;
    const users = (await (await admin.get("/api/admin/users")).json()) as Array<{ login: string }>;
    assert.deepEqual(users.map((u) => u.login).sort(), ["alice", "bob", "carol"]);
  });

  await t.test("a forged, replayed or missing state is refused", async () => {
    const c = new Client(h.base);
    h.gh.loginAs("bob");
    // start a real flow to get a code, then tamper with the state
    const start = await c.get("/login/github");
    const authorize = await c.get(start.headers.get("location")!);
    const cb = new URL(authorize.headers.get("location")!);
    const goodState = cb.searchParams.get("state")!;
    const forged = new URL(cb);
    forged.searchParams.set("state", "forged-state-value-000000000");
    let r = await c.get(forged.toString());
    assert.equal(r.headers.get("location"), "/login?error=bad_state");
    const missing = new URL(cb);
    missing.searchParams.delete("state");
    r = await c.get(missing.toString());
    assert.equal(r.headers.get("location"), "/login?error=missing_state");
    // the good state from another browser (no state cookie): refused
    const other = new Client(h.base);
    r = await other.get(cb.toString());
    assert.equal(r.headers.get("location"), "/login?error=bad_state");
    assert.equal((await me(other)).status, 401);
    assert.ok(goodState.length >= 20);
    // a completed callback replayed (same code and state, same browser): the state was used once
    const fresh = new Client(h.base);
    const s1 = await fresh.get("/login/github");
    const a1 = await fresh.get(s1.headers.get("location")!);
    const callback = a1.headers.get("location")!;
    const done = await fresh.get(callback);
    assert.equal(done.headers.get("location"), "/");
    fresh.cookies.delete("loupe_session");
    const replayed = await fresh.get(callback);
    assert.equal(replayed.headers.get("location"), "/login?error=bad_state");
    const page = await (await c.get("/login?error=bad_state", { accept: "text/html" })).text();
    assert.match(page, /could not be verified/);
  });

  await t.test("logout ends the session (POST with CSRF token)", async () => {
    const { client } = await githubLogin(h, "bob");
    const sid = client.cookies.get("loupe_session")!;
    const csrf = await client.token();
    const noToken = await client.send("POST", "/logout", new URLSearchParams({}), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(noToken.status, 403, "logout without CSRF token refused");
    const out = await client.send("POST", "/logout", new URLSearchParams({ _csrf: csrf }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(out.status, 303);
    assert.equal(out.headers.get("location"), "/login");
    const replay = new Client(h.base);
    replay.cookies.set("loupe_session", sid);
    assert.equal((await me(replay)).status, 401, "the old cookie no longer works");
  });

  await t.test("the Admin page changes a role through its form", async () => {
    const admin = (await githubLogin(h, "alice")).client;
    const page = await (await admin.get("/admin/users", { accept: "text/html" })).text();
    assert.match(page, /<table class="list" id="users">/);
    const m = /<tr data-login="bob">[\s\S]*?action="\/admin\/users\/(\d+)"[\s\S]*?name="_csrf" value="([^"]+)"/.exec(page);
    assert.ok(m !== null, "bob's row has a form with the CSRF field");
    const r = await admin.send("POST", `/admin/users/${m[1]}`, new URLSearchParams({ _csrf: m[2]!, role: "Editor", state: "active" }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(r.status, 303);
    const bob = (await githubLogin(h, "bob")).client;
    assert.equal((await me(bob)).body.role, "Editor", "no mapping configured: the role set by the Admin sticks at sign-in");
    const forged = await admin.send("POST", `/admin/users/${m[1]}`, new URLSearchParams({ role: "Admin", state: "active" }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(forged.status, 403, "without _csrf");
  });

  await t.test("a disabled user's sessions end at once and they cannot sign in again", async () => {
    const bob = (await githubLogin(h, "bob")).client;
    assert.equal((await me(bob)).status, 200);
    const admin = (await githubLogin(h, "alice")).client;
    const csrf = await admin.csrf("/admin/users");
    const users = (await (await admin.get("/api/admin/users")).json()) as Array<{ id: number; login: string }>;
    const bobId = users.find((u) => u.login === "bob")!.id;
    const r = await admin.send("PATCH", `/api/admin/users/${bobId}`, JSON.stringify({ disabled: true }), { "content-type": "application/json", "x-csrf-token": csrf });
    assert.equal(r.status, 200);
    assert.equal((await me(bob)).status, 401, "session ended at once");
    const again = await githubLogin(h, "bob");
    assert.equal(again.hops.at(-1), `${h.base}/login?error=user_disabled`);
    assert.equal((await me(again.client)).status, 401);
  });

  await t.test("no secret in the logs", () => {
    const all = h.logs.join("");
    assert.ok(all.includes("github sign-in"), "sign-ins are logged");
    assert.ok(!all.includes(CLIENT_SECRET), "client secret never logged");
    assert.ok(!/gho_[0-9a-f]{24}/.test(all), "GitHub access tokens never logged");
    assert.ok(!/loupe_session=/.test(all));
  });
});

test("allow_sign_up = false refuses a new GitHub user; one added with `loupe user add --github` gets in", async () => {
  const h = await startHarness("", { githubKeys: { allow_sign_up: "false" } });
  h.gh.addUser({ id: 201, login: "dave" });
  h.gh.addUser({ id: 202, login: "erin" });
  const refused = await githubLogin(h, "dave");
  assert.equal(refused.hops.at(-1), `${h.base}/login?error=signup_disabled`);
  assert.equal((await me(refused.client)).status, 401);
  const page = await (await refused.client.get("/login?error=signup_disabled", { accept: "text/html" })).text();
  assert.match(page, /sign-up is off/);

  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n`);
  let out = "";
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
  assert.equal(await runCli(["user", "add", "erin", "--github", "--role", "Editor", "--config", ini], io), 0, out);
  const erin = await githubLogin(h, "erin");
  const who = await me(erin.client);
  assert.deepEqual([who.status, who.body.login], [200, "erin"]);
  assert.equal(who.body.role, "Admin", "erin is the first user ever, so Admin");
  assert.equal(await runCli(["user", "list", "--config", ini], io), 0);
  assert.match(out, /erin\s+github\s+Admin\s+active/);
});

test("allowed_organizations and team_ids refuse outsiders; org/team role mapping; allowed_domains", async (t) => {
  const h = await startHarness("", {
    githubKeys: {
      allowed_organizations: "Acme",
      team_ids: "42,43",
      admin_team_ids: "43",
      editor_organizations: "acme-editors",
    },
  });
  h.gh.addUser({ id: 300, login: "root", orgs: ["acme"], teams: [{ id: 43, slug: "admins", org: "acme" }] }); // first user
  h.gh.addUser({ id: 301, login: "member", orgs: ["acme"], teams: [{ id: 42, slug: "ops", org: "acme" }] });
  h.gh.addUser({ id: 302, login: "noteam", orgs: ["acme"], teams: [{ id: 99, slug: "other", org: "acme" }] });
  h.gh.addUser({ id: 303, login: "outsider", orgs: ["elsewhere"], teams: [{ id: 42, slug: "ops", org: "elsewhere" }] });
  h.gh.addUser({ id: 304, login: "lead", orgs: ["ACME"], teams: [{ id: 43, slug: "admins", org: "acme" }] });
  h.gh.addUser({ id: 305, login: "writer", orgs: ["acme", "acme-editors"], teams: [{ id: 42, slug: "ops", org: "acme" }] });

  await t.test("team_ids refuses a user in none of the teams", async () => {
    const r = await githubLogin(h, "noteam");
    assert.equal(r.hops.at(-1), `${h.base}/login?error=missing_team`);
  });
  await t.test("allowed_organizations refuses a user of no allowed organization (case-insensitive match)", async () => {
    const r = await githubLogin(h, "outsider");
    assert.equal(r.hops.at(-1), `${h.base}/login?error=missing_organization`);
    assert.equal((await me(r.client)).status, 401);
  });
  await t.test("role mapping: admin team → Admin, editor org → Editor, others → default Viewer", async () => {
    await githubLogin(h, "root");
    assert.equal((await me((await githubLogin(h, "lead")).client)).body.role, "Admin");
    assert.equal((await me((await githubLogin(h, "writer")).client)).body.role, "Editor");
    assert.equal((await me((await githubLogin(h, "member")).client)).body.role, "Viewer");
  });
  await t.test("with a mapping configured the role is synced again at each sign-in", async () => {
    h.gh.addUser({ id: 305, login: "writer", orgs: ["acme"], teams: [{ id: 42, slug: "ops", org: "acme" }] });
    assert.equal((await me((await githubLogin(h, "writer")).client)).body.role, "Viewer");
  });
  await t.test("orgs and teams were read from api_url (/user/orgs, /user/teams)", () => {
    assert.ok(h.gh.requests.includes("GET /user/orgs"));
    assert.ok(h.gh.requests.includes("GET /user/teams"));
    assert.ok(h.gh.requests.includes("GET /user/emails"));
  });
});

test("allowed_domains: only a verified email in an allowed domain gets in", async () => {
  const h = await startHarness("", { githubKeys: { allowed_domains: "example.com" } });
  h.gh.addUser({ id: 401, login: "good", emails: [{ email: "good@Example.com", primary: true, verified: true }] });
  h.gh.addUser({ id: 402, login: "other", email: "other@example.org" });
  h.gh.addUser({ id: 403, login: "unverified", emails: [{ email: "u@example.com", primary: true, verified: false }] });
  assert.equal((await me((await githubLogin(h, "good")).client)).status, 200);
  assert.equal((await githubLogin(h, "other")).hops.at(-1), `${h.base}/login?error=email_domain`);
  assert.equal((await githubLogin(h, "unverified")).hops.at(-1), `${h.base}/login?error=email_domain`);
});
