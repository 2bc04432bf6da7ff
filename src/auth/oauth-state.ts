/**
 * OAuth `state` for the GitHub and generic OAuth flows: a random value remembered server-side (10 minutes, used once)
 * and bound to the browser that started the flow by an httpOnly cookie, so neither a forged nor a
 * replayed nor another browser's callback is accepted. Implements passport-oauth2's state store.
 */
import type { Request, Response } from "express";
import type { Clock } from "../lib/clock.js";
import { parseCookies, serializeCookie } from "./cookies.js";
import { randomToken, safeEqual } from "./secrets.js";

export const STATE_COOKIE = "loupe_oauth_state";
/** How long a started GitHub login may take: a state older than this is refused. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** Pending logins remembered at most (the oldest are dropped first). */
export const OAUTH_STATE_MAX_PENDING = 10_000;
const TTL_MS = OAUTH_STATE_TTL_MS;
const MAX_PENDING = OAUTH_STATE_MAX_PENDING;

export interface PendingLogin {
  readonly next: string;
  /** OpenID Connect: the nonce the ID token must carry. */
  readonly nonce?: string;
  /** PKCE: the code verifier whose S256 challenge went to the authorize URL. */
  readonly verifier?: string;
}

export type ConsumedState = { readonly ok: true; readonly login: PendingLogin } | { readonly ok: false; readonly code: "missing_state" | "bad_state" };

type StoreCb = (err: Error | null, state?: string) => void;
type VerifyCb = (err: Error | null, ok: boolean, info?: unknown) => void;

export class OAuthStateStore {
  private readonly pending = new Map<string, { expires: number; login: PendingLogin }>();
  private readonly now: () => number;

  /** `clock`: the injected Clock (lib/clock.ts), or a function returning the time in ms. */
  constructor(
    clock: Clock | (() => number),
    private readonly secureCookies: boolean,
    private readonly maxPending = MAX_PENDING,
  ) {
    this.now = typeof clock === "function" ? clock : () => clock.now();
  }

  /** Logins started and neither finished nor pruned yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Starts a login: remembers a new state (with the nonce / PKCE verifier given), sets the cookie, returns the state. */
  begin(req: Request, res: Response, extra: Omit<PendingLogin, "next"> = {}): string {
    this.prune();
    const state = randomToken(24);
    const next = safeNext(typeof req.query["next"] === "string" ? req.query["next"] : undefined);
    this.pending.set(state, { expires: this.now() + TTL_MS, login: { next, ...extra } });
    res.append("Set-Cookie", serializeCookie(STATE_COOKIE, state, { maxAgeMs: TTL_MS, secure: this.secureCookies, path: "/login" }));
    return state;
  }

  /** The callback's state: it must be pending (used once, not expired) and match this browser's cookie. */
  consume(req: Request, res: Response, state: unknown): ConsumedState {
    const cookie = parseCookies(req.headers.cookie).get(STATE_COOKIE);
    res.append("Set-Cookie", serializeCookie(STATE_COOKIE, "", { maxAgeMs: 0, secure: this.secureCookies, path: "/login" }));
    if (typeof state !== "string" || state === "") return { ok: false, code: "missing_state" };
    const entry = this.pending.get(state);
    if (entry !== undefined) this.pending.delete(state);
    if (entry === undefined || entry.expires < this.now() || cookie === undefined || !safeEqual(cookie, state)) {
      return { ok: false, code: "bad_state" };
    }
    return { ok: true, login: entry.login };
  }

  /** passport-oauth2 calls this when redirecting to the authorize URL. */
  store(req: Request, _meta: unknown, cb: StoreCb): void {
    cb(null, this.begin(req, req.res as Response));
  }

  /** passport-oauth2 calls this on the callback: the state must be pending and match the cookie. */
  verify(req: Request, state: unknown, _meta: unknown, cb: VerifyCb): void {
    const r = this.consume(req, req.res as Response, state);
    if (!r.ok) return cb(null, false, { code: r.code });
    cb(null, true, r.login);
  }

  private prune(): void {
    const now = this.now();
    for (const [k, v] of this.pending) if (v.expires < now) this.pending.delete(k);
    while (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value!);
  }
}

/** Only local paths are followed after login ("/d/x?y"), never another site ("//evil", "/\\evil", "https://…"). */
export function safeNext(next: string | undefined): string {
  if (next === undefined || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\") || /[\r\n]/.test(next)) return "/";
  if (next.startsWith("/login") || next.startsWith("/logout")) return "/";
  return next;
}
