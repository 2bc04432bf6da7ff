/**
 * The snapshot repository on SQLite (src/dashboards' SnapshotRepository, implemented without
 * importing it). A snapshot is stored whole (dashboard JSON, range, the query results it showed);
 * an expired one is invisible at once and deleted by purgeExpired().
 */
import { randomBytes } from "node:crypto";
import type { Db } from "../db.js";
import type { Clock } from "../../lib/clock.js";
import type { SnapshotRecord as SnapshotEntry, UnixMs } from "../../model/index.js";

export type { SnapshotRecord as SnapshotEntry } from "../../model/index.js";


interface Row {
  key: string;
  name: string;
  dashboard: string;
  range_from: number;
  range_to: number;
  data: string;
  created_at: number;
  expires_at: number | null;
  created_by: string | null;
}

/** 32 URL-safe characters (192 random bits): the key is the capability when snapshots are public. */
export function newSnapshotKey(): string {
  return randomBytes(24).toString("base64url");
}

export class SqliteSnapshotRepository {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  create(s: Omit<SnapshotEntry, "key" | "createdAt">): SnapshotEntry {
    const key = newSnapshotKey();
    const createdAt = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO snapshots (key, name, dashboard, range_from, range_to, data, created_at, expires_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(key, s.name, JSON.stringify(s.dashboard), s.range.from, s.range.to, JSON.stringify(s.data), createdAt, s.expiresAt, s.createdBy);
    return { ...s, key, createdAt };
  }

  get(key: string): SnapshotEntry | undefined {
    const r = this.db
      .prepare("SELECT * FROM snapshots WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)")
      .get(key, this.clock.now()) as Row | undefined;
    if (r === undefined) return undefined;
    return {
      key: r.key,
      name: r.name,
      dashboard: JSON.parse(r.dashboard) as unknown,
      range: { from: r.range_from, to: r.range_to },
      data: JSON.parse(r.data) as Record<string, unknown>,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      createdBy: r.created_by,
    };
  }

  list(): Array<Omit<SnapshotEntry, "dashboard" | "data">> {
    const rows = this.db
      .prepare(
        `SELECT key, name, range_from, range_to, created_at, expires_at, created_by FROM snapshots
         WHERE expires_at IS NULL OR expires_at > ? ORDER BY created_at DESC, key`,
      )
      .all(this.clock.now()) as Array<Omit<Row, "dashboard" | "data">>;
    return rows.map((r) => ({
      key: r.key,
      name: r.name,
      range: { from: r.range_from, to: r.range_to },
      createdAt: r.created_at,
      expiresAt: r.expires_at,
      createdBy: r.created_by,
    }));
  }

  delete(key: string): boolean {
    return this.db.prepare("DELETE FROM snapshots WHERE key = ?").run(key).changes > 0;
  }

  purgeExpired(now: UnixMs): number {
    return this.db.prepare("DELETE FROM snapshots WHERE expires_at IS NOT NULL AND expires_at <= ?").run(now).changes;
  }
}
