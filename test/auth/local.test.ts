import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { FakeClock } from "../../src/lib/clock.js";
import { hashPassword, verifyPassword } from "../../src/auth/index.js";
import { Client, startHarness, type Harness } from "./harness.js";

const PASSWORD = "correct horse battery";

function cli(h: Harness, secret = PASSWORD) {
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  let out = "";
  const io = { out: (s: string) => void (out += `${s}\n`), err: (s: string) => void (out += `${s}\n`), readSecret: async () => secret };
  return { run: (args: string[]) => runCli(["user", ...args, "--config", ini], io), out: () => out, ini };
}

async function localLogin(c: Client, login: string, password: string): Promise<Response> {
  const csrf = await c.csrf("/login");
  return c.send("POST", "/login", new URLSearchParams({ _csrf: csrf, login, password, next: "/admin/users" }), { "content-type": "application/x-www-form-urlencoded" });
}

test("scrypt hashes verify and differ per salt", async () => {
  const a = await hashPassword(PASSWORD);
  const b = await hashPassword(PASSWORD);
  assert.notEqual(a, b);
  assert.match(a, /^scrypt\$16384\$8\$1\$/);
  assert.equal(await verifyPassword(PASSWORD, a), true);
  assert.equal(await verifyPassword("wrong password!", a), false);
  assert.equal(await verifyPassword(PASSWORD, "garbage"), false);
});

test("local logins: loupe user add|passwd|list, form login, rate limit, idle and absolute session lifetimes", async (t) => {
  const clock = new FakeClock(Date.now());
  const h = await startHarness("[auth.basic]\nenabled = true\n[auth]\nsession_idle = 1h\nsession_max = 1d\nlogin_max_attempts = 3", { github: false, clock });
  const c = cli(h);

  await t.test("loupe user add / list; weak passwords refused", async () => {
    assert.equal(await c.run(["add", "admin"]), 0, c.out());
    assert.equal(await c.run(["add", "viewer1", "--role", "Viewer"]), 0, c.out());
    assert.equal(await cli(h, "short").run(["add", "weak"]), 1);
    assert.equal(await c.run(["add", "admin"]), 1, "duplicate refused");
    assert.equal(await c.run(["list"]), 0);
    assert.match(c.out(), /admin\s+local\s+Admin\s+active/);
    assert.match(c.out(), /viewer1\s+local\s+Viewer\s+active/);
  });

  await t.test("form login with a good password starts a session and redirects to next", async () => {
    const b = new Client(h.base);
    const r = await localLogin(b, "admin", PASSWORD);
    assert.equal(r.status, 303);
    assert.equal(r.headers.get("location"), "/admin/users");
    const cookie = r.headers.getSetCookie().find((x) => x.startsWith("loupe_session="))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/);
    assert.doesNotMatch(cookie, /Secure/, "http root_url: no Secure flag");
    const who = (await (await b.get("/api/user")).json()) as { login: string; role: string };
    assert.deepEqual([who.login, who.role], ["admin", "Admin"]);
  });

  await t.test("a wrong password is refused without saying which part was wrong; a login POST without CSRF token is refused", async () => {
    const b = new Client(h.base);
    const r = await localLogin(b, "admin", "not the password");
    assert.equal(r.headers.get("location"), "/login?error=bad_credentials&login=admin&next=%2Fadmin%2Fusers");
    // the login page shows the message and keeps the login typed (escaped), never the password
    const page = await (await b.get(r.headers.get("location")!)).text();
    assert.match(page, /id="login-error"[^>]*>Wrong login or password/);
    assert.match(page, /name="login" id="login-name" value="admin"/);
    assert.doesNotMatch(page, /not the password/);
    const nobody = await localLogin(new Client(h.base), "nobody", "whatever-password");
    assert.equal(nobody.headers.get("location"), "/login?error=bad_credentials&login=nobody&next=%2Fadmin%2Fusers");
    const evil = await (await b.get(`/login?error=bad_credentials&login=${encodeURIComponent('"><script>x</script>')}`)).text();
    assert.doesNotMatch(evil, /<script>x/, "the kept login is escaped");
    const noCsrf = await b.send("POST", "/login", new URLSearchParams({ login: "admin", password: PASSWORD }), { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(noCsrf.status, 403);
  });

  await t.test("after login_max_attempts failures per minute the login name waits (429), even with the right password", async () => {
    const b = new Client(h.base);
    const r = await localLogin(b, "admin", "wrong again 1");
    assert.match(r.headers.get("location")!, /error=bad_credentials/);
    assert.match((await localLogin(b, "admin", "wrong again 2")).headers.get("location")!, /error=bad_credentials/, "the third failure of admin locks it");
    const limited = await localLogin(b, "admin", PASSWORD);
    assert.match(limited.headers.get("location")!, /error=too_many_attempts/);
    const json = await b.send("POST", "/login", JSON.stringify({ login: "admin", password: PASSWORD }), { "content-type": "application/json", "x-csrf-token": await b.csrf() });
    assert.equal(json.status, 429);
    clock.advance(61_000);
    const ok = await localLogin(b, "admin", PASSWORD);
    assert.equal(ok.headers.get("location"), "/admin/users", "allowed again a minute later");
  });

  await t.test("sessions end after session_idle; each use extends them", async () => {
    const b = new Client(h.base);
    await localLogin(b, "viewer1", PASSWORD);
    assert.equal((await b.get("/api/user")).status, 200);
    clock.advance(50 * 60_000);
    assert.equal((await b.get("/api/user")).status, 200, "used within the idle time");
    clock.advance(50 * 60_000);
    assert.equal((await b.get("/api/user")).status, 200, "used again: idle time counts from the last use");
    clock.advance(61 * 60_000);
    assert.equal((await b.get("/api/user")).status, 401, "idle for more than 1h: ended");
  });

  await t.test("sessions end after session_max whatever their use", async () => {
    const b = new Client(h.base);
    await localLogin(b, "viewer1", PASSWORD);
    for (let i = 0; i < 23; i++) {
      clock.advance(59 * 60_000);
      assert.equal((await b.get("/api/user")).status, 200, `hour ${i}`);
    }
    clock.advance(2 * 60 * 60_000 - 23 * 60_000);
    assert.equal((await b.get("/api/user")).status, 401);
  });

  await t.test("loupe user passwd changes the password and ends the user's sessions", async () => {
    const b = new Client(h.base);
    await localLogin(b, "viewer1", PASSWORD);
    assert.equal((await b.get("/api/user")).status, 200);
    assert.equal(await cli(h, "a brand new password").run(["passwd", "viewer1"]), 0);
    assert.equal((await b.get("/api/user")).status, 401);
    assert.match((await localLogin(new Client(h.base), "viewer1", PASSWORD)).headers.get("location")!, /bad_credentials/);
    assert.equal((await localLogin(new Client(h.base), "viewer1", "a brand new password")).headers.get("location"), "/admin/users");
  });

  await t.test("loupe user disable ends sessions and refuses login; the last Admin cannot be disabled", async () => {
    const b = new Client(h.base);
    await localLogin(b, "viewer1", "a brand new password");
    assert.equal(await c.run(["disable", "viewer1"]), 0);
    assert.equal((await b.get("/api/user")).status, 401);
    assert.match((await localLogin(new Client(h.base), "viewer1", "a brand new password")).headers.get("location")!, /user_disabled/);
    assert.equal(await c.run(["disable", "admin"]), 1, "last admin");
    assert.match(c.out(), /last enabled Admin/);
  });

  await t.test("no password or hash in logs", () => {
    const all = h.logs.join("");
    assert.ok(all.includes("login refused"));
    assert.ok(!all.includes(PASSWORD) && !all.includes("scrypt$"));
  });
});

test("sessions survive a restart", async () => {
  const h = await startHarness("[auth.basic]\nenabled = true", { github: false });
  const c = cli(h);
  assert.equal(await c.run(["add", "admin"]), 0);
  const b = new Client(h.base);
  await localLogin(b, "admin", PASSWORD);
  const sid = b.cookies.get("loupe_session")!;
  await h.loupe.stop();
  const h2 = await startHarness("[auth.basic]\nenabled = true", { github: false, dir: join(h.dataDir, "..") });
  const b2 = new Client(h2.base);
  b2.cookies.set("loupe_session", sid);
  const who = (await (await b2.get("/api/user")).json()) as { login: string };
  assert.equal(who.login, "admin");
});
