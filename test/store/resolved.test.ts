// The columnar fast path (ResolvedWrites): seriesId, writeResolved and seriesEpoch. Points written
// this way are validated, stored, replayed and refused exactly as through write().
import { test } from "node:test";
import assert from "node:assert/strict";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-resolved-");

function cols(points: Array<[number, number, number]>): [Float64Array, Float64Array, Float64Array, number] {
  return [Float64Array.from(points, (p) => p[0]), Float64Array.from(points, (p) => p[1]), Float64Array.from(points, (p) => p[2]), points.length];
}

test("writeResolved stores points of existing series by id, in order, and they survive a reopen", async () => {
  const o = await openTestStore(dir, "ok.db", { store: { chunk_points: 8 } });
  const t0 = o.clock.now();
  await o.store.write([
    { name: "a.one", ts: t0, value: 0 },
    { name: "b.two", tags: { host: "h1" }, ts: t0, value: 0 },
  ]);
  const a = o.store.seriesId!("a.one")!;
  const b = o.store.seriesId!("b.two;host=h1")!;
  assert.equal(a, o.store.getSeries("a.one")!.id);
  assert.equal(b, o.store.getSeries("b.two;host=h1")!.id);
  const pts: Array<[number, number, number]> = [];
  for (let i = 1; i < 30; i++) pts.push([a, t0 + i * 1000, i], [b, t0 + i * 1000, -i]);
  pts.push([a, t0 + 5500, 55]); // older than the chunks closed at 8 points each: dropped as too old
  pts.push([a, t0 + 29_000, 290]); // duplicate timestamp: last value wins
  await o.store.writeResolved!(...cols(pts));
  const read = (id: number): number[] => o.store.readRaw(id, t0, t0 + 60_000).map((p) => p.value);
  const wantA = Array.from({ length: 30 }, (_, i) => i);
  wantA[29] = 290;
  assert.deepEqual(read(a), wantA);
  assert.deepEqual(read(b), Array.from({ length: 30 }, (_, i) => (i === 0 ? 0 : -i)));
  assert.equal(o.store.stats().pointsTooOld, 1);
  // reuse of the same arrays at once is allowed: they were read before writeResolved returned
  const [ids, ts, vs] = cols([[a, t0 + 30_000, 30]]);
  const p = o.store.writeResolved!(ids, ts, vs, 1);
  ids[0] = b;
  ts[0] = t0 + 31_000;
  vs[0] = -31;
  await Promise.all([p, o.store.writeResolved!(ids, ts, vs, 1)]);
  assert.deepEqual(read(a).slice(-1), [30]);
  assert.deepEqual(read(b).slice(-1), [-31]);
  // (crash-safety of this path: test/store/crash.test.ts, columnar case)
  await o.close();
  const o2 = await openTestStore(dir, "ok.db");
  assert.equal(o2.store.readRaw(a, t0, t0 + 60_000).length, 31);
  assert.equal(o2.store.readRaw(b, t0, t0 + 60_000).length, 31);
  await o2.close();
});

test("writeResolved drops unknown ids and invalid timestamps; seriesEpoch changes on deleteSeries", async () => {
  const o = await openTestStore(dir, "bad.db");
  const t0 = o.clock.now();
  await o.store.write([{ name: "x.gone", ts: t0, value: 1 }, { name: "x.kept", ts: t0, value: 1 }]);
  const gone = o.store.seriesId!("x.gone")!;
  const kept = o.store.seriesId!("x.kept")!;
  assert.equal(o.store.seriesId!("x.never"), undefined);
  const e0 = o.store.seriesEpoch!;
  assert.equal(o.store.deleteSeries("x.gone"), 1);
  assert.notEqual(o.store.seriesEpoch, e0);
  assert.equal(o.store.seriesId!("x.gone"), undefined);
  await o.store.writeResolved!(...cols([[gone, t0 + 1000, 2], [kept, NaN, 3], [kept, -5, 4], [kept, 2 ** 50, 5], [kept, t0 + 1000.4, 6], [999_999, t0 + 1000, 7]]));
  assert.deepEqual(o.store.readRaw(kept, t0, t0 + 10_000), [{ ts: t0, value: 1 }, { ts: t0 + 1000, value: 6 }]);
  assert.equal(o.store.getSeries("x.gone"), undefined, "a point for a deleted id does not bring the series back");
  await o.store.writeResolved!(...cols([]));
  await o.close();
});

test("a closed store refuses writeResolved with StoreWriteError", async () => {
  const o = await openTestStore(dir, "closed.db");
  await o.store.write([{ name: "c", ts: o.clock.now(), value: 1 }]);
  const id = o.store.seriesId!("c")!;
  await o.store.close();
  await assert.rejects(o.store.writeResolved!(...cols([[id, o.clock.now() + 1000, 2]])), (err: Error & { code?: string }) => err.name === "StoreWriteError" && err.code === "store_closed");
  o.db.close();
});
