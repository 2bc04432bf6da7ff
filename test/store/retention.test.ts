// Retention, rollups and the size guard, driven by a fake clock; the file shrinks after retention;
// a full disk (SQLite full, or the WAL on /dev/full) refuses writes clearly and keeps old data readable.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { DAY, HOUR, MINUTE, type Sample } from "../../src/model/index.js";
import { StoreWriteError } from "../../src/lib/errors.js";
import type { TimeSeriesStore } from "../../src/store/index.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-retention-");

async function fill(store: TimeSeriesStore, names: string[], from: number, to: number, step: number): Promise<number> {
  let n = 0;
  let batch: Sample[] = [];
  for (let t = from; t < to; t += step) {
    for (let k = 0; k < names.length; k++) batch.push({ name: names[k]!, ts: t, value: (k + 1) * Math.round(((t - from) / step) % 1000) / 4 });
    n += names.length;
    if (batch.length >= 5000) {
      await store.write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await store.write(batch);
  return n;
}

test("retention drops each tier after its own period; rollups keep answering for older ranges", async () => {
  const retention = { raw: 1 * DAY, rollup_1m: 3 * DAY, rollup_1h: 10 * DAY };
  const o = await openTestStore(dir, "tiers.db", { retention, tuning: { rollupBuckets: [60, 12] } });
  const t0 = o.clock.now();
  const names = ["r.a", "r.b"];
  await fill(o.store, names, t0, t0 + 5 * DAY, MINUTE);
  o.clock.set(t0 + 5 * DAY);
  const id = o.store.getSeries("r.a")!.id;
  assert.equal(o.store.readRaw(id, t0, t0 + HOUR).length, 60);
  const before = o.store.stats();
  o.store.runRetention();
  const after = o.store.stats();
  assert.ok(after.pointsByTier.raw < before.pointsByTier.raw, "raw points dropped");
  assert.equal(o.store.readRaw(id, t0, t0 + 3 * DAY).length, 0, "raw older than 1 day is gone");
  assert.ok(o.store.readRaw(id, t0 + 4 * DAY + HOUR, t0 + 5 * DAY).length > 0, "recent raw stays");
  // day 3–4 (older than raw, inside 1m retention): answered from the 1m tier
  const mid = o.store.select([id], t0 + 2 * DAY + HOUR, t0 + 2 * DAY + 2 * HOUR, { step: MINUTE, consolidate: "max" });
  assert.equal(mid.tier, "1m");
  assert.equal(mid.series[0]!.values.filter((v) => v !== null).length, 60);
  // day 0: only the 1h tier still reaches it
  const old = o.store.select([id], t0, t0 + 12 * HOUR, { step: MINUTE, consolidate: "max" });
  assert.equal(old.tier, "1h");
  assert.equal(old.series[0]!.values.filter((v) => v !== null).length, 12);
  // ten more days: everything is past every retention
  o.clock.set(t0 + 16 * DAY);
  o.store.runRetention();
  const gone = o.store.stats().pointsByTier;
  assert.deepEqual([gone.raw, gone["1m"], gone["1h"]], [0, 0, 0]);
  await o.close();
});

test("rollups built as chunks close match the raw data, also across a restart", async () => {
  const o = await openTestStore(dir, "rollup.db", { tuning: { rollupBuckets: [30, 4] } });
  const t0 = o.clock.now();
  await fill(o.store, ["u.x"], t0, t0 + 6 * HOUR, 10_000);
  await o.close();
  const o2 = await openTestStore(dir, "rollup.db", { clock: o.clock, tuning: { rollupBuckets: [30, 4] } });
  await fill(o2.store, ["u.x"], t0 + 6 * HOUR, t0 + 12 * HOUR, 10_000);
  const id = o2.store.getSeries("u.x")!.id;
  const raw = o2.store.readRaw(id, t0, t0 + 12 * HOUR);
  assert.equal(raw.length, 12 * 360);
  for (const [step, tier] of [[MINUTE, "1m"], [HOUR, "1h"]] as const) {
    for (const how of ["avg", "min", "max", "sum", "last"] as const) {
      const r = o2.store.select([id], t0, t0 + 12 * HOUR, { step, consolidate: how });
      assert.equal(r.tier, tier);
      r.timestamps.forEach((b, i) => {
        const xs = raw.filter((p) => p.ts >= b && p.ts < b + step).map((p) => p.value);
        const want = how === "avg" ? xs.reduce((a, x) => a + x, 0) / xs.length : how === "min" ? Math.min(...xs) : how === "max" ? Math.max(...xs) : how === "sum" ? xs.reduce((a, x) => a + x, 0) : xs[xs.length - 1]!;
        const got = r.series[0]!.values[i]!;
        assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${tier} ${how} bucket ${i}: ${got} vs ${want}`);
      });
    }
  }
  await o2.close();
});

test("the file shrinks after retention drops data", async () => {
  const name = "shrink.db";
  const retention = { raw: 2 * DAY, rollup_1m: 0, rollup_1h: 0 };
  let o = await openTestStore(dir, name, { retention });
  const t0 = o.clock.now();
  const names = Array.from({ length: 100 }, (_, i) => `s.n${i}`);
  await fill(o.store, names, t0, t0 + 2 * DAY, 10_000);
  await o.close();
  o = await openTestStore(dir, name, { retention, clock: o.clock });
  o.db.pragma("wal_checkpoint(TRUNCATE)");
  const big = statSync(o.path).size;
  // retention 2 days, and a chunk goes once it starts before the cut less the longest chunk span
  // (4 h): rows starting before t0 + 1 d 20 h go, all but the last ~4 hours
  o.clock.set(t0 + 4 * DAY);
  o.store.runRetention();
  const small = statSync(o.path).size;
  assert.ok(small < big * 0.6, `file went from ${big} to ${small} bytes`);
  const id = o.store.getSeries("s.n0")!.id;
  assert.equal(o.store.readRaw(id, t0, t0 + DAY + 18 * HOUR).length, 0);
  assert.ok(o.store.readRaw(id, t0 + DAY + 22 * HOUR, t0 + 2 * DAY).length > 0);
  await o.close();
});

test("the size guard drops the oldest raw data first", async () => {
  const name = "guard.db";
  let o = await openTestStore(dir, name, { retention: { raw: 0, rollup_1m: 0, rollup_1h: 0 } });
  const t0 = o.clock.now();
  await fill(o.store, Array.from({ length: 100 }, (_, i) => `g.n${i}`), t0, t0 + 4 * DAY, 10_000);
  await o.close();
  const full = statSync(join(dir, name)).size;
  const limit = Math.floor(full * 0.6);
  o = await openTestStore(dir, name, { retention: { raw: 0, rollup_1m: 0, rollup_1h: 0 }, store: { max_size: limit }, clock: o.clock });
  o.store.runRetention();
  const pageSize = o.db.pragma("page_size", { simple: true }) as number;
  const used = (o.db.pragma("page_count", { simple: true }) as number) * pageSize;
  assert.ok(used <= limit + 2 * pageSize, `file ${used} bytes for a ${limit} byte limit (was ${full})`);
  const id = o.store.getSeries("g.n0")!.id;
  assert.equal(o.store.readRaw(id, t0, t0 + DAY).length, 0, "the oldest day went first");
  assert.ok(o.store.readRaw(id, t0 + 4 * DAY - 6 * HOUR, t0 + 4 * DAY).length > 0, "the newest data stays");
  await o.close();
});

test("disk full in SQLite: writes are refused with a clear error, stored data stays readable, and writes resume when space returns", async () => {
  const o = await openTestStore(dir, "full.db", { store: { chunk_points: 8 }, tuning: { commitChunks: 1 } });
  const t0 = o.clock.now();
  await fill(o.store, ["f.a", "f.b"], t0, t0 + HOUR, 10_000);
  const id = o.store.getSeries("f.a")!.id;
  const before = o.store.readRaw(id, t0, t0 + HOUR);
  assert.equal(before.length, 360);
  const pages = o.db.pragma("page_count", { simple: true }) as number;
  o.db.pragma(`max_page_count = ${pages}`); // the "disk" is now full
  let refused: unknown;
  for (let i = 0; i < 500 && refused === undefined; i++) {
    try {
      const batch: Sample[] = [{ name: "f.a", ts: t0 + HOUR + i * 10_000, value: i }];
      for (let k = 0; k < 50; k++) batch.push({ name: `f.new.${i}.${k}.with.a.longer.name.to.fill.pages`, ts: t0 + HOUR + i * 10_000, value: i });
      await o.store.write(batch);
    } catch (err) {
      refused = err;
    }
  }
  assert.ok(refused instanceof StoreWriteError, `a write was refused: ${String(refused)}`);
  assert.equal(refused.code, "store_full");
  assert.match(refused.message, /disk full/);
  assert.ok(o.store.stats().writesRefused >= 1);
  assert.deepEqual(o.store.readRaw(id, t0, t0 + HOUR), before, "what was stored stays readable");
  o.db.pragma("max_page_count = 1073741823");
  await o.store.write([{ name: "f.a", ts: t0 + 3 * HOUR, value: 1 }]);
  assert.equal(o.store.readRaw(id, t0 + 3 * HOUR, t0 + 4 * HOUR).length, 1);
  await o.close();
});

test("disk full under the WAL (/dev/full): the write is refused with ENOSPC named, earlier data stays readable", { skip: needs("/dev/full") }, async () => {
  const o = await openTestStore(dir, "walfull.db", { tuning: { walSegmentBytes: 512 } });
  const t0 = o.clock.now();
  await o.store.write([{ name: "w.a", ts: t0, value: 1 }]);
  // the next segments are on a device that is always full
  const segs = readdirSync(o.walPath).sort();
  const cur = Number(segs[segs.length - 1]!.slice(0, 8));
  for (let s = cur + 1; s < cur + 40; s++) symlinkSync("/dev/full", join(o.walPath, `${String(s).padStart(8, "0")}.wal`));
  let refused: unknown;
  for (let i = 1; i < 200 && refused === undefined; i++) {
    try {
      await o.store.write([{ name: "w.a", ts: t0 + i * 1000, value: i }]);
    } catch (err) {
      refused = err;
    }
  }
  assert.ok(refused instanceof StoreWriteError, `a write was refused: ${String(refused)}`);
  assert.equal(refused.code, "store_full");
  assert.match(refused.message, /ENOSPC|no space/i);
  const id = o.store.getSeries("w.a")!.id;
  assert.deepEqual(o.store.readRaw(id, t0, t0 + 1)[0], { ts: t0, value: 1 });
  assert.ok(existsSync(o.path));
  await o.close();
});

test("a crash after an hourly rollup was committed but before its raw row: the replay does not count points twice", async () => {
  const name = "rollup-crash.db";
  const tuning = { rollupBuckets: [120, 1] as const, commitChunks: 1, chunksPerRow: 6 };
  const o = await openTestStore(dir, name, { store: { chunk_points: 8 }, tuning });
  const t0 = o.clock.now();
  const pts: Sample[] = [];
  for (let i = 0; i < 20; i++) pts.push({ name: "rc", ts: t0 + i * 10_000, value: i + 1 });
  await o.store.write(pts);
  // the 1h builder closed (one bucket per chunk) and was committed; the raw chunks wait for their row
  assert.ok(o.store.stats().pointsByTier["1h"] > 0);
  o.db.close(); // crash: no flush
  const o2 = await openTestStore(dir, name, { store: { chunk_points: 8 }, tuning, clock: o.clock });
  const id = o2.store.getSeries("rc")!.id;
  assert.equal(o2.store.readRaw(id, t0, t0 + HOUR).length, 20);
  const r = o2.store.select([id], t0, t0 + HOUR, { step: HOUR, consolidate: "sum" });
  assert.equal(r.tier, "1h");
  assert.deepEqual(r.series[0]!.values, [210]);
  const c = o2.store.select([id], t0, t0 + HOUR, { step: HOUR, consolidate: "avg" });
  assert.deepEqual(c.series[0]!.values, [10.5]);
  await o2.close();
});
