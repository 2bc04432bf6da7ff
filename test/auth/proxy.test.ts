/**
 * [auth.proxy]: the header from the whitelisted peer (127.0.0.1, where the test's requests come
 * from) signs in and creates a session, with the role from the Role header or Groups mapping; the
 * same header when the whitelist names another address (10.0.0.1) is refused with 403, logged and
 * counted, even next to a valid session.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { FakeClock } from "../../src/lib/clock.js";
import { Client, startHarness } from "./harness.js";
import { proxyIni } from "./proxy-peer.js";

const who = async (c: Client, headers: Record<string, string>): Promise<{ status: number; login?: string; role?: string; name?: string; setCookie: boolean }> => {
  const res = await c.get("/api/user", { accept: "application/json", ...headers });
  const setCookie = res.headers.getSetCookie().some((x) => x.startsWith("loupe_session=") && !/Max-Age=0/.test(x));
  if (res.status !== 200) return { status: res.status, setCookie };
  const b = (await res.json()) as { login: string; role: string; name: string };
  return { status: 200, login: b.login, role: b.role, name: b.name, setCookie };
};

test("auth proxy from the whitelisted address: sessions, profile and roles from the headers", async (t) => {
  const clock = new FakeClock(Date.now());
  const h = await startHarness(proxyIni("127.0.0.1, ::1"), { github: false, clock });

  await t.test("without the header nothing changes: 401", async () => {
    assert.equal((await who(new Client(h.base), {})).status, 401);
  });

  await t.test("the first user named is Admin; name and email from the headers; a session is created", async () => {
    const c = new Client(h.base);
    const r = await who(c, { "x-webauth-user": "alice", "x-user-name": "Alice Proxy", "x-user-email": "alice@example.com" });
    assert.deepEqual(r, { status: 200, login: "alice", role: "Admin", name: "Alice Proxy", setCookie: true });
    const again = await who(c, { "x-webauth-user": "alice" });
    assert.deepEqual([again.login, again.setCookie], ["alice", false], "the session is reused while the header names the same user");
  });

  for (const [user, headers, role] of [
    ["bob", { "x-user-groups": "dev, ops" }, "Editor"],
    ["carl", { "x-user-groups": "ops-admins" }, "Admin"],
    ["dora", { "x-user-groups": "ops-admins", "x-user-role": "Viewer" }, "Viewer"],
    ["eve", {}, "Viewer"],
  ] as const) {
    await t.test(`${user}: ${role} (${JSON.stringify(headers)})`, async () => {
      const r = await who(new Client(h.base), { "x-webauth-user": user, ...headers });
      assert.deepEqual([r.status, r.login, r.role], [200, user, role]);
    });
  }

  await t.test("another name in the header with the same browser switches to that user", async () => {
    const c = new Client(h.base);
    await who(c, { "x-webauth-user": "alice" });
    const r = await who(c, { "x-webauth-user": "bob", "x-user-groups": "ops" });
    assert.deepEqual([r.login, r.setCookie], ["bob", true]);
  });

  await t.test("after sync_ttl (60m) the session is renewed and the role re-read from the headers", async () => {
    const c = new Client(h.base);
    assert.equal((await who(c, { "x-webauth-user": "fay", "x-user-groups": "ops" })).role, "Editor");
    clock.advance(30 * 60_000);
    assert.deepEqual(Object.values(await who(c, { "x-webauth-user": "fay", "x-user-groups": "ops-admins" })).slice(1, 3), ["fay", "Editor"], "within sync_ttl the session stands");
    clock.advance(31 * 60_000);
    const r = await who(c, { "x-webauth-user": "fay", "x-user-groups": "ops-admins" });
    assert.deepEqual([r.role, r.setCookie], ["Admin", true]);
  });

  await t.test("an existing Loupe user of that login is that person; the session is kept, not re-created at each request", async () => {
    const ini = join(h.dataDir, "..", "cli.ini");
    writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
    const io = { out: () => undefined, err: () => undefined, readSecret: async () => "gus-local-password" };
    assert.equal(await runCli(["user", "add", "gus", "--role", "Editor", "--config", ini], io), 0);
    const c = new Client(h.base);
    const first = await who(c, { "x-webauth-user": "gus" });
    // group mappings are configured, so the role is synced from the headers: no group → default_role
    assert.deepEqual([first.login, first.role, first.setCookie], ["gus", "Viewer", true]);
    assert.equal((await who(c, { "x-webauth-user": "gus" })).setCookie, false);
  });

  await t.test("a session from the proxy works like any other (Admin pages, /metrics counts proxy logins)", async () => {
    const c = new Client(h.base);
    await who(c, { "x-webauth-user": "alice" });
    const text = await (await c.get("/metrics", { "x-webauth-user": "alice" })).text();
    assert.match(text, /loupe_auth_proxy_logins_total [1-9]/);
    assert.match(text, /loupe_auth_proxy_refused_total 0/);
  });
});

test("auth proxy: the header from an address not in the whitelist is refused, logged and counted", async (t) => {
  const h = await startHarness(`${proxyIni("10.0.0.1")}\n[auth.basic]\nenabled = true`, { github: false });
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => "root-local-password" };
  assert.equal(await runCli(["user", "add", "root", "--role", "Admin", "--config", ini], io), 0);

  await t.test("403 with the header, for pages and APIs alike; no session", async () => {
    const c = new Client(h.base);
    const api = await c.get("/api/user", { accept: "application/json", "x-webauth-user": "alice" });
    assert.equal(api.status, 403);
    assert.equal(((await api.json()) as { error: { code: string } }).error.code, "proxy_untrusted");
    assert.equal(c.cookies.has("loupe_session"), false);
    const page = await c.get("/", { accept: "text/html", "x-webauth-user": "alice" });
    await page.arrayBuffer();
    assert.equal(page.status, 403);
  });

  await t.test("refused even next to a valid session; without the header that session works", async () => {
    const c = new Client(h.base);
    const csrf = await c.csrf("/login");
    const login = await c.send("POST", "/login", new URLSearchParams({ _csrf: csrf, login: "root", password: "root-local-password" }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(login.status, 303);
    assert.equal((await who(c, { "x-webauth-user": "root" })).status, 403);
    assert.equal((await who(c, {})).login, "root");
    const text = await (await c.get("/metrics")).text();
    assert.match(text, /loupe_auth_proxy_refused_total 3/);
    assert.ok(h.logs.some((l) => l.includes("auth proxy header from a peer not in the whitelist") && l.includes("127.0.0.1")), "logged with the peer");
  });
});
