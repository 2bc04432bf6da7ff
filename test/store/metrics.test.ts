import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { registerStoreMetrics } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

test("store figures are exposed on /metrics at scrape time", async () => {
  const o = await openTestStore(tempDir("loupe-store-metrics-"));
  const metrics = new MetricsRegistry();
  registerStoreMetrics(metrics, o.store);
  const t0 = o.clock.now();
  await o.store.write([
    { name: "m.a", ts: t0, value: 1 },
    { name: "m.b", ts: t0, value: 2 },
  ]);
  const text = metrics.expose();
  assert.match(text, /^loupe_store_series 2$/m);
  assert.match(text, /^loupe_store_points\{tier="raw"\} 2$/m);
  assert.match(text, /^loupe_store_points\{tier="1h"\} 0$/m);
  assert.match(text, /^loupe_store_head_points 2$/m);
  assert.match(text, /^loupe_store_wal_bytes [1-9]\d*$/m);
  assert.match(text, /^loupe_store_db_bytes [1-9]\d*$/m);
  assert.match(text, /^# TYPE loupe_store_writes_refused_total counter$/m);
  await o.close();
});
