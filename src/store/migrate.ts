/**
 * Forward-only migrations: `migrations/NNNN_name.sql`, applied in order in one transaction at start
 * and recorded in `schema_migrations`. A database whose newest migration is unknown to this Loupe
 * was written by a newer version and is refused rather than risked.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { LoupeError } from "../lib/errors.js";
import { PROJECT_ROOT } from "../lib/package-info.js";
import type { Db } from "./db.js";

export const MIGRATIONS_DIR = join(PROJECT_ROOT, "migrations");

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationResult {
  readonly applied: readonly Migration[];
  readonly version: number;
}

export function readMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (m === null) {
      if (file.endsWith(".sql")) throw new LoupeError("migration_name", `migration file ${file} is not named NNNN_name.sql`);
      continue;
    }
    const version = Number(m[1]);
    if (out.some((x) => x.version === version)) throw new LoupeError("migration_duplicate", `two migrations numbered ${m[1]} in ${dir}`);
    out.push({ version, name: m[2]!, sql: readFileSync(join(dir, file), "utf8") });
  }
  return out;
}

export function migrate(db: Db, migrations: readonly Migration[] = readMigrations(), path = "database"): MigrationResult {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const done = new Set((db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[]).map(Number));
  const known = Math.max(0, ...migrations.map((m) => m.version));
  const newest = Math.max(0, ...done);
  if (newest > known) {
    throw new LoupeError(
      "db_too_new",
      `${path} was written by a newer Loupe (schema version ${newest}; this Loupe knows up to ${known}). ` +
        `Upgrade Loupe, or point [database] path at another file.`,
    );
  }
  const pending = migrations.filter((m) => !done.has(m.version));
  if (pending.length === 0) return { applied: [], version: newest };
  const insert = db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)");
  db.transaction(() => {
    for (const m of pending) {
      try {
        db.exec(m.sql);
      } catch (err) {
        throw new LoupeError("migration_failed", `migration ${String(m.version).padStart(4, "0")}_${m.name} failed: ${(err as Error).message}`, { cause: err });
      }
      insert.run(m.version, m.name, Date.now());
    }
  })();
  return { applied: pending, version: Math.max(newest, ...pending.map((m) => m.version)) };
}
