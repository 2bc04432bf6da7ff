import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { registerStoreMetrics } from "../../src/store/index.js";
import { registerProcessMemory } from "../../src/http/routes/metrics.js";
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

test("the series budget and the memory breakdown are exposed: store parts and process figures", async () => {
  const o = await openTestStore(tempDir("loupe-store-metrics-"), "budget.db", { store: { max_series: 1, chunk_points: 120 } });
  const metrics = new MetricsRegistry();
  registerStoreMetrics(metrics, o.store);
  registerProcessMemory(metrics, () => ({ rss: 111, heapUsed: 22, heapTotal: 33, external: 44, arrayBuffers: 55 }));
  const t0 = o.clock.now();
  await o.store.write([
    { name: "m.a", ts: t0, value: 1 },
    { name: "m.b", ts: t0, value: 2 },
  ]);
  const text = metrics.expose();
  assert.match(text, /^loupe_store_max_series 1$/m);
  assert.match(text, /^loupe_store_series_refused_total 1$/m);
  assert.match(text, /^loupe_store_points_refused_total 1$/m);
  assert.match(text, /^loupe_store_wal_replay_skipped_total 0$/m);
  // one series with a head: a new head holds 16 points (timestamps + values, float64) until it grows
  assert.match(text, /^loupe_memory_bytes\{part="heads"\} 256$/m);
  for (const part of ["series_index", "blocks", "rollups", "pending", "wal_buffers", "sqlite_cache"]) assert.match(text, new RegExp(`^loupe_memory_bytes\\{part="${part}"\\} \\d+$`, "m"), part);
  assert.match(text, /^loupe_memory_rss_bytes 111$/m);
  assert.match(text, /^loupe_memory_heap_used_bytes 22$/m);
  assert.match(text, /^loupe_memory_heap_total_bytes 33$/m);
  assert.match(text, /^loupe_memory_external_bytes 44$/m);
  assert.match(text, /^loupe_memory_array_buffers_bytes 55$/m);
  await o.close();
});
