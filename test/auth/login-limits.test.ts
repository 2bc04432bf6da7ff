import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { runCli } from "../../src/cli.js";
import { LoginLimiter } from "../../src/auth/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { Client, startHarness, type Harness } from "./harness.js";

const PASSWORD = "correct horse battery";

async function addUsers(h: Harness, ...logins: string[]): Promise<void> {
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => PASSWORD };
  for (const l of logins) assert.equal(await runCli(["user", "add", l, "--config", ini], io), 0);
}

/** A JSON login (status 200 signed in, 401 wrong, 429 limited) claiming to come through `xff`. */
async function login(h: Harness, name: string, password: string, xff?: string, c = new Client(h.base)): Promise<Response> {
  const csrf = await c.csrf("/login");
  const headers: Record<string, string> = { "content-type": "application/json", "x-csrf-token": csrf };
  if (xff !== undefined) headers["x-forwarded-for"] = xff;
  return c.send("POST", "/login", JSON.stringify({ login: name, password }), headers);
}

const refusedLines = (h: Harness): string[] => h.logs.filter((l) => l.includes("login refused"));

test("40 wrong passwords with a rotating X-Forwarded-For from loopback (no trust_proxy) are limited; another user still logs in", async () => {
  const h = await startHarness("[auth.basic]\nenabled = true\n[auth]\nlogin_max_attempts = 10\nlogin_max_attempts_per_address = 10", { github: false });
  await addUsers(h, "admin", "bob");
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await login(h, "admin", `wrong password ${i}`, `203.0.113.${i + 1}`)).status);
  assert.deepEqual(statuses.slice(0, 10), Array(10).fill(401), "the first 10 are checked");
  assert.deepEqual(statuses.slice(10), Array(30).fill(429), "then the name is locked, whatever address is claimed");
  const locked = await login(h, "admin", PASSWORD, "198.51.100.1");
  assert.equal(locked.status, 429, "even the right password waits");
  assert.match(locked.headers.get("retry-after") ?? "", /^\d+$/);
  assert.match(((await locked.json()) as { error: { message: string } }).error.message, /too many failed attempts for this login/);
  // 127.0.0.1 is over its own limit too (10 failures): names with no recent failure are still checked.
  const bob = new Client(h.base);
  const ok = await login(h, "bob", PASSWORD, "203.0.113.99", bob);
  assert.equal(ok.status, 200, "a user not under attack logs in from the same (shared) address");
  assert.deepEqual(await ok.json(), { login: "bob", role: "Viewer" });
  const m = await (await bob.get("/metrics")).text();
  assert.match(m, /^loupe_auth_login_failures_total 10$/m);
  assert.match(m, /^loupe_auth_login_locks_total 1$/m);
  assert.match(m, /^loupe_auth_login_limited_total\{by="name"\} 31$/m);
  // Every failure logged with the name and the socket address, never the claimed one nor the password.
  const refused = refusedLines(h);
  assert.equal(refused.length, 10);
  for (const l of refused) {
    assert.match(l, /admin/);
    assert.match(l, /127\.0\.0\.1/);
    assert.doesNotMatch(l, /203\.0\.113|wrong password/);
  }
  assert.ok(h.logs.some((l) => l.includes("login rate limited") && l.includes("admin")));
  assert.ok(!h.logs.some((l) => l.includes(PASSWORD)));
});

test("an address over login_max_attempts_per_address may not retry failed names, but other names' right passwords still work", async () => {
  const h = await startHarness("[auth.basic]\nenabled = true\n[auth]\nlogin_max_attempts = 10\nlogin_max_attempts_per_address = 5", { github: false });
  await addUsers(h, "admin", "carol");
  for (const n of ["u1", "u2", "u3", "u4", "admin"]) assert.equal((await login(h, n, "guess-1234", "10.9.9.9")).status, 401, n);
  assert.equal((await login(h, "u1", "guess-5678")).status, 429, "u1 failed recently and the address is over its limit");
  assert.equal((await login(h, "admin", PASSWORD)).status, 429, "admin failed recently too");
  assert.equal((await login(h, "carol", PASSWORD)).status, 200, "carol has no failure: her right password works");
  assert.equal((await login(h, "u9", "guess-0000")).status, 401, "a fresh name is still checked (one try each)");
  assert.equal((await login(h, "u9", "guess-0001")).status, 429);
});

test("with trust_proxy naming 127.0.0.1 the X-Forwarded-For address is the client: logged, and limited on its own", async () => {
  const h = await startHarness("[server]\ntrust_proxy = 127.0.0.1\n[auth.basic]\nenabled = true\n[auth]\nlogin_max_attempts = 10\nlogin_max_attempts_per_address = 5", { github: false });
  await addUsers(h, "admin");
  for (const n of ["u1", "u2", "u3", "u4", "u5"]) assert.equal((await login(h, n, "guess-1234", "198.51.100.7")).status, 401, n);
  assert.equal((await login(h, "u1", "guess-5678", "198.51.100.7")).status, 429, "198.51.100.7 is over its limit");
  assert.equal((await login(h, "u1", "guess-5678", "198.51.100.8")).status, 401, "another client behind the proxy is not");
  const refused = refusedLines(h);
  assert.equal(refused.length, 6);
  assert.ok(refused.slice(0, 5).every((l) => l.includes("198.51.100.7") && !l.includes("127.0.0.1")));
  assert.match(refused[5]!, /198\.51\.100\.8/);
  assert.equal((await login(h, "admin", PASSWORD, "198.51.100.7")).status, 200);
});

test("LoginLimiter: a name locks after its limit, each lock in a row doubles up to the maximum, a success clears it", () => {
  const clock = new FakeClock(1_000_000);
  const l = new LoginLimiter({ perName: 3, perAddress: 100, windowMs: 60_000, maxLockMs: 180_000 }, () => clock.now());
  const lockFor = (): number => {
    for (let i = 0; i < 2; i++) assert.equal(l.fail("Alice", "a"), false);
    assert.equal(l.fail(" alice ", "b"), true, "case and blanks do not make another name");
    const v = l.check("ALICE", "c");
    assert.equal(v.allowed, false);
    return v.allowed ? 0 : v.retryAfterMs;
  };
  assert.equal(lockFor(), 60_000);
  clock.advance(60_000);
  assert.deepEqual(l.check("alice", "a"), { allowed: true });
  assert.equal(lockFor(), 120_000);
  clock.advance(120_000);
  assert.equal(lockFor(), 180_000, "capped at maxLockMs");
  clock.advance(180_000);
  assert.equal(lockFor(), 180_000);
  clock.advance(180_000);
  l.succeed("alice");
  assert.equal(lockFor(), 60_000, "a success starts again from one window");
  clock.advance(60_000 + 180_000 + 60_001);
  assert.equal(lockFor(), 60_000, "a quiet period forgets the strikes");
  // failures spread wider than the window never lock
  clock.advance(10 * 60_000);
  for (let i = 0; i < 10; i++) {
    assert.equal(l.fail("bob", "a"), false);
    clock.advance(31_000);
  }
  assert.deepEqual(l.check("bob", "a"), { allowed: true });
});
