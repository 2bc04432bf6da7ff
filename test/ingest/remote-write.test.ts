import { test } from "node:test";
import assert from "node:assert/strict";
import type { RequestHandler } from "express";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { remoteWriteRoutes } from "../../src/http/routes/api/remote-write.js";
import { RemoteWriteError, RemoteWriteIngest, type RemoteWriteLimits } from "../../src/ingest/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { encodeWriteRequest } from "../../src/lib/remote-write/encode.js";
import { compress } from "../../src/lib/remote-write/snappy.js";
import { DEFAULT_DECODE_LIMITS, type RwSeries } from "../../src/lib/remote-write/types.js";
import { seriesKey } from "../../src/model/index.js";
import { seededRandom } from "../helpers/rng.js";
import { tempDir } from "../helpers/tmp.js";
import { RecordingSink } from "./recording-sink.js";
import { openTestStore } from "./test-store.js";

const LIMITS: RemoteWriteLimits = { ...DEFAULT_DECODE_LIMITS, maxBodyBytes: 1 << 20 };
const T0 = 1_764_800_000_000;
const body = (series: RwSeries[]): Buffer => compress(encodeWriteRequest(series));

function staleBody(): Buffer {
  const raw = encodeWriteRequest([{ labels: [["__name__", "gone"]], timestamps: [T0, T0 + 1000], values: [1, 2] }]);
  Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]).copy(raw, raw.indexOf(Buffer.from(new Float64Array([2]).buffer)));
  return compress(raw);
}

test("labels become tagged series: __name__ the name, empty labels absent, odd characters escaped and counted; stale markers and nameless series skipped and counted", async () => {
  const sink = new RecordingSink();
  const ingest = new RemoteWriteIngest(sink, LIMITS, silentLogger);
  await ingest.write(
    body([
      { labels: [["__name__", "up"], ["instance", "localhost:9090"], ["job", "prometheus"], ["empty", ""]], timestamps: [T0, T0 + 1000], values: [1, 0] },
      { labels: [["__name__", "servers.web1.cpu.total.user"]], timestamps: [T0], values: [NaN] },
      { labels: [["__name__", "odd;name"], ["k=1", "v;2"]], timestamps: [T0], values: [3] },
      { labels: [["job", "no name"]], timestamps: [T0, T0 + 1], values: [1, 2] },
    ]),
  );
  await ingest.write(staleBody());
  const got = sink.samples.map((s) => [seriesKey(s.name, s.tags), s.ts, s.value]);
  assert.deepEqual(got, [
    ["up;instance=localhost:9090;job=prometheus", T0, 1],
    ["up;instance=localhost:9090;job=prometheus", T0 + 1000, 0],
    ["servers.web1.cpu.total.user", T0, NaN],
    ["odd_name;k_1=v_2", T0, 3],
    ["gone", T0, 1],
  ]);
  assert.equal(ingest.counts.staleMarkers, 1);
  assert.equal(ingest.counts.nameless, 2);
  assert.equal(ingest.counts.escapedSeries, 1);
  assert.equal(ingest.counts.samples, 5);
});

test("on the real store: first writes create series, later ones take the columnar fast path; both land", async () => {
  const store = await openTestStore(tempDir("loupe-rw-store-"));
  try {
    assert.equal(typeof store.writeResolved, "function");
    const ingest = new RemoteWriteIngest(store, LIMITS, silentLogger);
    const req = (t: number): RwSeries[] => [
      { labels: [["__name__", "node_load1"], ["instance", "a"]], timestamps: [t], values: [t / 1000] },
      { labels: [["__name__", "node_load1"], ["instance", "b"]], timestamps: [t, t + 500], values: [1, 2] },
    ];
    await ingest.write(body(req(T0)));
    let resolved = 0;
    const orig = store.writeResolved!.bind(store);
    store.writeResolved = (ids, ts, vs, n) => ((resolved += n), orig(ids, ts, vs, n));
    await ingest.write(body(req(T0 + 10_000)));
    assert.equal(resolved, 3, "the second request's samples go by id");
    // a series deleted in between is created again (its cached id is stale)
    assert.equal(store.deleteSeries("node_load1"), 2);
    await ingest.write(body(req(T0 + 20_000)));
    const a = store.getSeries("node_load1;instance=a")!;
    const b = store.getSeries("node_load1;instance=b")!;
    assert.deepEqual(store.readRaw(a.id, 0, T0 * 2).map((p) => [p.ts, p.value]), [[T0 + 20_000, (T0 + 20_000) / 1000]]);
    assert.deepEqual(store.readRaw(b.id, 0, T0 * 2).map((p) => [p.ts, p.value]), [[T0 + 20_000, 1], [T0 + 20_500, 2]]);
  } finally {
    await store.close();
  }
});

const refusals: [string, Partial<RemoteWriteLimits>, Buffer, string, number][] = [
  ["not snappy", {}, Buffer.from("hello, world"), "bad_body", 400],
  ["snappy of garbage", {}, compress(Buffer.from([0x0a, 0x7f, 0x01])), "bad_body", 400],
  ["too large once decompressed", { maxBodyBytes: 100 }, body([{ labels: [["__name__", "x".repeat(200)]], timestamps: [1], values: [1] }]), "body_too_large", 413],
  ["too many series", { maxSeries: 1 }, body([1, 2].map((i) => ({ labels: [["__name__", `m${i}`]], timestamps: [1], values: [1] }))), "max_series_per_request", 400],
  ["too many samples", { maxSamples: 1 }, body([{ labels: [["__name__", "m"]], timestamps: [1, 2], values: [1, 2] }]), "max_samples_per_request", 400],
  ["too many labels", { maxLabels: 1 }, body([{ labels: [["__name__", "m"], ["a", "b"]], timestamps: [1], values: [1] }]), "max_labels", 400],
  ["label too long", { maxLabelBytes: 16 }, body([{ labels: [["__name__", "m"], ["a", "b".repeat(17)]], timestamps: [1], values: [1] }]), "max_label_length", 400],
];
for (const [what, limit, b, reason, status] of refusals) {
  test(`refused whole and counted: ${what} → ${status} ${reason}`, async () => {
    const sink = new RecordingSink();
    const ingest = new RemoteWriteIngest(sink, { ...LIMITS, ...limit }, silentLogger);
    await assert.rejects(ingest.write(b), (e: unknown) => e instanceof RemoteWriteError && e.reason === reason && e.status === status && (reason === "bad_body" || e.message.includes(`[ingest.remote_write] ${reason === "body_too_large" ? "max_body_size" : reason}`)));
    assert.equal(ingest.counts.rejected[reason as "bad_body"], 1);
    assert.equal(sink.samples.length, 0);
  });
}

async function serve(limits: RemoteWriteLimits = LIMITS) {
  const sink = new RecordingSink();
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const metrics = new MetricsRegistry();
  const app = createApp({ log: silentLogger, before, routers: [remoteWriteRoutes({ sink, log: silentLogger, limits, metrics })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  return { sink, metrics, http, url: `http://127.0.0.1:${http.port}/api/v1/write` };
}

test("POST /api/v1/write: 204 when written; 400/413/415 with a JSON error naming the key; counters on /metrics", async () => {
  const { sink, metrics, http, url } = await serve({ ...LIMITS, maxBodyBytes: 4096 });
  try {
    const headers = { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", "X-Prometheus-Remote-Write-Version": "0.1.0" };
    const ok = await fetch(url, { method: "POST", headers, body: body([{ labels: [["__name__", "up"], ["job", "x"]], timestamps: [T0], values: [1] }]) });
    assert.equal(ok.status, 204);
    assert.deepEqual(sink.samples.map((s) => [s.name, s.tags, s.value]), [["up", { job: "x" }, 1]]);
    const bad = await fetch(url, { method: "POST", headers, body: "garbage" });
    assert.equal(bad.status, 400);
    assert.equal(((await bad.json()) as { error: { code: string } }).error.code, "bad_remote_write");
    const big = await fetch(url, { method: "POST", headers, body: Buffer.alloc(10_000, 1) });
    assert.equal(big.status, 413);
    assert.match(((await big.json()) as { error: { message: string } }).error.message, /\[ingest\.remote_write\] max_body_size/);
    const gz = await fetch(url, { method: "POST", headers: { ...headers, "Content-Encoding": "gzip" }, body: "x" });
    assert.equal(gz.status, 415);
    const v2 = await fetch(url, { method: "POST", headers: { ...headers, "Content-Type": "application/x-protobuf;proto=io.prometheus.write.v2.Request" }, body: "x" });
    assert.equal(v2.status, 415);
    assert.match(((await v2.json()) as { error: { message: string } }).error.message, /1\.0 \(prometheus\.WriteRequest\) only/);
    const v1 = await fetch(url, { method: "POST", headers: { ...headers, "Content-Type": "application/x-protobuf;proto=prometheus.WriteRequest" }, body: body([{ labels: [["__name__", "up"], ["job", "y"]], timestamps: [T0], values: [1] }]) });
    assert.equal(v1.status, 204);
    const text = metrics.expose();
    assert.match(text, /^loupe_ingest_remote_write_samples_written_total 2$/m);
    assert.match(text, /^loupe_ingest_remote_write_rejected_total\{reason="bad_body"\} 1$/m);
    assert.match(text, /^loupe_ingest_remote_write_rejected_total\{reason="body_too_large"\} 1$/m);
  } finally {
    await http.close();
  }
});

test("series met again in another order or place map to their own series", async () => {
  const sink = new RecordingSink();
  const ingest = new RemoteWriteIngest(sink, LIMITS, silentLogger);
  const s = (name: string, v: number): RwSeries => ({ labels: [["__name__", name]], timestamps: [T0], values: [v] });
  await ingest.write(body([s("a", 1), s("b", 2), s("c", 3)]));
  await ingest.write(body([s("c", 30), s("a", 10)]));
  await ingest.write(body([s("b", 200), s("a", 100), s("c", 300)]));
  assert.deepEqual(
    sink.samples.map((x) => `${x.name}=${x.value}`),
    ["a=1", "b=2", "c=3", "c=30", "a=10", "b=200", "a=100", "c=300"],
  );
});

test("fuzz: random and mutated bodies are written or refused with a RemoteWriteError (400/413), never another error", async () => {
  const rnd = seededRandom(1515);
  const sink = new RecordingSink();
  const ingest = new RemoteWriteIngest(sink, LIMITS, silentLogger);
  const raw = encodeWriteRequest([
    { labels: [["__name__", "node_load1"], ["host", "web1"]], timestamps: [T0, T0 + 10_000], values: [0.5, 0.25] },
    { labels: [["__name__", "up"], ["job", "x"]], timestamps: [T0], values: [1] },
  ]);
  for (let i = 0; i < 3000; i++) {
    let b: Buffer;
    if (i % 3 === 0) {
      // a valid block of a mutated WriteRequest
      const m = Buffer.from(raw);
      for (let f = 0; f < 3; f++) m[Math.floor(rnd() * m.length)] = Math.floor(rnd() * 256);
      b = compress(m);
    } else if (i % 3 === 1) {
      b = Buffer.from(compress(raw));
      for (let f = 0; f < 2; f++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    } else b = Buffer.from(Array.from({ length: Math.floor(rnd() * 100) }, () => Math.floor(rnd() * 256)));
    try {
      await ingest.write(b);
    } catch (e) {
      assert.ok(e instanceof RemoteWriteError && (e.status === 400 || e.status === 413), `case ${i}: ${String(e)}`);
    }
  }
  assert.ok(ingest.counts.rejected.bad_body > 100);
});
