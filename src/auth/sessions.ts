/**
 * Login sessions kept in SQLite (they survive restarts). The browser holds a random 256-bit id in an
 * httpOnly cookie; the table holds only its SHA-256 hash. A session ends when unused for
 * `[auth] session_idle`, `session_max` after login whatever its use, at logout, or at once when its
 * user is disabled.
 */
import type { Clock } from "../lib/clock.js";
import type { AuthStores, SessionRow, UserRow } from "../store/index.js";
import { randomToken, sha256Hex } from "./secrets.js";

export interface SessionLifetimes {
  readonly idleMs: number;
  readonly maxMs: number;
}

export interface ResolvedSession {
  readonly session: SessionRow;
  readonly user: UserRow;
}

/** Writes last_seen_at at most this often per session, so reads do not turn into writes. */
const TOUCH_EVERY_MS = 60_000;

export class SessionService {
  constructor(
    private readonly stores: AuthStores,
    private readonly lifetimes: SessionLifetimes,
    private readonly clock: Clock,
  ) {}

  /** A new session for the user: returns the cookie value (shown to nobody else) and its CSRF token. */
  create(userId: number): { cookieValue: string; csrfToken: string } {
    const cookieValue = randomToken(32);
    const csrfToken = randomToken(32);
    const now = this.clock.now();
    this.stores.sessions.insert({ idHash: sha256Hex(cookieValue), userId, csrfToken, createdAt: now, lastSeenAt: now });
    this.stores.users.touch(userId, now);
    return { cookieValue, csrfToken };
  }

  resolve(cookieValue: string): ResolvedSession | undefined {
    if (cookieValue.length < 20 || cookieValue.length > 100) return undefined;
    const idHash = sha256Hex(cookieValue);
    const session = this.stores.sessions.get(idHash);
    if (session === undefined) return undefined;
    const now = this.clock.now();
    if (now - session.lastSeenAt > this.lifetimes.idleMs || now - session.createdAt > this.lifetimes.maxMs) {
      this.stores.sessions.delete(idHash);
      return undefined;
    }
    const user = this.stores.users.byId(session.userId);
    if (user === undefined || user.disabled) {
      this.stores.sessions.deleteForUser(session.userId);
      return undefined;
    }
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) {
      this.stores.sessions.touch(idHash, now);
      this.stores.users.touch(user.id, now);
    }
    return { session, user };
  }

  destroy(cookieValue: string): void {
    this.stores.sessions.delete(sha256Hex(cookieValue));
  }

  /** Ends every session of a user (disabled, or password changed). */
  endAllFor(userId: number): number {
    return this.stores.sessions.deleteForUser(userId);
  }

  purgeExpired(): number {
    const now = this.clock.now();
    return this.stores.sessions.deleteExpired(now - this.lifetimes.idleMs, now - this.lifetimes.maxMs);
  }
}
