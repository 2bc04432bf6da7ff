// GitHub sign-in policy and auth config checks (src/auth/github-policy.ts, provider.ts): the cases the
// table tests in github-policy.test.ts leave open — every mapping list on its own, the e-mail chosen
// and how its domain is read, the refusal messages, and team-id parsing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { scryptSync } from "node:crypto";
import { chooseEmail, decideGithubLogin, parseTeamIds, type GithubFacts, type GithubPolicy } from "../../src/auth/github-policy.js";
import { verifyPassword } from "../../src/auth/password.js";
import { checkAuthConfig } from "../../src/auth/provider.js";
import { loadConfig } from "../../src/config/index.js";

const NONE: GithubPolicy = {
  allowedOrganizations: [],
  teamIds: [],
  allowedDomains: [],
  adminOrganizations: [],
  editorOrganizations: [],
  adminTeamIds: [],
  editorTeamIds: [],
  defaultRole: "Viewer",
};
const team = (id: number) => ({ id, slug: `t${id}`, organization: "corp" });
const facts = (over: Partial<GithubFacts> & { email?: string } = {}): GithubFacts => ({
  profile: { id: "1", login: "u", name: "U", email: over.email ?? "", avatarUrl: "" },
  emails: over.emails ?? [{ email: "u@corp.example", primary: true, verified: true }],
  orgs: over.orgs ?? [],
  teams: over.teams ?? [],
});

test("github policy: each role-mapping list works on its own; Admin beats Editor beats the default", () => {
  const cases: Array<[Partial<GithubPolicy>, Partial<GithubFacts>, string | undefined]> = [
    [{ adminOrganizations: ["Root"] }, { orgs: ["root"] }, "Admin"],
    [{ adminOrganizations: ["root"] }, { orgs: ["other"] }, "Viewer"],
    [{ editorOrganizations: ["eds"] }, { orgs: ["EDS"] }, "Editor"],
    [{ adminTeamIds: [3] }, { teams: [team(3)] }, "Admin"],
    [{ adminTeamIds: [3] }, { teams: [team(4)] }, "Viewer"],
    [{ editorTeamIds: [4] }, { teams: [team(4)] }, "Editor"],
    [{ editorTeamIds: [4], defaultRole: "Admin" }, { teams: [team(5)] }, "Admin"],
    [{ editorTeamIds: [4], adminOrganizations: ["root"] }, { teams: [team(4)], orgs: ["root"] }, "Admin"],
    [{ editorOrganizations: ["eds"], adminTeamIds: [9] }, { orgs: ["eds"], teams: [team(8)] }, "Editor"],
    [{ allowedOrganizations: ["corp"], teamIds: [1] }, { orgs: ["corp"], teams: [team(1)] }, undefined],
  ];
  for (const [p, f, role] of cases) {
    const d = decideGithubLogin(facts(f), { ...NONE, ...p });
    assert.deepEqual(d, { ok: true, email: "u@corp.example", mappedRole: role }, JSON.stringify([p, f]));
  }
});

test("github policy: the e-mail used is the public one, else the primary one; its domain after the last @", () => {
  assert.equal(chooseEmail(facts({ email: "pub@x.example" })), "pub@x.example");
  assert.equal(chooseEmail(facts({ emails: [{ email: "a@x", primary: false, verified: true }, { email: "b@y", primary: true, verified: true }] })), "b@y");
  assert.equal(chooseEmail(facts({ emails: [{ email: "a@x", primary: false, verified: true }] })), "");
  const allow = (emails: GithubFacts["emails"], email: string, domains: string[]) => decideGithubLogin(facts({ emails, email }), { ...NONE, allowedDomains: domains });
  // a public e-mail not listed in /user/emails counts as verified
  assert.equal(allow([], "me@corp.example", ["corp.example"]).ok, true);
  assert.equal(allow([], "me@Corp.Example", ["CORP.example"]).ok, true, "both sides case-insensitive");
  assert.equal(allow([], "me@x@corp.example", ["corp.example"]).ok, true, "the last @ separates the domain");
  assert.equal(allow([], "me.corp.example", ["corp.example", ""]).ok, false, "no @: no domain, even with an empty one allowed");
  assert.equal(allow([], "me@", ["", "corp.example"]).ok, false, "an empty domain is never allowed");
  assert.equal(allow([], "me.corp.example", ["me.corp.example"]).ok, false, "no @: the whole address is not a domain");
  assert.equal(allow([], "@corp.example", ["corp.example"]).ok, true, "an @ at the very start still separates the domain");
  // listed: its verified flag decides, matched case-insensitively
  assert.equal(allow([{ email: "ME@corp.example", primary: true, verified: false }], "me@corp.example", ["corp.example"]).ok, false);
  assert.equal(allow([{ email: "ME@corp.example", primary: true, verified: true }], "me@corp.example", ["corp.example"]).ok, true);
  assert.equal(allow([{ email: "other@corp.example", primary: false, verified: false }], "me@corp.example", ["corp.example"]).ok, true);
  const refused = decideGithubLogin(facts(), { ...NONE, allowedDomains: ["else.example"] });
  assert.deepEqual(refused, { ok: false, code: "email_domain", message: "your GitHub email address is not in an allowed domain" });
});

test("github policy: refusal messages name what is missing", () => {
  assert.deepEqual(decideGithubLogin(facts(), { ...NONE, teamIds: [1] }), { ok: false, code: "missing_team", message: "you are not a member of one of the required GitHub teams" });
  assert.deepEqual(decideGithubLogin(facts(), { ...NONE, allowedOrganizations: ["x"] }), {
    ok: false,
    code: "missing_organization",
    message: "you are not a member of one of the required GitHub organizations",
  });
  assert.equal(decideGithubLogin(facts({ orgs: ["x"] }), { ...NONE, allowedOrganizations: ["X", "y"] }).ok, true);
  assert.equal(decideGithubLogin(facts({ teams: [team(2)] }), { ...NONE, teamIds: [1, 2] }).ok, true);
});

test("github policy: team ids are whole decimal numbers", () => {
  assert.deepEqual(parseTeamIds([], "team_ids"), []);
  assert.deepEqual(parseTeamIds(["0", "007", "123456789"], "team_ids"), [0, 7, 123456789]);
  for (const bad of ["", "1a", "a1", " 1", "1 ", "-1", "1.5", "1e3", "0x10"]) {
    assert.throws(() => parseTeamIds(["1", bad], "admin_team_ids"), (e: Error) => e.message === `[auth.github] admin_team_ids: "${bad}" is not a numeric team id`, bad);
  }
});

test("auth config: GitHub without its id or secret names section and key; bad team ids name their key", () => {
  const cfg = (text: string) => loadConfig({ text, env: {} });
  const located = (text: string): { message: string; location: unknown } => {
    try {
      checkAuthConfig(cfg(text));
    } catch (e) {
      return { message: (e as Error).message, location: (e as { location?: unknown }).location };
    }
    return assert.fail("no error");
  };
  const id = located("[auth.github]\nenabled = true\nclient_secret = b");
  assert.deepEqual(id.location, { section: "auth.github", key: "client_id" });
  assert.match(id.message, /GitHub login is enabled but client_id is empty$/);
  const secret = located("[auth.github]\nenabled = true\nclient_id = a");
  assert.deepEqual(secret.location, { section: "auth.github", key: "client_secret" });
  assert.match(secret.message, /GitHub login is enabled but client_secret is empty$/);
  const team = located("[auth.github]\neditor_team_ids = x");
  assert.deepEqual(team.location, { section: "auth.github", key: "editor_team_ids" });
  assert.equal(team.message.split("editor_team_ids").length, 2, `the key is named once: ${team.message}`);
});

test("passwords: a hash made with other scrypt parameters verifies with those parameters", async () => {
  // N = 32768 needs more than Node's default 32 MiB scrypt memory limit
  for (const [N, r, p] of [[1024, 8, 1], [32768, 8, 1], [16384, 4, 2]] as const) {
    const salt = Buffer.from("0123456789abcdef");
    const key = scryptSync("pw of some length", salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
    const stored = `scrypt$${N}$${r}$${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
    assert.equal(await verifyPassword("pw of some length", stored), true, `N=${N} r=${r} p=${p}`);
    assert.equal(await verifyPassword("pw of some lengtH", stored), false);
  }
});
