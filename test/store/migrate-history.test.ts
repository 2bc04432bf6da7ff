import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { ACCEPTED_HISTORY, MIGRATIONS_DIR, migrate, migrationChecksum, readMigrations } from "../../src/store/migrate.js";
import { openDatabase } from "../../src/store/db.js";
import { openStore } from "../../src/store/index.js";
import { encodeChunk } from "../../src/store/tsdb/chunkenc/index.js";
import { tempDir } from "../helpers/tmp.js";

const dir = tempDir("loupe-migrate-history-");
const FIRST_RELEASE = join(import.meta.dirname, "..", "fixtures", "migrations-35e2efa");

/** A private copy of the shipped migrations that a test may alter. */
function copyMigrations(name: string): string {
  const to = join(dir, name);
  mkdirSync(to);
  for (const f of readdirSync(MIGRATIONS_DIR)) copyFileSync(join(MIGRATIONS_DIR, f), join(to, f));
  return to;
}

test("every applied migration's checksum is recorded", () => {
  const db = openDatabase(join(dir, "sums.db"));
  migrate(db);
  const rows = db.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version").all() as Array<{ version: number; checksum: string }>;
  assert.deepEqual(rows, readMigrations().map((m) => ({ version: m.version, checksum: m.checksum })));
  assert.match(rows[0]!.checksum, /^[0-9a-f]{64}$/);
  db.close();
});

test("a migration changed after it was applied is refused, naming the file", () => {
  const mdir = copyMigrations("changed");
  const path = join(dir, "changed.db");
  const db = openDatabase(path);
  migrate(db, readMigrations(mdir), path);
  writeFileSync(join(mdir, "0003_auth.sql"), "-- edited after release\n", { flag: "a" });
  assert.throws(() => migrate(db, readMigrations(mdir), path), (err: Error & { code?: string }) => {
    assert.equal(err.code, "migration_changed");
    assert.match(err.message, /migrations\/0003_auth\.sql was changed after it was applied to .*changed\.db/);
    assert.match(err.message, /new numbered migration/);
    return true;
  });
  db.close();
});

test("line endings do not change a checksum; content does", () => {
  assert.equal(migrationChecksum("a;\r\nb;\r\n"), migrationChecksum("a;\nb;\n"));
  assert.notEqual(migrationChecksum("a;\n"), migrationChecksum("a; \n"));
});

test("0002's text from the first release is an accepted history, others are not", () => {
  const old = readMigrations(FIRST_RELEASE).find((m) => m.version === 2)!;
  assert.ok(ACCEPTED_HISTORY[2]!.includes(old.checksum));
  const path = join(dir, "history.db");
  const db = openDatabase(path);
  migrate(db);
  db.prepare("UPDATE schema_migrations SET checksum = ? WHERE version = 2").run(old.checksum);
  assert.equal(migrate(db, undefined, path).applied.length, 0);
  db.prepare("UPDATE schema_migrations SET checksum = ? WHERE version = 2").run("0".repeat(64));
  assert.throws(() => migrate(db, undefined, path), /migrations\/0002_tsdb\.sql was changed/);
  db.close();
});

test("a database written by the first released schema upgrades through every migration and keeps its data", async () => {
  const path = join(dir, "first-release.db");
  let db = openDatabase(path);
  const old = migrate(db, readMigrations(FIRST_RELEASE), path);
  assert.deepEqual(old.applied.map((m) => m.version), [1, 2, 3, 4]);
  assert.equal(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'tsdb_tier_stats'").pluck().get(), 0);
  // data as that build wrote it: a series with two raw chunks and a user
  const t0 = Date.UTC(2026, 10, 20);
  const sid = Number(db.prepare("INSERT INTO tsdb_series (key, created_at) VALUES ('servers.old.cpu', 1)").run().lastInsertRowid);
  const chunk = (from: number, n: number): { ts: Float64Array; vs: Float64Array } => {
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = t0 + (from + i) * 10_000;
      vs[i] = from + i;
    }
    return { ts, vs };
  };
  const insert = db.prepare("INSERT INTO tsdb_chunks (series_id, tier, start_ts, end_ts, points, wm, data) VALUES (?, 0, ?, ?, ?, NULL, ?)");
  for (const [from, n] of [[0, 120], [120, 30]] as const) {
    const c = chunk(from, n);
    insert.run(sid, c.ts[0]!, c.ts[n - 1]!, n, encodeChunk(c.ts, c.vs, n));
  }
  db.close();

  db = openDatabase(path);
  const r = migrate(db, undefined, path);
  const all = readMigrations();
  assert.deepEqual(r.applied.map((m) => m.version), all.filter((m) => m.version > 4).map((m) => m.version));
  assert.equal(r.version, Math.max(...all.map((m) => m.version)));
  assert.deepEqual(db.prepare("SELECT tier, points, chunks FROM tsdb_tier_stats ORDER BY tier").all(), [
    { tier: 0, points: 150, chunks: 2 },
    { tier: 1, points: 0, chunks: 0 },
    { tier: 2, points: 0, chunks: 0 },
  ]);
  const cfg = defaultConfig();
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock: new FakeClock(t0 + 3_600_000), tuning: { timers: false } });
  assert.equal(store.stats().pointsByTier.raw, 150);
  const raw = store.readRaw(sid, t0, t0 + 3_600_000);
  assert.equal(raw.length, 150);
  assert.deepEqual(raw[149], { ts: t0 + 149 * 10_000, value: 149 });
  await store.write([{ name: "servers.old.cpu", ts: t0 + 200 * 10_000, value: 1 }]);
  await store.close();
  // the triggers 0005 created keep counting what the store commits
  assert.equal(db.prepare("SELECT points FROM tsdb_tier_stats WHERE tier = 0").pluck().get(), 151);
  // and a second start is a no-op
  assert.equal(migrate(db, undefined, path).applied.length, 0);
  db.close();
});
