import { LoupeError } from "../lib/errors.js";

/**
 * Failure limiting per key (a client address for API tokens): at most `max` failures in a sliding window. Kept in
 * memory (a restart forgets it, which only helps someone who can also restart Loupe).
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number,
  ) {}

  /** Milliseconds until this address may try again, or 0 when it may now. */
  retryAfter(key: string): number {
    const list = this.recent(key);
    if (list.length < this.max) return 0;
    return Math.max(1, list[0]! + this.windowMs - this.now());
  }

  fail(key: string): void {
    const list = this.recent(key);
    list.push(this.now());
    this.failures.set(key, list);
    if (this.failures.size > 50_000) this.prune();
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.windowMs;
    const list = (this.failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.failures.delete(key);
    return list;
  }

  private prune(): void {
    for (const key of [...this.failures.keys()]) this.recent(key);
  }
}

export interface LoginLimits {
  /** Failures per login name within the window before that name is locked ([auth] login_max_attempts). */
  readonly perName: number;
  /** Failures per client address within the window before it is limited ([auth] login_max_attempts_per_address). */
  readonly perAddress: number;
  readonly windowMs: number;
  /** Longest lock of a name: each lock in a row doubles, up to this ([auth] login_lockout_max). */
  readonly maxLockMs: number;
}

export type LoginVerdict = { readonly allowed: true } | { readonly allowed: false; readonly by: "name" | "address"; readonly retryAfterMs: number };

interface NameState {
  failures: number[];
  /** Locks in a row (reset by a success or a quiet period): the next lock lasts window × 2^strikes. */
  strikes: number;
  lockedUntil: number;
  last: number;
}

const MAX_KEYS = 50_000;

/**
 * Failed-login limits keyed by login name (the primary limit) and by client address.
 *
 * - A name with `perName` failures in the window is locked, whatever the password and whichever
 *   address asks: the lock lasts one window, doubling at each lock in a row up to `maxLockMs`.
 * - An address with `perAddress` failures in the window (a password sprayer) may still try names
 *   with no recent failure (so a correct password of a user not under attack always works, which
 *   matters because every SSH-tunnel user shares 127.0.0.1), but not names that failed recently.
 *
 * A success clears the name's failures and strikes. Kept in memory: a restart forgets it, which only
 * helps someone who can also restart Loupe. Both maps are bounded (oldest entries dropped).
 */
export class LoginLimiter {
  private readonly names = new Map<string, NameState>();
  private readonly addresses: FailureLimiter;
  /** For /metrics: failures, name locks, and logins refused by each limit. */
  readonly counts = { failures: 0, locks: 0, limitedByName: 0, limitedByAddress: 0 };

  constructor(
    private readonly limits: LoginLimits,
    private readonly now: () => number,
  ) {
    this.addresses = new FailureLimiter(limits.perAddress, limits.windowMs, now);
  }

  /** Whether `name` may try to log in from `address` now. */
  check(name: string, address: string): LoginVerdict {
    const now = this.now();
    const s = this.state(name, now);
    if (s !== undefined && s.lockedUntil > now) {
      this.counts.limitedByName++;
      return { allowed: false, by: "name", retryAfterMs: s.lockedUntil - now };
    }
    const addressWait = this.addresses.retryAfter(address);
    if (addressWait > 0 && s !== undefined && s.failures.length > 0) {
      const nameClears = s.failures[s.failures.length - 1]! + this.limits.windowMs - now;
      this.counts.limitedByAddress++;
      return { allowed: false, by: "address", retryAfterMs: Math.max(1, Math.min(addressWait, nameClears)) };
    }
    return { allowed: true };
  }

  /** Records a failure; returns true when it locked the name. */
  fail(name: string, address: string): boolean {
    const now = this.now();
    this.counts.failures++;
    this.addresses.fail(address);
    const key = nameKey(name);
    const s = this.state(name, now) ?? { failures: [], strikes: 0, lockedUntil: 0, last: now };
    this.names.delete(key); // re-inserted last: the map's order is least recently failed first
    this.names.set(key, s);
    s.failures.push(now);
    s.last = now;
    if (this.names.size > MAX_KEYS) this.prune(now);
    if (s.failures.length < this.limits.perName) return false;
    this.counts.locks++;
    s.lockedUntil = now + Math.min(this.limits.windowMs * 2 ** s.strikes, this.limits.maxLockMs);
    s.strikes++;
    s.failures = [];
    return true;
  }

  /** /metrics entries ([auth] login_max_attempts, login_max_attempts_per_address). */
  metrics(): { name: string; help: string; type: "counter"; labels?: { by: string }; value: number }[] {
    const c = this.counts;
    return [
      { name: "loupe_auth_login_failures_total", help: "failed local logins", type: "counter", value: c.failures },
      { name: "loupe_auth_login_locks_total", help: "login names locked after [auth] login_max_attempts failures", type: "counter", value: c.locks },
      { name: "loupe_auth_login_limited_total", help: "logins refused by a limit: by=name ([auth] login_max_attempts) or by=address (login_max_attempts_per_address)", type: "counter", labels: { by: "name" }, value: c.limitedByName },
      { name: "loupe_auth_login_limited_total", help: "logins refused by a limit: by=name ([auth] login_max_attempts) or by=address (login_max_attempts_per_address)", type: "counter", labels: { by: "address" }, value: c.limitedByAddress },
    ];
  }

  succeed(name: string): void {
    this.names.delete(nameKey(name));
  }

  /** The name's state with failures outside the window dropped; strikes forgotten after a quiet period. */
  private state(name: string, now: number): NameState | undefined {
    const key = nameKey(name);
    const s = this.names.get(key);
    if (s === undefined) return undefined;
    const since = now - this.limits.windowMs;
    s.failures = s.failures.filter((t) => t > since);
    const quiet = now - s.last > this.limits.maxLockMs + this.limits.windowMs;
    if (quiet && s.lockedUntil <= now) {
      this.names.delete(key);
      return undefined;
    }
    return s;
  }

  private prune(now: number): void {
    // unlocked names first (least recently failed first), then, only if all are locked, the oldest
    for (const [key, s] of this.names) {
      if (this.names.size <= MAX_KEYS * 0.9) break;
      if (s.lockedUntil <= now) this.names.delete(key);
    }
    for (const key of this.names.keys()) {
      if (this.names.size <= MAX_KEYS) break;
      this.names.delete(key);
    }
  }
}

/** Logins differing only in case or surrounding blanks share one limit. */
function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

/** 429 for a login refused by LoginLimiter, saying which limit applies. */
export class LoginLimitedError extends LoupeError {
  constructor(readonly retryAfterMs: number, by: "name" | "address") {
    const what = by === "name" ? "for this login" : "from this address for this login";
    super("too_many_attempts", `too many failed attempts ${what}; try again in ${Math.ceil(retryAfterMs / 1000)} s`, { status: 429 });
  }
}
