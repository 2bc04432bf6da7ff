/** scripts/loadgen.ts (the benchmark's sender) delivers exactly its workload over both protocols. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestHandler } from "express";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners } from "../../src/ingest/graphite/index.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { writeRoutes } from "../../src/http/routes/api/write.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { DEFAULTS, runLoad, seriesName, type LoadOptions } from "../../scripts/loadgen.js";
import { RecordingSink } from "./recording-sink.js";

const BASE: LoadOptions = { ...DEFAULTS, series: 250, ticks: 6, connections: 3, interval: 10, start: 1_700_000_000 };

function check(sink: RecordingSink, o: LoadOptions): void {
  const got = sink.samples;
  assert.equal(got.length, o.series * o.ticks);
  const names = new Set(got.map((s) => s.name));
  assert.equal(names.size, o.series);
  assert.ok(names.has(seriesName("loadgen", 0)) && names.has(seriesName("loadgen", o.series - 1)));
  const ts = new Set(got.map((s) => s.ts));
  assert.deepEqual([...ts].sort(), Array.from({ length: o.ticks }, (_, t) => (o.start + t * o.interval) * 1000));
}

test("loadgen → Graphite TCP: every point of every tick arrives", async () => {
  const sink = new RecordingSink();
  const ingest = new GraphiteIngest({ sink, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
  const l = await startGraphiteListeners({ tcp: { host: "127.0.0.1", port: 0 }, udp: null, allowFrom: [], ingest, log: silentLogger });
  try {
    const o = { ...BASE, port: l.tcpPort! };
    const r = await runLoad(o);
    assert.equal(r.points, o.series * o.ticks);
    await sink.waitFor(r.points);
    check(sink, o);
  } finally {
    await l.close();
  }
});

test("loadgen --protocol influx → /write: every point arrives", async () => {
  const sink = new RecordingSink();
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const app = createApp({ log: silentLogger, before, routers: [writeRoutes({ sink, clock: systemClock, log: silentLogger, maxBodySize: 1 << 20 })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  try {
    const o: LoadOptions = { ...BASE, protocol: "influx", port: http.port, batch: 4 };
    await runLoad(o);
    check(sink, o);
  } finally {
    await http.close();
  }
});

test("loadgen --tagged sends a host tag per series", async () => {
  const sink = new RecordingSink();
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const app = createApp({ log: silentLogger, before, routers: [writeRoutes({ sink, clock: systemClock, log: silentLogger, maxBodySize: 1 << 20 })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  try {
    const o: LoadOptions = { ...BASE, protocol: "influx", port: http.port, tagged: true, ticks: 2 };
    await runLoad(o);
    assert.equal(sink.samples.length, o.series * o.ticks);
    const first = sink.samples.find((s) => s.name === "loadgen.metric00101");
    assert.deepEqual(first?.tags, { host: "host01" });
  } finally {
    await http.close();
  }
});
