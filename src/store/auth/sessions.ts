/** SQL for sessions. Rows are keyed by the SHA-256 hash of the cookie value, never the value itself. */
import type { Db } from "../db.js";
import type { UserRow } from "./users.js";

export interface SessionRow {
  readonly idHash: string;
  readonly userId: number;
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly lastSeenAt: number;
}

interface RawSession {
  id_hash: string;
  user_id: number;
  csrf_token: string;
  created_at: number;
  last_seen_at: number;
}

export class SessionStore {
  constructor(private readonly db: Db) {}

  insert(s: SessionRow): void {
    this.db
      .prepare("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)")
      .run(s.idHash, s.userId, s.csrfToken, s.createdAt, s.lastSeenAt);
  }

  get(idHash: string): SessionRow | undefined {
    const r = this.db.prepare("SELECT id_hash, user_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?").get(idHash) as RawSession | undefined;
    return r === undefined ? undefined : { idHash: r.id_hash, userId: r.user_id, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at };
  }

  touch(idHash: string, at: number): void {
    this.db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(at, idHash);
  }

  delete(idHash: string): void {
    this.db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
  }

  deleteForUser(userId: number): number {
    return this.db.prepare("DELETE FROM sessions WHERE user_id = ?").run(userId).changes;
  }

  /** Deletes sessions idle since before idleBefore or created before createdBefore. */
  deleteExpired(idleBefore: number, createdBefore: number): number {
    return this.db.prepare("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?").run(idleBefore, createdBefore).changes;
  }

  countForUser(userId: number): number {
    return this.db.prepare("SELECT count(*) FROM sessions WHERE user_id = ?").pluck().get(userId) as number;
  }
}

export type { UserRow };
