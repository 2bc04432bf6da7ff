/**
 * Forward-only migrations: `migrations/NNNN_name.sql`, applied in order in one transaction at start
 * and recorded in `schema_migrations`. A database whose newest migration is unknown to this Loupe
 * was written by a newer version and is refused rather than risked.
 *
 * Migrations are immutable: from 0005 on, each applied migration's SHA-256 (of its text, CRLF read
 * as LF) is recorded, and a file that no longer matches what the database applied is refused with
 * a message naming it. Rows applied before 0005 get the checksum of the shipped file when 0005 runs.
 * ACCEPTED_HISTORY lists texts a migration legitimately had in a released build (0002 was amended
 * after the first release applied it; 0005 creates what the amendment added).
 */
import { createHash } from "node:crypto";
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
  /** File name, e.g. `0002_tsdb.sql`. */
  readonly file: string;
  /** SHA-256 hex of the text with CRLF read as LF. */
  readonly checksum: string;
}

export interface MigrationResult {
  readonly applied: readonly Migration[];
  readonly version: number;
}

/** Checksums a released build recorded (or would have) for a migration whose text changed since. */
export const ACCEPTED_HISTORY: Readonly<Record<number, readonly string[]>> = {
  // 0002_tsdb.sql as shipped by the first released schema (35e2efa), before tsdb_tier_stats was added
  2: ["fa0e879d7ec1e34347b431605e41b62b96e41333fef108d3803f2d9f3e9c6b75"],
};

export function migrationChecksum(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n")).digest("hex");
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
    const sql = readFileSync(join(dir, file), "utf8");
    out.push({ version, name: m[2]!, sql, file, checksum: migrationChecksum(sql) });
  }
  return out;
}

function hasChecksumColumn(db: Db): boolean {
  return (db.prepare("SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'").pluck().get() as number) > 0;
}

/** Refuses a migration file whose text differs from what this database applied. */
function verifyChecksums(db: Db, migrations: readonly Migration[], path: string): void {
  if (!hasChecksumColumn(db)) return;
  const rows = db.prepare("SELECT version, checksum FROM schema_migrations WHERE checksum IS NOT NULL").all() as Array<{ version: number; checksum: string }>;
  for (const r of rows) {
    const m = migrations.find((x) => x.version === Number(r.version));
    if (m === undefined || m.checksum === r.checksum) continue;
    if (ACCEPTED_HISTORY[m.version]?.includes(r.checksum) === true) continue;
    throw new LoupeError(
      "migration_changed",
      `migrations/${m.file} was changed after it was applied to ${path} (applied sha256 ${r.checksum.slice(0, 12)}…, file now ${m.checksum.slice(0, 12)}…). ` +
        `Applied migrations are immutable: restore the file as it was released and put the change in a new numbered migration.`,
    );
  }
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
  verifyChecksums(db, migrations, path);
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
    if (hasChecksumColumn(db)) {
      const fill = db.prepare("UPDATE schema_migrations SET checksum = ? WHERE version = ? AND checksum IS NULL");
      for (const m of migrations) fill.run(m.checksum, m.version);
    }
  })();
  return { applied: pending, version: Math.max(newest, ...pending.map((m) => m.version)) };
}
