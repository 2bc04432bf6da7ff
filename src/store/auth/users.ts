/** SQL for the users table. Policy (who may sign in, which role) lives in src/auth/. */
import type { Db } from "../db.js";

export type UserRole = "Viewer" | "Editor" | "Admin";
export type UserProvider = "github" | "local";

export interface UserRow {
  readonly id: number;
  readonly provider: UserProvider;
  readonly externalId: string | null;
  readonly login: string;
  readonly name: string;
  readonly email: string;
  readonly avatarUrl: string;
  readonly role: UserRole;
  readonly disabled: boolean;
  readonly passwordHash: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number | null;
}

export interface NewUser {
  readonly provider: UserProvider;
  readonly externalId?: string | null;
  readonly login: string;
  readonly name?: string;
  readonly email?: string;
  readonly avatarUrl?: string;
  readonly role: UserRole;
  readonly passwordHash?: string | null;
  readonly createdAt: number;
}

interface RawUser {
  id: number;
  provider: UserProvider;
  external_id: string | null;
  login: string;
  name: string;
  email: string;
  avatar_url: string;
  role: UserRole;
  disabled: number;
  password_hash: string | null;
  created_at: number;
  last_seen_at: number | null;
}

const COLS = "id, provider, external_id, login, name, email, avatar_url, role, disabled, password_hash, created_at, last_seen_at";

function toRow(r: RawUser): UserRow {
  return {
    id: r.id,
    provider: r.provider,
    externalId: r.external_id,
    login: r.login,
    name: r.name,
    email: r.email,
    avatarUrl: r.avatar_url,
    role: r.role,
    disabled: r.disabled !== 0,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
  };
}

export class UserStore {
  constructor(private readonly db: Db) {}

  count(): number {
    return this.db.prepare("SELECT count(*) FROM users").pluck().get() as number;
  }

  list(): UserRow[] {
    return (this.db.prepare(`SELECT ${COLS} FROM users ORDER BY login COLLATE NOCASE`).all() as RawUser[]).map(toRow);
  }

  byId(id: number): UserRow | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM users WHERE id = ?`).get(id) as RawUser | undefined;
    return r === undefined ? undefined : toRow(r);
  }

  byLogin(login: string): UserRow | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM users WHERE login = ?`).get(login) as RawUser | undefined;
    return r === undefined ? undefined : toRow(r);
  }

  byExternal(provider: UserProvider, externalId: string): UserRow | undefined {
    const r = this.db.prepare(`SELECT ${COLS} FROM users WHERE provider = ? AND external_id = ?`).get(provider, externalId) as RawUser | undefined;
    return r === undefined ? undefined : toRow(r);
  }

  insert(u: NewUser): UserRow {
    const info = this.db
      .prepare(
        "INSERT INTO users (provider, external_id, login, name, email, avatar_url, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      )
      .run(u.provider, u.externalId ?? null, u.login, u.name ?? "", u.email ?? "", u.avatarUrl ?? "", u.role, u.passwordHash ?? null, u.createdAt);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  /** Profile fields refreshed at each external sign-in. */
  updateProfile(id: number, p: { login: string; name: string; email: string; avatarUrl: string }): void {
    this.db.prepare("UPDATE users SET login = ?, name = ?, email = ?, avatar_url = ? WHERE id = ?").run(p.login, p.name, p.email, p.avatarUrl, id);
  }

  setExternalId(id: number, externalId: string): void {
    this.db.prepare("UPDATE users SET external_id = ? WHERE id = ?").run(externalId, id);
  }

  setRole(id: number, role: UserRole): void {
    this.db.prepare("UPDATE users SET role = ? WHERE id = ?").run(role, id);
  }

  setDisabled(id: number, disabled: boolean): void {
    this.db.prepare("UPDATE users SET disabled = ? WHERE id = ?").run(disabled ? 1 : 0, id);
  }

  setPasswordHash(id: number, hash: string): void {
    this.db.prepare("UPDATE users SET password_hash = ? WHERE id = ?").run(hash, id);
  }

  touch(id: number, at: number): void {
    this.db.prepare("UPDATE users SET last_seen_at = ? WHERE id = ?").run(at, id);
  }

  /** Runs fn in one transaction (first-user checks must not race). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
