/**
 * The store's history import (src/store/tsdb/import-rollups.ts): points older (or newer) than a
 * series holds land in the right tiers next to data Loupe collected itself, survive retention and
 * a restart, and a second import adds nothing.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { importHistory, migrate, openDatabase, openStore, type TimeSeriesStore } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const H = 3_600_000;
const D = 24 * H;
const NOW = Date.UTC(2026, 10, 25, 12);
const clock = { now: () => NOW };

async function open(path: string): Promise<{ store: TimeSeriesStore; close(): Promise<void> }> {
  const cfg = defaultConfig();
  const db = openDatabase(path);
  migrate(db);
  const store = await openStore(db, { store: { ...cfg.store, chunk_points: 120 }, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  return {
    store,
    close: async () => {
      await store.close();
      db.close();
    },
  };
}

const hourly = (from: number, to: number): { ts: number[]; values: number[] } => {
  const ts: number[] = [];
  for (let t = from; t < to; t += H) ts.push(t);
  return { ts, values: ts.map((t) => (t / H) % 100) };
};

/** The non-null buckets of one series' select as timestamp → value. */
function buckets(store: TimeSeriesStore, key: string, from: number, to: number, step: number): { tier: string; values: Map<number, number> } {
  const s = store.getSeries(key)!;
  const r = store.select([s.id], from, to, { step });
  const values = new Map<number, number>();
  r.timestamps.forEach((t, i) => {
    const v = r.series[0]!.values[i];
    if (v !== null && v !== undefined) values.set(t, v);
  });
  return { tier: r.tier, values };
}

test("history before live data: hourly points 100 days back land in raw, 1m and 1h as retention says, and survive a restart", async () => {
  const path = join(tempDir("loupe-hist-"), "loupe.db");
  let { store, close } = await open(path);
  const live = [];
  for (let t = NOW - 2 * H; t < NOW; t += 10_000) live.push({ name: "h.s", ts: t, value: 5 });
  await store.write(live);
  const old = hourly(NOW - 100 * D, NOW - 3 * H);
  const r = importHistory(store, { key: "h.s", ts: [NOW - 3 * 365 * D, ...old.ts, NOW - H], values: [1, ...old.values, 9] });
  assert.deepEqual(r, { added: old.ts.length, alreadyStored: 1, skipped: 1, refused: 0 }, "the point inside live data is not taken; the one past every retention is skipped");
  store.runRetention();
  const stats = store.stats();
  assert.ok(stats.pointsByTier["1m"] > 0 && stats.pointsByTier["1m"] < old.ts.length, "history past raw retention became 1m rollups (and past 90 days left the 1m tier)");

  const check = (s: TimeSeriesStore, when: string): void => {
    const hours = buckets(s, "h.s", NOW - 100 * D, NOW, H);
    assert.equal(hours.tier, "1h", when);
    for (let i = 0; i < old.ts.length; i++) assert.equal(hours.values.get(old.ts[i]!), old.values[i], `${when}: hour ${new Date(old.ts[i]!).toISOString()}`);
    assert.equal(hours.values.get(NOW - H), 5, `${when}: live data still there`);
    const month = buckets(s, "h.s", NOW - 30 * D, NOW - 20 * D, 60_000);
    assert.equal(month.tier, "1m", when);
    assert.deepEqual([...month.values.values()], old.values.filter((_, i) => old.ts[i]! >= NOW - 30 * D && old.ts[i]! < NOW - 20 * D), when);
    const raw = s.readRaw(s.getSeries("h.s")!.id, NOW - 10 * D, NOW);
    assert.equal(raw.length, old.ts.filter((t) => t >= NOW - 10 * D).length + live.length, `${when}: raw holds the last 10 days of history and the live points`);
  };
  check(store, "before restart");
  await close();
  ({ store, close } = await open(path));
  check(store, "after restart");
  // Loupe goes on collecting; a second import adds nothing
  await store.write([{ name: "h.s", ts: NOW + 10_000, value: 7 }]);
  assert.equal(store.stats().pointsTooOld ?? 0, 0);
  assert.equal(importHistory(store, { key: "h.s", ...old }).added, 0);
  await close();
});

test("history read in time order (an export file, InfluxDB windows) appends part after part, and live data follows it", async () => {
  const path = join(tempDir("loupe-hist-"), "loupe.db");
  let { store, close } = await open(path);
  const a = hourly(NOW - 5 * D, NOW - 4 * D);
  const b = hourly(NOW - 4 * D, NOW - 3 * D);
  assert.equal(importHistory(store, { key: "h.t;host=a", ...a }).added, a.ts.length);
  assert.equal(importHistory(store, { key: "h.t;host=a", ...b }).added, b.ts.length);
  assert.equal(importHistory(store, { key: "h.t;host=a", ...a }).added, 0);
  await store.write([{ name: "h.t", tags: { host: "a" }, ts: NOW - 2 * D, value: 1000 }]);
  const want = new Map([...a.ts, ...b.ts].map((t, i) => [t, [...a.values, ...b.values][i]!]));
  want.set(NOW - 2 * D, 1000);
  assert.deepEqual(buckets(store, "h.t;host=a", NOW - 6 * D, NOW, H).values, want);
  await close();
  ({ store, close } = await open(path));
  assert.deepEqual(buckets(store, "h.t;host=a", NOW - 6 * D, NOW, H).values, want, "after a restart");
  assert.deepEqual(store.readRaw(store.getSeries("h.t;host=a")!.id, NOW - 6 * D, NOW).length, want.size);
  await close();
});
