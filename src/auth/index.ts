/**
 * Auth façade: builds the services (users, sessions, tokens, GitHub OAuth) and the request
 * pipeline (security headers, principal + CSRF) from the config. main.ts wires it; the routes in
 * src/http/routes/auth.ts and admin.ts use it.
 */
import type { RequestHandler } from "express";
import type passport from "passport";
import type { Config } from "../config/index.js";
import type { Role } from "./principal.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import { openAuthStores, type AuthStores, type Db } from "../store/index.js";
import { GenericOAuth } from "./generic-oauth.js";
import { createGithubPassport } from "./github.js";
import { LdapAuth } from "./ldap.js";
import { authPipeline, type PipelineDeps } from "./middleware.js";
import { OAuthStateStore } from "./oauth-state.js";
import { PasswordLogin } from "./password-login.js";
import { authProviderConfigured, checkAuthConfig, loginProviders, type LoginProvider } from "./provider.js";
import { AuthProxy } from "./proxy.js";
import { FailureLimiter, LoginLimiter } from "./rate-limit.js";
import { securityHeaders } from "./security-headers.js";
import { SessionService } from "./sessions.js";
import { TokenService } from "./tokens.js";
import { UserService } from "./users.js";

export { OPEN_PRINCIPAL, roleAtLeast, type Principal, type Role } from "./principal.js";
export { authProviderConfigured, checkAuthConfig, loginProviders, type LoginProvider } from "./provider.js";
export { GENERIC_OAUTH_PATH, genericOAuthCallbackUrl, GenericOAuth, type OAuthResult } from "./generic-oauth.js";
export { parseAttributePath, evaluatePath, PathSyntaxError } from "./attribute-path.js";
export { decideOAuthLogin } from "./oauth-policy.js";
export { LdapAuth, escapeDn, escapeFilter } from "./ldap.js";
export { AuthProxy, parseProxyHeaders, parseWhitelist } from "./proxy.js";
export { PasswordLogin } from "./password-login.js";
export type { ExternalIdentity } from "./users.js";
export { SESSION_COOKIE, CSRF_COOKIE, setSessionCookie, clearSessionCookie, TooManyAttemptsError } from "./middleware.js";
export { STATE_COOKIE, safeNext } from "./oauth-state.js";
export { GITHUB_CALLBACK_PATH, githubCallbackUrl } from "./github.js";
export { SignInError, UserService } from "./users.js";
export { SessionService } from "./sessions.js";
export { TokenService, TOKEN_PREFIX, roleOfScope } from "./tokens.js";
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH } from "./password.js";
export { decideGithubLogin, chooseEmail, parseTeamIds } from "./github-policy.js";
export type { GithubFacts, GithubPolicy, GithubDecision, GithubProfile, GithubEmail, GithubTeam } from "./github-policy.js";
export { CONTENT_SECURITY_POLICY, securityHeaders } from "./security-headers.js";
export { FailureLimiter, LoginLimiter, LoginLimitedError } from "./rate-limit.js";
export type { LoginLimits, LoginVerdict } from "./rate-limit.js";
export { userCommand, readSecretDefault as readSecret } from "./cli-user.js";

export interface Auth {
  readonly config: Config;
  readonly open: boolean;
  readonly githubEnabled: boolean;
  readonly basicEnabled: boolean;
  readonly stores: AuthStores;
  readonly users: UserService;
  readonly sessions: SessionService;
  readonly tokens: TokenService;
  readonly limiter: LoginLimiter;
  readonly pipeline: PipelineDeps;
  /** The passport instance with the "github" strategy (undefined when GitHub login is off). */
  readonly passport: passport.Authenticator | undefined;
  /** Every enabled login provider, in the login page's order. */
  readonly providers: readonly LoginProvider[];
  /** The login form's check: LDAP, then local users. `enabled` when either is on. */
  readonly passwordLogin: PasswordLogin;
  /** [auth.generic_oauth] when enabled. */
  readonly genericOAuth: GenericOAuth | undefined;
  /** [auth.proxy] when enabled. */
  readonly proxy: AuthProxy | undefined;
  /** /metrics entries: login limits, auth proxy, LDAP, OAuth refusals. */
  metrics(): AuthMetric[];
  /** Security headers, then principal + CSRF: push onto main.ts's `before`. */
  readonly before: readonly RequestHandler[];
  readonly log: Logger;
  stop(): void;
}

export interface AuthMetric {
  readonly name: string;
  readonly help: string;
  readonly type: "counter";
  readonly labels?: Record<string, string>;
  readonly value: number;
}

const PURGE_EVERY_MS = 10 * 60_000;

export function createAuth(config: Config, db: Db, log: Logger, clock: Clock): Auth {
  checkAuthConfig(config);
  const a = config.auth;
  const open = !authProviderConfigured(config);
  const secureCookies = new URL(config.server.root_url).protocol === "https:";
  const stores = openAuthStores(db);
  const sessions = new SessionService(stores, { idleMs: a.session_idle, maxMs: a.session_max }, clock);
  const tokens = new TokenService(stores, clock);
  const users = new UserService(stores, sessions, { admins: a.admins, allowSignUp: config["auth.github"].allow_sign_up, defaultRole: config["auth.github"].default_role as Role }, clock);
  const limiter = new LoginLimiter({ perName: a.login_max_attempts, perAddress: a.login_max_attempts_per_address, windowMs: 60_000, maxLockMs: a.login_lockout_max }, () => clock.now());
  const anon = config["auth.anonymous"];
  const proxy = config["auth.proxy"].enabled ? new AuthProxy(config, users, sessions, log.child({ provider: "proxy" }), clock) : undefined;
  const stateStore = new OAuthStateStore(() => clock.now(), secureCookies);
  const genericOAuth = config["auth.generic_oauth"].enabled ? new GenericOAuth(config, users, stateStore, log.child({ provider: "generic_oauth" }), clock) : undefined;
  const passwordLogin = new PasswordLogin(config, users, config["auth.ldap"].enabled ? new LdapAuth(config) : undefined, log.child({ provider: "ldap" }));
  const pipeline: PipelineDeps = {
    open,
    anonymousRole: anon.enabled ? anon.role : undefined,
    sessions,
    tokens,
    tokenLimiter: new FailureLimiter(a.login_max_attempts, 60_000, () => clock.now()),
    secureCookies,
    sessionMaxMs: a.session_max,
    log,
    proxy,
  };
  const passport = config["auth.github"].enabled ? createGithubPassport(config, users, stateStore, log) : undefined;
  const metrics = (): AuthMetric[] => [
    ...limiter.metrics(),
    ...(proxy?.metrics() ?? []),
    ...passwordLogin.metrics(),
    ...(genericOAuth === undefined
      ? []
      : [...genericOAuth.refused].map(([reason, value]) => ({ name: "loupe_auth_oauth_refused_total", help: "generic OAuth sign-ins refused, by reason", type: "counter" as const, labels: { reason }, value }))),
  ];
  sessions.purgeExpired();
  const timer = setInterval(() => {
    try {
      sessions.purgeExpired();
    } catch (err) {
      log.warn("session purge failed", { err });
    }
  }, PURGE_EVERY_MS);
  timer.unref();
  if (open) log.info("no login provider configured: every local visitor is Admin (loopback only)");
  return {
    config,
    open,
    githubEnabled: config["auth.github"].enabled,
    basicEnabled: config["auth.basic"].enabled,
    stores,
    users,
    sessions,
    tokens,
    limiter,
    pipeline,
    passport,
    providers: loginProviders(config),
    passwordLogin,
    genericOAuth,
    proxy,
    metrics,
    before: [securityHeaders(secureCookies), authPipeline(pipeline)],
    log,
    stop: () => clearInterval(timer),
  };
}
