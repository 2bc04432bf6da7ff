// Upgrades: a database written by each earlier schema version (test/fixtures/upgrade/, made by
// scripts/make-upgrade-fixtures.ts) goes through every later migration, keeps its data (read back
// through the store's own classes), passes `loupe db check`, and a second migrate changes nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { verifyPassword } from "../../src/auth/password.js";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import {
  SqliteAlertStateStore,
  SqliteDashboardRepository,
  SqliteRuleStore,
  SqliteSettingsService,
  SqliteSilenceStore,
  checkDatabase,
  migrate,
  openAuthStores,
  openDatabase,
  openStore,
  readMigrations,
  type Db,
} from "../../src/store/index.js";
import { FIXTURE_PASSWORD, FIXTURE_T0 } from "../../scripts/make-upgrade-fixtures.js";
import { tempDir } from "../helpers/tmp.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "upgrade");
const dir = tempDir("loupe-upgrade-");
const ALL = readMigrations();
const LATEST = Math.max(...ALL.map((m) => m.version));
const clock = new FakeClock(FIXTURE_T0 + 3_600_000);

const schemaOf = (db: Db): string =>
  (db.prepare("SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name").pluck().all() as string[]).join("\n");
const count = (db: Db, table: string): number => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;

/** What each migration's rows look like after the upgrade, read through the classes Loupe uses. */
const SURVIVES: Record<number, (db: Db) => Promise<void> | void> = {
  1: (db) => {
    assert.equal(new SqliteSettingsService(db, clock).get().snapshots_public, true);
    assert.equal(db.prepare("SELECT value FROM settings WHERE key = 'other_module.setting'").pluck().get(), '"kept"');
  },
  2: async (db) => {
    const cfg = defaultConfig();
    const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: join(dir, `wal-${Math.random()}`), log: silentLogger, clock, tuning: { timers: false } });
    for (const key of ["servers.old.cpu.total.user", "app.requests;env=prod;region=eu"]) {
      const s = store.getSeries(key);
      assert.ok(s !== undefined, key);
      const raw = store.readRaw(s.id, FIXTURE_T0 - 1, FIXTURE_T0 + 3_600_000);
      assert.equal(raw.length, 150, key);
      assert.deepEqual(raw[149], { ts: FIXTURE_T0 + 149 * 10_000, value: 74.5 });
    }
    assert.equal(store.stats().pointsByTier.raw, 300);
    // the store still writes into it, and the counters follow
    await store.write([{ name: "servers.old.cpu.total.user", ts: FIXTURE_T0 + 200 * 10_000, value: 1 }]);
    await store.close();
    assert.equal(db.prepare("SELECT points FROM tsdb_tier_stats WHERE tier = 0").pluck().get(), 301);
  },
  3: async (db) => {
    const { users, sessions, tokens } = openAuthStores(db);
    const admin = users.byLogin("admin");
    assert.equal(admin?.role, "Admin");
    assert.ok(await verifyPassword(FIXTURE_PASSWORD, admin.passwordHash ?? ""), "the old password still logs in");
    assert.equal(users.byExternal("github", "4242")?.login, "octo");
    assert.equal(tokens.byHash("fixture-token-hash")?.scope, "read");
    assert.equal(count(db, "sessions"), 1);
    void sessions;
  },
  4: (db) => {
    const repo = new SqliteDashboardRepository(db, { clock, versionsToKeep: 20 });
    assert.equal((repo.get("old-dash")?.data as { title?: string } | undefined)?.title, "Old dashboard");
    assert.equal(repo.get("old-dash")?.version, 2);
    assert.deepEqual(repo.versions("old-dash").map((v) => v.version).sort(), [1, 2]);
    assert.deepEqual(repo.tags(), [{ tag: "fixture", count: 1 }]);
    assert.equal(count(db, "annotations"), 1);
    assert.equal(count(db, "annotation_tags"), 1);
    assert.equal(count(db, "snapshots"), 1);
  },
  5: (db) => {
    // every applied migration carries the checksum of the shipped file (0002 of the first release: its own)
    const rows = db.prepare("SELECT version, checksum FROM schema_migrations ORDER BY version").all() as Array<{ version: number; checksum: string | null }>;
    assert.deepEqual(rows.map((r) => r.version), ALL.map((m) => m.version));
    for (const r of rows) assert.match(r.checksum ?? "", /^[0-9a-f]{64}$/);
  },
  6: (db) => {
    assert.equal(new SqliteRuleStore(db, clock).get("old-rule")?.spec.alert, "OldRule");
    const inst = new SqliteAlertStateStore(db).loadInstances();
    assert.equal(inst.length, 1);
    assert.equal(inst[0]!.state, "firing");
    assert.equal(new SqliteSilenceStore(db, clock).list().length, 1);
    assert.equal(count(db, "alert_history"), 1);
    assert.equal(count(db, "alert_notifications"), 1);
  },
  7: (db) => {
    const repo = new SqliteDashboardRepository(db, { clock, versionsToKeep: 20 });
    assert.equal(repo.get("binned-dash"), undefined, "a deleted dashboard stays in the trash");
    assert.deepEqual(repo.trash().map((t) => [t.uid, t.deletedBy]), [["binned-dash", "admin"]]);
    assert.deepEqual(repo.versions("binned-dash").map((v) => v.version), [1]);
  },
};

const fixtures = readdirSync(FIXTURES).filter((f) => /^schema-\d{4}(-[a-z]+)?\.db$/.test(f)).sort();

test("there is a fixture for every schema version (a new migration needs its rows in scripts/make-upgrade-fixtures.ts)", () => {
  for (const m of ALL) assert.ok(existsSync(join(FIXTURES, `schema-${String(m.version).padStart(4, "0")}.db`)), `test/fixtures/upgrade/schema-${m.file.slice(0, 4)}.db is missing: run node --import tsx scripts/make-upgrade-fixtures.ts`);
  for (const m of ALL) assert.ok(SURVIVES[m.version] !== undefined, `no data check for migration ${m.file}`);
});

for (const fixture of fixtures) {
  const from = Number(/^schema-(\d{4})/.exec(fixture)![1]);
  test(`${fixture}: upgrades through every later migration, keeps its data, and a second migrate is a no-op`, async () => {
    const path = join(dir, fixture);
    copyFileSync(join(FIXTURES, fixture), path); // never the committed file itself
    const db = openDatabase(path);
    try {
      assert.equal(db.prepare("SELECT max(version) FROM schema_migrations").pluck().get(), from, "the fixture is the schema version its name says");
      const r = migrate(db, undefined, path);
      assert.deepEqual(r.applied.map((m) => m.version), ALL.filter((m) => m.version > from).map((m) => m.version));
      assert.equal(r.version, LATEST);
      // same schema as a database created by this build
      const fresh = openDatabase(join(dir, `fresh-${fixture}`));
      migrate(fresh);
      assert.equal(schemaOf(db), schemaOf(fresh));
      fresh.close();
      // tier counters agree with the chunks (0005 computed them, or the amended 0002's triggers kept them)
      const byTier = db.prepare("SELECT tier, count(*) AS chunks, sum(points) AS points FROM tsdb_chunks GROUP BY tier").all() as Array<{ tier: number; chunks: number; points: number }>;
      for (const t of byTier) assert.deepEqual(db.prepare("SELECT chunks, points FROM tsdb_tier_stats WHERE tier = ?").get(t.tier), { chunks: t.chunks, points: t.points });
      const before = schemaOf(db);
      assert.deepEqual(migrate(db, undefined, path).applied, []);
      assert.equal(schemaOf(db), before);
      const check = checkDatabase(db, { walDir: `${path}.wal` });
      assert.deepEqual(check.problems, []);
      assert.deepEqual(db.pragma("foreign_key_check"), []);
      for (const m of ALL.filter((x) => x.version <= from)) await SURVIVES[m.version]!(db);
    } finally {
      db.close();
    }
  });
}
