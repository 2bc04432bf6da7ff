import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { DiskQueue } from "../../src/lib/disk-queue.js";
import type { Sample } from "../../src/model/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { DeliveryError, Forwarder, backoffMs, decodeSamples, encodeSamples, graphiteLines, influxLines, influxWriteUrl, readForwarders, type Target } from "../../src/forward/index.js";
import { nameFilter } from "../../src/forward/filter.js";
import { forwardMetrics } from "../../src/forward/metrics.js";
import { tempDir } from "../helpers/tmp.js";

const pts = (n: number, name = "servers.a.cpu.total.user", t0 = 1_700_000_000_000): Sample[] => Array.from({ length: n }, (_, i) => ({ name, ts: t0 + i * 1000, value: i + 0.5 }));

test("encode: samples round-trip (names, tags, UTF-8, ±0, extremes)", () => {
  const samples: Sample[] = [
    { name: "a.b.c", ts: 1, value: 0 },
    { name: "α.β", tags: { host: "web-1", "k;=x": "v é" }, ts: 1_700_000_000_123, value: -0 },
    { name: "x", ts: 0, value: Number.MAX_VALUE },
    { name: "y", ts: 2 ** 52, value: NaN },
  ];
  const back = decodeSamples(encodeSamples(samples));
  assert.deepEqual(back, samples);
  assert.ok(Object.is(back[1]!.value, -0));
  assert.throws(() => encodeSamples([{ name: "z".repeat(70_000), ts: 1, value: 1 }]), /65535/);
});

test("filter: include/exclude Graphite globs over names", () => {
  const cases: Array<[string[], string[], string, boolean]> = [
    [[], [], "anything.at.all", true],
    [["servers.*.cpu.*"], [], "servers.web1.cpu.total", true],
    [["servers.*.cpu.*"], [], "servers.web1.cpu.total.user", false],
    [["servers.*.{cpu,memory}.*"], [], "servers.web1.memory.MemFree", true],
    [[], ["loupe.*"], "loupe.ingest", false],
    [["servers.*.*"], ["servers.db?.*"], "servers.db1.x", false],
    [["servers.*.*"], ["servers.db?.*"], "servers.db12.x", true],
  ];
  for (const [inc, exc, name, want] of cases) assert.equal(nameFilter(inc, exc)(name), want, `${inc} / ${exc} / ${name}`);
});

test("graphite lines: name;tags value ts in seconds; NaN skipped", () => {
  const { text, skipped } = graphiteLines([
    { name: "a.b", ts: 1_700_000_000_000, value: 1.5 },
    { name: "m", tags: { z: "1", a: "2" }, ts: 1_700_000_000_250, value: -3 },
    { name: "n", ts: 1, value: Infinity },
  ]);
  assert.equal(text, "a.b 1.5 1700000000\nm;a=2;z=1 -3 1700000000.25\n");
  assert.equal(skipped, 1);
});

test("influx lines and URLs: measurement = path, field value, tags escaped; 1.x and 2.x", () => {
  const { text } = influxLines([
    { name: "servers.a.cpu", ts: 1_700_000_000_123, value: 2 },
    { name: "disk space", tags: { path: "/var,x", "k=": "a b" }, ts: 5, value: 1e21 },
  ]);
  assert.equal(text, "servers.a.cpu value=2 1700000000123\ndisk\\ space,k\\==a\\ b,path=/var\\,x value=1e+21 5\n");
  const base = { url: "http://h:8086/", database: "db", retentionPolicy: "", username: "", password: "", org: "", bucket: "", token: "", headers: {}, tls: { insecureSkipVerify: false } };
  assert.equal(influxWriteUrl(base).toString(), "http://h:8086/write?db=db&precision=ms");
  assert.equal(influxWriteUrl({ ...base, retentionPolicy: "rp", username: "u", password: "p w" }).toString(), "http://h:8086/write?db=db&rp=rp&u=u&p=p+w&precision=ms");
  assert.equal(influxWriteUrl({ ...base, url: "https://h/influx", org: "o", bucket: "b" }).toString(), "https://h/influx/api/v2/write?org=o&bucket=b&precision=ms");
});

test("backoff: full jitter between retry_min and a doubling cap at retry_max", () => {
  assert.equal(backoffMs(0, 500, 60_000, () => 0), 500);
  assert.equal(backoffMs(0, 500, 60_000, () => 1), 1000);
  assert.equal(backoffMs(3, 500, 60_000, () => 1), 8000);
  assert.equal(backoffMs(40, 500, 60_000, () => 1), 60_000);
});

test("config: [forward.x] errors name the section and key", () => {
  const bad = (text: string, re: RegExp): void => assert.throws(() => readForwarders(defaultConfig(text)), re);
  bad("[forward.g]\ntype = graphite\n", /\[forward\.g\].*addr|addr.*forward\.g/s);
  bad("[forward.i]\ntype = influx\n", /needs url/);
  bad("[forward.i]\ntype = influx\nurl = ftp://x\n", /http\(s\) URL/);
  bad("[forward.i]\ntype = influx\nurl = http://x\norg = o\n", /org and bucket/);
  bad("[forward.g]\naddr = 127.0.0.1:2003\nretry_min = 2m\nretry_max = 1m\n", /retry_min/);
  bad("[forward.g]\naddr = 127.0.0.1:2003\nbatch_sise = 3\n", /batch_size/);
  bad("[forward.g]\naddr = 127.0.0.1:2003\nheaders = nocolon\n", /Name: value/);
  bad("[forward.g]\naddr = 127.0.0.1:2003\ninclude = servers.[z-a]\n", /include/);
  bad("[forward.a.b]\naddr = 127.0.0.1:2003\n", /forwarder names/);
  const [rw] = readForwarders(defaultConfig("[forward.vm]\ntype = remote_write\nurl = http://vm:8428/api/v1/write\nusername = u\npassword = p\nheaders = X-Scope-OrgID: 7\n"));
  assert.deepEqual(rw!.httpHeaders, { "X-Scope-OrgID": "7", Authorization: `Basic ${Buffer.from("u:p").toString("base64")}` });
});

/** A target in the test: answers each send from a script of outcomes. */
function scriptedTarget(outcomes: Array<"ok" | "retry" | "refuse">): Target & { got: Sample[][] } {
  const got: Sample[][] = [];
  return {
    type: "test",
    got,
    async send(batch) {
      const o = outcomes.shift() ?? "ok";
      if (o === "retry") throw new DeliveryError("down", true);
      if (o === "refuse") throw new DeliveryError("400 bad", false);
      got.push([...batch]);
    },
    async close() {},
  };
}

function forwarder(dir: string, target: Target, metrics = new MetricsRegistry()): { fw: Forwarder; queue: DiskQueue; metrics: MetricsRegistry } {
  const queue = DiskQueue.open({ dir, maxBytes: 1 << 20, maxAgeMs: 0 });
  const fw = new Forwarder({ name: "t", targetLabel: "test", target, queue, filter: () => true, batchSize: 100, batchMaxWaitMs: 20, timeoutMs: 1000, retryMinMs: 10, retryMaxMs: 20, log: silentLogger, clock: systemClock, metrics: forwardMetrics(metrics) });
  return { fw, queue, metrics };
}

async function until(what: string, fn: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test("forwarder: batches of batch_size, retried until acknowledged, refused batches dropped and counted, order kept", async () => {
  const target = scriptedTarget(["retry", "retry", "ok", "refuse", "ok", "ok"]);
  const { fw, metrics } = forwarder(tempDir(), target);
  fw.start();
  fw.enqueue(pts(250));
  await until("sent", () => fw.status().queuedPoints === 0);
  const s = fw.status();
  assert.equal(s.retried, 2);
  assert.equal(s.sent, 150);
  assert.equal(s.dropped, 100);
  assert.match(s.lastError ?? "", /400 bad/);
  assert.deepEqual(target.got.map((b) => b.length), [100, 50]);
  assert.equal(target.got[0]![0]!.value, 0.5, "first batch first");
  assert.equal(target.got[1]![0]!.value, 200.5, "the refused middle batch is skipped");
  assert.match(metrics.expose(), /loupe_forward_dropped_points_total\{forwarder="t",reason="refused"\} 100/);
  await fw.stop(100);
});

test("forwarder: stopped while the target is down, the next start sends the queue (at least once)", async () => {
  const dir = tempDir();
  const down = scriptedTarget(Array(1000).fill("retry"));
  let { fw } = forwarder(dir, down);
  fw.start();
  fw.enqueue(pts(30));
  await until("a retry", () => fw.status().retried > 0);
  await fw.stop(50);
  const up = scriptedTarget([]);
  ({ fw } = forwarder(dir, up));
  assert.equal(fw.status().queuedPoints, 30, "the queue survived");
  fw.start();
  await until("drained", () => fw.status().queuedPoints === 0);
  assert.deepEqual(up.got.flat(), pts(30));
  await fw.stop(100);
});
