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
import { createGithubPassport } from "./github.js";
import { authPipeline, type PipelineDeps } from "./middleware.js";
import { OAuthStateStore } from "./oauth-state.js";
import { authProviderConfigured, checkAuthConfig } from "./provider.js";
import { FailureLimiter, LoginLimiter } from "./rate-limit.js";
import { securityHeaders } from "./security-headers.js";
import { SessionService } from "./sessions.js";
import { TokenService } from "./tokens.js";
import { UserService } from "./users.js";

export { OPEN_PRINCIPAL, roleAtLeast, type Principal, type Role } from "./principal.js";
export { authProviderConfigured, checkAuthConfig } from "./provider.js";
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
  /** Security headers, then principal + CSRF: push onto main.ts's `before`. */
  readonly before: readonly RequestHandler[];
  readonly log: Logger;
  stop(): void;
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
  const pipeline: PipelineDeps = {
    open,
    anonymousRole: anon.enabled ? anon.role : undefined,
    sessions,
    tokens,
    tokenLimiter: new FailureLimiter(a.login_max_attempts, 60_000, () => clock.now()),
    secureCookies,
    sessionMaxMs: a.session_max,
    log,
  };
  const passport = config["auth.github"].enabled ? createGithubPassport(config, users, new OAuthStateStore(() => clock.now(), secureCookies), log) : undefined;
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
    before: [securityHeaders(secureCookies), authPipeline(pipeline)],
    log,
    stop: () => clearInterval(timer),
  };
}
