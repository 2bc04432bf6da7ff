import { test } from "node:test";
import assert from "node:assert/strict";
import { decideGithubLogin, parseTeamIds, type GithubFacts, type GithubPolicy } from "../../src/auth/index.js";

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

const facts = (over: Partial<GithubFacts> & { email?: string } = {}): GithubFacts => ({
  profile: { id: "1", login: "u", name: "U", email: over.email ?? "", avatarUrl: "" },
  emails: over.emails ?? [{ email: "u@corp.example", primary: true, verified: true }],
  orgs: over.orgs ?? [],
  teams: over.teams ?? [],
});

const team = (id: number) => ({ id, slug: `t${id}`, organization: "corp" });

test("decideGithubLogin: allowed cases", () => {
  const cases: Array<[string, GithubFacts, Partial<GithubPolicy>, string | undefined, string]> = [
    ["no restriction, no mapping: role not synced", facts(), {}, undefined, "u@corp.example"],
    ["public profile email wins over /user/emails", facts({ email: "pub@else.example" }), {}, undefined, "pub@else.example"],
    ["org match is case-insensitive", facts({ orgs: ["Corp"] }), { allowedOrganizations: ["corp"] }, undefined, "u@corp.example"],
    ["any one of the teams", facts({ teams: [team(5)] }), { teamIds: [4, 5] }, undefined, "u@corp.example"],
    ["domain match is case-insensitive", facts({ emails: [{ email: "u@CORP.example", primary: true, verified: true }] }), { allowedDomains: ["corp.example"] }, undefined, "u@CORP.example"],
    ["admin team beats editor org", facts({ orgs: ["eds"], teams: [team(9)] }), { adminTeamIds: [9], editorOrganizations: ["eds"] }, "Admin", "u@corp.example"],
    ["editor org", facts({ orgs: ["eds"] }), { editorOrganizations: ["eds"], adminOrganizations: ["root"] }, "Editor", "u@corp.example"],
    ["mapping set but no match: default role", facts(), { adminOrganizations: ["root"], defaultRole: "Editor" }, "Editor", "u@corp.example"],
  ];
  for (const [name, f, p, role, email] of cases) {
    const d = decideGithubLogin(f, { ...NONE, ...p });
    assert.deepEqual(d, { ok: true, email, mappedRole: role }, name);
  }
});

test("decideGithubLogin: refused cases", () => {
  const cases: Array<[string, GithubFacts, Partial<GithubPolicy>, string]> = [
    ["not in an allowed org", facts({ orgs: ["other"] }), { allowedOrganizations: ["corp"] }, "missing_organization"],
    ["no orgs at all", facts(), { allowedOrganizations: ["corp"] }, "missing_organization"],
    ["not in an allowed team", facts({ teams: [team(1)] }), { teamIds: [2] }, "missing_team"],
    ["both set: team checked first (Grafana's order)", facts({ orgs: ["other"], teams: [team(1)] }), { teamIds: [2], allowedOrganizations: ["corp"] }, "missing_team"],
    ["team ok but org missing", facts({ orgs: ["other"], teams: [team(2)] }), { teamIds: [2], allowedOrganizations: ["corp"] }, "missing_organization"],
    ["email in another domain", facts(), { allowedDomains: ["else.example"] }, "email_domain"],
    ["unverified email", facts({ emails: [{ email: "u@corp.example", primary: true, verified: false }] }), { allowedDomains: ["corp.example"] }, "email_domain"],
    ["no email", facts({ emails: [] }), { allowedDomains: ["corp.example"] }, "email_domain"],
    ["subdomain is not the domain", facts({ emails: [{ email: "u@x.corp.example", primary: true, verified: true }] }), { allowedDomains: ["corp.example"] }, "email_domain"],
  ];
  for (const [name, f, p, code] of cases) {
    const d = decideGithubLogin(f, { ...NONE, ...p });
    assert.equal(d.ok, false, name);
    assert.equal(!d.ok && d.code, code, name);
  }
});

test("team ids must be numeric", () => {
  assert.deepEqual(parseTeamIds(["1", "42"], "team_ids"), [1, 42]);
  assert.throws(() => parseTeamIds(["ops"], "team_ids"), /"ops" is not a numeric team id/);
});
