/**
 * Writes test/fixtures/upgrade/schema-NNNN.db: a database as each schema version left it, built by
 * running the migrations up to N on an empty file (with the migration texts that version shipped)
 * and inserting representative rows into every table that existed then. test/ops/upgrade.test.ts
 * upgrades copies of them through every later migration.
 *
 *   node --import tsx scripts/make-upgrade-fixtures.ts [--out DIR]
 *
 * Migration texts: 0001–0004 as the first release shipped them (test/fixtures/migrations-35e2efa,
 * before 0002 gained tsdb_tier_stats); 0005 and later as in migrations/ (never edited once landed).
 * schema-0004-amended.db is a schema-4 database of the builds between the amendment of 0002 and 0005.
 * Chunks are written with today's encoder (the fixtures test the SQL schema's upgrade path; chunk
 * formats have their own conformance tests). Timestamps are fixed (only the password hash, salted at
 * random, differs between runs).
 * When a migration lands, add its rows below and run this script again (the test demands a fixture
 * for every schema version).
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { hashPassword } from "../src/auth/password.js";
import { PROJECT_ROOT } from "../src/lib/package-info.js";
import { migrate, openDatabase, readMigrations, type Db, type Migration } from "../src/store/index.js";
import { encodeChunk } from "../src/store/tsdb/chunkenc/index.js";

/** Fixed times, so rows are the same on every run. */
export const FIXTURE_T0 = Date.UTC(2026, 10, 20);
export const FIXTURE_PASSWORD = "fixture-password-1";
const AT = FIXTURE_T0;

const FIRST_RELEASE = join(PROJECT_ROOT, "test", "fixtures", "migrations-35e2efa");

/** The migrations a database of schema version n was built with. */
function migrationsUpTo(n: number, amended: boolean): Migration[] {
  const current = readMigrations();
  const first = readMigrations(FIRST_RELEASE);
  return current.filter((m) => m.version <= n).map((m) => (amended || m.version > 4 ? m : first.find((f) => f.version === m.version) ?? m));
}

function rawChunk(from: number, n: number): { ts: Float64Array; vs: Float64Array } {
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    ts[i] = FIXTURE_T0 + (from + i) * 10_000;
    vs[i] = (from + i) * 0.5;
  }
  return { ts, vs };
}

/** Rows for each migration's tables, inserted once that migration has run. */
const ROWS: Record<number, (db: Db, passwordHash: string) => void> = {
  1: (db) => {
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('snapshots_public', 'true', ?)").run(AT);
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('other_module.setting', '\"kept\"', ?)").run(AT);
  },
  2: (db) => {
    const insertSeries = db.prepare("INSERT INTO tsdb_series (key, created_at) VALUES (?, ?)");
    const insertChunk = db.prepare("INSERT INTO tsdb_chunks (series_id, tier, start_ts, end_ts, points, wm, data) VALUES (?, 0, ?, ?, ?, NULL, ?)");
    for (const key of ["servers.old.cpu.total.user", "app.requests;env=prod;region=eu"]) {
      const id = Number(insertSeries.run(key, AT).lastInsertRowid);
      for (const [from, n] of [[0, 120], [120, 30]] as const) {
        const c = rawChunk(from, n);
        insertChunk.run(id, c.ts[0]!, c.ts[n - 1]!, n, encodeChunk(c.ts, c.vs, n));
      }
    }
  },
  3: (db, passwordHash) => {
    const user = db.prepare("INSERT INTO users (provider, external_id, login, name, role, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    const admin = Number(user.run("local", null, "admin", "Old Admin", "Admin", passwordHash, AT).lastInsertRowid);
    user.run("github", "4242", "octo", "Octo Cat", "Viewer", null, AT);
    db.prepare("INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ('fixture-session', ?, 'csrf', ?, ?)").run(admin, AT, AT);
    db.prepare("INSERT INTO api_tokens (name, prefix, token_hash, scope, created_by, created_at) VALUES ('grafana', 'lp_abcd', 'fixture-token-hash', 'read', ?, ?)").run(admin, AT);
  },
  4: (db) => {
    const dash = JSON.stringify({ uid: "old-dash", title: "Old dashboard", tags: ["fixture"], panels: [{ id: 1, type: "graph", title: "cpu", targets: [{ refId: "A", target: "servers.*.cpu.total.user" }] }] });
    db.prepare("INSERT INTO dashboards (uid, title, data, version, created_at, updated_at, updated_by) VALUES ('old-dash', 'Old dashboard', ?, 2, ?, ?, 'admin')").run(dash, AT, AT);
    db.prepare("INSERT INTO dashboard_tags (uid, tag) VALUES ('old-dash', 'fixture')").run();
    const version = db.prepare("INSERT INTO dashboard_versions (uid, version, data, saved_at, saved_by, message) VALUES ('old-dash', ?, ?, ?, 'admin', ?)");
    version.run(1, dash, AT, "first");
    version.run(2, dash, AT, "second");
    db.prepare("INSERT INTO dashboard_views (user, uid, viewed_at) VALUES ('admin', 'old-dash', ?)").run(AT);
    const ann = Number(db.prepare("INSERT INTO annotations (time, time_end, text, dashboard_uid, created_at, created_by) VALUES (?, ?, 'deploy 1.2', 'old-dash', ?, 'admin')").run(AT, AT, AT).lastInsertRowid);
    db.prepare("INSERT INTO annotation_tags (annotation_id, tag) VALUES (?, 'deploy')").run(ann);
    db.prepare("INSERT INTO snapshots (key, name, dashboard, range_from, range_to, data, created_at, expires_at, created_by) VALUES ('snapkey', 'Old snapshot', ?, ?, ?, '{}', ?, NULL, 'admin')").run(dash, AT - 3_600_000, AT, AT);
  },
  5: () => undefined, // schema_migrations.checksum and tsdb_tier_stats: filled by the migration itself
  6: (db) => {
    const rule = JSON.stringify({ alert: "OldRule", expr: "servers.*.cpu.total.user", for: 60_000, labels: { severity: "page" }, annotations: {} });
    db.prepare("INSERT INTO alert_rules (uid, group_name, data, interval, created_at, updated_at, updated_by) VALUES ('old-rule', 'fixture', ?, 60000, ?, ?, 'admin')").run(rule, AT, AT);
    db.prepare(
      "INSERT INTO alert_instances (rule_uid, fingerprint, labels, annotations, state, value, active_at, fired_at, evaluated_at) VALUES ('old-rule', 'servers.old.cpu.total.user', '{\"host\":\"old\"}', '{}', 'firing', 97.5, ?, ?, ?)",
    ).run(AT, AT, AT);
    db.prepare("INSERT INTO alert_history (at, rule_uid, alertname, fingerprint, labels, from_state, to_state, value) VALUES (?, 'old-rule', 'OldRule', 'servers.old.cpu.total.user', '{}', 'pending', 'firing', 97.5)").run(AT);
    db.prepare("INSERT INTO alert_notifications (notifier, rule_uid, fingerprint, status, sent_at) VALUES ('ops', 'old-rule', 'servers.old.cpu.total.user', 'firing', ?)").run(AT);
    db.prepare("INSERT INTO alert_silences (matchers, starts_at, ends_at, comment, created_by, created_at) VALUES ('[{\"name\":\"host\",\"op\":\"=\",\"value\":\"old\"}]', ?, ?, 'maintenance', 'admin', ?)").run(AT, AT + 86_400_000, AT);
  },
  7: (db) => {
    // a dashboard in the trash, with its history
    const dash = JSON.stringify({ uid: "binned-dash", title: "Binned dashboard", tags: [], panels: [] });
    db.prepare("INSERT INTO dashboards (uid, title, data, version, created_at, updated_at, updated_by, deleted_at, deleted_by) VALUES ('binned-dash', 'Binned dashboard', ?, 1, ?, ?, 'admin', ?, 'admin')").run(dash, AT, AT, AT);
    db.prepare("INSERT INTO dashboard_versions (uid, version, data, saved_at, saved_by, message) VALUES ('binned-dash', 1, ?, ?, 'admin', 'first')").run(dash, AT);
  },
};

/** Builds one fixture; answers its path. */
export function makeFixture(dir: string, version: number, passwordHash: string, amended = false): string {
  const path = join(dir, `schema-${String(version).padStart(4, "0")}${amended ? "-amended" : ""}.db`);
  for (const p of [path, `${path}-wal`, `${path}-shm`]) rmSync(p, { force: true });
  const db = openDatabase(path);
  try {
    for (const m of migrationsUpTo(version, amended)) {
      migrate(db, migrationsUpTo(m.version, amended), path);
      const rows = ROWS[m.version];
      if (rows === undefined) throw new Error(`scripts/make-upgrade-fixtures.ts has no rows for migration ${m.file}: add them`);
      db.transaction(() => rows(db, passwordHash))();
    }
    db.prepare("UPDATE schema_migrations SET applied_at = ?").run(AT);
    db.pragma("journal_mode = DELETE"); // one self-contained file
    db.pragma("page_size = 4096"); // as builds before the 16 KiB pages wrote them, and small in the repo
    db.exec("VACUUM");
  } finally {
    db.close();
  }
  return path;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const dir = values.out ?? join(PROJECT_ROOT, "test", "fixtures", "upgrade");
  mkdirSync(dir, { recursive: true });
  const hash = await hashPassword(FIXTURE_PASSWORD);
  for (const m of readMigrations()) process.stdout.write(`${makeFixture(dir, m.version, hash)}\n`);
  process.stdout.write(`${makeFixture(dir, 4, hash, true)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/scripts\//, "/scripts/"))) await main();
