/**
 * Users: who may sign in and with which role. The first user ever, and logins listed in
 * `[auth] admins`, are Admin. GitHub users are matched by their GitHub id (or, once, by login when an
 * Admin created them beforehand with `loupe user add --github LOGIN`); local users by login and an
 * scrypt password.
 */
import type { Role } from "./principal.js";
import type { Clock } from "../lib/clock.js";
import { BadRequestError, ConflictError, ForbiddenError, LoupeError, NotFoundError } from "../lib/errors.js";
import type { AuthStores, UserRow } from "../store/index.js";
import type { GithubDecision, GithubFacts } from "./github-policy.js";
import { DUMMY_HASH_PROMISE, MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from "./password.js";
import type { SessionService } from "./sessions.js";

export interface UserPolicy {
  readonly admins: readonly string[];
  readonly allowSignUp: boolean;
  readonly defaultRole: Role;
}

/** Why a sign-in was refused; `code` goes into /login?error=… (never free text). */
export class SignInError extends LoupeError {
  constructor(code: string, message: string) {
    super(code, message, { status: 403 });
  }
}

/**
 * A user vouched for by generic OAuth, LDAP or the auth proxy. Until a migration widens the users
 * table's provider column (it allows github and local), such users are stored as provider "local"
 * with no password and external_id "<provider>:<subject>", so they can never log in with a password.
 */
export interface ExternalIdentity {
  readonly provider: "oauth" | "ldap" | "proxy";
  /** Stable id at the provider: the OIDC `sub`, the LDAP login, the proxy's header value (lowercased). */
  readonly subject: string;
  readonly login: string;
  readonly name: string;
  readonly email: string;
  /** The role from the provider's mapping; undefined: no mapping configured (the role is not synced). */
  readonly mappedRole: Role | undefined;
}

export interface ExternalSignInOptions {
  readonly allowSignUp: boolean;
  readonly defaultRole: Role;
  /** Auth proxy (Grafana's meaning): a user with the same login, however created, is that person. */
  readonly matchByLogin: boolean;
}

/** The external_id of a generic OAuth / LDAP / proxy user. */
export function externalKey(id: Pick<ExternalIdentity, "provider" | "subject">): string {
  return `${id.provider}:${id.subject}`;
}

const LOGIN_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export class UserService {
  private readonly admins: Set<string>;

  constructor(
    private readonly stores: AuthStores,
    private readonly sessions: SessionService,
    private readonly policy: UserPolicy,
    private readonly clock: Clock,
  ) {
    this.admins = new Set(policy.admins.map((a) => a.toLowerCase()));
  }

  private isListedAdmin(login: string): boolean {
    return this.admins.has(login.toLowerCase());
  }

  /** Signs in a GitHub user the policy already allowed; creates or updates the row. */
  signInGithub(facts: GithubFacts, decision: Extract<GithubDecision, { ok: true }>): UserRow {
    const p = facts.profile;
    return this.stores.users.transaction(() => {
      let user = this.stores.users.byExternal("github", p.id);
      if (user === undefined) {
        const pre = this.stores.users.byLogin(p.login);
        if (pre !== undefined) {
          if (pre.provider !== "github" || pre.externalId !== null) throw new SignInError("login_taken", "another Loupe user already has this login");
          this.linkPlaceholder(pre.id, p.id);
          user = this.stores.users.byId(pre.id)!;
        }
      }
      if (user === undefined) {
        if (!this.policy.allowSignUp) throw new SignInError("signup_disabled", "new users cannot sign up; ask an Admin to add you");
        const first = this.stores.users.count() === 0;
        const role: Role = first || this.isListedAdmin(p.login) ? "Admin" : (decision.mappedRole ?? this.policy.defaultRole);
        return this.stores.users.insert({ provider: "github", externalId: p.id, login: p.login, name: p.name, email: decision.email, avatarUrl: p.avatarUrl, role, createdAt: this.clock.now() });
      }
      if (user.disabled) throw new SignInError("user_disabled", "this user is disabled");
      // a GitHub rename onto a login another Loupe user has keeps the old login rather than failing
      const clash = this.stores.users.byLogin(p.login);
      const login = clash !== undefined && clash.id !== user.id ? user.login : p.login;
      this.stores.users.updateProfile(user.id, { login, name: p.name, email: decision.email, avatarUrl: p.avatarUrl });
      const role: Role | undefined = this.isListedAdmin(login) ? "Admin" : decision.mappedRole;
      if (role !== undefined && role !== user.role) this.stores.users.setRole(user.id, role);
      return this.stores.users.byId(user.id)!;
    });
  }

  /** Signs in a user an external provider (generic OAuth, LDAP, proxy) vouched for; creates or updates the row. */
  signInExternal(id: ExternalIdentity, opts: ExternalSignInOptions): UserRow {
    const key = externalKey(id);
    return this.stores.users.transaction(() => {
      let user = this.stores.users.byExternal("local", key);
      if (user === undefined) {
        const pre = this.stores.users.byLogin(id.login);
        if (pre !== undefined && !opts.matchByLogin) throw new SignInError("login_taken", "another Loupe user already has this login");
        user = pre;
      }
      if (user === undefined) {
        if (!opts.allowSignUp) throw new SignInError("signup_disabled", "new users cannot sign up; ask an Admin to add you");
        if (!LOGIN_RE.test(id.login)) throw new SignInError("invalid_login", "the login name from the provider is not a valid Loupe login");
        const first = this.stores.users.count() === 0;
        const role: Role = first || this.isListedAdmin(id.login) ? "Admin" : (id.mappedRole ?? opts.defaultRole);
        return this.stores.users.insert({ provider: "local", externalId: key, login: id.login, name: id.name || id.login, email: id.email, role, createdAt: this.clock.now() });
      }
      if (user.disabled) throw new SignInError("user_disabled", "this user is disabled");
      if (user.externalId === key) {
        const clash = this.stores.users.byLogin(id.login);
        const login = (clash !== undefined && clash.id !== user.id) || !LOGIN_RE.test(id.login) ? user.login : id.login;
        this.stores.users.updateProfile(user.id, { login, name: id.name || login, email: id.email, avatarUrl: user.avatarUrl });
      }
      const role: Role | undefined = this.isListedAdmin(user.login) ? "Admin" : id.mappedRole;
      if (role !== undefined && role !== user.role) this.stores.users.setRole(user.id, role);
      return this.stores.users.byId(user.id)!;
    });
  }

  /** A placeholder made by `loupe user add --github LOGIN` is claimed by the GitHub account with that login. */
  private linkPlaceholder(id: number, externalId: string): void {
    this.stores.users.setExternalId(id, externalId);
  }

  /** Checks a local login; throws SignInError("bad_credentials") without saying which part was wrong. */
  async verifyLocal(login: string, password: string): Promise<UserRow> {
    const user = this.stores.users.byLogin(login);
    const hash = user?.provider === "local" && user.passwordHash !== null ? user.passwordHash : await DUMMY_HASH_PROMISE;
    const ok = await verifyPassword(password, hash);
    if (user === undefined || user.provider !== "local" || user.passwordHash === null || !ok) throw new SignInError("bad_credentials", "wrong login or password");
    if (user.disabled) throw new SignInError("user_disabled", "this user is disabled");
    if (this.isListedAdmin(user.login) && user.role !== "Admin") this.stores.users.setRole(user.id, "Admin");
    return this.stores.users.byId(user.id)!;
  }

  /** `loupe user add`: a local user with a password, or (github) a placeholder for a GitHub login. */
  async add(login: string, opts: { provider: "local" | "github"; password?: string; role?: Role; name?: string }): Promise<UserRow> {
    if (!LOGIN_RE.test(login)) throw new BadRequestError(`"${login}" is not a valid login (letters, digits, . _ @ -; up to 64)`, "invalid_login");
    if (this.stores.users.byLogin(login) !== undefined) throw new ConflictError(`user ${login} already exists`, "user_exists");
    let passwordHash: string | null = null;
    if (opts.provider === "local") {
      checkPassword(opts.password);
      passwordHash = await hashPassword(opts.password!);
    }
    return this.stores.users.transaction(() => {
      const first = this.stores.users.count() === 0;
      const role: Role = first || this.isListedAdmin(login) ? "Admin" : (opts.role ?? this.policy.defaultRole);
      return this.stores.users.insert({ provider: opts.provider, externalId: null, login, name: opts.name ?? login, role, passwordHash, createdAt: this.clock.now() });
    });
  }

  async setPassword(login: string, password: string): Promise<void> {
    const user = this.stores.users.byLogin(login);
    if (user === undefined) throw new NotFoundError(`no user ${login}`, "user_not_found");
    if (user.provider !== "local") throw new BadRequestError(`${login} signs in with GitHub and has no password`, "not_local");
    if (user.externalId !== null) throw new BadRequestError(`${login} signs in through ${user.externalId.split(":")[0]} and has no password`, "not_local");
    checkPassword(password);
    this.stores.users.setPasswordHash(user.id, await hashPassword(password));
    this.sessions.endAllFor(user.id);
  }

  /** Admin page: a new password for a local user (by id); their sessions end. */
  async resetPassword(id: number, password: string): Promise<UserRow> {
    const u = this.byId(id);
    await this.setPassword(u.login, password);
    return this.byId(id);
  }

  list(): UserRow[] {
    return this.stores.users.list();
  }

  byId(id: number): UserRow {
    const u = this.stores.users.byId(id);
    if (u === undefined) throw new NotFoundError(`no user ${id}`, "user_not_found");
    return u;
  }

  /** Admin page: change role and/or disable. Refuses to leave Loupe without an enabled Admin. */
  update(id: number, change: { role?: Role; disabled?: boolean }): UserRow {
    return this.stores.users.transaction(() => {
      const u = this.byId(id);
      const role = change.role ?? u.role;
      const disabled = change.disabled ?? u.disabled;
      const losesAdmin = u.role === "Admin" && !u.disabled && (role !== "Admin" || disabled);
      if (losesAdmin && this.stores.users.list().filter((x) => x.role === "Admin" && !x.disabled).length <= 1) {
        throw new ForbiddenError("this is the last enabled Admin: make someone else Admin first", "last_admin");
      }
      if (role !== u.role) this.stores.users.setRole(id, role);
      if (disabled !== u.disabled) {
        this.stores.users.setDisabled(id, disabled);
        if (disabled) this.sessions.endAllFor(id);
      }
      return this.byId(id);
    });
  }
}

function checkPassword(password: string | undefined): void {
  if (password === undefined || password.length < MIN_PASSWORD_LENGTH) {
    throw new BadRequestError(`a password needs at least ${MIN_PASSWORD_LENGTH} characters`, "weak_password");
  }
}
