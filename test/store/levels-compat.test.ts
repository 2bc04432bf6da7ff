// Format compatibility of the 1m tier's levels: a file written by commit 7c222ba (daily 30-minute
// rows, tier 4; one 5-minute chunk per sealed row of the open day) opens, reads the same buckets as
// the raw points, and its next compaction writes the 4-day block rows (tier 5) in place of the daily
// rows of complete blocks and merges the open day's 5-minute chunks, still reading the same.
// Fixture: test/fixtures/store-7c222ba/levels.db.gz, 2 series (fx.a, fx.b) at 30 s from 2026-11-20
// 00:00 UTC for 7 days, written and compacted by that commit's store with its default config.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { DAY, MINUTE } from "../../src/model/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { checkDatabase, type Consolidation } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore, type Opened } from "./helpers.js";

const HOWS: readonly Consolidation[] = ["avg", "min", "max", "sum", "last"];
const T0 = Date.UTC(2026, 10, 20);

function tierRows(o: Opened, tier: number): number {
  return o.db.prepare("SELECT count(*) FROM tsdb_chunks WHERE tier = ?").pluck().get(tier) as number;
}

/** Every bucket at `step` over the 7 days equals the consolidation of the raw points in it. */
function assertMatchesRaw(o: Opened, name: string, step: number): void {
  const id = o.store.getSeries(name)!.id;
  const from = T0;
  const to = T0 + 7 * DAY;
  const raw = o.store.readRaw(id, from, to);
  assert.equal(raw.length, 7 * 2880);
  for (const how of HOWS) {
    const r = o.store.select([id], from, to, { step, consolidate: how });
    assert.equal(r.tier, "1m");
    let i = 0;
    for (const b of r.timestamps) {
      const xs = raw.filter((p) => p.ts >= b && p.ts < b + step).map((p) => p.value);
      const got = r.series[0]!.values[i++]!;
      const want = how === "avg" ? xs.reduce((a, x) => a + x, 0) / xs.length : how === "min" ? Math.min(...xs) : how === "max" ? Math.max(...xs) : how === "sum" ? xs.reduce((a, x) => a + x, 0) : xs[xs.length - 1]!;
      assert.ok(got !== null && Math.abs(got - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${name} ${how} at ${step / MINUTE} min, bucket ${new Date(b).toISOString()}: ${got} vs ${want}`);
    }
  }
}

test("a store file written by 7c222ba (daily 30-minute rows) reads the same before and after its levels are rewritten in 4-day blocks", async () => {
  const dir = tempDir("loupe-levels-compat-");
  writeFileSync(join(dir, "old.db"), gunzipSync(readFileSync(new URL("../fixtures/store-7c222ba/levels.db.gz", import.meta.url))));
  const clock = new FakeClock(T0 + 7 * DAY);
  const o = await openTestStore(dir, "old.db", { clock });
  assert.equal(tierRows(o, 5), 0, "the old file has no block rows");
  assert.equal(tierRows(o, 4), 2 * 6, "a daily 30-minute row per series and complete day");
  const open = tierRows(o, 3);
  assert.ok(open >= 2 * 6 + 2 * 4, `${open} 5-minute chunks: one per complete day and series, one per sealed row of the open day`);
  for (const name of ["fx.a", "fx.b"]) for (const step of [30 * MINUTE, 90 * MINUTE, 5 * MINUTE]) assertMatchesRaw(o, name, step);

  o.store.runRetention();
  // day 20777 is the second of the block of days 20776–20779 (complete before the cut at day 20783);
  // days 20780–20782 are in the next block, not complete: they keep their daily rows
  assert.equal(tierRows(o, 5), 2, "one block row per series");
  assert.equal(tierRows(o, 4), 2 * 3, "daily rows only for the days of the block not yet complete");
  assert.equal(tierRows(o, 3), 2 * 5, "one 5-minute chunk per series for the complete block, one a day after it (the open day's merged)");
  for (const name of ["fx.a", "fx.b"]) for (const step of [30 * MINUTE, 90 * MINUTE, 5 * MINUTE]) assertMatchesRaw(o, name, step);
  assert.deepEqual(checkDatabase(o.db).problems, []);
  await o.close();
});
