/**
 * [auth.generic_oauth]: the authorization code flow against any OAuth2 / OpenID Connect provider,
 * on Grafana's path /login/generic_oauth (the start and the callback), so a client registered for
 * Grafana works unchanged.
 *
 * - With `issuer`, the endpoints come from OpenID discovery and the ID token is required and
 *   verified with jose: signature against the issuer's JWKS, `iss`, `aud` (client_id), `exp`/`iat`
 *   against Loupe's clock (30 s leeway) and the `nonce` bound to this login attempt.
 * - Without `issuer` (plain OAuth2, e.g. GitHub-like APIs) the claims come from api_url only; an
 *   ID token, if any, is ignored because nothing could verify it.
 * - state, nonce and the PKCE verifier live in the OAuthStateStore entry bound to the browser's
 *   cookie (10 minutes, used once).
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Request, Response as ExpressResponse } from "express";
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload } from "jose";
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { UserRow } from "../store/index.js";
import { decideOAuthLogin, oauthPolicyOf, type OAuthPolicy } from "./oauth-policy.js";
import type { OAuthStateStore } from "./oauth-state.js";
import { getJson, providerFetch, type ProviderFetch } from "./provider-http.js";
import { randomToken } from "./secrets.js";
import { SignInError, type UserService } from "./users.js";

export const GENERIC_OAUTH_PATH = "/login/generic_oauth";
const LEEWAY_S = 30;

export interface OAuthEndpoints {
  readonly authUrl: string;
  readonly tokenUrl: string;
  readonly userinfoUrl: string | undefined;
  /** OpenID Connect (issuer set): where the ID token's keys are, and the issuer it must name. */
  readonly oidc: { readonly issuer: string; readonly jwksUrl: string } | undefined;
}

export type OAuthResult = { readonly ok: true; readonly user: UserRow; readonly next: string } | { readonly ok: false; readonly code: string };

export function genericOAuthCallbackUrl(rootUrl: string): string {
  return new URL(GENERIC_OAUTH_PATH.slice(1), rootUrl.endsWith("/") ? rootUrl : `${rootUrl}/`).toString();
}

/** Counted on /metrics as loupe_auth_oauth_refused_total{reason}. */
export type OAuthCounters = Map<string, number>;

export class GenericOAuth {
  private readonly g: Config["auth.generic_oauth"];
  private readonly policy: OAuthPolicy;
  private readonly fetcher: ProviderFetch;
  private readonly callbackUrl: string;
  private endpoints: Promise<OAuthEndpoints> | undefined;
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  readonly refused: OAuthCounters = new Map();

  constructor(
    config: Config,
    private readonly users: UserService,
    private readonly states: OAuthStateStore,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.g = config["auth.generic_oauth"];
    this.policy = oauthPolicyOf(config);
    const ca = this.g.tls_client_ca === "" ? undefined : readFileSync(this.g.tls_client_ca, "utf8");
    this.fetcher = providerFetch({ ca, skipVerify: this.g.tls_skip_verify_insecure, timeoutMs: this.g.timeout });
    this.callbackUrl = genericOAuthCallbackUrl(config.server.root_url);
  }

  get name(): string {
    return this.g.name;
  }

  /** The endpoints, from discovery once (retried after a failure); explicit URLs win. */
  private resolveEndpoints(): Promise<OAuthEndpoints> {
    this.endpoints ??= discoverEndpoints(this.g, this.fetcher).catch((err: unknown) => {
      this.endpoints = undefined;
      throw err;
    });
    return this.endpoints;
  }

  /** GET /login/generic_oauth without a code: the provider's authorize URL for a new login attempt. */
  async start(req: Request, res: ExpressResponse): Promise<string> {
    const ep = await this.resolveEndpoints();
    const nonce = ep.oidc !== undefined ? randomToken(24) : undefined;
    const verifier = this.g.use_pkce ? randomToken(48) : undefined;
    const state = this.states.begin(req, res, { ...(nonce !== undefined ? { nonce } : {}), ...(verifier !== undefined ? { verifier } : {}) });
    const u = new URL(ep.authUrl);
    u.searchParams.set("response_type", "code");
    u.searchParams.set("client_id", this.g.client_id);
    u.searchParams.set("redirect_uri", this.callbackUrl);
    u.searchParams.set("scope", this.g.scopes.join(" "));
    u.searchParams.set("state", state);
    if (nonce !== undefined) u.searchParams.set("nonce", nonce);
    if (verifier !== undefined) {
      u.searchParams.set("code_challenge", createHash("sha256").update(verifier).digest("base64url"));
      u.searchParams.set("code_challenge_method", "S256");
    }
    return u.toString();
  }

  /** The callback: state, code → tokens → verified claims → policy → the signed-in user (or a refusal code). */
  async finish(req: Request, res: ExpressResponse): Promise<OAuthResult> {
    try {
      return await this.callback(req, res);
    } catch (err) {
      // the provider unreachable or answering an error: logged (never a token or secret) and counted
      return this.refuse("oauth_failed", { err: err instanceof Error ? err.message.slice(0, 300) : "unknown error" });
    }
  }

  private async callback(req: Request, res: ExpressResponse): Promise<OAuthResult> {
    const q = req.query as Record<string, unknown>;
    if (typeof q["error"] === "string") return this.refuse("oauth_denied", { provider_error: q["error"].slice(0, 100) });
    const st = this.states.consume(req, res, q["state"]);
    if (!st.ok) return this.refuse(st.code);
    if (typeof q["code"] !== "string" || q["code"] === "") return this.refuse("oauth_failed", { why: "no code" });
    const ep = await this.resolveEndpoints();
    const tokens = await this.exchange(ep, q["code"], st.login.verifier);
    let claims: Record<string, unknown> = {};
    if (ep.oidc !== undefined) {
      const idToken = tokens["id_token"];
      if (typeof idToken !== "string") return this.refuse("bad_id_token", { why: "no id_token" });
      const verified = await this.verifyIdToken(ep.oidc, idToken, st.login.nonce);
      if (!verified.ok) return this.refuse("bad_id_token", { why: verified.why });
      claims = verified.claims;
    }
    if (ep.userinfoUrl !== undefined && typeof tokens["access_token"] === "string") {
      const info = await getJson(this.fetcher, ep.userinfoUrl, { authorization: `Bearer ${tokens["access_token"]}` });
      if (ep.oidc !== undefined && info["sub"] !== undefined && info["sub"] !== claims["sub"]) return this.refuse("bad_id_token", { why: "user info sub differs" });
      claims = { ...info, ...claims };
    }
    const decision = decideOAuthLogin(claims, this.policy);
    if (!decision.ok) return this.refuse(decision.code, { login: typeof claims["preferred_username"] === "string" ? claims["preferred_username"] : undefined });
    try {
      const user = this.users.signInExternal(decision.identity, { allowSignUp: this.g.allow_sign_up, defaultRole: this.g.default_role, matchByLogin: false });
      this.log.info("oauth sign-in", { login: user.login, role: user.role });
      return { ok: true, user, next: st.login.next };
    } catch (err) {
      if (err instanceof SignInError) return this.refuse(err.code, { login: decision.identity.login });
      throw err;
    }
  }

  private refuse(code: string, fields: Record<string, unknown> = {}): OAuthResult {
    this.refused.set(code, (this.refused.get(code) ?? 0) + 1);
    this.log.warn("oauth sign-in refused", { reason: code, ...fields });
    return { ok: false, code };
  }

  /** POST token_url (authorization_code); the client secret per auth_style. */
  private async exchange(ep: OAuthEndpoints, code: string, verifier: string | undefined): Promise<Record<string, unknown>> {
    const form = new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: this.callbackUrl });
    if (verifier !== undefined) form.set("code_verifier", verifier);
    const post = async (inHeader: boolean): Promise<Response> => {
      const body = new URLSearchParams(form);
      const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
      if (inHeader) {
        const enc = (s: string): string => encodeURIComponent(s).replace(/%20/g, "+");
        headers["authorization"] = `Basic ${Buffer.from(`${enc(this.g.client_id)}:${enc(this.g.client_secret)}`).toString("base64")}`;
      } else {
        body.set("client_id", this.g.client_id);
        body.set("client_secret", this.g.client_secret);
      }
      return this.fetcher(ep.tokenUrl, { method: "POST", headers, body: body.toString() });
    };
    let res = await post(this.g.auth_style !== "InParams");
    if (this.g.auth_style === "AutoDetect" && (res.status === 400 || res.status === 401)) {
      await res.arrayBuffer();
      res = await post(false);
    }
    const body: unknown = await res.json().catch(() => undefined);
    const where = new URL(ep.tokenUrl).pathname;
    if (!res.ok || body === null || typeof body !== "object") {
      const err = body !== null && typeof body === "object" ? String((body as Record<string, unknown>)["error"] ?? "") : "";
      throw new Error(`token endpoint ${where} answered ${res.status}${err !== "" ? ` (${err.slice(0, 100)})` : ""}`);
    }
    return body as Record<string, unknown>;
  }

  private async verifyIdToken(oidc: NonNullable<OAuthEndpoints["oidc"]>, idToken: string, nonce: string | undefined): Promise<{ ok: true; claims: JWTPayload } | { ok: false; why: string }> {
    this.jwks ??= createRemoteJWKSet(new URL(oidc.jwksUrl), { timeoutDuration: this.g.timeout, [customFetch]: (url: string) => this.fetcher(url) });
    try {
      const { payload } = await jwtVerify(idToken, this.jwks, {
        issuer: oidc.issuer,
        audience: this.g.client_id,
        currentDate: new Date(this.clock.now()),
        clockTolerance: LEEWAY_S,
        requiredClaims: ["sub", "exp", "iat"],
      });
      if (nonce === undefined || payload["nonce"] !== nonce) return { ok: false, why: "nonce does not match this login attempt" };
      return { ok: true, claims: payload };
    } catch (err) {
      return { ok: false, why: err instanceof Error ? err.message.slice(0, 200) : "verification failed" };
    }
  }
}

/** Endpoints from explicit URLs, completed by ISSUER/.well-known/openid-configuration when issuer is set. */
export async function discoverEndpoints(g: Config["auth.generic_oauth"], fetcher: ProviderFetch): Promise<OAuthEndpoints> {
  const explicit = (s: string): string | undefined => (s.trim() === "" ? undefined : s.trim());
  if (g.issuer.trim() === "") {
    return { authUrl: g.auth_url, tokenUrl: g.token_url, userinfoUrl: explicit(g.api_url), oidc: undefined };
  }
  const issuer = g.issuer.trim();
  const doc = await getJson(fetcher, `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  const s = (k: string): string | undefined => (typeof doc[k] === "string" && doc[k] !== "" ? (doc[k] as string) : undefined);
  if (s("issuer") !== issuer) throw new Error(`discovery names issuer ${s("issuer") ?? "(none)"}, not ${issuer}`);
  const authUrl = explicit(g.auth_url) ?? s("authorization_endpoint");
  const tokenUrl = explicit(g.token_url) ?? s("token_endpoint");
  const jwksUrl = s("jwks_uri");
  if (authUrl === undefined || tokenUrl === undefined || jwksUrl === undefined) throw new Error(`discovery document of ${issuer} lacks authorization_endpoint, token_endpoint or jwks_uri`);
  return { authUrl, tokenUrl, userinfoUrl: explicit(g.api_url) ?? s("userinfo_endpoint"), oidc: { issuer, jwksUrl } };
}
