/**
 * GitHub OAuth through passport-github2, with Grafana's [auth.github] options: authorize, token and
 * API endpoints from auth_url / token_url / api_url (so GitHub Enterprise works) and the callback
 * URL `<[server] root_url>login/github` (what Grafana uses, so the same OAuth app can be reused and
 * logging in through `ssh -L 3000:localhost:3000` works with root_url http://localhost:3000/).
 */
import passport from "passport";
import { Strategy as GitHubStrategy, type Profile, type StrategyOptions } from "passport-github2";
import type { StateStore } from "passport-oauth2";
import type { Config } from "../config/index.js";
import type { Logger } from "../lib/logger.js";
import type { UserRow } from "../store/index.js";
import { fetchOrgs, fetchTeams } from "./github-api.js";
import { decideGithubLogin, parseTeamIds, type GithubEmail, type GithubFacts, type GithubPolicy } from "./github-policy.js";
import type { OAuthStateStore } from "./oauth-state.js";
import { SignInError, type UserService } from "./users.js";

export const GITHUB_CALLBACK_PATH = "/login/github";

export function githubCallbackUrl(rootUrl: string): string {
  return new URL(GITHUB_CALLBACK_PATH.slice(1), rootUrl.endsWith("/") ? rootUrl : `${rootUrl}/`).toString();
}

export function githubPolicyOf(config: Config): GithubPolicy {
  const g = config["auth.github"];
  return {
    allowedOrganizations: g.allowed_organizations,
    teamIds: parseTeamIds(g.team_ids, "team_ids"),
    allowedDomains: g.allowed_domains,
    adminOrganizations: g.admin_organizations,
    editorOrganizations: g.editor_organizations,
    adminTeamIds: parseTeamIds(g.admin_team_ids, "admin_team_ids"),
    editorTeamIds: parseTeamIds(g.editor_team_ids, "editor_team_ids"),
    defaultRole: g.default_role,
  };
}

function profileFacts(profile: Profile): GithubFacts["profile"] {
  const json = ((profile as Profile & { _json?: Record<string, unknown> })._json ?? {}) as Record<string, unknown>;
  const s = (v: unknown): string => (typeof v === "string" ? v : "");
  const login = s(json["login"]) || profile.username || "";
  return {
    id: String(json["id"] ?? profile.id),
    login,
    name: s(json["name"]) || profile.displayName || login,
    email: s(json["email"]),
    avatarUrl: s(json["avatar_url"]),
  };
}

/** passport-github2 fetched /user/emails (scope user:email) and kept the raw rows (allRawEmails). */
function rawEmails(profile: Profile): GithubEmail[] {
  const list = (profile.emails ?? []) as Array<{ value?: unknown; primary?: unknown; verified?: unknown }>;
  return list
    .filter((e) => typeof e.value === "string")
    .map((e) => ({ email: e.value as string, primary: e.primary === true, verified: e.verified === true }));
}

/** A passport instance with the "github" strategy; the verify step applies the policy and signs the user in. */
export function createGithubPassport(config: Config, users: UserService, stateStore: OAuthStateStore, log: Logger): passport.Authenticator {
  const g = config["auth.github"];
  const policy = githubPolicyOf(config);
  const apiUrl = g.api_url.replace(/\/$/, "");
  const instance = new passport.Passport();
  const options: StrategyOptions = {
    clientID: g.client_id,
    clientSecret: g.client_secret,
    callbackURL: githubCallbackUrl(config.server.root_url),
    authorizationURL: g.auth_url,
    tokenURL: g.token_url,
    userProfileURL: apiUrl,
    userEmailURL: `${apiUrl}/emails`,
    scope: [...g.scopes],
    allRawEmails: true,
    store: stateStore as unknown as StateStore,
  };
  const strategy = new GitHubStrategy(
    options,
    (accessToken: string, _refreshToken: string, profile: Profile, done: (err: unknown, user?: UserRow | false, info?: unknown) => void) => {
      void (async () => {
        const p = profileFacts(profile);
        if (p.login === "" || p.id === "") return done(null, false, { code: "github_failed" });
        const emails = rawEmails(profile);
        const [orgs, teams] = await Promise.all([
          policy.allowedOrganizations.length + policy.adminOrganizations.length + policy.editorOrganizations.length > 0 ? fetchOrgs(apiUrl, accessToken) : Promise.resolve([]),
          policy.teamIds.length + policy.adminTeamIds.length + policy.editorTeamIds.length > 0 ? fetchTeams(apiUrl, accessToken) : Promise.resolve([]),
        ]);
        const facts: GithubFacts = { profile: p, emails, orgs, teams };
        const decision = decideGithubLogin(facts, policy);
        if (!decision.ok) {
          log.info("github sign-in refused", { login: p.login, reason: decision.code });
          return done(null, false, { code: decision.code });
        }
        try {
          const user = users.signInGithub(facts, decision);
          log.info("github sign-in", { login: user.login, role: user.role });
          done(null, user);
        } catch (err) {
          if (err instanceof SignInError) {
            log.info("github sign-in refused", { login: p.login, reason: err.code });
            return done(null, false, { code: err.code });
          }
          throw err;
        }
      })().catch((err: unknown) => done(err));
    },
  );
  instance.use("github", strategy);
  return instance;
}
