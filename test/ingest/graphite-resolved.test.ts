// Graphite → the real store through the columnar fast path: paths resolved to series ids once,
// templates and `;` tags mapped to the same series as through write(), and ids dropped when series
// are deleted (between batches and while a batch is being gathered).
import { test } from "node:test";
import assert from "node:assert/strict";
import { GraphiteIngest, TemplateMapper } from "../../src/ingest/graphite/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./test-store.js";

const T0 = 1_750_000_000; // unix seconds

function tick(paths: readonly string[], t: number): Buffer {
  return Buffer.from(paths.map((p, i) => `${p} ${t * 100 + i} ${T0 + t * 10}\n`).join(""), "latin1");
}

test("ticks of plain, tagged and templated paths arrive whole, each in its one series", async () => {
  const store = await openTestStore(tempDir("loupe-gres-"));
  try {
    const mapper = TemplateMapper.fromConfig(["servers.* .host.measurement*"], ["dc=eu"]);
    const ingest = new GraphiteIngest({ sink: store, mapper, clock: systemClock, log: silentLogger, selfInterval: 0 });
    const paths = ["servers.web1.cpu.user", "servers.web2.cpu.user", "other.load;role=db", "other.load;role=web"];
    const stream = ingest.stream("t");
    for (let t = 0; t < 20; t++) {
      const b = tick(paths, t);
      // split mid-line, and several ticks in one turn
      stream.push(b.subarray(0, 17));
      stream.push(b.subarray(17));
      if (t % 3 === 0) await ingest.batcher.drain();
    }
    await ingest.close();
    assert.equal(ingest.counts.written, 80);
    const keys = ["cpu.user;dc=eu;host=web1", "cpu.user;dc=eu;host=web2", "other.load;dc=eu;role=db", "other.load;dc=eu;role=web"];
    assert.deepEqual(store.findSeries("*").length + store.findSeries("*.*").length, 4);
    keys.forEach((key, i) => {
      const s = store.getSeries(key);
      assert.ok(s, key);
      const pts = store.readRaw(s.id, 0, (T0 + 1000) * 1000);
      assert.deepEqual(pts.map((p) => p.value), Array.from({ length: 20 }, (_, t) => t * 100 + i), key);
      assert.deepEqual(pts.map((p) => p.ts), Array.from({ length: 20 }, (_, t) => (T0 + t * 10) * 1000), key);
    });
  } finally {
    await store.close();
  }
});

test("deleted series come back with the points sent after (and queued before) the delete", async () => {
  const store = await openTestStore(tempDir("loupe-gres-del-"));
  try {
    const ingest = new GraphiteIngest({ sink: store, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
    const paths = ["del.a", "del.b", "keep.c"];
    const stream = ingest.stream("t");
    stream.push(tick(paths, 0));
    await ingest.batcher.drain();
    stream.push(tick(paths, 1)); // resolved ids, queued
    await ingest.batcher.drain();
    const oldA = store.getSeries("del.a")!.id;
    stream.push(tick(paths, 2)); // queued with the current ids...
    assert.equal(store.deleteSeries("del.*"), 2); // ...which the delete makes stale before the batch is sent
    stream.push(tick(paths, 3));
    await ingest.batcher.drain();
    assert.equal(store.deleteSeries("del.b"), 1); // a delete between batches
    stream.push(tick(paths, 4));
    await ingest.close();
    const values = (key: string): number[] => {
      const s = store.getSeries(key);
      return s === undefined ? [] : store.readRaw(s.id, 0, (T0 + 1000) * 1000).map((p) => p.value);
    };
    assert.notEqual(store.getSeries("del.a")!.id, oldA);
    assert.deepEqual(values("del.a"), [200, 300, 400]);
    assert.deepEqual(values("del.b"), [401]);
    assert.deepEqual(values("keep.c"), [2, 102, 202, 302, 402]);
    assert.equal(ingest.counts.refused, 0);
  } finally {
    await store.close();
  }
});
