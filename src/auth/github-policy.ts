/**
 * Who may sign in with GitHub, and with which role: Grafana's [auth.github] meaning, as a pure
 * function of what the GitHub API returned.
 *
 * - allowed_organizations: the user must belong to at least one (organization login, case-insensitive).
 * - team_ids: the user must belong to at least one of these numeric team ids.
 *   Both lists, when set, must be satisfied (Grafana checks teams, then organizations).
 * - allowed_domains: the user's email (from /user, else the primary one from /user/emails) must be
 *   in one of these domains (case-insensitive); when /user/emails lists that address it must be verified.
 * - Role mapping (admin_/editor_organizations, admin_/editor_team_ids): Admin beats Editor beats
 *   default_role. When no mapping is configured the role is not synced at sign-in (undefined), so
 *   roles set on the Admin page stick.
 */
import type { Role } from "./principal.js";

export interface GithubProfile {
  readonly id: string;
  readonly login: string;
  readonly name: string;
  readonly email: string;
  readonly avatarUrl: string;
}

export interface GithubEmail {
  readonly email: string;
  readonly primary: boolean;
  readonly verified: boolean;
}

export interface GithubTeam {
  readonly id: number;
  readonly slug: string;
  readonly organization: string;
}

export interface GithubFacts {
  readonly profile: GithubProfile;
  readonly emails: readonly GithubEmail[];
  readonly orgs: readonly string[];
  readonly teams: readonly GithubTeam[];
}

export interface GithubPolicy {
  readonly allowedOrganizations: readonly string[];
  readonly teamIds: readonly number[];
  readonly allowedDomains: readonly string[];
  readonly adminOrganizations: readonly string[];
  readonly editorOrganizations: readonly string[];
  readonly adminTeamIds: readonly number[];
  readonly editorTeamIds: readonly number[];
  readonly defaultRole: Role;
}

export type GithubDecision =
  | { readonly ok: true; readonly email: string; readonly mappedRole: Role | undefined }
  | { readonly ok: false; readonly code: "missing_team" | "missing_organization" | "email_domain"; readonly message: string };

const lower = (xs: readonly string[]): Set<string> => new Set(xs.map((x) => x.toLowerCase()));

export function chooseEmail(facts: Pick<GithubFacts, "profile" | "emails">): string {
  if (facts.profile.email !== "") return facts.profile.email;
  return facts.emails.find((e) => e.primary)?.email ?? "";
}

export function decideGithubLogin(facts: GithubFacts, policy: GithubPolicy): GithubDecision {
  const orgs = lower(facts.orgs);
  const teamIds = new Set(facts.teams.map((t) => t.id));
  if (policy.teamIds.length > 0 && !policy.teamIds.some((id) => teamIds.has(id))) {
    return { ok: false, code: "missing_team", message: "you are not a member of one of the required GitHub teams" };
  }
  if (policy.allowedOrganizations.length > 0 && !policy.allowedOrganizations.some((o) => orgs.has(o.toLowerCase()))) {
    return { ok: false, code: "missing_organization", message: "you are not a member of one of the required GitHub organizations" };
  }
  const email = chooseEmail(facts);
  if (policy.allowedDomains.length > 0) {
    const at = email.lastIndexOf("@");
    const domain = email.slice(at + 1).toLowerCase();
    const listed = facts.emails.find((e) => e.email.toLowerCase() === email.toLowerCase());
    const verified = listed === undefined || listed.verified;
    if (at < 0 || domain === "" || !lower(policy.allowedDomains).has(domain) || !verified) {
      return { ok: false, code: "email_domain", message: "your GitHub email address is not in an allowed domain" };
    }
  }
  const mapping = policy.adminOrganizations.length + policy.editorOrganizations.length + policy.adminTeamIds.length + policy.editorTeamIds.length > 0;
  let mappedRole: Role | undefined;
  if (mapping) {
    const inOrg = (list: readonly string[]): boolean => list.some((o) => orgs.has(o.toLowerCase()));
    const inTeam = (list: readonly number[]): boolean => list.some((id) => teamIds.has(id));
    if (inOrg(policy.adminOrganizations) || inTeam(policy.adminTeamIds)) mappedRole = "Admin";
    else if (inOrg(policy.editorOrganizations) || inTeam(policy.editorTeamIds)) mappedRole = "Editor";
    else mappedRole = policy.defaultRole;
  }
  return { ok: true, email, mappedRole };
}

/** Team ids are numbers (GitHub's team id, not the slug); anything else is a configuration error. */
export function parseTeamIds(list: readonly string[], key: string): number[] {
  return list.map((s) => {
    if (!/^\d+$/.test(s)) throw new Error(`[auth.github] ${key}: "${s}" is not a numeric team id`);
    return Number(s);
  });
}
