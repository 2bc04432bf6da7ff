// OAuth `state` of the GitHub login (src/auth/oauth-state.ts) with an injected FakeClock: valid up to
// exactly 10 minutes, refused one millisecond later; used once; bound to the browser's cookie; pruned and
// bounded; and `next` restricted to local paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Request } from "express";
import { FakeClock } from "../../src/lib/clock.js";
import { OAUTH_STATE_MAX_PENDING, OAUTH_STATE_TTL_MS, OAuthStateStore, STATE_COOKIE, safeNext, type PendingLogin } from "../../src/auth/oauth-state.js";

interface FakeReq {
  req: Request;
  cookies: string[];
}

function fakeReq(opts: { cookie?: string; next?: unknown } = {}): FakeReq {
  const cookies: string[] = [];
  const res = { append: (name: string, value: string) => (assert.equal(name, "Set-Cookie"), cookies.push(value), res) };
  const req = { query: opts.next === undefined ? {} : { next: opts.next }, headers: opts.cookie === undefined ? {} : { cookie: opts.cookie }, res } as unknown as Request;
  return { req, cookies };
}

function start(store: OAuthStateStore, next?: unknown): { state: string; setCookie: string } {
  const r = fakeReq({ next });
  let state: string | undefined;
  store.store(r.req, {}, (err, s) => {
    assert.equal(err, null);
    state = s;
  });
  assert.ok(state !== undefined && state.length >= 32, "a random state of at least 24 bytes");
  assert.equal(r.cookies.length, 1);
  return { state, setCookie: r.cookies[0]! };
}

function finish(store: OAuthStateStore, state: unknown, cookie: string | undefined): { ok: boolean; info: unknown; setCookie: string } {
  const r = fakeReq(cookie === undefined ? {} : { cookie });
  let out: { ok: boolean; info: unknown } | undefined;
  store.verify(r.req, state, {}, (err, ok, info) => {
    assert.equal(err, null);
    out = { ok, info };
  });
  assert.ok(out !== undefined, "verify answers synchronously");
  assert.equal(r.cookies.length, 1, "verify always clears the state cookie");
  return { ...out, setCookie: r.cookies[0]! };
}

const cookieFor = (state: string): string => `other=1; ${STATE_COOKIE}=${state}`;

test("oauth state: the store sets an httpOnly cookie on /login for 10 minutes; Secure only when asked", () => {
  const clock = new FakeClock(1_000_000);
  const { state, setCookie } = start(new OAuthStateStore(clock, false));
  assert.equal(setCookie, `${STATE_COOKIE}=${state}; Path=/login; Max-Age=600; HttpOnly; SameSite=Lax`);
  assert.equal(OAUTH_STATE_TTL_MS, 600_000);
  assert.match(start(new OAuthStateStore(clock, true)).setCookie, /; Secure;/);
});

test("oauth state: accepted at exactly the TTL, refused one millisecond after (injected clock)", () => {
  for (const [age, ok] of [[0, true], [1, true], [OAUTH_STATE_TTL_MS - 1, true], [OAUTH_STATE_TTL_MS, true], [OAUTH_STATE_TTL_MS + 1, false], [10 * OAUTH_STATE_TTL_MS, false]] as const) {
    const clock = new FakeClock(5_000_000);
    const store = new OAuthStateStore(clock, false);
    const { state } = start(store, "/d/abc?from=now-1h");
    clock.advance(age);
    const r = finish(store, state, cookieFor(state));
    assert.equal(r.ok, ok, `age ${age} ms`);
    if (ok) assert.deepEqual(r.info as PendingLogin, { next: "/d/abc?from=now-1h" });
    else assert.deepEqual(r.info, { code: "bad_state" });
    assert.equal(r.setCookie, `${STATE_COOKIE}=; Path=/login; Max-Age=0; HttpOnly; SameSite=Lax`);
    assert.equal(store.pendingCount, 0, "a verified or refused state is forgotten");
  }
});

test("oauth state: also takes the clock as a function", () => {
  let now = 0;
  const store = new OAuthStateStore(() => now, false);
  const { state } = start(store);
  now = OAUTH_STATE_TTL_MS + 1;
  assert.equal(finish(store, state, cookieFor(state)).ok, false);
});

test("oauth state: used once; forged, other-browser, missing or empty states are refused", () => {
  const clock = new FakeClock(0);
  const store = new OAuthStateStore(clock, false);
  const a = start(store).state;
  const b = start(store).state;
  assert.notEqual(a, b);
  assert.equal(store.pendingCount, 2);
  assert.deepEqual(finish(store, a, cookieFor(b)).info, { code: "bad_state" }, "another browser's cookie");
  assert.equal(finish(store, a, cookieFor(a)).ok, false, "a state is removed even when its cookie did not match");
  assert.equal(finish(store, b, undefined).ok, false, "no cookie");
  const c = start(store).state;
  assert.equal(finish(store, c, cookieFor(c)).ok, true);
  assert.equal(finish(store, c, cookieFor(c)).ok, false, "replayed");
  assert.deepEqual(finish(store, "forged", cookieFor("forged")).info, { code: "bad_state" });
  assert.deepEqual(finish(store, "", cookieFor("")).info, { code: "missing_state" });
  assert.deepEqual(finish(store, undefined, cookieFor("x")).info, { code: "missing_state" });
  assert.deepEqual(finish(store, 42, cookieFor("42")).info, { code: "missing_state" });
  const d = start(store).state;
  assert.equal(finish(store, d, cookieFor(`${d}x`)).ok, false, "a longer cookie");
  assert.equal(finish(store, d, cookieFor(d)).ok, false, "consumed by the failed try");
  assert.equal(store.pendingCount, 0);
});

test("oauth state: expired logins are pruned when a new one starts; at most MAX_PENDING, oldest dropped first", () => {
  const clock = new FakeClock(0);
  const store = new OAuthStateStore(clock, false);
  start(store);
  start(store);
  clock.advance(OAUTH_STATE_TTL_MS);
  start(store);
  assert.equal(store.pendingCount, 3, "not yet expired at exactly the TTL");
  clock.advance(1);
  start(store);
  assert.equal(store.pendingCount, 2, "the two expired ones are pruned");

  assert.equal(OAUTH_STATE_MAX_PENDING, 10_000, "the default bound");
  const MAX = 5;
  const big = new OAuthStateStore(new FakeClock(0), false, MAX);
  const first = start(big).state;
  const second = start(big).state;
  for (let i = 2; i < MAX; i++) start(big);
  assert.equal(big.pendingCount, MAX);
  const newest = start(big).state;
  assert.equal(big.pendingCount, MAX, "bounded");
  assert.equal(finish(big, first, cookieFor(first)).ok, false, "the oldest was dropped");
  assert.equal(finish(big, second, cookieFor(second)).ok, true, "the second oldest is kept");
  assert.equal(finish(big, newest, cookieFor(newest)).ok, true);
});

test("oauth state: next is kept only for local paths", () => {
  const store = new OAuthStateStore(new FakeClock(0), false);
  for (const [next, want] of [
    ["/d/x?y=1", "/d/x?y=1"],
    ["/", "/"],
    ["//evil.example", "/"],
    ["/\\evil.example", "/"],
    ["https://evil.example", "/"],
    ["evil", "/"],
    ["", "/"],
    ["/x\r\nSet-Cookie: a=b", "/"],
    ["/x\ny", "/"],
    ["/x\ry", "/"],
    ["/login", "/"],
    ["/login/github", "/"],
    ["/logout?x", "/"],
    ["/loginx", "/"],
    ["/a/login", "/a/login"],
    [42, "/"],
    [["/a", "/b"], "/"],
  ] as const) {
    const { state } = start(store, next);
    assert.deepEqual(finish(store, state, cookieFor(state)).info, { next: want }, JSON.stringify(next));
    if (typeof next === "string") assert.equal(safeNext(next), want);
  }
  assert.equal(safeNext(undefined), "/");
});
