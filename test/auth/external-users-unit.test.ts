// UserService.signInExternal (generic OAuth, LDAP, auth proxy) without a server: creation, the first
// user and [auth] admins, role sync, login clashes, sign-up off, disabled users, no password ever.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { SessionService } from "../../src/auth/sessions.js";
import { SignInError, UserService, type ExternalIdentity } from "../../src/auth/users.js";
import { FakeClock } from "../../src/lib/clock.js";
import { migrate, openDatabase } from "../../src/store/index.js";
import { openAuthStores } from "../../src/store/auth/index.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-extusers-");
let n = 0;

function users(admins: string[] = []): UserService {
  const db = openDatabase(join(dir, `e${n++}.db`));
  migrate(db);
  const stores = openAuthStores(db);
  const clock = new FakeClock(Date.UTC(2026, 11, 3));
  return new UserService(stores, new SessionService(stores, { idleMs: 3_600_000, maxMs: 86_400_000 }, clock), { admins, allowSignUp: true, defaultRole: "Viewer" }, clock);
}

const id = (over: Partial<ExternalIdentity> = {}): ExternalIdentity => ({ provider: "oauth", subject: "sub-1", login: "ann", name: "Ann", email: "ann@example.com", mappedRole: undefined, ...over });
const open = { allowSignUp: true, defaultRole: "Viewer" as const, matchByLogin: false };
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SignInError) return err.code;
    throw err;
  }
  return "ok";
};

test("external users: created once (first is Admin), stored as local + external_id, profile and mapped role synced", () => {
  const u = users();
  const first = u.signInExternal(id(), open);
  assert.deepEqual([first.provider, first.externalId, first.login, first.role, first.passwordHash], ["local", "oauth:sub-1", "ann", "Admin", null]);
  const bob = u.signInExternal(id({ subject: "sub-2", login: "bob", name: "" }), open);
  assert.deepEqual([bob.role, bob.name], ["Viewer", "bob"], "default role; the login when no name");
  const again = u.signInExternal(id({ subject: "sub-2", login: "bobby", name: "Bob B", mappedRole: "Editor" }), open);
  assert.deepEqual([again.id, again.login, again.name, again.role], [bob.id, "bobby", "Bob B", "Editor"], "same row, renamed, role synced");
  assert.equal(u.signInExternal(id({ subject: "sub-2", login: "bobby" }), open).role, "Editor", "no mapping: the role is left alone");
  assert.equal(u.list().length, 2);
});

test("external users: the same subject at another provider is another user; [auth] admins are Admin", () => {
  const u = users(["carol"]);
  u.signInExternal(id(), open);
  assert.equal(code(() => u.signInExternal(id({ provider: "ldap" }), open)), "login_taken", "ldap:ann is not oauth:ann");
  assert.equal(u.signInExternal(id({ provider: "ldap", subject: "carol", login: "carol", mappedRole: "Viewer" }), open).role, "Admin");
});

test("external users: refusals — login taken, sign-up off, invalid login, disabled", async () => {
  const u = users();
  await u.add("root", { provider: "local", password: "a-long-local-password" });
  assert.equal(code(() => u.signInExternal(id({ login: "root" }), open)), "login_taken", "no local account is taken over by name");
  assert.equal(code(() => u.signInExternal(id(), { ...open, allowSignUp: false })), "signup_disabled");
  assert.equal(code(() => u.signInExternal(id({ login: "has space" }), open)), "invalid_login");
  const ann = u.signInExternal(id(), open);
  u.update(ann.id, { disabled: true });
  assert.equal(code(() => u.signInExternal(id(), open)), "user_disabled");
});

test("external users: the proxy (matchByLogin) signs in as an existing user of that login; external users never have a password", async () => {
  const u = users();
  const root = await u.add("root", { provider: "local", password: "a-long-local-password" });
  const viaProxy = u.signInExternal(id({ provider: "proxy", subject: "root", login: "root" }), { ...open, matchByLogin: true });
  assert.equal(viaProxy.id, root.id);
  const ext = u.signInExternal(id({ subject: "s9", login: "ext" }), open);
  await assert.rejects(() => u.setPassword("ext", "a-long-new-password"), /signs in through oauth/);
  await assert.rejects(() => u.verifyLocal("ext", "anything-at-all"), (e: Error & { code?: string }) => e.code === "bad_credentials");
  assert.equal(u.byId(ext.id).passwordHash, null);
});
