// Passwords and the user service without a server (scrypt makes these slower than auth-unit.test.ts,
// so they live apart: the mutation run only runs them for mutants they reach).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { hashPassword, MIN_PASSWORD_LENGTH, verifyPassword } from "../../src/auth/password.js";
import { SessionService } from "../../src/auth/sessions.js";
import { TokenService } from "../../src/auth/tokens.js";
import { UserService } from "../../src/auth/users.js";
import { FakeClock } from "../../src/lib/clock.js";
import { migrate, openDatabase } from "../../src/store/index.js";
import { openAuthStores, type AuthStores } from "../../src/store/auth/index.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-usersunit-");
let dbn = 0;

function services(opts: { admins?: string[]; allowSignUp?: boolean; idleMs?: number; maxMs?: number } = {}): { stores: AuthStores; clock: FakeClock; sessions: SessionService; tokens: TokenService; users: UserService } {
  const db = openDatabase(join(dir, `a${dbn++}.db`));
  migrate(db);
  const stores = openAuthStores(db);
  const clock = new FakeClock(Date.UTC(2026, 11, 3));
  const sessions = new SessionService(stores, { idleMs: opts.idleMs ?? 3_600_000, maxMs: opts.maxMs ?? 86_400_000 }, clock);
  const tokens = new TokenService(stores, clock);
  const users = new UserService(stores, sessions, { admins: opts.admins ?? [], allowSignUp: opts.allowSignUp ?? true, defaultRole: "Viewer" }, clock);
  return { stores, clock, sessions, tokens, users };
}

// ---------- passwords ----------

test("passwords: scrypt hashes verify, wrong or malformed ones do not", async () => {
  assert.equal(MIN_PASSWORD_LENGTH, 10);
  const h = await hashPassword("correct horse");
  const parts = h.split("$");
  assert.deepEqual(parts.slice(0, 4), ["scrypt", "16384", "8", "1"]);
  assert.equal(Buffer.from(parts[4]!, "base64url").length, 16, "16-byte salt");
  assert.equal(Buffer.from(parts[5]!, "base64url").length, 32, "32-byte key");
  assert.notEqual(await hashPassword("correct horse"), h, "salted");
  assert.equal(await verifyPassword("correct horse", h), true);
  assert.equal(await verifyPassword("correct horsf", h), false);
  assert.equal(await verifyPassword("Cafe\u0301 au lait", await hashPassword("Café au lait")), true, "NFC-normalized");
  for (const bad of ["", "scrypt$16384$8$1$abc", `bcrypt$16384$8$1$${parts[4]}$${parts[5]}`, `scrypt$0$8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$-8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$8$1.5$${parts[4]}$${parts[5]}`, `scrypt$x$8$1$${parts[4]}$${parts[5]}`, `scrypt$16384$8$1$${parts[4]}$`, `${h}$x`]) {
    assert.equal(await verifyPassword("correct horse", bad), false, bad);
  }
});

// ---------- users ----------

test("users: add validates logins and passwords; the first user and listed admins are Admin", async () => {
  const { users } = services({ admins: ["Boss"] });
  for (const bad of ["", "-x", ".x", "a b", "a/b", "x".repeat(65), "é"]) await assert.rejects(users.add(bad, { provider: "github" }), (e: Error & { code?: string }) => e.code === "invalid_login", bad);
  const first = await users.add("first", { provider: "github" });
  assert.equal(first.role, "Admin");
  assert.equal((await users.add("x".repeat(64), { provider: "github" })).role, "Viewer");
  assert.equal((await users.add("a.b_c@d-e", { provider: "github", role: "Editor", name: "A B" })).role, "Editor");
  assert.equal((await users.add("boss", { provider: "github", role: "Viewer" })).role, "Admin", "listed admin, any case");
  await assert.rejects(users.add("first", { provider: "github" }), (e: Error & { code?: string }) => e.code === "user_exists");
  await assert.rejects(users.add("weak", { provider: "local", password: "123456789" }), (e: Error & { code?: string }) => e.code === "weak_password" && /at least 10 characters/.test(e.message));
  await assert.rejects(users.add("nopw", { provider: "local" }), (e: Error & { code?: string }) => e.code === "weak_password");
  const loc = await users.add("loc", { provider: "local", password: "1234567890" });
  assert.equal(loc.provider, "local");
  assert.equal(loc.name, "loc");
  assert.ok(loc.passwordHash !== null && loc.passwordHash.startsWith("scrypt$"));
  assert.equal(users.list().length, 5);
  assert.equal(users.byId(loc.id).login, "loc");
  assert.throws(() => users.byId(9999), (e: Error & { code?: string }) => e.code === "user_not_found");
});

test("users: local sign-in, password change ends sessions, disabled users and listed admins", async () => {
  const { users, sessions } = services({ admins: ["carol"] });
  await users.add("root", { provider: "github" });
  const carol = await users.add("carol", { provider: "local", password: "secret-pass-1" });
  const dave = await users.add("dave", { provider: "local", password: "secret-pass-2", role: "Editor" });
  await users.add("gh", { provider: "github" });
  assert.equal((await users.verifyLocal("dave", "secret-pass-2")).id, dave.id);
  for (const [login, pw] of [["dave", "secret-pass-1"], ["nobody", "secret-pass-2"], ["gh", "anything-at-all"]] as const) {
    await assert.rejects(users.verifyLocal(login, pw), (e: Error & { code?: string; status?: number }) => e.code === "bad_credentials" && e.status === 403 && e.message === "wrong login or password", login);
  }
  users.update(carol.id, { role: "Viewer" });
  assert.equal((await users.verifyLocal("carol", "secret-pass-1")).role, "Admin", "a listed admin is made Admin again at sign-in");
  const s = sessions.create(dave.id);
  await users.setPassword("dave", "new-password-9");
  assert.equal(sessions.resolve(s.cookieValue), undefined, "sessions end when the password changes");
  await assert.rejects(users.verifyLocal("dave", "secret-pass-2"), /wrong login or password/);
  assert.equal((await users.verifyLocal("dave", "new-password-9")).login, "dave");
  await assert.rejects(users.setPassword("dave", "short"), (e: Error & { code?: string }) => e.code === "weak_password");
  await assert.rejects(users.setPassword("nobody", "long-enough-1"), (e: Error & { code?: string }) => e.code === "user_not_found");
  await assert.rejects(users.setPassword("gh", "long-enough-1"), (e: Error & { code?: string }) => e.code === "not_local");
  users.update(dave.id, { disabled: true });
  await assert.rejects(users.verifyLocal("dave", "new-password-9"), (e: Error & { code?: string }) => e.code === "user_disabled");
});

test("users: update keeps one enabled Admin; role and disabled change independently; disabling ends sessions", async () => {
  const { users, sessions } = services();
  const a = await users.add("a", { provider: "github" });
  const b = await users.add("b", { provider: "github" });
  for (const change of [{ role: "Editor" as const }, { disabled: true }, { role: "Viewer" as const, disabled: true }]) {
    assert.throws(() => users.update(a.id, change), (e: Error & { code?: string; status?: number }) => e.code === "last_admin" && e.status === 403, JSON.stringify(change));
  }
  assert.equal(users.update(a.id, { role: "Admin" }).role, "Admin", "no change is fine");
  assert.equal(users.update(a.id, {}).role, "Admin");
  assert.equal(users.update(b.id, { role: "Admin" }).role, "Admin");
  const s = sessions.create(a.id);
  const a2 = users.update(a.id, { disabled: true });
  assert.deepEqual([a2.role, a2.disabled], ["Admin", true]);
  assert.equal(sessions.resolve(s.cookieValue), undefined);
  assert.throws(() => users.update(b.id, { role: "Viewer" }), /last enabled Admin/, "a disabled Admin does not count");
  const a3 = users.update(a.id, { disabled: false });
  assert.deepEqual([a3.role, a3.disabled], ["Admin", false]);
  const b2 = users.update(b.id, { role: "Editor" });
  assert.deepEqual([b2.role, b2.disabled], ["Editor", false]);
  const s2 = sessions.create(b.id);
  users.update(b.id, { role: "Viewer" });
  assert.ok(sessions.resolve(s2.cookieValue) !== undefined, "a role change keeps sessions");
  assert.throws(() => users.update(999, { role: "Viewer" }), (e: Error & { code?: string }) => e.code === "user_not_found");
});

test("users: GitHub sign-in creates, links placeholders, follows renames, maps roles, refuses when it must", async () => {
  const { users } = services({ admins: ["octo-admin"] });
  const facts = (id: string, login: string, name = login) => ({ profile: { id, login, name, email: `${login}@x.io`, avatarUrl: `https://a/${id}` }, emails: [], orgs: [], teams: [] });
  const ok = (mappedRole?: "Viewer" | "Editor" | "Admin") => ({ ok: true as const, email: "e@x.io", mappedRole });
  const first = users.signInGithub(facts("1", "first"), ok());
  assert.deepEqual([first.role, first.login, first.externalId, first.email, first.avatarUrl], ["Admin", "first", "1", "e@x.io", "https://a/1"]);
  assert.equal(users.signInGithub(facts("2", "two"), ok()).role, "Viewer", "default role");
  assert.equal(users.signInGithub(facts("3", "three"), ok("Editor")).role, "Editor", "mapped role");
  assert.equal(users.signInGithub(facts("4", "Octo-Admin"), ok("Viewer")).role, "Admin", "listed admin");
  // again: the same row, role follows the mapping, profile updated
  const again = users.signInGithub(facts("2", "two", "Two Two"), ok("Editor"));
  assert.deepEqual([again.role, again.name], ["Editor", "Two Two"]);
  assert.equal(users.signInGithub(facts("2", "two"), ok()).role, "Editor", "no mapping keeps the role");
  // rename onto a free login follows; onto a taken one keeps the old login
  assert.equal(users.signInGithub(facts("2", "two-renamed"), ok()).login, "two-renamed");
  assert.equal(users.signInGithub(facts("2", "three"), ok()).login, "two-renamed");
  // a placeholder from `loupe user add --github` is claimed by the account with that login
  const ph = await users.add("placeholder", { provider: "github", role: "Editor" });
  const claimed = users.signInGithub(facts("77", "placeholder"), ok());
  assert.deepEqual([claimed.id, claimed.externalId, claimed.role], [ph.id, "77", "Editor"]);
  // a local user's login cannot be taken by GitHub; a linked placeholder neither
  await users.add("localu", { provider: "local", password: "1234567890" });
  assert.throws(() => users.signInGithub(facts("88", "localu"), ok()), (e: Error & { code?: string }) => e.code === "login_taken");
  assert.throws(() => users.signInGithub(facts("89", "placeholder"), ok()), (e: Error & { code?: string }) => e.code === "login_taken");
  // disabled, and sign-up closed
  users.update(users.list().find((u) => u.login === "three")!.id, { disabled: true });
  assert.throws(() => users.signInGithub(facts("3", "three"), ok()), (e: Error & { code?: string }) => e.code === "user_disabled");
  const closed = services({ allowSignUp: false }).users;
  assert.throws(() => closed.signInGithub(facts("1", "x"), ok()), (e: Error & { code?: string }) => e.code === "signup_disabled");
});
