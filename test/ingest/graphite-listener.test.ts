import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { createSocket } from "node:dgram";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners, makeAllow, type GraphiteListeners } from "../../src/ingest/graphite/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { createLogger, silentLogger, type Logger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { RecordingSink } from "./recording-sink.js";

const NOW = 1_750_000_000_000;

async function start(opts: { sink?: RecordingSink; templates?: string[]; tags?: string[]; maxPending?: number; log?: Logger; metrics?: MetricsRegistry } = {}) {
  const sink = opts.sink ?? new RecordingSink();
  const clock = new FakeClock(NOW);
  const ingest = new GraphiteIngest({
    sink,
    mapper: TemplateMapper.fromConfig(opts.templates ?? [], opts.tags ?? []),
    clock,
    log: opts.log ?? silentLogger,
    selfInterval: 0,
    ...(opts.maxPending !== undefined ? { maxPending: opts.maxPending, maxBatch: 10 } : {}),
    ...(opts.metrics !== undefined ? { metrics: opts.metrics } : {}),
  });
  const listeners = await startGraphiteListeners({
    tcp: { host: "127.0.0.1", port: 0 },
    udp: { host: "127.0.0.1", port: 0 },
    allowFrom: [],
    ingest,
    log: silentLogger,
  });
  return { sink, ingest, listeners, clock };
}

function send(port: number, chunks: Array<string | Buffer>, gapMs = 5): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", async () => {
      for (const c of chunks) {
        s.write(c);
        await new Promise((r) => setTimeout(r, gapMs));
      }
      s.end();
    });
    s.on("error", reject);
    s.on("close", () => resolve());
  });
}

async function stop(l: GraphiteListeners): Promise<void> {
  await l.close();
}

test("TCP: lines split across packets, CRLF, now-timestamps and a bad line in the middle", async () => {
  const log: string[] = [];
  const metrics = new MetricsRegistry();
  const { sink, ingest, listeners } = await start({ log: createLogger({ level: "warn", sink: { write: (l) => log.push(l) } }), metrics });
  try {
    await send(listeners.tcpPort!, ["servers.a.cpu 1 17000", "00000\r\nservers.a.mem 2", " -1\nthis is bad\nservers.", "a.disk 3\n", "servers.a.last 4 1700000000"]);
    const got = await sink.waitFor(4);
    assert.deepEqual(
      got.map((s) => [s.name, s.value, s.ts]),
      [
        ["servers.a.cpu", 1, 1_700_000_000_000],
        ["servers.a.mem", 2, NOW],
        ["servers.a.disk", 3, NOW],
        ["servers.a.last", 4, 1_700_000_000_000],
      ],
    );
    assert.equal(ingest.counts.invalid, 1);
    assert.equal(log.filter((l) => l.includes("malformed graphite line")).length, 1);
    assert.match(metrics.expose(), /loupe_ingest_graphite_invalid_total 1/);
    // a second bad line within the minute is counted but not logged
    await send(listeners.tcpPort!, ["bad again\nok.after 5 1700000000\n"]);
    await sink.waitFor(5);
    assert.equal(ingest.counts.invalid, 2);
    assert.equal(log.filter((l) => l.includes("malformed graphite line")).length, 1);
  } finally {
    await stop(listeners);
  }
});

test("UDP datagrams, templates and default tags", async () => {
  const { sink, listeners } = await start({ templates: ["servers.* .host.measurement* region=eu"], tags: ["dc=x"] });
  try {
    const sock = createSocket("udp4");
    await new Promise<void>((r) => sock.send("servers.web1.cpu.user 7 1700000000\nother.path 8 1700000000", listeners.udpPort!, "127.0.0.1", () => r()));
    sock.close();
    const got = await sink.waitFor(2);
    const byName = Object.fromEntries(got.map((s) => [s.name, s]));
    assert.deepEqual(byName["cpu.user"]?.tags, { dc: "x", host: "web1", region: "eu" });
    assert.equal(byName["cpu.user"]?.value, 7);
    assert.deepEqual(byName["other.path"]?.tags, { dc: "x" });
  } finally {
    await stop(listeners);
  }
});

test("back-pressure: sockets pause while the sink holds writes, nothing is lost", async () => {
  const sink = new RecordingSink();
  sink.hold();
  const { ingest, listeners } = await start({ sink, maxPending: 50 });
  try {
    let paused = 0;
    ingest.batcher.onPressure((p) => (p ? paused++ : undefined));
    const lines = Array.from({ length: 2000 }, (_, i) => `bp.m${i} ${i} 1700000000\n`).join("");
    const sent = send(listeners.tcpPort!, [lines], 0);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(paused >= 1, "paused at least once");
    assert.ok(ingest.batcher.pendingPoints <= 2000);
    sink.release();
    await sent;
    const got = await sink.waitFor(2000);
    assert.equal(got.length, 2000);
    assert.equal(new Set(got.map((s) => s.name)).size, 2000);
  } finally {
    sink.release();
    await stop(listeners);
  }
});

test("a refused write is counted, the listener goes on", async () => {
  const sink = new RecordingSink();
  sink.failWith = new Error("disk full");
  const { ingest, listeners } = await start({ sink });
  try {
    await send(listeners.tcpPort!, ["x.y 1 1700000000\n"]);
    for (let i = 0; i < 100 && ingest.counts.refused === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(ingest.counts.refused, 1);
    sink.failWith = undefined;
    await send(listeners.tcpPort!, ["x.z 2 1700000000\n"]);
    await sink.waitFor(1);
  } finally {
    await stop(listeners);
  }
});

test("allow_from: loopback always, listed networks only", () => {
  const allow = makeAllow(["10.1.0.0/16", "2001:db8::/32", "192.168.1.7"]);
  const cases: Array<[string | undefined, boolean]> = [
    ["127.0.0.1", true],
    ["::1", true],
    ["::ffff:127.0.0.1", true],
    ["10.1.2.3", true],
    ["::ffff:10.1.2.3", true],
    ["10.2.0.1", false],
    ["192.168.1.7", true],
    ["192.168.1.8", false],
    ["2001:db8::5", true],
    ["2001:db9::5", false],
    [undefined, false],
  ];
  for (const [addr, want] of cases) assert.equal(allow(addr), want, String(addr));
  assert.throws(() => makeAllow(["10.0.0.0/40"]), /not a network/);
  assert.throws(() => makeAllow(["nonsense"]), /not a network/);
});

test("self metrics are written as loupe.ingest.graphite.* series", async () => {
  const { sink, ingest, listeners } = await start();
  try {
    await send(listeners.tcpPort!, ["bad\nok 1 1700000000\n"]);
    await sink.waitFor(1);
    ingest.writeSelf();
    const self = await sink.waitFor(1, 2000, (s) => s.name === "loupe.ingest.graphite.invalid");
    assert.equal(self[0]!.value, 1);
  } finally {
    await stop(listeners);
  }
});
