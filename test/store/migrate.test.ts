import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdirSync, writeFileSync } from "node:fs";
import { openDatabase } from "../../src/store/db.js";
import { migrate, readMigrations } from "../../src/store/migrate.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir();

test("a fresh database gets every migration, in WAL mode with incremental vacuum", () => {
  const path = join(dir, "fresh", "loupe.db");
  const db = openDatabase(path);
  const all = readMigrations();
  const r = migrate(db);
  assert.equal(r.applied.length, all.length);
  assert.equal(r.version, Math.max(...all.map((m) => m.version)));
  assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
  assert.equal(db.pragma("auto_vacuum", { simple: true }), 2);
  assert.equal(db.pragma("synchronous", { simple: true }), 2);
  const rows = db.prepare("SELECT version FROM schema_migrations ORDER BY version").pluck().all();
  assert.deepEqual(rows, all.map((m) => m.version));
  db.close();
});

test("a second start applies nothing and keeps data", () => {
  const path = join(dir, "second.db");
  let db = openDatabase(path);
  migrate(db);
  db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('k', 'v', 1)").run();
  db.close();
  db = openDatabase(path);
  const r = migrate(db);
  assert.equal(r.applied.length, 0);
  assert.equal(db.prepare("SELECT value FROM settings WHERE key='k'").pluck().get(), "v");
  db.close();
});

test("only the new migrations are applied, in order, in one transaction", () => {
  const mdir = join(dir, "mig");
  mkdirSync(mdir);
  writeFileSync(join(mdir, "0001_a.sql"), "CREATE TABLE a (x INTEGER);");
  const db = openDatabase(join(dir, "partial.db"));
  assert.equal(migrate(db, readMigrations(mdir)).applied.length, 1);
  writeFileSync(join(mdir, "0002_b.sql"), "CREATE TABLE b (x INTEGER);");
  writeFileSync(join(mdir, "0003_c.sql"), "CREATE TABLE c (x INTEGER); THIS IS NOT SQL;");
  assert.throws(() => migrate(db, readMigrations(mdir)), /migration 0003_c failed/);
  // 0002 was rolled back with 0003: all or nothing
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'b'").pluck().get(), 0);
  assert.deepEqual(db.prepare("SELECT version FROM schema_migrations").pluck().all(), [1]);
  db.close();
});

test("a database written by a newer Loupe is refused with a clear message", () => {
  const path = join(dir, "newer.db");
  const db = openDatabase(path);
  migrate(db);
  db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'from_the_future', 0)").run();
  assert.throws(() => migrate(db, undefined, path), (err: Error & { code?: string }) => {
    assert.equal(err.code, "db_too_new");
    assert.match(err.message, /written by a newer Loupe \(schema version 9999; this Loupe knows up to \d+\)/);
    assert.match(err.message, /newer\.db/);
    return true;
  });
  db.close();
});
