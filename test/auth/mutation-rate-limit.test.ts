// FailureLimiter and LoginLimiter (src/auth/rate-limit.ts) as pure objects with a fake clock: window
// edges, the address limit's exceptions, the verdict's numbers, the counters on /metrics, the memory
// bounds (oldest and unlocked names dropped first) and the 429 message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FailureLimiter, LoginLimitedError, LoginLimiter } from "../../src/auth/index.js";
import { FakeClock } from "../../src/lib/clock.js";

test("FailureLimiter: max failures inside the window, the wait until the oldest leaves it, reset", () => {
  const clock = new FakeClock(1_000_000);
  const f = new FailureLimiter(3, 10_000, () => clock.now());
  assert.equal(f.retryAfter("a"), 0);
  f.fail("a");
  clock.advance(1_000);
  f.fail("a");
  assert.equal(f.retryAfter("a"), 0, "two of three");
  f.fail("b");
  assert.equal(f.retryAfter("a"), 0, "another key's failure does not count");
  clock.advance(1_000);
  f.fail("a");
  assert.equal(f.retryAfter("a"), 8_000, "the first failure leaves the window in 8 s");
  clock.advance(7_999);
  assert.equal(f.retryAfter("a"), 1);
  clock.advance(1);
  assert.equal(f.retryAfter("a"), 0, "a failure exactly one window old no longer counts");
  f.fail("a");
  assert.equal(f.retryAfter("a"), 1_000);
  f.reset("a");
  assert.equal(f.retryAfter("a"), 0);
  assert.equal(f.retryAfter("b"), 0);
});

test("FailureLimiter: past 50,000 keys the keys with no recent failure are forgotten", () => {
  const clock = new FakeClock(0);
  const f = new FailureLimiter(1, 1_000, () => clock.now());
  for (let i = 0; i < 50_000; i++) f.fail(`old${i}`);
  clock.advance(1_000);
  f.fail("new");
  const size = (f as unknown as { failures: Map<string, number[]> }).failures.size;
  assert.equal(size, 1, "only the key failing now is kept");
  assert.equal(f.retryAfter("new"), 1_000);
});

const LIMITS = { perName: 3, perAddress: 4, windowMs: 60_000, maxLockMs: 600_000 };

test("LoginLimiter: an address over its limit may try fresh names but not names that failed; the wait is the shorter one", () => {
  const clock = new FakeClock(5_000_000);
  const l = new LoginLimiter(LIMITS, () => clock.now());
  assert.equal(l.fail("u1", "10.0.0.1"), false);
  clock.advance(10_000);
  assert.equal(l.fail("u2", "10.0.0.1"), false);
  clock.advance(10_000);
  assert.equal(l.fail("u3", "10.0.0.1"), false);
  assert.deepEqual(l.check("u1", "10.0.0.1"), { allowed: true }, "three of four address failures");
  clock.advance(10_000);
  assert.equal(l.fail("u4", "10.0.0.1"), false);
  // the address has 4 failures: its first leaves the window in 30 s; u4's failure in 60 s, u1's in 30 s
  assert.deepEqual(l.check("fresh", "10.0.0.1"), { allowed: true }, "a name with no failure");
  assert.deepEqual(l.check("u4", "10.0.0.2"), { allowed: true }, "another address");
  assert.deepEqual(l.check("u4", "10.0.0.1"), { allowed: false, by: "address", retryAfterMs: 30_000 });
  clock.advance(25_000);
  assert.deepEqual(l.check("u1", "10.0.0.1"), { allowed: false, by: "address", retryAfterMs: 5_000 }, "u1's failure leaves first");
  clock.advance(5_000);
  assert.deepEqual(l.check("u1", "10.0.0.1"), { allowed: true }, "u1 has no failure in the window any more");
  assert.deepEqual(l.counts, { failures: 4, locks: 0, limitedByName: 0, limitedByAddress: 2 });
});

test("LoginLimiter: the lock-causing failure returns true, the lock is counted, the verdict names the name limit", () => {
  const clock = new FakeClock(9_000_000);
  const l = new LoginLimiter(LIMITS, () => clock.now());
  assert.equal(l.fail("bob", "a"), false);
  assert.equal(l.fail("bob", "b"), false);
  assert.equal(l.fail("BOB", "c"), true);
  clock.advance(59_999);
  assert.deepEqual(l.check("bob", "z"), { allowed: false, by: "name", retryAfterMs: 1 });
  clock.advance(1);
  assert.deepEqual(l.check("bob", "z"), { allowed: true }, "the lock ends after exactly one window");
  assert.equal(l.fail("bob", "d"), false, "the failures before the lock were cleared by it");
  assert.deepEqual(l.counts, { failures: 4, locks: 1, limitedByName: 1, limitedByAddress: 0 });
  const m = l.metrics();
  assert.deepEqual(
    m.map((x) => [x.name, x.labels?.by ?? "", x.value]),
    [
      ["loupe_auth_login_failures_total", "", 4],
      ["loupe_auth_login_locks_total", "", 1],
      ["loupe_auth_login_limited_total", "name", 1],
      ["loupe_auth_login_limited_total", "address", 0],
    ],
  );
  for (const x of m) {
    assert.equal(x.type, "counter");
    assert.ok(x.help.length > 10);
  }
});

test("LoginLimiter: strikes survive a short pause and are forgotten only after lock maximum + window of quiet", () => {
  const clock = new FakeClock(0);
  const l = new LoginLimiter({ ...LIMITS, maxLockMs: 120_000 }, () => clock.now());
  const lock = (): number => {
    l.fail("c", "x");
    l.fail("c", "x");
    assert.equal(l.fail("c", "x"), true);
    const v = l.check("c", "y");
    return v.allowed ? 0 : v.retryAfterMs;
  };
  assert.equal(lock(), 60_000);
  clock.advance(60_000 + 120_000); // exactly max + window since the last failure: not yet quiet
  assert.equal(lock(), 120_000);
  clock.advance(120_000 + 120_000 + 60_000 + 1);
  assert.equal(lock(), 60_000, "quiet for longer than max + window");
  // a locked name is never forgotten as quiet, however long its lock
  const long = new LoginLimiter({ perName: 1, perAddress: 100, windowMs: 1_000, maxLockMs: 10_000_000 }, () => clock.now());
  for (let i = 0; i < 12; i++) {
    assert.equal(long.fail("d", "x"), true);
    const v = long.check("d", "x");
    assert.equal(v.allowed, false);
    clock.advance(v.allowed ? 0 : v.retryAfterMs);
  }
  assert.equal(long.fail("d", "x"), true);
  const v = long.check("d", "x");
  assert.deepEqual(v, { allowed: false, by: "name", retryAfterMs: Math.min(1_000 * 2 ** 12, 10_000_000) });
});

test("LoginLimiter: past 50,000 names the least recently failed unlocked ones are dropped, locked ones kept", () => {
  const clock = new FakeClock(0);
  const l = new LoginLimiter({ perName: 2, perAddress: 1_000_000, windowMs: 3_600_000, maxLockMs: 3_600_000 }, () => clock.now());
  l.fail("locked", "a");
  assert.equal(l.fail("locked", "a"), true);
  l.fail("victim", "a");
  l.fail("recent", "a");
  for (let i = 0; i < 49_997; i++) l.fail(`n${i}`, `addr${i}`); // 50,000 names: no pruning yet
  l.fail("recent", "a"); // its second failure: locks it, and moves it to the end
  assert.equal(l.check("recent", "a").allowed, false);
  l.fail("trigger", "a"); // 50,001 names: pruned to 45,000
  const names = (l as unknown as { names: Map<string, unknown> }).names;
  assert.equal(names.size, 45_000);
  assert.equal(l.check("locked", "a").allowed, false, "the oldest name is locked: kept");
  assert.equal(l.fail("victim", "a"), false, "the oldest unlocked name was dropped with its failure");
  assert.equal(names.has("n0"), false);
  assert.equal(names.has("n49996"), true);
  assert.equal(names.has("recent"), true);
});

test("LoginLimitedError: 429, a stable code, whole seconds rounded up, which limit", () => {
  const byName = new LoginLimitedError(1_001, "name");
  assert.equal(byName.status, 429);
  assert.equal(byName.code, "too_many_attempts");
  assert.equal(byName.message, "too many failed attempts for this login; try again in 2 s");
  assert.equal(new LoginLimitedError(60_000, "address").message, "too many failed attempts from this address for this login; try again in 60 s");
});
