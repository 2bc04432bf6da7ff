// Ingest limits: metric name length and tag count (Graphite TCP/UDP, Influx /write), Graphite TCP
// idle timeout and max connections; each refusal counted on /metrics and sampled in the log.
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect, type Socket } from "node:net";
import { createSocket } from "node:dgram";
import { GraphiteIngest, TemplateMapper, checkGraphitePath, startGraphiteListeners } from "../../src/ingest/graphite/index.js";
import { parseLineProtocol } from "../../src/ingest/influx/index.js";
import { loadConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { createLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { RecordingSink } from "./recording-sink.js";

const NOW = 1_750_000_000_000;

async function start(o: { idleTimeoutMs?: number; maxConnections?: number; maxNameBytes?: number; maxTags?: number } = {}) {
  const sink = new RecordingSink();
  const clock = new FakeClock(NOW);
  const metrics = new MetricsRegistry();
  const logs: string[] = [];
  const log = createLogger({ level: "warn", format: "json", sink: { write: (l) => void logs.push(l) } });
  const ingest = new GraphiteIngest({ sink, mapper: TemplateMapper.fromConfig([], []), clock, log, metrics, selfInterval: 0, limits: { maxNameBytes: o.maxNameBytes ?? 1024, maxTags: o.maxTags ?? 32 } });
  const listeners = await startGraphiteListeners({
    tcp: { host: "127.0.0.1", port: 0 },
    udp: { host: "127.0.0.1", port: 0 },
    allowFrom: [],
    ingest,
    log,
    ...(o.idleTimeoutMs !== undefined ? { idleTimeoutMs: o.idleTimeoutMs } : {}),
    ...(o.maxConnections !== undefined ? { maxConnections: o.maxConnections } : {}),
  });
  const messages = () => logs.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { sink, ingest, listeners, clock, metrics, messages };
}

function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

const closed = (s: Socket): Promise<void> => new Promise((r) => (s.destroyed ? r() : s.once("close", () => r())));

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const rejected = (metrics: MetricsRegistry, protocol: string, reason: string): number => {
  const m = new RegExp(`^loupe_ingest_${protocol}_rejected_total\\{reason="${reason}"\\} (\\d+)$`, "m").exec(metrics.expose());
  return m === null ? -1 : Number(m[1]);
};

test("checkGraphitePath: name bytes (UTF-8), tag count, tag key and value length", () => {
  const limits = { maxNameBytes: 16, maxTags: 2 };
  const cases: [string, string | undefined][] = [
    ["a".repeat(16), undefined],
    ["a".repeat(17), "name_too_long"],
    ["é".repeat(8), undefined],
    ["é".repeat(9), "name_too_long"],
    ["m;a=1;b=2", undefined],
    ["m;a=1;b=2;c=3", "too_many_tags"],
    [`m;${"k".repeat(17)}=1`, "name_too_long"],
    [`m;k=${"v".repeat(17)}`, "name_too_long"],
    [`${"a".repeat(17)};k=v`, "name_too_long"],
  ];
  for (const [path, want] of cases) assert.equal(checkGraphitePath(path, limits)?.reason, want, path);
});

test("Graphite TCP and UDP: too long names and too many tags are skipped, counted by reason and sampled in the log", async () => {
  const { sink, listeners, metrics, messages, clock } = await start({ maxNameBytes: 1024, maxTags: 3 });
  try {
    const ok = `ok.${"a".repeat(1021)}`; // exactly 1,024 bytes
    const long = `long.${"b".repeat(10_000)}`; // 10 KB (a line over 64 KB is malformed before any limit)
    const s = await open(listeners.tcpPort!);
    s.end(`${ok} 1 1700000000\n${long} 2 1700000000\n${long}x 3 1700000000\ntags;a=1;b=2;c=3 4 1700000000\ntags;a=1;b=2;c=3;d=4 5 1700000000\nafter 6 1700000000\n`);
    await closed(s);
    const got = await sink.waitFor(3);
    assert.deepEqual(got.map((x) => x.value), [1, 4, 6]);
    const u = createSocket("udp4");
    await new Promise<void>((r) => u.send(`${"u".repeat(2000)} 7 1700000000\nudp.ok 8 1700000000\n`, listeners.udpPort!, "127.0.0.1", () => r()));
    u.close();
    await sink.waitFor(4);
    assert.equal(sink.samples.at(-1)!.name, "udp.ok");
    assert.equal(rejected(metrics, "graphite", "name_too_long"), 3);
    assert.equal(rejected(metrics, "graphite", "too_many_tags"), 1);
    // sampled: one line per reason a minute, the rest counted as suppressed
    const logged = messages().filter((m) => m["reason"] === "name_too_long");
    assert.equal(logged.length, 1);
    assert.match(String(logged[0]!["detail"]), /longer than 1024 bytes \(max_name_length\)/);
    assert.equal(logged[0]!["limit"], "[ingest.graphite] max_name_length");
    assert.ok(String(logged[0]!["path"]).length <= 120, "the logged path is cut short");
    clock.advance(61_000);
    const s2 = await open(listeners.tcpPort!);
    s2.end(`${long} 9 1700000000\n`);
    await closed(s2);
    await until(() => messages().filter((m) => m["reason"] === "name_too_long").length === 2, "a second sample a minute later");
    assert.equal(messages().filter((m) => m["reason"] === "name_too_long")[1]!["suppressed"], 2);
  } finally {
    await listeners.close();
  }
});

test("Graphite TCP: a connection silent for idle_timeout is closed (its last line kept) and counted", async () => {
  const { sink, listeners, metrics, ingest } = await start({ idleTimeoutMs: 300 });
  try {
    const s = await open(listeners.tcpPort!);
    s.write("idle.last 5 1700000000"); // no newline: the line is completed by the close
    await closed(s);
    assert.equal(rejected(metrics, "graphite", "idle_timeout"), 1);
    const got = await sink.waitFor(1);
    assert.deepEqual([got[0]!.name, got[0]!.value], ["idle.last", 5]);
    await until(() => ingest.connections === 0, "the connection to be forgotten");
    // a connection that keeps talking is not closed
    const busy = await open(listeners.tcpPort!);
    for (let i = 0; i < 6; i++) {
      busy.write(`busy.n ${i} 1700000000\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(busy.destroyed, false);
    busy.end();
    await closed(busy);
    assert.equal(rejected(metrics, "graphite", "idle_timeout"), 1);
  } finally {
    await listeners.close();
  }
});

test("Graphite TCP: connections beyond max_connections are closed at once and counted; the open ones keep working", async () => {
  const { sink, listeners, metrics, ingest, messages } = await start({ maxConnections: 2 });
  try {
    const a = await open(listeners.tcpPort!);
    const b = await open(listeners.tcpPort!);
    await until(() => ingest.connections === 2, "two connections");
    const c = await open(listeners.tcpPort!);
    await closed(c);
    const d = await open(listeners.tcpPort!);
    await closed(d);
    assert.equal(rejected(metrics, "graphite", "too_many_connections"), 2);
    assert.equal(messages().filter((m) => m["reason"] === "too_many_connections").length, 1, "sampled");
    a.end("conn.a 1 1700000000\n");
    b.end("conn.b 2 1700000000\n");
    await Promise.all([closed(a), closed(b)]);
    const got = await sink.waitFor(2);
    assert.deepEqual(got.map((x) => x.name).sort(), ["conn.a", "conn.b"]);
    await until(() => ingest.connections === 0, "both closed");
    const e = await open(listeners.tcpPort!);
    e.end("conn.e 3 1700000000\n");
    await closed(e);
    await sink.waitFor(3);
    assert.equal(rejected(metrics, "graphite", "too_many_connections"), 2, "room again once they closed");
  } finally {
    await listeners.close();
  }
});

test("Influx line protocol: too long names, tag keys or values and too many tags refuse the line with the limit named", () => {
  const limits = { maxNameBytes: 32, maxTags: 2 };
  const body = [
    "cpu,host=a v=1 1",
    `${"m".repeat(30)} vv=2 1`, // m…m.vv: 33 bytes
    "cpu,a=1,b=2,c=3 v=3 1",
    `cpu,host=${"h".repeat(33)} v=4 1`,
    "cpu,host=b v=5 1",
  ].join("\n");
  const r = parseLineProtocol(Buffer.from(body), "s", NOW, undefined, limits);
  assert.deepEqual(r.samples.map((s) => s.value), [1, 5]);
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.reason]),
    [
      [2, "name_too_long"],
      [3, "too_many_tags"],
      [4, "name_too_long"],
    ],
  );
  assert.match(r.errors[0]!.message, /longer than 32 bytes \(\[ingest\.influx\] max_name_length\)/);
  assert.match(r.errors[1]!.message, /more than 2 tags \(\[ingest\.influx\] max_tags\)/);
});

test("startLoupe: [ingest.graphite] and [ingest.influx] limits wired; refusals on /metrics", async () => {
  const dir = tempDir("loupe-ingest-limits-");
  const text = [
    "[server]\nhttp_port = 0",
    `[paths]\ndata = ${dir}`,
    "[ingest.graphite]\ntcp_addr = 127.0.0.1:0\nudp_addr =\nmax_name_length = 64\nmax_tags = 1\nmax_connections = 1\nidle_timeout = 10m",
    "[ingest.influx]\nmax_name_length = 64\nmax_tags = 1",
  ].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  try {
    const port = Number(/graphite tcp listening .*port=(\d+)/.exec(logs.join(""))![1]);
    const base = `http://127.0.0.1:${loupe.httpPort}`;
    const hold = await open(port);
    const extra = await open(port);
    await closed(extra);
    hold.end(`${"g".repeat(65)} 1\nwired.t;a=1;b=2 2\n`);
    await closed(hold);
    const w = await fetch(`${base}/write?precision=s`, { method: "POST", body: `${"i".repeat(70)} v=1 1\nx,a=1,b=2 v=1 1\n` });
    assert.equal(w.status, 400);
    assert.match(((await w.json()) as { error: { message: string } }).error.message, /max_name_length/);
    let m = "";
    for (let i = 0; i < 50; i++) {
      m = await (await fetch(`${base}/metrics`)).text();
      if (/loupe_ingest_graphite_rejected_total\{reason="too_many_tags"\} 1/.test(m)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(m, /^loupe_ingest_graphite_rejected_total\{reason="name_too_long"\} 1$/m);
    assert.match(m, /^loupe_ingest_graphite_rejected_total\{reason="too_many_tags"\} 1$/m);
    assert.match(m, /^loupe_ingest_graphite_rejected_total\{reason="too_many_connections"\} 1$/m);
    assert.match(m, /^loupe_ingest_graphite_rejected_total\{reason="idle_timeout"\} 0$/m);
    assert.match(m, /^loupe_ingest_influx_rejected_total\{reason="name_too_long"\} 1$/m);
    assert.match(m, /^loupe_ingest_influx_rejected_total\{reason="too_many_tags"\} 1$/m);
  } finally {
    await loupe.stop();
  }
});
