// The 1m tier's levels built as data arrives: one 5-minute chunk per sealed (dense) raw row,
// committed with it; sparse rows stay raw only; complete days are compacted into one 5-minute chunk
// and a 30-minute level; reads through the tier and its levels equal the same buckets computed from
// raw points; retention and the size guard drop the tier and its levels; `loupe db check` stays clean.
import { test } from "node:test";
import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { DAY, HOUR, MINUTE, type Sample } from "../../src/model/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { checkDatabase, openDatabase, type Consolidation, type TimeSeriesStore } from "../../src/store/index.js";
import { ChunkDb } from "../../src/store/tsdb/chunk-db.js";
import { compact1m } from "../../src/store/tsdb/compact.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore, type Opened } from "./helpers.js";

const dir = tempDir("loupe-rollup-1m-");
const HOWS: readonly Consolidation[] = ["avg", "min", "max", "sum", "last"];

async function fill(store: TimeSeriesStore, names: readonly string[], from: number, to: number, step: number): Promise<void> {
  let batch: Sample[] = [];
  for (let t = from; t < to; t += step) {
    for (let k = 0; k < names.length; k++) batch.push({ name: names[k]!, ts: t, value: Math.round(((t / step) * 37 + k * 11) % 1000) / 10 });
    if (batch.length >= 5000) {
      await store.write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.write(batch);
}

function tierRows(o: Opened, tier: number): number {
  return o.db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = ?").pluck().get(tier) as number;
}

/** Every bucket of a select over [from, to) equals the consolidation of the raw points in it. */
function assertMatchesRaw(o: Opened, name: string, from: number, to: number, step: number, tier: string): void {
  const id = o.store.getSeries(name)!.id;
  const raw = o.store.readRaw(id, from, to);
  for (const how of HOWS) {
    const r = o.store.select([id], from, to, { step, consolidate: how });
    assert.equal(r.tier, tier, `${how} at ${step / MINUTE} min`);
    assert.ok(r.timestamps.length > 0);
    r.timestamps.forEach((b, i) => {
      const xs = raw.filter((p) => p.ts >= b && p.ts < b + step).map((p) => p.value);
      const got = r.series[0]!.values[i]!;
      if (xs.length === 0) return assert.equal(got, null, `bucket ${i} is empty`);
      const want = how === "avg" ? xs.reduce((a, x) => a + x, 0) / xs.length : how === "min" ? Math.min(...xs) : how === "max" ? Math.max(...xs) : how === "sum" ? xs.reduce((a, x) => a + x, 0) : xs[xs.length - 1]!;
      assert.ok(got !== null && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name} ${how} step ${step / MINUTE} min, bucket ${i}: ${got} vs ${want}`);
    });
  }
}

test("5-minute chunks are made as rows are sealed, long before raw data expires, and match the raw data", async () => {
  const o = await openTestStore(dir, "live.db");
  const t0 = o.clock.now();
  await fill(o.store, ["l.a", "l.b"], t0, t0 + 5 * HOUR, 10_000);
  o.store.runRetention(); // commits what is queued (the clock has not moved: nothing expires)
  // 5 hours at 10 s: two rows of 6 × 120 points (2 h) a series are sealed, each with its 5-minute
  // chunk; the last hour is in the open row and the head (read raw)
  assert.equal(tierRows(o, 3), 2 * 2);
  assert.equal(o.db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 0 AND wm IS NULL").pluck().get(), 0, "every sealed raw row is marked as rolled up");
  assert.equal(o.store.stats().pointsByTier["1m"], 0, "the minutes themselves wait for raw data to expire");
  assertMatchesRaw(o, "l.a", t0, t0 + 5 * HOUR, 5 * MINUTE, "1m");
  assertMatchesRaw(o, "l.b", t0 + 7 * MINUTE, t0 + 4 * HOUR, 30 * MINUTE, "1m");
  assertMatchesRaw(o, "l.b", t0, t0 + 5 * HOUR, 3 * MINUTE, "1m");
  // a restart reads the same
  const before = o.store.select([o.store.getSeries("l.a")!.id], t0, t0 + 5 * HOUR, { step: 5 * MINUTE });
  await o.close();
  const o2 = await openTestStore(dir, "live.db", { clock: o.clock });
  assert.deepEqual(o2.store.select([o2.store.getSeries("l.a")!.id], t0, t0 + 5 * HOUR, { step: 5 * MINUTE }), before);
  assert.deepEqual(checkDatabase(o2.db).problems, []);
  await o2.close();
});

test("a sparse series (10 min) is not rolled up as it arrives: level reads take its raw rows, then its 30-minute level", async () => {
  const o = await openTestStore(dir, "sparse.db");
  const t0 = o.clock.now();
  await fill(o.store, ["sp.x"], t0, t0 + 2 * DAY, 10 * MINUTE);
  o.store.runRetention();
  assert.equal(tierRows(o, 3), 0);
  assert.ok((o.db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 0 AND wm IS NULL").pluck().get() as number) >= 2, "its sealed rows are not marked");
  assertMatchesRaw(o, "sp.x", t0, t0 + 2 * DAY, 30 * MINUTE, "1m");
  o.clock.set(t0 + 2 * DAY + 6 * HOUR);
  o.store.runRetention();
  // the two days lie in one complete 4-day block (the test clock starts in the middle of one): its row
  assert.equal(tierRows(o, 5), 1, "a 30-minute level for the complete block, from the raw rows");
  assert.equal(tierRows(o, 4), 0, "no daily 30-minute row is left in a block that has its row");
  assertMatchesRaw(o, "sp.x", t0, t0 + 2 * DAY, 90 * MINUTE, "1m");
  assertMatchesRaw(o, "sp.x", t0, t0 + 2 * DAY, 10 * MINUTE, "1m");
  await o.close();
});

test("complete days are compacted into one 5-minute chunk and a 30-minute level; reads through them match raw", async () => {
  const o = await openTestStore(dir, "compact.db");
  const t0 = o.clock.now(); // midnight UTC
  await fill(o.store, ["c.a", "c.b"], t0, t0 + 3 * DAY, 10_000);
  o.store.runRetention(); // the clock is still at t0: no day is complete yet
  // one 5-minute chunk per sealed raw row (12 a day), merged once a day not yet complete has 4
  assert.equal(tierRows(o, 3), 2 * 3, "the open days' 5-minute chunks are merged, one a day");
  o.clock.set(t0 + 3 * DAY + 6 * HOUR);
  o.store.runRetention();
  // days 0–2 are complete; days 0 and 1 end a 4-day block (t0 is its third day): one 5-minute and
  // one 30-minute row per series for the block, one of each for day 2
  assert.equal(tierRows(o, 3), 2 * 2);
  assert.equal(tierRows(o, 4), 2 * 1);
  assert.equal(tierRows(o, 5), 2 * 1);
  assert.deepEqual(checkDatabase(o.db).problems, []);
  // steps of minutes (raw), of the 5-minute level, of the 30-minute level (a multiple of an hour reads the 1h tier)
  for (const step of [MINUTE, 10 * MINUTE, 90 * MINUTE, 2 * HOUR + 30 * MINUTE]) assertMatchesRaw(o, "c.a", t0 + 5 * MINUTE, t0 + 3 * DAY, step, "1m");
  assertMatchesRaw(o, "c.b", t0, t0 + 3 * DAY, 15 * MINUTE, "1m");
  // a second run changes nothing
  o.store.runRetention();
  assert.equal(tierRows(o, 3), 2 * 2);
  assert.equal(tierRows(o, 4), 2 * 1);
  assert.equal(tierRows(o, 5), 2 * 1);
  await o.close();
});

test("retention drops the 1m tier and its levels by age; the size guard drops them after raw data", async () => {
  const retention = { raw: 1 * DAY, rollup_1m: 3 * DAY, rollup_1h: 10 * DAY };
  const o = await openTestStore(dir, "ret.db", { retention });
  const t0 = o.clock.now();
  await fill(o.store, ["r.a"], t0, t0 + 5 * DAY, 10_000);
  o.clock.set(t0 + 5 * DAY);
  o.store.runRetention();
  assert.ok(tierRows(o, 3) > 0 && tierRows(o, 4) > 0, "levels written");
  // the 1m tier reaches back 3 days (its levels with it); a chunk goes once it starts before that
  // cut less the longest span of a chunk (a compacted day plus a row: 1 day 4 h 1 min)
  const oldest = (tier: number): number => o.db.prepare("SELECT min(start_ts) FROM tsdb_chunks WHERE tier = ?").pluck().get(tier) as number;
  assert.ok(oldest(1) >= t0 + 19 * HOUR && oldest(1) <= t0 + DAY, `tier 1 starts at day ${(oldest(1) - t0) / DAY}`);
  // the levels: the block of days 0–1 in one 5-minute and one 30-minute row (a level row goes once
  // its start is past the cut less the longest span of its tier, a block and a row: 4 days 4 h 30 min),
  // days 2–3 (the next block, not complete) in daily rows
  for (const tier of [3, 5]) assert.equal(oldest(tier), t0, `tier ${tier} starts at day ${(oldest(tier) - t0) / DAY}`);
  assert.equal(oldest(4), t0 + 2 * DAY);
  assertMatchesRaw(o, "r.a", t0 + 4 * DAY, t0 + 5 * DAY, 30 * MINUTE, "1m"); // raw is still there to compare with
  // at day 10 the block of days 2–5 is complete: its two rows (starting at day 2, within the slack
  // of 4 days 4 h 30 min past the cut) are kept until day 12, when every level is past the cut
  o.clock.set(t0 + 10 * DAY);
  o.store.runRetention();
  for (const tier of [3, 5]) assert.equal(tierRows(o, tier), 1, `tier ${tier}: the block row of days 2–5 is kept within its tier's slack`);
  for (const tier of [1, 4]) assert.equal(tierRows(o, tier), 0, `tier ${tier} is past its retention`);
  o.clock.set(t0 + 12 * DAY);
  o.store.runRetention();
  for (const tier of [1, 3, 4, 5]) assert.equal(tierRows(o, tier), 0, `tier ${tier} is past its retention`);
  assert.ok(tierRows(o, 2) > 0, "the 1h tier remains");
  assert.deepEqual(checkDatabase(o.db).problems, []);
  await o.close();

  // size guard: raw data kept forever, the file over max_size: raw goes first, then the 1m tier and its levels
  const none = { raw: 0, rollup_1m: 90 * DAY, rollup_1h: 0 };
  const g = await openTestStore(dir, "guard.db", { retention: none });
  const g0 = g.clock.now();
  await fill(g.store, ["g.a", "g.b"], g0, g0 + 4 * DAY, 10_000);
  g.clock.set(g0 + 4 * DAY);
  g.store.runRetention();
  const levels = tierRows(g, 3);
  assert.ok(levels > 0);
  await g.close();
  const g2 = await openTestStore(dir, "guard.db", { retention: none, store: { max_size: 64 * 1024 }, clock: g.clock });
  g2.store.runRetention();
  assert.equal(tierRows(g2, 0), 0, "raw dropped first");
  assert.ok(tierRows(g2, 3) < levels, "then the 1m tier's levels");
  assert.deepEqual(checkDatabase(g2.db).problems, []);
  await g2.close();
});

test("compaction works through a backlog a bounded share at a time, and every run makes progress", async () => {
  const o = await openTestStore(dir, "backlog.db");
  const t0 = o.clock.now();
  await fill(o.store, ["b.a", "b.b", "b.c"], t0, t0 + 4 * DAY, 10_000);
  await o.close();
  const db = openDatabase(o.path);
  const cdb = new ChunkDb(db);
  const ids = (db.prepare("SELECT id FROM tsdb_series ORDER BY id").pluck().all() as number[]).map((id) => ({ id, compacted1m: -Infinity }));
  const now = t0 + 4 * DAY + 6 * HOUR;
  let runs = 0;
  let total = 0;
  for (let days = -1; days !== 0; runs++) {
    days = compact1m(cdb, ids, now, 2 * HOUR, silentLogger, 0); // a zero budget: one day a run
    total += days;
    assert.ok(runs < 50, "compaction converges");
  }
  assert.equal(total, 3 * 4, "4 complete days of 3 series");
  assert.ok(runs >= 12, `${runs} runs with a zero budget`);
  assert.equal(db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 3").pluck().get(), 3 * 3, "5-minute rows: one for the complete block, one a day after it");
  // days 0–1 end a 4-day block (one row for it), days 2–3 are in the next, not complete (daily rows)
  assert.equal(db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 4").pluck().get(), 3 * 2);
  assert.equal(db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = 5").pluck().get(), 3 * 1);
  assert.deepEqual(checkDatabase(db).problems, []);
  db.close();
});

test("a backfill of complete days is compacted by the commit timer, not only at the next retention run", async () => {
  const o = await openTestStore(dir, "backfill.db", { tuning: { timers: true } });
  const t0 = o.clock.now();
  o.clock.set(t0 + 3 * DAY + 6 * HOUR); // the days written are complete
  await fill(o.store, ["bf.a", "bf.b"], t0, t0 + 3 * DAY, 10_000);
  // 12 sealed rows a day per series, each with its 5-minute chunk; retention (every 10 min) never
  // runs here: the commit timer's tick sees a series with COMPACT_SOON_ROWS new level rows
  const deadline = Date.now() + 30_000;
  while (tierRows(o, 4) + tierRows(o, 5) === 0 || tierRows(o, 3) > 2 * 3) {
    assert.ok(Date.now() < deadline, `not compacted in 30 s: ${tierRows(o, 3)} 5-minute rows, ${tierRows(o, 4)} daily 30-minute rows`);
    await new Promise((r) => setTimeout(r, 200));
  }
  assertMatchesRaw(o, "bf.a", t0, t0 + 3 * DAY, 90 * MINUTE, "1m");
  // once the backlog is done, SQLite's WAL (the rewritten rows) is checkpointed and truncated
  while (statSync(`${o.path}-wal`).size > 0) {
    assert.ok(Date.now() < deadline + 10_000, `SQLite's WAL still holds ${statSync(`${o.path}-wal`).size} bytes`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await o.close();
});
