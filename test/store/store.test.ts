import { test } from "node:test";
import assert from "node:assert/strict";
import { DAY, HOUR, MINUTE } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-store-");

test("write, find, list, read raw, latest, stats, and everything survives a reopen", async () => {
  const o = await openTestStore(dir, "basic.db");
  const t0 = o.clock.now();
  for (let i = 0; i < 500; i++) {
    await o.store.write([
      { name: "servers.web1.cpu.total.user", ts: t0 + i * 10_000, value: i },
      { name: "servers.web2.cpu.total.user", ts: t0 + i * 10_000, value: i / 4 },
      { name: "cpu", tags: { host: "a" }, ts: t0 + i * 10_000, value: 1.5 },
    ]);
  }
  const s1 = o.store.getSeries("servers.web1.cpu.total.user");
  assert.ok(s1);
  assert.equal(s1.name, "servers.web1.cpu.total.user");
  assert.deepEqual(s1.tags, {});
  const tagged = o.store.getSeries("cpu;host=a");
  assert.ok(tagged);
  assert.deepEqual(tagged.tags, { host: "a" });
  assert.deepEqual(o.store.matchSeries([{ key: "host", op: "=", value: "a" }]).map((s) => s.key), ["cpu;host=a"]);
  assert.deepEqual(o.store.findSeries("servers.*.cpu.total.user").map((s) => s.name), ["servers.web1.cpu.total.user", "servers.web2.cpu.total.user"]);
  assert.deepEqual(o.store.listChildren("servers.*").map((n) => n.path), ["servers.web1", "servers.web2"]);
  const raw = o.store.readRaw(s1.id, t0, t0 + 500 * 10_000);
  assert.equal(raw.length, 500);
  assert.deepEqual(raw[123], { ts: t0 + 1_230_000, value: 123 });
  const latest = [...o.store.latest()].find((l) => l.series.id === s1.id);
  assert.deepEqual({ ts: latest?.ts, value: latest?.value }, { ts: t0 + 4_990_000, value: 499 });
  const st = o.store.stats();
  assert.equal(st.series, 3);
  assert.equal(st.pointsByTier.raw, 1500);
  const hourly = o.store.select([s1.id], t0, t0 + 500 * 10_000, { step: 3_600_000, consolidate: "max" });
  assert.equal(hourly.tier, "1h");
  assert.equal(hourly.series[0]!.values.at(-1), 499);
  await o.close();

  const o2 = await openTestStore(dir, "basic.db");
  const again = o2.store.readRaw(s1.id, t0, t0 + 500 * 10_000);
  assert.deepEqual(again, raw);
  assert.equal(o2.store.stats().pointsByTier.raw, 1500);
  assert.equal(o2.store.stats().walBytes, 0);
  // close() leaves the 2 hourly buckets (fewer than 12) to be rebuilt from the raw rows at start
  assert.equal(o2.store.stats().pointsByTier["1h"], 0);
  assert.deepEqual(o2.store.select([s1.id], t0, t0 + 500 * 10_000, { step: 3_600_000, consolidate: "max" }), hourly);
  // writes continue after the reopened chunks
  await o2.store.write([{ name: "servers.web1.cpu.total.user", ts: t0 + 500 * 10_000, value: 500 }]);
  assert.equal(o2.store.readRaw(s1.id, t0, t0 + DAY).length, 501);
  await o2.close();
});

test("out-of-order points within the head are kept; a duplicate timestamp keeps the last value; older than closed chunks are dropped", async () => {
  const o = await openTestStore(dir, "ooo.db", { store: { chunk_points: 10 } });
  const t0 = o.clock.now();
  const w = (ts: number, value: number): Promise<void> => o.store.write([{ name: "x", ts, value }]);
  await w(t0 + 30, 3);
  await w(t0 + 10, 1);
  await w(t0 + 20, 2);
  await w(t0 + 20, 22);
  const id = o.store.getSeries("x")!.id;
  assert.deepEqual(o.store.readRaw(id, t0, t0 + 100), [
    { ts: t0 + 10, value: 1 },
    { ts: t0 + 20, value: 22 },
    { ts: t0 + 30, value: 3 },
  ]);
  for (let i = 4; i <= 12; i++) await w(t0 + i * 10, i); // closes a chunk at 10 points
  await w(t0 + 5, -1); // before the closed chunk: dropped
  const pts = o.store.readRaw(id, t0, t0 + 1000);
  assert.equal(pts.length, 12);
  assert.equal(o.store.stats().pointsTooOld, 1);
  assert.equal(pts[0]!.ts, t0 + 10);
  await o.close();
});

test("select: aligned buckets, consolidation functions, nulls for gaps", async () => {
  const o = await openTestStore(dir, "select.db");
  const t0 = o.clock.now(); // a multiple of a day
  // 0..59 at 10 s for 10 minutes, with a gap between minute 3 and 5
  const batch = [];
  for (let i = 0; i < 60; i++) if (i < 18 || i >= 30) batch.push({ name: "g", ts: t0 + i * 10_000, value: i });
  await o.store.write(batch);
  const id = o.store.getSeries("g")!.id;
  const cases: Array<[string, "avg" | "min" | "max" | "sum" | "last", Array<number | null>]> = [
    ["avg", "avg", [2.5, 8.5, 14.5, null, null, 32.5, 38.5, 44.5, 50.5, 56.5]],
    ["min", "min", [0, 6, 12, null, null, 30, 36, 42, 48, 54]],
    ["max", "max", [5, 11, 17, null, null, 35, 41, 47, 53, 59]],
    ["sum", "sum", [15, 51, 87, null, null, 195, 231, 267, 303, 339]],
    ["last", "last", [5, 11, 17, null, null, 35, 41, 47, 53, 59]],
  ];
  for (const [name, consolidate, want] of cases) {
    const r = o.store.select([id], t0, t0 + 10 * MINUTE, { step: MINUTE, consolidate });
    assert.equal(r.step, MINUTE, name);
    assert.equal(r.timestamps.length, 10, name);
    assert.equal(r.timestamps[0], t0, name);
    assert.deepEqual(r.series[0]!.values, want, name);
  }
  // unaligned from: the first bucket starts at the next step boundary
  const r = o.store.select([id], t0 + 15_000, t0 + 10 * MINUTE, { step: MINUTE, consolidate: "avg" });
  assert.equal(r.timestamps[0], t0 + MINUTE);
  assert.equal(r.timestamps.length, 9);
  // no step: raw spacing
  const raw = o.store.select([id], t0, t0 + MINUTE);
  assert.equal(raw.tier, "raw");
  assert.equal(raw.step, 10_000);
  assert.deepEqual(raw.series[0]!.values, [0, 1, 2, 3, 4, 5]);
  // maxPoints: step grows to fit the budget
  const mp = o.store.select([id], t0, t0 + 10 * MINUTE, { maxPoints: 5, consolidate: "max" });
  assert.ok(mp.timestamps.length <= 5);
  assert.equal(mp.step, 2 * MINUTE);
  // unknown series: all null
  const unk = o.store.select([999], t0, t0 + MINUTE, { step: MINUTE });
  assert.deepEqual(unk.series[0]!.values, [null]);
  await o.close();
});

test("select picks the rollup tier for long ranges and the result matches raw consolidation", async () => {
  const o = await openTestStore(dir, "tiers.db", { tuning: { rollupBuckets: [30, 6] } });
  const t0 = o.clock.now();
  const n = 2 * 8640; // two days at 10 s
  for (let i = 0; i < n; i += 500) {
    const b = [];
    for (let k = i; k < Math.min(n, i + 500); k++) b.push({ name: "c", ts: t0 + k * 10_000, value: (k % 97) / 4 });
    await o.store.write(b);
  }
  o.clock.set(t0 + 2 * DAY);
  const id = o.store.getSeries("c")!.id;
  // one series over 2 days is cheap to read raw: graphite-web's answer from raw data
  const viaRaw = o.store.select([id], t0, t0 + 2 * DAY, { maxPoints: 400, consolidate: "avg" });
  assert.equal(viaRaw.tier, "raw");
  assert.ok(viaRaw.timestamps.length >= 0.97 * 400, `${viaRaw.timestamps.length} points`);
  // a 10-minute step is read from the 1m tier's 5-minute level
  const viaRollup = o.store.select([id], t0, t0 + 2 * DAY, { step: 10 * 60_000, consolidate: "avg" });
  assert.equal(viaRollup.tier, "1m");
  const hourly = o.store.select([id], t0, t0 + 2 * DAY, { step: HOUR, consolidate: "max" });
  assert.equal(hourly.tier, "1h");
  // the same buckets computed from raw points
  const raw = o.store.readRaw(id, t0, t0 + 2 * DAY);
  assert.equal(raw.length, n);
  const step = viaRollup.step;
  const want = viaRollup.timestamps.map((b) => {
    const xs = raw.filter((p) => p.ts >= b && p.ts < b + step).map((p) => p.value);
    return xs.length === 0 ? null : xs.reduce((a, x) => a + x, 0) / xs.length;
  });
  viaRollup.series[0]!.values.forEach((v, i) => assert.ok(v === want[i] || Math.abs(v! - want[i]!) < 1e-9, `bucket ${i}: ${v} vs ${want[i]}`));
  const wantMax = hourly.timestamps.map((b) => Math.max(...raw.filter((p) => p.ts >= b && p.ts < b + HOUR).map((p) => p.value)));
  assert.deepEqual(hourly.series[0]!.values, wantMax);
  await o.close();
});

test("hourly buckets left unwritten at close are rebuilt at start and written with the next ones", async () => {
  // rollupBuckets [30, 20]: an hourly chunk holds 20 buckets; close() writes a builder only from 12
  const o = await openTestStore(dir, "rebuild.db", { tuning: { rollupBuckets: [30, 20] } });
  const t0 = o.clock.now();
  const put = async (store: typeof o.store, from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i += 360) {
      const b = [];
      for (let k = i; k < Math.min(to, i + 360); k++) b.push({ name: "r", ts: t0 + k * 10_000, value: (k * 7) % 101 });
      await store.write(b);
    }
  };
  await put(o.store, 0, 5 * 360); // 5 hours: not written at close
  await o.close();
  const o2 = await openTestStore(dir, "rebuild.db", { clock: o.clock, tuning: { rollupBuckets: [30, 20] } });
  assert.equal(o2.store.stats().pointsByTier["1h"], 0);
  await put(o2.store, 5 * 360, 30 * 360); // up to 30 hours: the first 20 buckets fill a chunk
  assert.equal(o2.store.stats().pointsByTier["1h"], 20);
  const id = o2.store.getSeries("r")!.id;
  const hourly = o2.store.select([id], t0, t0 + 30 * HOUR, { step: HOUR, consolidate: "max" });
  assert.equal(hourly.tier, "1h");
  const raw = o2.store.readRaw(id, t0, t0 + 30 * HOUR);
  assert.equal(raw.length, 30 * 360);
  const want = hourly.timestamps.map((b) => Math.max(...raw.filter((p) => p.ts >= b && p.ts < b + HOUR).map((p) => p.value)));
  assert.deepEqual(hourly.series[0]!.values, want);
  await o2.close();
  // 10 buckets in the builder at this close: rebuilt again, nothing counted twice
  const o3 = await openTestStore(dir, "rebuild.db", { clock: o.clock, tuning: { rollupBuckets: [30, 20] } });
  assert.equal(o3.store.stats().pointsByTier["1h"], 20);
  assert.deepEqual(o3.store.select([id], t0, t0 + 30 * HOUR, { step: HOUR, consolidate: "max" }), hourly);
  await o3.close();
});

test("deleteSeries removes the series and its data", async () => {
  const o = await openTestStore(dir, "delete.db", { store: { chunk_points: 10 } });
  const t0 = o.clock.now();
  const b = [];
  for (let i = 0; i < 50; i++) b.push({ name: "a.one", ts: t0 + i * 1000, value: i }, { name: "a.two", ts: t0 + i * 1000, value: i }, { name: "b.one", ts: t0 + i * 1000, value: i });
  await o.store.write(b);
  assert.equal(o.store.deleteSeries("a.*"), 2);
  assert.deepEqual(o.store.findSeries("*.*").map((s) => s.name), ["b.one"]);
  assert.deepEqual(o.store.listChildren("*").map((n) => n.path), ["b"]);
  assert.equal(o.store.stats().series, 1);
  assert.equal(o.store.stats().pointsByTier.raw, 50);
  await o.close();
  const o2 = await openTestStore(dir, "delete.db");
  assert.equal(o2.store.stats().series, 1);
  assert.equal(o2.store.getSeries("a.one"), undefined);
  await o2.close();
});

test("tagged samples: one frozen tags object for several names, a changed unfrozen object, the same object after deleteSeries", async () => {
  const o = await openTestStore(dir, "tagged.db");
  const t0 = o.clock.now();
  const web1 = Object.freeze({ role: "web", host: "h1" });
  const mutable: Record<string, string> = { host: "h2" };
  await o.store.write([
    { name: "cpu.user", tags: web1, ts: t0, value: 1 },
    { name: "cpu.system", tags: web1, ts: t0, value: 2 },
    { name: "cpu.user", tags: mutable, ts: t0, value: 3 },
  ]);
  await o.store.write([{ name: "cpu.user", tags: web1, ts: t0 + 1000, value: 4 }]);
  mutable["host"] = "h3";
  await o.store.write([{ name: "cpu.user", tags: mutable, ts: t0 + 1000, value: 5 }]);
  const read = (key: string): number[] => {
    const s = o.store.getSeries(key);
    return s === undefined ? [] : o.store.readRaw(s.id, t0, t0 + 10_000).map((p) => p.value);
  };
  assert.deepEqual(read("cpu.user;host=h1;role=web"), [1, 4]);
  assert.deepEqual(read("cpu.system;host=h1;role=web"), [2]);
  assert.deepEqual(read("cpu.user;host=h2"), [3]);
  assert.deepEqual(read("cpu.user;host=h3"), [5]);
  const before = o.store.getSeries("cpu.user;host=h1;role=web")!.id;
  assert.equal(o.store.deleteSeries("cpu.user"), 3);
  await o.store.write([{ name: "cpu.user", tags: web1, ts: t0 + 2000, value: 6 }]);
  const after = o.store.getSeries("cpu.user;host=h1;role=web");
  assert.notEqual(after?.id, before);
  assert.deepEqual(read("cpu.user;host=h1;role=web"), [6]);
  await o.close();
});

test("a closed store refuses writes with StoreWriteError", async () => {
  const o = await openTestStore(dir, "closed.db");
  await o.store.close();
  await assert.rejects(o.store.write([{ name: "x", ts: 1, value: 1 }]), (err: Error & { code?: string }) => err.name === "StoreWriteError" && err.code === "store_closed");
  o.db.close();
});

test("an explicit step is kept: the tier is one whose resolution divides it", async () => {
  const o = await openTestStore(dir, "step.db");
  const t0 = o.clock.now();
  const b = [];
  for (let i = 0; i < 360; i++) b.push({ name: "s", ts: t0 + i * 10_000, value: i });
  await o.store.write(b);
  const id = o.store.getSeries("s")!.id;
  const cases: Array<[number, string]> = [
    [90_000, "raw"],
    [120_000, "1m"],
    [30_000, "raw"],
    [2 * 3_600_000, "1h"],
  ];
  for (const [step, tier] of cases) {
    const r = o.store.select([id], t0, t0 + 3_600_000, { step, consolidate: "sum" });
    assert.equal(r.step, step);
    assert.equal(r.tier, tier, `step ${step}`);
    const total = r.series[0]!.values.reduce<number>((a, v) => a + (v ?? 0), 0);
    assert.equal(total, (359 * 360) / 2, `step ${step}: every point counted once`);
  }
  await o.close();
});

test("a new series' head holds 16 points and grows once to chunk_points; every point stays in order", async () => {
  const o = await openTestStore(dir, "heads.db");
  const t0 = o.clock.now();
  await o.store.write(Array.from({ length: 10 }, (_, i) => ({ name: "h.short", ts: t0 + i * 10_000, value: i })));
  assert.equal(o.store.stats().memory?.["heads"], 2 * 16 * 8, "10 points: a 16-point head");
  // out of order across the growth, then past a full chunk
  const order = [...Array.from({ length: 130 }, (_, i) => i)].sort((a, b) => ((a * 37) % 131) - ((b * 37) % 131));
  for (const i of order) await o.store.write([{ name: "h.long", ts: t0 + i * 10_000, value: i * 2 }]);
  const id = o.store.getSeries("h.long")!.id;
  const pts = o.store.readRaw(id, t0, t0 + 200 * 10_000);
  // points older than a closed chunk are refused: what is kept is in order and exact
  assert.ok(pts.length >= 16);
  pts.forEach((p, k) => {
    assert.equal(p.value, ((p.ts - t0) / 10_000) * 2);
    if (k > 0) assert.ok(p.ts > pts[k - 1]!.ts);
  });
  await o.store.write(Array.from({ length: 40 }, (_, i) => ({ name: "h.grow", ts: t0 + i * 10_000, value: i })));
  assert.deepEqual(o.store.readRaw(o.store.getSeries("h.grow")!.id, t0, t0 + DAY).map((p) => p.value), Array.from({ length: 40 }, (_, i) => i));
  await o.close();
});
