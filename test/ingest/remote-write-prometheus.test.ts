/**
 * A real Prometheus remote-writes into a whole Loupe (startLoupe, in this process): its own series
 * arrive as tagged series with their labels; with a login provider, /api/v1/write needs a write token.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { githubLogin, startHarness } from "../auth/harness.js";
import { PROMETHEUS_BIN, startPrometheus } from "../helpers/prometheus.js";
import { needs } from "../helpers/system.js";
import { encodeWriteRequest } from "../../src/lib/remote-write/encode.js";
import { compress } from "../../src/lib/remote-write/snappy.js";

interface Rendered {
  target: string;
  tags: Record<string, string>;
  datapoints: [number | null, number][];
}

async function render(base: string, target: string, headers: Record<string, string> = {}): Promise<Rendered[]> {
  const res = await fetch(`${base}/render?${new URLSearchParams({ target, from: "-10min", until: "now", format: "json" })}`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as Rendered[];
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, log: () => string, ms = 60_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} did not arrive within ${ms} ms; Prometheus log:\n${log()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test("real Prometheus: prometheus_tsdb_head_series and up arrive in Loupe with their labels", { skip: needs(PROMETHEUS_BIN) }, async () => {
  const h = await startHarness("", { github: false });
  const prom = await startPrometheus({ remoteWriteUrl: `${h.base}/api/v1/write` });
  try {
    const instance = new URL(prom.url).host;
    const hasValue = (r: Rendered[]): Rendered[] | undefined => (r.some((s) => s.datapoints.some(([v]) => v !== null)) ? r : undefined);
    const up = await waitFor("up", async () => hasValue(await render(h.base, "seriesByTag('name=up')")), prom.log);
    assert.equal(up.length, 1);
    assert.deepEqual(up[0]!.tags, { name: "up", instance, job: "prometheus" });
    assert.ok(up[0]!.datapoints.some(([v]) => v === 1), "up is 1");
    // the first scrapes find an empty head (0): wait for Prometheus to count its own series
    const positive = (r: Rendered[]): Rendered[] | undefined => (r.some((s) => s.datapoints.some(([v]) => v !== null && v > 0)) ? r : undefined);
    const head = await waitFor("prometheus_tsdb_head_series > 0", async () => positive(await render(h.base, "seriesByTag('name=prometheus_tsdb_head_series', 'job=prometheus')")), prom.log);
    assert.equal(head.length, 1);
    assert.deepEqual(head[0]!.tags, { name: "prometheus_tsdb_head_series", instance, job: "prometheus" });
    // a labelled family: one Loupe series per label set
    const handlers = await render(h.base, "seriesByTag('name=prometheus_http_requests_total', 'handler=/-/ready')");
    assert.ok(handlers.length >= 1 && handlers.every((s) => s.tags["code"] !== undefined && s.tags["instance"] === instance));
  } finally {
    await prom.stop();
  }
});

test("with a login provider, /api/v1/write needs a write token: none 401, read 403, write 204", async () => {
  const h = await startHarness();
  h.gh.addUser({ id: 1, login: "boss" });
  const admin = (await githubLogin(h, "boss")).client;
  const csrf = await admin.token();
  const create = async (name: string, scope: string): Promise<string> => {
    const r = await admin.send("POST", "/api/admin/tokens", JSON.stringify({ name, scope }), { "content-type": "application/json", "x-csrf-token": csrf });
    assert.equal(r.status, 201);
    return ((await r.json()) as { token: string }).token;
  };
  const write = await create("prometheus", "write");
  const read = await create("grafana", "read");
  const body = compress(encodeWriteRequest([{ labels: [["__name__", "rw_auth"], ["job", "t"]], timestamps: [Date.now()], values: [42] }]));
  const post = (headers: Record<string, string>) => fetch(`${h.base}/api/v1/write`, { method: "POST", headers: { "Content-Encoding": "snappy", "Content-Type": "application/x-protobuf", ...headers }, body });
  assert.equal((await post({})).status, 401);
  assert.equal((await post({ authorization: `Bearer ${read}` })).status, 403);
  assert.equal((await post({ authorization: `Bearer ${write}` })).status, 204);
  const got = await render(h.base, "seriesByTag('name=rw_auth')", { authorization: `Bearer ${read}` });
  assert.deepEqual(got.map((s) => s.tags), [{ name: "rw_auth", job: "t" }]);
  assert.ok(got[0]!.datapoints.some(([v]) => v === 42));
});
