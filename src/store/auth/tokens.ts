/** SQL for API tokens. Only the SHA-256 hash of a token is stored; `prefix` helps people tell them apart. */
import type { Db } from "../db.js";

export type TokenScope = "read" | "write";

export interface TokenRow {
  readonly id: number;
  readonly name: string;
  readonly prefix: string;
  readonly scope: TokenScope;
  readonly createdBy: number | null;
  readonly createdByLogin: string | null;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
}

interface RawToken {
  id: number;
  name: string;
  prefix: string;
  scope: TokenScope;
  created_by: number | null;
  created_by_login: string | null;
  created_at: number;
  last_used_at: number | null;
}

const SELECT =
  "SELECT t.id, t.name, t.prefix, t.scope, t.created_by, u.login AS created_by_login, t.created_at, t.last_used_at FROM api_tokens t LEFT JOIN users u ON u.id = t.created_by";

function toRow(r: RawToken): TokenRow {
  return {
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scope: r.scope,
    createdBy: r.created_by,
    createdByLogin: r.created_by_login,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  };
}

export class TokenStore {
  constructor(private readonly db: Db) {}

  insert(t: { name: string; prefix: string; tokenHash: string; scope: TokenScope; createdBy: number | null; createdAt: number }): TokenRow {
    const info = this.db
      .prepare("INSERT INTO api_tokens (name, prefix, token_hash, scope, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(t.name, t.prefix, t.tokenHash, t.scope, t.createdBy, t.createdAt);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  byId(id: number): TokenRow | undefined {
    const r = this.db.prepare(`${SELECT} WHERE t.id = ?`).get(id) as RawToken | undefined;
    return r === undefined ? undefined : toRow(r);
  }

  byHash(hash: string): TokenRow | undefined {
    const r = this.db.prepare(`${SELECT} WHERE t.token_hash = ?`).get(hash) as RawToken | undefined;
    return r === undefined ? undefined : toRow(r);
  }

  list(): TokenRow[] {
    return (this.db.prepare(`${SELECT} ORDER BY t.created_at DESC, t.id DESC`).all() as RawToken[]).map(toRow);
  }

  delete(id: number): boolean {
    return this.db.prepare("DELETE FROM api_tokens WHERE id = ?").run(id).changes > 0;
  }

  touch(id: number, at: number): void {
    this.db.prepare("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(at, id);
  }
}
