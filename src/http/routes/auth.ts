/**
 * Login and logout: the login page, GitHub OAuth and generic OAuth (start and callback on the same
 * paths as Grafana, /login/github and /login/generic_oauth), the login form (LDAP, local users), logout, and /api/user (who am I). One handler per route.
 */
import express, { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { clearSessionCookie, LoginLimitedError, safeNext, setSessionCookie, SignInError, type Auth } from "../../auth/index.js";
import type { UserRow } from "../../store/index.js";
import { BadRequestError, UnauthorizedError } from "../../lib/errors.js";
import { access, principalOf } from "../access.js";
import { html } from "../views/html.js";
import { loginCard } from "../views/login-view.js";
import { sendPage } from "../views/layout.js";
import { csrfOf, sessionCookieOf } from "../validate.js";

/** Messages for /login?error=CODE (only known codes are shown: the URL never carries free text). */
const LOGIN_ERRORS: Readonly<Record<string, string>> = {
  bad_credentials: "Wrong login or password.",
  too_many_attempts: "Too many failed attempts for this login. Wait a few minutes and try again.",
  user_disabled: "This user is disabled. Ask an Admin.",
  signup_disabled: "Your GitHub account has no Loupe user and sign-up is off. Ask an Admin to add you.",
  missing_team: "You are not a member of one of the GitHub teams allowed to use this Loupe.",
  missing_organization: "You are not a member of one of the GitHub organizations allowed to use this Loupe.",
  email_domain: "Your GitHub email address is not in a domain allowed to use this Loupe.",
  login_taken: "Another Loupe user already has your GitHub login. Ask an Admin.",
  bad_state: "The sign-in could not be verified (it expired, or did not start here). Try again.",
  missing_state: "The sign-in could not be verified (it expired, or did not start here). Try again.",
  github_denied: "GitHub sign-in was cancelled.",
  github_failed: "GitHub sign-in failed. Try again, or ask an Admin to check the logs.",
  oauth_denied: "Sign-in was cancelled at the provider.",
  oauth_failed: "Sign-in failed. Try again, or ask an Admin to check the logs.",
  bad_id_token: "The provider's identity token could not be verified. Try again, or ask an Admin to check the logs.",
  missing_group: "You are not a member of one of the groups allowed to use this Loupe.",
  no_role: "Your groups at the provider give no Loupe role. Ask an Admin.",
  no_login: "The provider did not say who you are (no login name). Ask an Admin.",
  invalid_login: "Your login name at the provider cannot be a Loupe login. Ask an Admin.",
  ldap_no_group: "Your directory groups give no Loupe role. Ask an Admin.",
  ldap_unavailable: "The directory cannot be reached. Try again later.",
};

const localLoginBody = z.object({ login: z.string().min(1).max(200), password: z.string().min(1).max(1000), next: z.string().max(2000).optional() });

function wantsJson(req: Request): boolean {
  return req.is("application/json") === "application/json";
}

/** The `next` query parameter, made safe (a local path; "/" otherwise). */
function nextOf(req: Request): string {
  return safeNext(typeof req.query["next"] === "string" ? req.query["next"] : undefined);
}

/** A new session for `user` (replacing the one the request came with: the id changes at every login). */
function startSession(auth: Auth, req: Request, res: Response, user: UserRow): void {
  const old = sessionCookieOf(res);
  if (old !== undefined) auth.sessions.destroy(old);
  const { cookieValue } = auth.sessions.create(user.id);
  setSessionCookie(res, cookieValue, auth.pipeline);
  auth.log.info("login", { login: user.login, provider: user.provider, role: user.role, ip: req.ip });
}

/** GET /login: the sign-in page; a visitor already signed in (or an open Loupe) goes on to `next`. */
const loginPage = (auth: Auth): RequestHandler => (req, res) => {
  const next = nextOf(req);
  if (auth.open || principalOf(res)?.kind === "user") return res.redirect(302, next);
  const code = typeof req.query["error"] === "string" ? req.query["error"] : undefined;
  const message = code !== undefined ? LOGIN_ERRORS[code] : undefined;
  const kept = typeof req.query["login"] === "string" ? req.query["login"].slice(0, 200) : "";
  const body = loginCard({ csrf: csrfOf(res), next, message, providers: auth.providers, login: kept });
  sendPage(req, res, { title: "Sign in", body, nav: "login" });
};

/** GET /login/github: Grafana's path for both the OAuth start and the callback, so an OAuth app made for Grafana works unchanged. */
const githubLogin = (auth: Auth): RequestHandler => (req, res, next) => {
  const passport = auth.passport;
  if (passport === undefined) return res.redirect(302, "/login");
  const fail = (code: string): void => res.redirect(302, `/login?error=${encodeURIComponent(code)}`);
  if (typeof req.query["error"] === "string") return fail("github_denied");
  const handler = passport.authenticate("github", { session: false }, (err: unknown, user: UserRow | false | undefined, info: unknown) => {
    if (err !== null && err !== undefined) {
      auth.log.warn("github sign-in failed", { err: err instanceof Error ? err.message : "unknown error" });
      return fail("github_failed");
    }
    const state = info !== null && typeof info === "object" ? (info as { code?: unknown; state?: { next?: unknown }; next?: unknown }) : {};
    if (user === false || user === undefined) {
      const code = typeof state.code === "string" && state.code in LOGIN_ERRORS ? state.code : "github_failed";
      // every refused sign-in is logged with the client address (the GitHub login, when known, is logged by the strategy)
      auth.log.warn("github callback refused", { reason: code, ip: req.ip });
      return fail(code);
    }
    startSession(auth, req, res, user);
    const target = typeof state.state?.next === "string" ? state.state.next : typeof state.next === "string" ? state.next : "/";
    res.redirect(302, safeNext(target));
  }) as (req: Request, res: Response, next: NextFunction) => void;
  handler(req, res, next);
};

/** GET /login/generic_oauth: Grafana's path for the OAuth start (no code) and the callback ([auth.generic_oauth]). */
const genericOAuthLogin = (auth: Auth): RequestHandler => (req, res, next) => {
  const oauth = auth.genericOAuth;
  if (oauth === undefined) return res.redirect(302, "/login");
  const fail = (code: string): void => res.redirect(302, `/login?error=${code in LOGIN_ERRORS ? code : "oauth_failed"}`);
  const callback = req.query["code"] !== undefined || req.query["error"] !== undefined || req.query["state"] !== undefined;
  void (async () => {
    if (!callback) return res.redirect(302, await oauth.start(req, res));
    const result = await oauth.finish(req, res);
    if (!result.ok) return fail(result.code);
    startSession(auth, req, res, result.user);
    res.redirect(302, safeNext(result.next));
  })().catch((err: unknown) => {
    auth.log.warn("oauth sign-in failed", { err: err instanceof Error ? err.message : "unknown error" });
    if (res.headersSent) return next(err);
    fail("oauth_failed");
  });
};

/**
 * How a refused local login is answered: a JSON client gets the error (429 with Retry-After when
 * rate limited, 401 for bad credentials, 403 otherwise); a form is sent back to /login?error=CODE.
 */
function refuseLogin(req: Request, res: Response, next: NextFunction, nextUrl: string, code: string, status: number, limited?: LoginLimitedError, login?: string): void {
  if (wantsJson(req)) {
    if (limited !== undefined) return next(limited);
    return next(status === 401 ? new UnauthorizedError(LOGIN_ERRORS[code] ?? "login refused", code) : new SignInError(code, LOGIN_ERRORS[code] ?? "login refused"));
  }
  // the login name typed comes back so the form keeps it (never the password)
  const keep = login !== undefined && login !== "" ? `&login=${encodeURIComponent(login.slice(0, 200))}` : "";
  res.redirect(303, `/login?error=${code}${keep}${nextUrl === "/" ? "" : `&next=${encodeURIComponent(nextUrl)}`}`);
}

/** POST /login (form or JSON: login, password, next): rate limited per login and per address. */
async function localLogin(auth: Auth, req: Request, res: Response, next: NextFunction): Promise<void> {
  const parsed = localLoginBody.safeParse(req.body);
  const nextUrl = safeNext(parsed.success ? parsed.data.next : undefined);
  const typed = typeof (req.body as { login?: unknown } | undefined)?.login === "string" ? (req.body as { login: string }).login : undefined;
  const refuse = (code: string, status: number, limited?: LoginLimitedError): void => refuseLogin(req, res, next, nextUrl, code, status, limited, typed);
  if (!auth.passwordLogin.enabled) return next(new BadRequestError("the login form is off ([auth.basic] and [auth.ldap] enabled = false)", "basic_disabled"));
  // req.ip follows [server] trust_proxy: the socket's peer unless a trusted proxy forwarded the request
  const ip = req.ip ?? "unknown";
  if (!parsed.success) {
    const body = req.body as { login?: unknown } | undefined;
    auth.log.warn("login refused", { login: typeof body?.login === "string" ? body.login.slice(0, 200) : undefined, reason: "malformed", ip });
    return refuse("bad_credentials", 401);
  }
  const login = parsed.data.login;
  const verdict = auth.limiter.check(login, ip);
  if (!verdict.allowed) {
    res.setHeader("Retry-After", String(Math.ceil(verdict.retryAfterMs / 1000)));
    auth.log.warn("login rate limited", { login, ip, by: verdict.by, retry_after_s: Math.ceil(verdict.retryAfterMs / 1000) });
    return refuse("too_many_attempts", 429, new LoginLimitedError(verdict.retryAfterMs, verdict.by));
  }
  try {
    const user = await auth.passwordLogin.verify(login, parsed.data.password);
    auth.limiter.succeed(login);
    startSession(auth, req, res, user);
    if (wantsJson(req)) return void res.json({ login: user.login, role: user.role });
    res.redirect(303, nextUrl);
  } catch (err) {
    if (!(err instanceof SignInError)) throw err;
    const locked = auth.limiter.fail(login, ip);
    auth.log.warn("login refused", { login, reason: err.code, ip, ...(locked ? { locked: true } : {}) });
    refuse(err.code, err.code === "bad_credentials" ? 401 : 403);
  }
}

/** POST /logout: ends the session; JSON clients get 204, forms go to /login (or / when Loupe is open). */
const logout = (auth: Auth): RequestHandler => (req, res) => {
  const sid = sessionCookieOf(res);
  if (sid !== undefined) {
    auth.sessions.destroy(sid);
    auth.log.info("logout", { login: principalOf(res)?.login });
  }
  clearSessionCookie(res, auth.pipeline.secureCookies);
  if (wantsJson(req) || req.get("accept")?.includes("application/json") === true) return void res.status(204).end();
  res.redirect(303, auth.open ? "/" : "/login");
};

/** GET /logout never changes state (a link or <img> elsewhere must not log anyone out): it offers the button. */
const logoutPage: RequestHandler = (req, res) => {
  const body = html`<section class="card stack login"><h1>Sign out</h1>
<form method="post" action="/logout"><input type="hidden" name="_csrf" value="${csrfOf(res)}"><button class="btn primary" type="submit" id="logout">Sign out</button></form></section>`;
  sendPage(req, res, { title: "Sign out", body, nav: "login" });
};

/** GET /api/user: who am I. The CSRF token is safe to return here: other sites cannot read same-origin JSON (no CORS). */
const whoAmI: RequestHandler = (_req, res) => {
  const p = principalOf(res)!;
  const csrfToken = p.kind === "token" ? null : ((res.locals as { csrfToken?: string }).csrfToken ?? null);
  res.json({ kind: p.kind, login: p.login ?? null, name: p.name ?? null, role: p.role, scope: p.scope ?? null, csrfToken });
};

export function authRoutes(auth: Auth): Router {
  const router = Router();
  const body = [express.urlencoded({ extended: false, limit: "100kb" }), express.json({ limit: "100kb" })];
  router.get("/login", access("public"), loginPage(auth));
  router.get("/login/github", access("public"), githubLogin(auth));
  router.get("/login/generic_oauth", access("public"), genericOAuthLogin(auth));
  router.post("/login", access("public"), ...body, (req, res, next) => void localLogin(auth, req, res, next).catch(next));
  router.post("/logout", access("public"), logout(auth));
  router.get("/logout", access("public"), logoutPage);
  router.get("/api/user", access("viewer"), whoAmI);
  return router;
}
