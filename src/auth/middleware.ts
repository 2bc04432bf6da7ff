/**
 * The request pipeline's auth step: resolves who is asking into `res.locals.principal`, sets
 * `res.locals.csrfToken` and checks CSRF on state-changing requests.
 *
 * - An API token (any form of credentials.ts) → a token principal; such requests are CSRF-exempt
 *   (a browser never attaches them by itself). A wrong token is 401, never a fallback.
 * - Else a session cookie → the user; CSRF token bound to the session.
 * - Else, with no login provider configured (Loupe then listens on loopback only), the local
 *   operator as Admin; with `[auth.anonymous]` its role; else nobody (routes answer 401 / redirect).
 *   CSRF uses a cookie-bound token (double submit): a web page elsewhere can POST to
 *   localhost:3000, so open mode needs it too. Requests that carry neither a cookie nor Origin nor
 *   Sec-Fetch-Site come from programs (curl, Telegraf, collectd), not browsers, and cannot be forged by a page.
 */
import express, { type Request, type RequestHandler, type Response } from "express";
import { OPEN_PRINCIPAL, type Principal, type Role } from "./principal.js";
import { ForbiddenError, LoupeError, UnauthorizedError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { parseCookies, serializeCookie } from "./cookies.js";
import { credentialOf } from "./credentials.js";
import type { AuthProxy } from "./proxy.js";
import type { FailureLimiter } from "./rate-limit.js";
import { randomToken, safeEqual } from "./secrets.js";
import type { SessionService } from "./sessions.js";
import { roleOfScope, type TokenService } from "./tokens.js";

export const SESSION_COOKIE = "loupe_session";
export const CSRF_COOKIE = "loupe_csrf";
const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface PipelineDeps {
  /** No login provider configured: everyone is the local Admin (loopback only). */
  readonly open: boolean;
  readonly anonymousRole: Role | undefined;
  readonly sessions: SessionService;
  readonly tokens: TokenService;
  /** Failed API tokens per address (apart from logins: behind an SSH tunnel everyone is 127.0.0.1,
   * and a misconfigured agent must not lock people out of the login form). */
  readonly tokenLimiter: FailureLimiter;
  readonly secureCookies: boolean;
  readonly sessionMaxMs: number;
  readonly log: Logger;
  /** [auth.proxy] when enabled: the user named by the proxy's header gets (or keeps) a session. */
  readonly proxy?: AuthProxy | undefined;
}

export class TooManyAttemptsError extends LoupeError {
  constructor(readonly retryAfterMs: number) {
    super("too_many_attempts", `too many failed attempts from this address; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { status: 429 });
  }
}

export function setSessionCookie(res: Response, value: string, deps: Pick<PipelineDeps, "secureCookies" | "sessionMaxMs">): void {
  res.append("Set-Cookie", serializeCookie(SESSION_COOKIE, value, { maxAgeMs: deps.sessionMaxMs, secure: deps.secureCookies }));
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.append("Set-Cookie", serializeCookie(SESSION_COOKIE, "", { maxAgeMs: 0, secure }));
}

const formParser = express.urlencoded({ extended: false, limit: "1mb" });

/** The CSRF token a request carries: X-CSRF-Token header, or `_csrf` in a form body. */
async function submittedCsrf(req: Request, res: Response): Promise<string | undefined> {
  const h = req.headers["x-csrf-token"];
  if (typeof h === "string" && h !== "") return h;
  if (!req.is("application/x-www-form-urlencoded")) return undefined;
  await new Promise<void>((resolve, reject) => formParser(req, res, (err?: unknown) => (err === undefined ? resolve() : reject(err))));
  const body = req.body as Record<string, unknown> | undefined;
  const v = body?.["_csrf"];
  return typeof v === "string" ? v : undefined;
}

function looksLikeBrowser(req: Request): boolean {
  const h = req.headers;
  // Browsers send Origin on cross-site POSTs and Sec-Fetch-Site on every request (Node's fetch sends
  // Sec-Fetch-Mode alone, so that one does not count).
  return h.cookie !== undefined || h.origin !== undefined || h["sec-fetch-site"] !== undefined;
}

export function authPipeline(deps: PipelineDeps): RequestHandler {
  return (req, res, next) => {
    void (async () => {
      const locals = res.locals as { principal?: Principal; csrfToken?: string; sessionCookie?: string };
      // the proxy's header from a peer not whitelisted is refused whatever else the request carries
      const proxied = deps.proxy?.named(req);
      const cred = credentialOf(req);
      if (cred !== undefined) {
        const ip = req.ip ?? "unknown";
        if (cred.form === "basic" && req.headers["sec-fetch-site"] === "cross-site") throw new ForbiddenError("cross-site request with basic credentials", "csrf");
        const row = cred.token === "" ? undefined : deps.tokens.resolve(cred.token);
        if (row === undefined) {
          // Tokens are 256-bit random, so limiting is about noise: past the limit an address's wrong
          // tokens get 429 and are no longer logged; a right token from it is never refused.
          const wait = deps.tokenLimiter.retryAfter(ip);
          if (wait > 0) {
            res.setHeader("Retry-After", String(Math.ceil(wait / 1000)));
            throw new TooManyAttemptsError(wait);
          }
          deps.tokenLimiter.fail(ip);
          deps.log.info("api token refused", { form: cred.form, ip });
          throw new UnauthorizedError("invalid API token", "invalid_token");
        }
        locals.principal = { kind: "token", role: roleOfScope(row.scope), scope: row.scope, name: row.name, login: `token:${row.name}` };
        return;
      }

      const cookies = parseCookies(req.headers.cookie);
      let sid = cookies.get(SESSION_COOKIE);
      if (proxied !== undefined) sid = deps.proxy!.sessionFor(req, proxied, sid, (value) => setSessionCookie(res, value, deps));
      let principal: Principal | undefined;
      let csrf: string | undefined;
      if (sid !== undefined && sid !== "") {
        const s = deps.sessions.resolve(sid);
        if (s !== undefined) {
          principal = { kind: "user", role: s.user.role, userId: s.user.id, login: s.user.login, name: s.user.name };
          csrf = s.session.csrfToken;
          locals.sessionCookie = sid;
        } else {
          clearSessionCookie(res, deps.secureCookies);
        }
      }
      if (principal === undefined) {
        if (deps.open) principal = OPEN_PRINCIPAL;
        else if (deps.anonymousRole !== undefined) principal = { kind: "anonymous", role: deps.anonymousRole, login: "anonymous" };
        csrf = cookies.get(CSRF_COOKIE);
        if (csrf === undefined || !/^[A-Za-z0-9_-]{43}$/.test(csrf)) {
          csrf = randomToken(32);
          res.append("Set-Cookie", serializeCookie(CSRF_COOKIE, csrf, { secure: deps.secureCookies, sameSite: "Strict" }));
        }
      }
      if (principal !== undefined) locals.principal = principal;
      locals.csrfToken = csrf!;

      if (UNSAFE.has(req.method) && (locals.sessionCookie !== undefined || looksLikeBrowser(req))) {
        const sent = await submittedCsrf(req, res);
        if (sent === undefined || !safeEqual(sent, csrf!)) throw new ForbiddenError("missing or wrong CSRF token (reload the page)", "csrf");
      }
    })().then(
      () => next(),
      (err: unknown) => next(err),
    );
  };
}
