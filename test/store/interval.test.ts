import { test } from "node:test";
import assert from "node:assert/strict";
import { MINUTE } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-interval-");

// A select without an explicit step uses the series' raw resolution. One late point after a gap
// (an agent restarting, a dashboard test writing "now") once became the resolution, turning a
// 60 s series into 5-minute buckets that moved at every refresh.
test("one long gap does not change a series' resolution; three in a row do", async () => {
  const o = await openTestStore(dir, "gap.db");
  const t0 = Math.floor(o.clock.now() / MINUTE) * MINUTE;
  const pts = [];
  for (let i = 0; i < 10; i++) pts.push({ name: "a.b", ts: t0 + i * MINUTE, value: i });
  await o.store.write(pts);
  await o.store.write([{ name: "a.b", ts: t0 + 14 * MINUTE + 1234, value: 99 }]);
  const id = o.store.getSeries("a.b")!.id;
  const r = o.store.select([id], t0, t0 + 15 * MINUTE, { maxPoints: 1200 });
  assert.equal(r.step, MINUTE);
  assert.equal(r.timestamps.length, 15);
  assert.deepEqual(r.series[0]!.values, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, null, null, null, null, 99]);

  // the sender moved to 5-minute spacing for good: adopted after three such spacings
  const base = t0 + 14 * MINUTE + 1234;
  await o.store.write([1, 2, 3].map((k) => ({ name: "a.b", ts: base + k * 5 * MINUTE, value: k })));
  const r2 = o.store.select([id], base, base + 20 * MINUTE);
  assert.equal(r2.step, 5 * MINUTE);
  await o.close();
});

test("points a few milliseconds apart never make sub-second buckets", async () => {
  const o = await openTestStore(dir, "burst.db");
  const t0 = Math.floor(o.clock.now() / MINUTE) * MINUTE;
  await o.store.write([
    { name: "x", ts: t0, value: 1 },
    { name: "x", ts: t0 + 3, value: 2 },
  ]);
  const id = o.store.getSeries("x")!.id;
  const r = o.store.select([id], t0, t0 + MINUTE);
  assert.equal(r.step, 1000);
  assert.equal(r.timestamps.length, 60);
  await o.close();
});
