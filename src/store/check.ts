/**
 * `loupe db check`: what is wrong with a database and its point WAL, without changing either.
 *
 * 1. SQLite's integrity_check (or quick_check): pages, indexes, free lists.
 * 2. Schema: applied migrations known to this Loupe, checksums unchanged.
 * 3. Store consistency: per-tier counters (tsdb_tier_stats) against the chunks, chunks whose series
 *    is gone, chunks whose header fields are impossible, and (unless `decode` is off) every chunk
 *    decoded: its point count and timestamps must match its row.
 * 4. Point WAL: every segment's header and record CRCs (a torn tail is normal after a crash and
 *    reported as a note; the next start cuts it).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "./db.js";
import { readMigrations, migrationChecksum, ACCEPTED_HISTORY, type Migration } from "./migrate.js";
import { decodeRaw } from "./tsdb/chunkenc/index.js";
import { decodeRollup } from "./tsdb/rollup.js";
import { WAL_MAGIC } from "./tsdb/wal.js";
import { crc32 } from "node:zlib";

export interface CheckReport {
  /** Problems: the database or WAL is damaged or inconsistent. */
  readonly problems: string[];
  /** Facts and harmless findings. */
  readonly notes: string[];
}

export interface CheckOptions {
  /** quick_check instead of integrity_check (skips index content checks). */
  readonly quick?: boolean;
  /** Decode every chunk (default true). */
  readonly decode?: boolean;
  /** The point WAL folder (`<database>.wal`). */
  readonly walDir?: string;
  readonly migrations?: readonly Migration[];
}

export function checkDatabase(db: Db, options: CheckOptions = {}): CheckReport {
  const report: CheckReport = { problems: [], notes: [] };
  const rows = db.pragma(options.quick === true ? "quick_check(100)" : "integrity_check(100)") as Array<Record<string, string>>;
  const msgs = rows.map((r) => Object.values(r)[0] ?? "");
  if (msgs.length === 1 && msgs[0] === "ok") report.notes.push(`sqlite ${options.quick === true ? "quick_check" : "integrity_check"}: ok`);
  else for (const m of msgs) report.problems.push(`sqlite: ${m}`);
  checkSchema(db, options.migrations ?? readMigrations(), report);
  if (tableExists(db, "tsdb_chunks")) checkChunks(db, options.decode !== false, report);
  if (options.walDir !== undefined) checkWal(options.walDir, report);
  return report;
}

function tableExists(db: Db, name: string): boolean {
  return db.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?").pluck().get(name) === 1;
}

function checkSchema(db: Db, migrations: readonly Migration[], report: CheckReport): void {
  if (!tableExists(db, "schema_migrations")) {
    report.problems.push("schema: no schema_migrations table (not a Loupe database, or never started)");
    return;
  }
  const hasSum = (db.prepare("SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'").pluck().get() as number) > 0;
  const applied = db.prepare(`SELECT version, ${hasSum ? "checksum" : "NULL AS checksum"} FROM schema_migrations ORDER BY version`).all() as Array<{ version: number; checksum: string | null }>;
  for (const a of applied) {
    const m = migrations.find((x) => x.version === a.version);
    if (m === undefined) report.problems.push(`schema: migration ${a.version} was applied by a newer Loupe`);
    else if (a.checksum !== null && a.checksum !== m.checksum && ACCEPTED_HISTORY[m.version]?.includes(a.checksum) !== true)
      report.problems.push(`schema: migrations/${m.file} changed after it was applied (applied ${a.checksum.slice(0, 12)}…, file ${migrationChecksum(m.sql).slice(0, 12)}…)`);
  }
  const pending = migrations.filter((m) => !applied.some((a) => a.version === m.version));
  report.notes.push(`schema: version ${applied.at(-1)?.version ?? 0}${pending.length > 0 ? `, ${pending.length} migration(s) to apply at next start` : ""}`);
}

function checkChunks(db: Db, decode: boolean, report: CheckReport): void {
  const series = db.prepare("SELECT count(*) FROM tsdb_series").pluck().get() as number;
  const actual = db.prepare("SELECT tier, count(*) AS chunks, coalesce(sum(points), 0) AS points FROM tsdb_chunks GROUP BY tier").all() as Array<{ tier: number; chunks: number; points: number }>;
  if (tableExists(db, "tsdb_tier_stats")) {
    const kept = db.prepare("SELECT tier, chunks, points FROM tsdb_tier_stats").all() as Array<{ tier: number; chunks: number; points: number }>;
    for (const tier of [0, 1, 2]) {
      const a = actual.find((x) => x.tier === tier) ?? { chunks: 0, points: 0 };
      const k = kept.find((x) => x.tier === tier);
      if (k === undefined || k.chunks !== a.chunks || k.points !== a.points)
        report.problems.push(`store: tier ${tier} counters say ${k?.chunks ?? "?"} chunks / ${k?.points ?? "?"} points, the chunks hold ${a.chunks} / ${a.points}`);
    }
  } else report.problems.push("store: tsdb_tier_stats is missing (the next start's migration 0005 creates it)");
  const orphans = db.prepare("SELECT count(*) FROM tsdb_chunks WHERE series_id NOT IN (SELECT id FROM tsdb_series)").pluck().get() as number;
  if (orphans > 0) report.problems.push(`store: ${orphans} chunk(s) belong to no series`);
  const bad = db.prepare("SELECT count(*) FROM tsdb_chunks WHERE end_ts < start_ts OR points <= 0 OR tier NOT IN (0, 1, 2, 3, 4, 5)").pluck().get() as number;
  if (bad > 0) report.problems.push(`store: ${bad} chunk row(s) with impossible fields (end before start, no points, unknown tier)`);
  let chunks = 0;
  if (decode) chunks = decodeAll(db, report);
  const total = actual.reduce((n, a) => n + a.chunks, 0);
  report.notes.push(`store: ${series} series, ${total} chunks${decode ? `, ${chunks} decoded` : ""}`);
}

/** Decodes every chunk; reports the first 20 that fail or disagree with their row. */
function decodeAll(db: Db, report: CheckReport): number {
  let n = 0;
  let reported = 0;
  const stmt = db.prepare("SELECT id, series_id, tier, start_ts, end_ts, points, data FROM tsdb_chunks");
  for (const row of stmt.iterate() as Iterable<{ id: number; series_id: number; tier: number; start_ts: number; end_ts: number; points: number; data: Uint8Array }>) {
    n++;
    let problem: string | undefined;
    try {
      const d = row.tier === 0 ? decodeRaw(row.data) : decodeRollup(row.data, []);
      if (d.n !== row.points) problem = `holds ${d.n} points, its row says ${row.points}`;
      else if (d.n > 0 && (d.ts[0] !== row.start_ts || d.ts[d.n - 1] !== row.end_ts)) problem = `spans ${d.ts[0]}..${d.ts[d.n - 1]}, its row says ${row.start_ts}..${row.end_ts}`;
    } catch (err) {
      problem = `does not decode (${(err as Error).message})`;
    }
    if (problem !== undefined && reported++ < 20) report.problems.push(`store: chunk ${row.id} (series ${row.series_id}, tier ${row.tier}) ${problem}`);
  }
  if (reported > 20) report.problems.push(`store: … and ${reported - 20} more damaged chunk(s)`);
  return n;
}

function checkWal(dir: string, report: CheckReport): void {
  if (!existsSync(dir)) {
    report.notes.push("wal: no folder (clean stop or never started)");
    return;
  }
  const segs = readdirSync(dir).filter((f) => /^\d{8}\.wal$/.test(f)).sort();
  let records = 0;
  for (const f of segs) {
    const buf = readFileSync(join(dir, f));
    if (buf.length === 0) continue;
    if (buf.length < WAL_MAGIC.length || !buf.subarray(0, WAL_MAGIC.length).equals(WAL_MAGIC)) {
      report.problems.push(`wal: ${f} has no LOUPEWL1 header (it is skipped at start)`);
      continue;
    }
    let off = WAL_MAGIC.length;
    while (off + 8 <= buf.length) {
      const len = buf.readUInt32LE(off);
      if (len === 0 || off + 8 + len > buf.length || crc32(buf.subarray(off + 8, off + 8 + len)) !== buf.readUInt32LE(off + 4)) break;
      records++;
      off += 8 + len;
    }
    if (off < buf.length) report.notes.push(`wal: ${f} ends in ${buf.length - off} byte(s) of a torn record (a crash; the next start cuts them)`);
  }
  report.notes.push(`wal: ${segs.length} segment(s), ${records} record(s) to replay at next start`);
}
