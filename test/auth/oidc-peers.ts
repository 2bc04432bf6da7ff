/**
 * OpenID Connect providers for the generic OAuth tests, on loopback:
 * - startOidcProvider: the real, certified `oidc-provider` (in-process, its own port), with accounts
 *   and their groups; its devInteractions login and consent pages are driven by `oidcLogin`.
 * - startForgingIdp: a tiny provider whose JWKS and ID tokens the test controls, to hand Loupe ID
 *   tokens with a wrong nonce, an expired exp, a wrong audience or a bad signature.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { after } from "node:test";
import Provider from "oidc-provider";
import { exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import type { Client } from "./harness.js";

export interface OidcAccount {
  readonly sub: string;
  readonly preferred_username: string;
  readonly email: string;
  readonly name: string;
  readonly groups: readonly string[];
}

export interface OidcProvider {
  readonly issuer: string;
  /** Registers the client (Loupe's callback URL is known only once Loupe listens). */
  configure(client: { clientId: string; clientSecret: string; redirectUri: string }): void;
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void, tls?: { cert: string; key: string }): Promise<{ server: Server; base: string }> {
  const server = tls === undefined ? createServer(handler) : createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  after(() => new Promise<void>((r) => server.close(() => r())));
  server.unref();
  return { server, base: `${tls === undefined ? "http" : "https"}://127.0.0.1:${(server.address() as { port: number }).port}` };
}

export async function startOidcProvider(accounts: readonly OidcAccount[]): Promise<OidcProvider> {
  let callback: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const { base } = await listen((req, res) => {
    if (callback === undefined) return void res.writeHead(503).end();
    callback(req, res);
  });
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: "test-key", use: "sig", alg: "RS256" };
  return {
    issuer: base,
    configure({ clientId, clientSecret, redirectUri }) {
      const provider = new Provider(base, {
        clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], grant_types: ["authorization_code"], response_types: ["code"] }],
        jwks: { keys: [jwk as JWK & { kty: "RSA" }] },
        claims: { openid: ["sub"], email: ["email"], profile: ["name", "preferred_username"], groups: ["groups"] },
        scopes: ["openid", "email", "profile", "groups"],
        features: { devInteractions: { enabled: true } },
        conformIdTokenClaims: false, // scope claims go into the ID token (like Keycloak's groups mapper)
        findAccount: (_ctx, id) => {
          const a = accounts.find((x) => x.sub === id || x.preferred_username === id);
          if (a === undefined) return undefined;
          return { accountId: a.sub, claims: () => ({ ...a, groups: [...a.groups] }) };
        },
      });
      provider.on("server_error", (_ctx: unknown, err: Error) => { if (process.env["OIDC_DEBUG"]) console.error("oidc-provider server_error", err); });
      callback = provider.callback();
    },
  };
}

/** A cookie jar per origin for the provider's side of the flow. */
class Jar {
  private readonly jars = new Map<string, Map<string, string>>();
  async get(url: string, init: { method?: string; body?: string } = {}): Promise<Response> {
    const origin = new URL(url).origin;
    const jar = this.jars.get(origin) ?? new Map<string, string>();
    this.jars.set(origin, jar);
    const headers: Record<string, string> = {};
    if (jar.size > 0) headers["cookie"] = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    if (init.body !== undefined) headers["content-type"] = "application/x-www-form-urlencoded";
    const res = await fetch(url, { method: init.method ?? "GET", headers, redirect: "manual", ...(init.body !== undefined ? { body: init.body } : {}) });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair!.indexOf("=");
      const value = pair!.slice(i + 1);
      if (/expires=Thu, 01 Jan 1970/i.test(c) || value === "") jar.delete(pair!.slice(0, i));
      else jar.set(pair!.slice(0, i), value);
    }
    return res;
  }
}

/**
 * Signs `login` in at the provider: Loupe's /login/generic_oauth → the provider's login and consent
 * pages (devInteractions) → Loupe's callback. Returns every Loupe URL visited and the last answer.
 */
export async function oidcLogin(loupe: Client, login: string, opts: { start?: string; tamper?: (callback: URL) => URL } = {}): Promise<{ res: Response; hops: string[] }> {
  const provider = new Jar();
  const hops: string[] = [];
  let res = await loupe.get(opts.start ?? "/login/generic_oauth");
  for (let i = 0; i < 20; i++) {
    const loc = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && loc !== null) {
      let url = new URL(loc, res.url);
      if (url.origin === new URL(loupe.base).origin) {
        const isCallback = url.pathname === "/login/generic_oauth" && (url.searchParams.has("state") || url.searchParams.has("error"));
        if (isCallback && opts.tamper !== undefined) url = opts.tamper(url);
        hops.push(url.toString());
        res = await loupe.get(url.toString());
        if (isCallback || url.pathname !== "/login/generic_oauth") return { res, hops };
      } else res = await provider.get(url.toString());
      continue;
    }
    const page = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(page)?.[1];
    if (res.status !== 200 || action === undefined || prompt === undefined) return { res: new Response(page, { status: res.status }), hops };
    const body = prompt === "login" ? new URLSearchParams({ prompt, login, password: "any" }) : new URLSearchParams({ prompt });
    res = await provider.get(new URL(action.replace(/&amp;/g, "&"), res.url).toString(), { method: "POST", body: body.toString() });
  }
  throw new Error("too many hops");
}

export type ForgeMode = "good" | "wrong_nonce" | "expired" | "wrong_aud" | "bad_signature" | "wrong_iss" | "token_error";

export interface ForgingIdp {
  readonly issuer: string;
  mode: ForgeMode;
  /** The PKCE verifiers the token endpoint checked (S256 against the authorize request's challenge). */
  readonly pkceChecked: number;
}

/** A provider that signs ID tokens as `mode` says (bad_signature: a key not in its JWKS, same kid). */
export async function startForgingIdp(clientId: string, clientSecret: string, claims: Record<string, unknown>, tls?: { cert: string; key: string }): Promise<ForgingIdp> {
  const good = await generateKeyPair("ES256");
  const evil = await generateKeyPair("ES256");
  const pub = { ...(await exportJWK(good.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
  const codes = new Map<string, { nonce: string; challenge: string }>();
  const state = { mode: "good" as ForgeMode, pkceChecked: 0, issuer: "" };
  const json = (res: ServerResponse, status: number, body: unknown): void => void res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  const { base } = await listen((req, res) => {
    const url = new URL(req.url ?? "/", state.issuer);
    if (url.pathname === "/.well-known/openid-configuration") {
      return json(res, 200, { issuer: state.issuer, authorization_endpoint: `${state.issuer}/authorize`, token_endpoint: `${state.issuer}/token`, jwks_uri: `${state.issuer}/jwks` });
    }
    if (url.pathname === "/jwks") return json(res, 200, { keys: [pub] });
    if (url.pathname === "/authorize") {
      const code = `code-${codes.size + 1}`;
      codes.set(code, { nonce: url.searchParams.get("nonce") ?? "", challenge: url.searchParams.get("code_challenge") ?? "" });
      const back = new URL(url.searchParams.get("redirect_uri")!);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      return void res.writeHead(302, { location: back.toString() }).end();
    }
    if (url.pathname === "/token" && req.method === "POST") {
      let raw = "";
      req.on("data", (c: Buffer) => (raw += c.toString()));
      req.on("end", () => {
        void (async () => {
          const form = new URLSearchParams(raw);
          const basic = Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString();
          if (basic !== `${clientId}:${clientSecret}`) return json(res, 401, { error: "invalid_client" });
          const entry = codes.get(form.get("code") ?? "");
          if (entry === undefined) return json(res, 400, { error: "invalid_grant" });
          codes.delete(form.get("code")!);
          if (createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url") !== entry.challenge) return json(res, 400, { error: "invalid_grant", error_description: "pkce" });
          state.pkceChecked++;
          const m = state.mode;
          if (m === "token_error") return json(res, 400, { error: "invalid_grant", error_description: "the code was already used" });
          const now = Math.floor(Date.now() / 1000);
          const token = await new SignJWT({ ...claims, nonce: m === "wrong_nonce" ? "not-the-nonce" : entry.nonce })
            .setProtectedHeader({ alg: "ES256", kid: "k1" })
            .setIssuer(m === "wrong_iss" ? "http://elsewhere.invalid" : state.issuer)
            .setAudience(m === "wrong_aud" ? "another-client" : clientId)
            .setSubject(String(claims["sub"]))
            .setIssuedAt(m === "expired" ? now - 7200 : now)
            .setExpirationTime(m === "expired" ? now - 3600 : now + 300)
            .sign(m === "bad_signature" ? evil.privateKey : good.privateKey);
          json(res, 200, { access_token: "at", token_type: "Bearer", id_token: token });
        })();
      });
      return;
    }
    json(res, 404, { error: "not_found" });
  }, tls);
  state.issuer = base;
  return {
    issuer: base,
    get mode() {
      return state.mode;
    },
    set mode(m: ForgeMode) {
      state.mode = m;
    },
    get pkceChecked() {
      return state.pkceChecked;
    },
  };
}

export const OIDC_CLIENT = "loupe-oidc";
export const OIDC_SECRET = "oidc-client-secret-value";

export const ROLE_PATH = "contains(groups[*], 'ops-admins') && 'Admin' || contains(groups[*], 'ops') && 'Editor' || 'Viewer'";

export function oidcIni(issuer: string, extra = ""): string {
  return [
    "[auth.generic_oauth]",
    "enabled = true",
    "name = Keycloak",
    `client_id = ${OIDC_CLIENT}`,
    `client_secret = ${OIDC_SECRET}`,
    `issuer = ${issuer}`,
    "scopes = openid,email,profile,groups",
    "allowed_groups = monitoring",
    `role_attribute_path = ${ROLE_PATH}`,
    extra,
  ].join("\n");
}

