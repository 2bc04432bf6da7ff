import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { loadConfig } from "../../src/config/index.js";
import { authProviderConfigured, CONTENT_SECURITY_POLICY, safeNext } from "../../src/auth/index.js";
import { spawnLoupe } from "../helpers/spawn-loupe.js";
import { startLoupe } from "../../src/main.js";
import { silentLogger } from "../../src/lib/logger.js";
import { tempDir } from "../helpers/tmp.js";
import { CLIENT_SECRET, Client, githubLogin, startHarness } from "./harness.js";

const dir = tempDir();

test("security headers on every response: CSP with only Loupe's own assets, frame-ancestors none, nosniff, referrer policy", async () => {
  const h = await startHarness("", { github: false });
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-inline|unsafe-eval|\*/);
  for (const path of ["/healthz", "/login", "/no/such/route", "/api/user"]) {
    const r = await fetch(`${h.base}${path}`);
    assert.equal(r.headers.get("content-security-policy"), CONTENT_SECURITY_POLICY, path);
    assert.match(r.headers.get("content-security-policy")!, /frame-ancestors 'none'/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff", path);
    assert.equal(r.headers.get("referrer-policy"), "same-origin", path);
    assert.equal(r.headers.get("x-frame-options"), "DENY", path);
  }
});

test("open loopback mode: everyone is the local Admin, but a web page cannot forge a POST (double-submit CSRF token)", async () => {
  const h = await startHarness("", { github: false });
  const tokenBody = JSON.stringify({ name: "t", scope: "read" });
  const json = { "content-type": "application/json" };
  // a program (curl, Telegraf): no cookie, no Origin → no CSRF involved
  const prog = await fetch(`${h.base}/api/admin/tokens`, { method: "POST", headers: json, body: tokenBody });
  assert.equal(prog.status, 201);
  // a browser on another site: Origin (and maybe a cookie) but no token → refused
  const forged = await fetch(`${h.base}/api/admin/tokens`, { method: "POST", headers: { ...json, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, body: tokenBody });
  assert.equal(forged.status, 403);
  assert.equal(((await forged.json()) as { error: { code: string } }).error.code, "csrf");
  const form = await fetch(`${h.base}/admin/tokens`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", origin: "null" }, body: "name=x&scope=write" });
  assert.equal(form.status, 403);
  // Loupe's own page: token from the page meta + cookie → accepted
  const b = new Client(h.base);
  const csrf = await b.csrf("/admin/users");
  assert.ok(b.cookies.has("loupe_csrf"));
  const wrong = await b.send("POST", "/api/admin/tokens", tokenBody, { ...json, origin: h.base, "x-csrf-token": "x".repeat(43) });
  assert.equal(wrong.status, 403);
  const ok = await b.send("POST", "/api/admin/tokens", tokenBody, { ...json, origin: h.base, "x-csrf-token": csrf });
  assert.equal(ok.status, 201);
  const formOk = await b.send("POST", "/admin/tokens", new URLSearchParams({ _csrf: csrf, name: "f", scope: "read" }), { "content-type": "application/x-www-form-urlencoded", origin: h.base });
  assert.equal(formOk.status, 200);
  assert.match(await formOk.text(), /<code id="new-token">loupe_/);
  const who = (await (await fetch(`${h.base}/api/user`)).json()) as { kind: string; role: string };
  assert.deepEqual([who.kind, who.role], ["open", "Admin"]);
  // /login has nothing to do in open mode
  assert.equal((await fetch(`${h.base}/login`, { redirect: "manual" })).status, 302);
});

test("[auth.anonymous] gives its role to visitors without a session", async () => {
  const h = await startHarness("[auth.anonymous]\nenabled = true\nrole = Viewer");
  const who = (await (await fetch(`${h.base}/api/user`)).json()) as { kind: string; role: string };
  assert.deepEqual([who.kind, who.role], ["anonymous", "Viewer"]);
  assert.equal((await fetch(`${h.base}/api/admin/users`)).status, 403);
  h.gh.addUser({ id: 9, login: "root" });
  const { client } = await githubLogin(h, "root");
  assert.equal(((await (await client.get("/api/user")).json()) as { kind: string }).kind, "user");
});

test("with an https root_url cookies are Secure and HSTS is sent", async () => {
  const data = join(dir, "https");
  const f = join(dir, "https.ini");
  writeFileSync(f, `[server]\nhttp_port = 0\nroot_url = https://loupe.example/\n[paths]\ndata = ${data}\n[ingest.graphite]\ntcp_addr =\nudp_addr =\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => "https password ok" };
  assert.equal(await runCli(["user", "add", "root", "--config", f], io), 0);
  const config = loadConfig({ configPath: f, env: {} });
  assert.equal(authProviderConfigured(config), true);
  const loupe = await startLoupe(config, silentLogger);
  try {
    const b = new Client(`http://127.0.0.1:${loupe.httpPort}`);
    const csrf = await b.csrf("/login");
    const r = await b.send("POST", "/login", new URLSearchParams({ _csrf: csrf, login: "root", password: "https password ok" }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(r.status, 303);
    const cookie = r.headers.getSetCookie().find((c) => c.startsWith("loupe_session="))!;
    assert.match(cookie, /; HttpOnly; Secure; SameSite=Lax/);
    assert.match(r.headers.get("strict-transport-security") ?? "", /max-age=/);
  } finally {
    await loupe.stop();
  }
});

test("after login only local paths are followed (no open redirect)", () => {
  for (const [input, out] of [
    ["/d/host-overview?from=now-1h", "/d/host-overview?from=now-1h"],
    ["//evil.example/x", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example/", "/"],
    ["/login?next=/x", "/"],
    [undefined, "/"],
  ] as const) {
    assert.equal(safeNext(input), out, String(input));
  }
});

test("http_addr = 0.0.0.0 without a login provider: exits 1 and explains; check-config never prints the client secret", async () => {
  const f = join(dir, "open.ini");
  writeFileSync(f, `[server]\nhttp_addr = 0.0.0.0\nhttp_port = 0\n[paths]\ndata = ${join(dir, "d")}\n[ingest.graphite]\ntcp_addr =\nudp_addr =\n[auth.anonymous]\nenabled = true\n`);
  const loupe = spawnLoupe(["run", "--config", f], { cwd: dir });
  const { code } = await loupe.exited;
  assert.equal(code, 1);
  assert.match(loupe.stderr(), /refusing to serve on 0\.0\.0\.0 without authentication/);
  assert.match(loupe.stderr(), /\[auth\.github\] enabled = true/);
  assert.match(loupe.stderr(), /loupe user add/);

  const g = join(dir, "secret.ini");
  writeFileSync(g, `[auth.github]\nenabled = true\nclient_id = abc\nclient_secret = ${CLIENT_SECRET}\n`);
  let out = "";
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
  assert.equal(await runCli(["check-config", "--config", g], io), 0);
  assert.match(out, /client_secret/);
  assert.ok(!out.includes(CLIENT_SECRET), "secret masked");
  process.env["LOUPE_AUTH_GITHUB_CLIENT_SECRET"] = "env-secret-value-123";
  try {
    out = "";
    assert.equal(await runCli(["check-config", "--config", g], io), 0);
    assert.match(out, /client_secret/);
    assert.ok(!out.includes("env-secret-value-123"), "secret from the environment masked too");
  } finally {
    delete process.env["LOUPE_AUTH_GITHUB_CLIENT_SECRET"];
  }
  // a configuration error names the key, never the value of a secret
  writeFileSync(g, `[auth.github]\nenabled = true\nclient_id =\nclient_secret = ${CLIENT_SECRET}\nteam_ids = ops\n[paths]\ndata = ${join(dir, "d3")}\n[server]\nhttp_port = 0\n[ingest.graphite]\ntcp_addr =\nudp_addr =\n`);
  const bad = spawnLoupe(["run", "--config", g], { cwd: dir });
  const r = await bad.exited;
  assert.equal(r.code, 1);
  assert.match(bad.stderr(), /client_id/);
  assert.ok(!bad.stderr().includes(CLIENT_SECRET));
});
