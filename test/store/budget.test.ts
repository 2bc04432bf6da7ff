import { test } from "node:test";
import assert from "node:assert/strict";
import { createLogger, type Logger } from "../../src/lib/logger.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-budget-");

function captureLog(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: "info", sink: { write: (l) => void lines.push(l) } }), lines };
}

test("new series beyond max_series are refused and counted; existing series keep being written", async () => {
  const cap = captureLog();
  const o = await openTestStore(dir, "refuse.db", { store: { max_series: 5 }, log: cap.log });
  const t0 = o.clock.now();
  await o.store.write(Array.from({ length: 10 }, (_, i) => ({ name: `s.n${i}`, ts: t0, value: i })));
  let st = o.store.stats();
  assert.equal(st.series, 5);
  assert.equal(st.seriesRefused, 5);
  assert.equal(st.pointsRefused, 5);
  assert.equal(st.maxSeries, 5);
  assert.deepEqual(o.store.findSeries("s.*").map((s) => s.name), ["s.n0", "s.n1", "s.n2", "s.n3", "s.n4"]);
  // existing series keep working, tagged and untagged, through write() and the columnar path
  await o.store.write([{ name: "s.n0", ts: t0 + 10_000, value: 100 }, { name: "s.n9", ts: t0 + 10_000, value: 9 }]);
  const id0 = o.store.getSeries("s.n0")!.id;
  await o.store.writeResolved!(Float64Array.of(id0), Float64Array.of(t0 + 20_000), Float64Array.of(200), 1);
  assert.deepEqual(o.store.readRaw(id0, t0, t0 + 60_000).map((p) => p.value), [0, 100, 200]);
  st = o.store.stats();
  assert.equal(st.seriesRefused, 6);
  assert.equal(st.pointsRefused, 6);
  // one log line per minute at most
  const refusedLines = (): string[] => cap.lines.filter((l) => l.includes("series limit reached"));
  assert.equal(refusedLines().length, 1);
  assert.match(refusedLines()[0]!, /max_series=5/);
  assert.match(refusedLines()[0]!, /example=s\.n5/);
  o.clock.advance(61_000);
  await o.store.write([{ name: "s.other", ts: t0 + 30_000, value: 1 }]);
  assert.equal(refusedLines().length, 2);
  // deleting series makes room again
  assert.equal(o.store.deleteSeries("s.n4"), 1);
  await o.store.write([{ name: "s.new", ts: t0 + 40_000, value: 1 }]);
  assert.ok(o.store.getSeries("s.new"));
  await o.close();
});

test("the memory breakdown counts heads exactly and grows with series", async () => {
  const o = await openTestStore(dir, "mem.db", { store: { chunk_points: 120 } });
  const t0 = o.clock.now();
  const before = o.store.stats().memory!;
  assert.equal(before["heads"], 0);
  await o.store.write(Array.from({ length: 40 }, (_, i) => ({ name: `m.s${i}`, ts: t0, value: i })));
  const after = o.store.stats().memory!;
  assert.equal(after["heads"], 40 * 2 * 16 * 8); // a new head holds 16 points until it grows to chunk_points
  assert.ok(after["series_index"]! >= 40 * 1_600, String(after["series_index"]));
  assert.ok(after["sqlite_cache"]! > 0);
  for (const k of ["blocks", "rollups", "pending", "wal_buffers"]) assert.equal(typeof after[k], "number", k);
  await o.close();
});

test("a restart replays the WAL within the same budget: oldest first, the rest skipped and counted", async () => {
  // a run with a larger budget left 20 series' points in the WAL (no clean stop)
  const crashed = await openTestStore(dir, "replay.db", { store: { max_series: 100 } });
  const t0 = crashed.clock.now();
  for (let p = 0; p < 3; p++) await crashed.store.write(Array.from({ length: 20 }, (_, i) => ({ name: `r.s${String(i).padStart(2, "0")}`, ts: t0 + p * 10_000, value: p })));
  // the new start gets a budget of 5 series (the crashed one is never closed: as after kill -9)
  const cap = captureLog();
  const o = await openTestStore(dir, "replay.db", { store: { max_series: 5, chunk_points: 120 }, log: cap.log });
  const st = o.store.stats();
  assert.equal(st.series, 20, "every series stays in the index (readable)");
  assert.equal(st.walReplaySkipped, 15 * 3);
  assert.equal(st.headPoints, 5 * 3);
  assert.equal(st.memory!["heads"], 5 * 2 * 16 * 8);
  assert.ok(cap.lines.some((l) => /more series than \[store\] max_series/.test(l)));
  assert.ok(cap.lines.some((l) => /wal replay skipped points .*skipped_points=45/.test(l)));
  // the oldest-written series got the heads
  assert.equal(o.store.readRaw(o.store.getSeries("r.s00")!.id, t0, t0 + 60_000).length, 3);
  assert.equal(o.store.readRaw(o.store.getSeries("r.s19")!.id, t0, t0 + 60_000).length, 0);
  // no new series while over the budget, and series without a head get none
  await o.store.write([{ name: "r.brand_new", ts: t0 + 50_000, value: 1 }, { name: "r.s19", ts: t0 + 50_000, value: 1 }]);
  assert.equal(o.store.getSeries("r.brand_new"), undefined);
  assert.equal(o.store.stats().pointsRefused, 2);
  await o.close();
});

test("a too-old point does not use up a head of the budget", async () => {
  let o = await openTestStore(dir, "too-old.db", { store: { max_series: 2 } });
  const t0 = o.clock.now();
  await o.store.write([{ name: "o.a", ts: t0, value: 1 }, { name: "o.a", ts: t0 + 10_000, value: 2 }]);
  await o.close(); // the head is committed: o.a has no head after the reopen
  o = await openTestStore(dir, "too-old.db", { store: { max_series: 2 } });
  await o.store.write([{ name: "o.a", ts: t0, value: 9 }]); // at or before the committed chunk
  assert.equal(o.store.stats().pointsTooOld, 1);
  await o.store.write([{ name: "o.a", ts: t0 + 20_000, value: 3 }, { name: "o.b", ts: t0 + 20_000, value: 4 }]);
  const st = o.store.stats();
  assert.equal(st.pointsRefused, 0);
  assert.equal(st.headPoints, 2);
  assert.deepEqual(o.store.readRaw(o.store.getSeries("o.b")!.id, t0, t0 + 60_000), [{ ts: t0 + 20_000, value: 4 }]);
  await o.close();
});
