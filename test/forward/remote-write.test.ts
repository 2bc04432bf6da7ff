import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { createRemoteWriteTarget, type RemoteWriteOptions } from "../../src/forward/targets/remote-write.js";
import { DeliveryError } from "../../src/forward/target.js";
import { decodeLabels, decodeWriteRequest } from "../../src/lib/remote-write/decode.js";
import { uncompress } from "../../src/lib/remote-write/snappy.js";
import { DEFAULT_DECODE_LIMITS } from "../../src/lib/remote-write/types.js";
import type { Sample } from "../../src/model/index.js";
import { VM_BIN, startVictoriaMetrics } from "../helpers/servers.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";

const base: RemoteWriteOptions = { url: "", headers: {}, timeoutMs: 5000, tls: { insecureSkipVerify: false }, metricNames: "prometheus", pathPrefix: "servers", templates: [], separator: "." };
const T0 = 1_764_800_000_000;
const FROZEN = Object.freeze({ dc: "eu", "http.code": "200" });

interface Received {
  headers: IncomingHttpHeaders;
  series: { labels: [string, string][]; ts: number[]; values: number[] }[];
}

/** A local HTTP peer answering `status` and recording decoded requests. */
async function fakePeer(status: number | (() => number), delayMs = 0): Promise<{ url: string; got: Received[]; server: Server }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const d = decodeWriteRequest(uncompress(Buffer.concat(chunks), 1 << 24), DEFAULT_DECODE_LIMITS);
      const series = d.labelKeys.map((k, i) => {
        const [a, b] = [d.sampleStart[i]!, d.sampleStart[i + 1]!];
        return { labels: decodeLabels(k), ts: [...d.timestamps.subarray(a, b)], values: [...d.values.subarray(a, b)] };
      });
      got.push({ headers: req.headers, series });
      setTimeout(() => res.writeHead(typeof status === "number" ? status : status()).end("peer says no"), delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`, got, server };
}

test("one request per batch: protocol headers, auth headers, samples grouped by series in time order", async () => {
  const peer = await fakePeer(204);
  const target = createRemoteWriteTarget({ ...base, url: peer.url, headers: { Authorization: "Bearer s3cret" } });
  const batch: Sample[] = [
    { name: "servers.web1.cpu.total.user", ts: T0 + 10_000, value: 2 },
    { name: "servers.web1.loadavg.01", ts: T0, value: 0.5 },
    { name: "servers.web1.cpu.total.user", ts: T0, value: 1 },
    { name: "app.requests", tags: { dc: "eu", "http.code": "200" }, ts: T0, value: 7 },
    // frozen tags shared by two names (as ingest hands them out), and an equal unfrozen copy
    { name: "app.errors", tags: FROZEN, ts: T0, value: 1 },
    { name: "app.requests", tags: FROZEN, ts: T0 + 1000, value: 8 },
    { name: "app.requests", tags: { "http.code": "200", dc: "eu" }, ts: T0 + 2000, value: 9 },
  ];
  await target.send(batch, new AbortController().signal);
  await target.send(batch.slice(0, 3), new AbortController().signal); // series known from the last batch
  await target.close();
  peer.server.close();
  assert.equal(peer.got.length, 2);
  assert.deepEqual(peer.got[1]!.series, peer.got[0]!.series.slice(0, 2));
  const h = peer.got[0]!.headers;
  assert.equal(h["content-encoding"], "snappy");
  assert.equal(h["content-type"], "application/x-protobuf");
  assert.equal(h["x-prometheus-remote-write-version"], "0.1.0");
  assert.equal(h["authorization"], "Bearer s3cret");
  assert.deepEqual(peer.got[0]!.series, [
    { labels: [["__name__", "cpu_total_user"], ["host", "web1"]], ts: [T0, T0 + 10_000], values: [1, 2] },
    { labels: [["__name__", "loadavg_01"], ["host", "web1"]], ts: [T0], values: [0.5] },
    { labels: [["__name__", "app_requests"], ["dc", "eu"], ["http_code", "200"]], ts: [T0, T0 + 1000, T0 + 2000], values: [7, 8, 9] },
    { labels: [["__name__", "app_errors"], ["dc", "eu"], ["http_code", "200"]], ts: [T0], values: [1] },
  ]);
});

const statusCases: [number, boolean][] = [
  [500, true],
  [503, true],
  [429, true],
  [400, false],
  [401, false],
  [404, false],
];
for (const [status, retryable] of statusCases) {
  test(`HTTP ${status} is a DeliveryError, ${retryable ? "retryable" : "not retryable"}, with the peer's words`, async () => {
    const peer = await fakePeer(status);
    const target = createRemoteWriteTarget({ ...base, url: peer.url });
    await assert.rejects(target.send([{ name: "m", ts: T0, value: 1 }], new AbortController().signal), (e: unknown) => e instanceof DeliveryError && e.retryable === retryable && e.message.includes(`HTTP ${status}: peer says no`));
    await target.close();
    peer.server.close();
  });
}

test("a refused connection, a timeout and an abort are retryable", async () => {
  const peer = await fakePeer(204, 3000);
  const dead = createRemoteWriteTarget({ ...base, url: "http://127.0.0.1:1/api/v1/write" });
  await assert.rejects(dead.send([{ name: "m", ts: T0, value: 1 }], new AbortController().signal), (e: unknown) => e instanceof DeliveryError && e.retryable && /ECONNREFUSED/.test(e.message));
  const slow = createRemoteWriteTarget({ ...base, url: peer.url, timeoutMs: 200 });
  await assert.rejects(slow.send([{ name: "m", ts: T0, value: 1 }], new AbortController().signal), (e: unknown) => e instanceof DeliveryError && e.retryable && /timed out/.test(e.message));
  const ac = new AbortController();
  const aborted = slow.send([{ name: "m", ts: T0, value: 1 }], ac.signal);
  ac.abort();
  await assert.rejects(aborted, (e: unknown) => e instanceof DeliveryError && e.retryable && /aborted/.test(e.message));
  await Promise.all([dead.close(), slow.close()]);
  peer.server.closeAllConnections();
  peer.server.close();
});

test("TLS: a private CA through tls_ca_file is trusted; without it the send fails unless insecure_skip_verify", async () => {
  const dir = tempDir("loupe-rw-tls-");
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  let requests = 0;
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    requests++;
    req.resume();
    req.on("end", () => res.writeHead(204).end());
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/write`;
  const one: Sample[] = [{ name: "m", ts: T0, value: 1 }];
  const withCa = createRemoteWriteTarget({ ...base, url, tls: { caFile: cert, insecureSkipVerify: false } });
  await withCa.send(one, new AbortController().signal);
  const strict = createRemoteWriteTarget({ ...base, url });
  await assert.rejects(strict.send(one, new AbortController().signal), (e: unknown) => e instanceof DeliveryError && /certificate/i.test(e.message));
  const insecure = createRemoteWriteTarget({ ...base, url, tls: { insecureSkipVerify: true } });
  await insecure.send(one, new AbortController().signal);
  await Promise.all([withCa.close(), strict.close(), insecure.close()]);
  server.close();
  assert.equal(requests, 2);
});

interface Exported {
  metric: Record<string, string>;
  values: number[];
  timestamps: number[];
}

async function vmExport(url: string): Promise<Exported[]> {
  const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ "match[]": '{__name__!=""}', start: "0" })}`);
  const text = await res.text();
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Exported)
    .sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
}

test("real VictoriaMetrics: /api/v1/export returns the names, labels, timestamps and values sent", { skip: needs(VM_BIN) }, async () => {
  const vm = await startVictoriaMetrics();
  try {
    const url = `${vm.url}/api/v1/write`;
    const collected: Sample[] = [];
    for (let i = 0; i < 30; i++) {
      collected.push({ name: "servers.web1.cpu.total.user", ts: T0 + i * 10_000, value: i * 1.5 });
      collected.push({ name: "servers.db-2.memory.MemFree", ts: T0 + i * 10_000, value: 2 ** 33 + i });
    }
    const tagged: Sample[] = [
      { name: "app.requests", tags: { dc: "eu", code: "200" }, ts: T0, value: 7 },
      { name: "app.requests", tags: { dc: "eu", code: "200" }, ts: T0 + 1000, value: -0.125 },
      { name: "loupe.ingest.lines", ts: T0, value: 1e-9 },
    ];
    const prom = createRemoteWriteTarget({ ...base, url });
    await prom.send([...collected, ...tagged], new AbortController().signal);
    await prom.close();
    // metric_names = graphite: the dotted name as is
    const graphite = createRemoteWriteTarget({ ...base, url, metricNames: "graphite" });
    await graphite.send([{ name: "servers.web1.loadavg.01", ts: T0, value: 0.75 }, { name: "tagged.x", tags: { k: "v" }, ts: T0, value: 3 }], new AbortController().signal);
    await graphite.close();
    const ts30 = Array.from({ length: 30 }, (_, i) => T0 + i * 10_000);
    const want: Exported[] = [
      { metric: { __name__: "app_requests", code: "200", dc: "eu" }, values: [7, -0.125], timestamps: [T0, T0 + 1000] },
      { metric: { __name__: "cpu_total_user", host: "web1" }, values: ts30.map((_, i) => i * 1.5), timestamps: ts30 },
      { metric: { __name__: "loupe_ingest_lines" }, values: [1e-9], timestamps: [T0] },
      { metric: { __name__: "memory_MemFree", host: "db-2" }, values: ts30.map((_, i) => 2 ** 33 + i), timestamps: ts30 },
      { metric: { __name__: "servers.web1.loadavg.01" }, values: [0.75], timestamps: [T0] },
      { metric: { __name__: "tagged.x", k: "v" }, values: [3], timestamps: [T0] },
    ].sort((a, b) => JSON.stringify(a.metric).localeCompare(JSON.stringify(b.metric)));
    let got: Exported[] = [];
    for (let i = 0; i < 100; i++) {
      got = await vmExport(vm.url);
      if (got.length === want.length && got.every((g) => g.values.length === want.find((w) => JSON.stringify(w.metric) === JSON.stringify(g.metric))?.values.length)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(got, want, vm.log());
  } finally {
    await vm.stop();
  }
});
