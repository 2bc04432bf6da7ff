// Bounded disk while running: heads idle for [store] head_idle (wall clock, a fake clock here) are
// closed and committed, and the point WAL is truncated without a stop; a kill -9 style reopen (the
// first store never closed) still reads every point.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-bounded-wal-");
const T0 = Date.UTC(2026, 10, 24); // a day before the fake clock: within raw retention

function walOnDisk(walPath: string): number {
  let b = 0;
  for (const f of readdirSync(walPath)) b += statSync(join(walPath, f)).size;
  return b;
}

const valueAt = (k: number, i: number): number => k * 1000 + i * 0.25;

test("after a burst then head_idle of quiet, the WAL segments are gone and a reopen without a stop reads every point", async () => {
  const o = await openTestStore(dir, "burst.db", { store: { head_idle: 30_000 } });
  const SERIES = 50;
  const POINTS = 100; // fewer than chunk_points: every head stays open after the burst
  for (let i = 0; i < POINTS; i++) {
    const batch = [];
    for (let k = 0; k < SERIES; k++) batch.push({ name: `burst.s${k}`, ts: T0 + i * 1000, value: valueAt(k, i) });
    await o.store.write(batch);
  }
  assert.equal(o.store.stats().headPoints, SERIES * POINTS);
  assert.ok(walOnDisk(o.walPath) > SERIES * POINTS * 9, "the burst is in the WAL");

  o.clock.advance(10_000);
  o.store.runRetention();
  assert.equal(o.store.stats().headPoints, SERIES * POINTS, "10 s of quiet: heads stay open");
  assert.ok(walOnDisk(o.walPath) > 0);

  o.clock.advance(25_000);
  o.store.runRetention();
  const st = o.store.stats();
  assert.equal(st.headPoints, 0, "35 s of quiet: every head is closed");
  assert.equal(st.headsClosedIdle, SERIES);
  assert.equal(st.walBytes, 0);
  assert.equal(walOnDisk(o.walPath), 0, "no WAL bytes left on disk");
  assert.equal(statSync(`${o.path}-wal`).size, 0, "SQLite's own WAL file is checkpointed and truncated too");

  // kill -9 style: the first store is never closed; a second one opens the same files
  const again = await openTestStore(dir, "burst.db", { clock: o.clock });
  for (let k = 0; k < SERIES; k++) {
    const s = again.store.getSeries(`burst.s${k}`);
    assert.ok(s, `burst.s${k} exists`);
    const pts = again.store.readRaw(s.id, T0, T0 + POINTS * 1000);
    assert.equal(pts.length, POINTS, `burst.s${k}: ${pts.length} of ${POINTS} points`);
    pts.forEach((p, i) => {
      assert.equal(p.ts, T0 + i * 1000);
      assert.equal(p.value, valueAt(k, i));
    });
  }
  await again.close();
  o.db.close();
});

test("a slow series (5-minute points) is not cut point by point: idle means 3 of its intervals when longer than head_idle", async () => {
  const o = await openTestStore(dir, "slow.db", { store: { head_idle: 30_000 } });
  // the first point's head closes after head_idle (no interval known yet); from the second point
  // on, the series' interval (300 s) is known and its head stays open for 3 of them
  await o.store.write([{ name: "slow.s", ts: o.clock.now(), value: 0 }]);
  o.clock.advance(300_000);
  o.store.runRetention();
  assert.equal(o.store.stats().headPoints, 0);
  for (let i = 1; i < 5; i++) {
    await o.store.write([{ name: "slow.s", ts: o.clock.now(), value: i }]);
    o.clock.advance(300_000);
    o.store.runRetention();
    assert.equal(o.store.stats().headPoints, i, `after point ${i}: the head stays open`);
  }
  o.clock.advance(600_000); // 15 minutes of quiet since the last point
  o.store.runRetention();
  assert.equal(o.store.stats().headPoints, 0);
  assert.equal(o.store.stats().headsClosedIdle, 2);
  assert.equal(o.store.readRaw(o.store.getSeries("slow.s")!.id, 0, o.clock.now()).length, 5);
  await o.close();
});

test("a head open for chunk_span of wall-clock time is closed even while it receives points", async () => {
  const o = await openTestStore(dir, "span.db", { store: { head_idle: 30_000, chunk_span: 600_000, chunk_points: 1000 } });
  // points whose timestamps barely move (a client stuck on one time), one every 10 s of wall clock
  for (let i = 0; i < 61; i++) {
    await o.store.write([{ name: "span.s", ts: T0 + i, value: i }]);
    o.clock.advance(10_000);
    o.store.runRetention();
  }
  const st = o.store.stats();
  assert.ok(st.headsClosedIdle! >= 1, "closed after 10 minutes of wall clock");
  assert.ok(st.headPoints < 61);
  assert.equal(o.store.readRaw(o.store.getSeries("span.s")!.id, T0, T0 + 100).length, 61);
  await o.close();
});

test("[store] max_size counts the point WAL with the database", async () => {
  const keep = { raw: 0, rollup_1m: 0, rollup_1h: 0 };
  const a = await openTestStore(dir, "size.db", { retention: keep });
  for (let h = 0; h < 12; h++) {
    const batch = [];
    for (let i = 0; i < 60; i++) for (let k = 0; k < 20; k++) batch.push({ name: `size.s${k}`, ts: T0 - 86_400_000 + h * 3_600_000 + i * 60_000, value: i * k });
    await a.store.write(batch);
  }
  await a.close();
  const used = (db: typeof a.db): number => ((db.pragma("page_count", { simple: true }) as number) - (db.pragma("freelist_count", { simple: true }) as number)) * (db.pragma("page_size", { simple: true }) as number);
  const probe = await openTestStore(dir, "size.db", { retention: keep });
  const dbUsed = used(probe.db);
  await probe.close();

  // the database alone fits the limit; with the heads' WAL it does not
  const b = await openTestStore(dir, "size.db", { retention: keep, store: { max_size: dbUsed + 512, head_idle: 3_600_000 } });
  const before = b.store.stats().pointsByTier.raw;
  assert.equal(before, 12 * 60 * 20);
  for (let r = 0; r < 30; r++) await b.store.write(Array.from({ length: 20 }, (_, k) => ({ name: `size.s${k}`, ts: T0 + r * 1000, value: r })));
  assert.ok(b.store.stats().walBytes > 2048, "the open heads' points are in the WAL");
  b.store.runRetention();
  const after = b.store.stats().pointsByTier.raw;
  assert.ok(after < before + 600, `the size guard dropped the oldest raw data (${before + 600} -> ${after} points)`);
  assert.equal(b.store.stats().headPoints, 600, "the heads are kept");
  await b.close();
});
