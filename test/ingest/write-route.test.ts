import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import type { RequestHandler } from "express";
import { createApp, startHttpServer, OPEN_PRINCIPAL, type Principal } from "../../src/http/index.js";
import { writeRoutes } from "../../src/http/routes/api/write.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { StoreWriteError } from "../../src/lib/errors.js";
import { RecordingSink } from "./recording-sink.js";

const NOW = 1_750_000_000_000;

async function serve(principal: Principal = OPEN_PRINCIPAL, sink = new RecordingSink(), maxBodySize = 1 << 20) {
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = principal), next())];
  const metrics = new MetricsRegistry();
  const app = createApp({ log: silentLogger, before, routers: [writeRoutes({ sink, clock: new FakeClock(NOW), log: silentLogger, maxBodySize, metrics })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  return { sink, metrics, http, base: `http://127.0.0.1:${http.port}` };
}

test("/write and /api/v2/write store points and answer 204; /ping answers 204 with a version", async () => {
  const { sink, http, base, metrics } = await serve();
  try {
    const p = await fetch(`${base}/ping`);
    assert.equal(p.status, 204);
    assert.ok(p.headers.get("x-influxdb-version"));

    const r1 = await fetch(`${base}/write?db=telegraf&precision=s`, { method: "POST", body: "cpu,host=a usage=1.5,n=2i 1700000000\n" });
    assert.equal(r1.status, 204);
    assert.ok(r1.headers.get("x-influxdb-version"));
    const r2 = await fetch(`${base}/api/v2/write?bucket=b&org=o&precision=ms`, { method: "POST", body: "mem used=10 1700000000000" });
    assert.equal(r2.status, 204);
    const r3 = await fetch(`${base}/write?db=x`, { method: "POST", body: gzipSync("gz v=1 1700000000000000000\ngz v=2\n"), headers: { "Content-Encoding": "gzip" } });
    assert.equal(r3.status, 204);
    assert.deepEqual(
      sink.samples.map((s) => [s.name, s.tags ?? {}, s.value, s.ts]),
      [
        ["cpu.usage", { host: "a" }, 1.5, 1_700_000_000_000],
        ["cpu.n", { host: "a" }, 2, 1_700_000_000_000],
        ["mem.used", {}, 10, 1_700_000_000_000],
        ["gz.v", {}, 1, 1_700_000_000_000],
        ["gz.v", {}, 2, NOW],
      ],
    );
    assert.match(metrics.expose(), /loupe_ingest_influx_points_written_total 5/);
  } finally {
    await http.close();
  }
});

test("POST /query: CREATE DATABASE (Telegraf's start-up) is accepted, other InfluxQL refused", async () => {
  const { http, base } = await serve();
  try {
    const form = await fetch(`${base}/query`, { method: "POST", body: new URLSearchParams({ q: 'CREATE DATABASE "telegraf"' }) });
    assert.equal(form.status, 200);
    assert.deepEqual(await form.json(), { results: [{ statement_id: 0 }] });
    const inUrl = await fetch(`${base}/query?q=${encodeURIComponent("create database x")}`, { method: "POST" });
    assert.equal(inUrl.status, 200);
    const sel = await fetch(`${base}/query`, { method: "POST", body: new URLSearchParams({ q: "SELECT * FROM cpu" }) });
    assert.equal(sel.status, 400);
    assert.equal(((await sel.json()) as { error: { code: string } }).error.code, "influxql_unsupported");
  } finally {
    await http.close();
  }
});

test("a bad line is a 400 naming its line; the good lines are still written", async () => {
  const { sink, http, base } = await serve();
  try {
    const r = await fetch(`${base}/write?db=x&precision=s`, { method: "POST", body: 'a v=1 1700000000\nb s="str" 1700000000\nc v=3 1700000000\n' });
    assert.equal(r.status, 400);
    const body = (await r.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "bad_line");
    assert.match(body.error.message, /^line 2: string field s/);
    assert.deepEqual(sink.samples.map((s) => s.name), ["a.v", "c.v"]);
  } finally {
    await http.close();
  }
});

test("204 only after the sink resolved; a refused write is 503", async () => {
  const sink = new RecordingSink();
  const { http, base } = await serve(OPEN_PRINCIPAL, sink);
  try {
    sink.hold();
    let answered = false;
    const pending = fetch(`${base}/write?db=x`, { method: "POST", body: "a v=1" }).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(answered, false, "no answer while the write is pending");
    sink.release();
    assert.equal((await pending).status, 204);
    sink.failWith = new StoreWriteError("disk full");
    const r = await fetch(`${base}/write?db=x`, { method: "POST", body: "a v=1" });
    assert.equal(r.status, 503);
  } finally {
    sink.release();
    await http.close();
  }
});

test("limits: bad precision, oversized body, gzip bomb, bad gzip", async () => {
  const { http, base } = await serve(OPEN_PRINCIPAL, new RecordingSink(), 1000);
  try {
    assert.equal((await fetch(`${base}/write?precision=x`, { method: "POST", body: "a v=1" })).status, 400);
    assert.equal((await fetch(`${base}/api/v2/write?precision=h`, { method: "POST", body: "a v=1" })).status, 400);
    assert.equal((await fetch(`${base}/write`, { method: "POST", body: "a v=1\n".repeat(500) })).status, 413);
    const bomb = gzipSync(Buffer.alloc(100_000, 0x41));
    assert.equal((await fetch(`${base}/write`, { method: "POST", body: bomb, headers: { "Content-Encoding": "gzip" } })).status, 413);
    assert.equal((await fetch(`${base}/write`, { method: "POST", body: "not gzip", headers: { "Content-Encoding": "gzip" } })).status, 400);
  } finally {
    await http.close();
  }
});

test("writes need the editor role; /ping is public", async () => {
  const viewer: Principal = { kind: "user", role: "Viewer", login: "v" };
  const { http, base, sink } = await serve(viewer);
  try {
    assert.equal((await fetch(`${base}/write?db=x`, { method: "POST", body: "a v=1" })).status, 403);
    assert.equal((await fetch(`${base}/api/v2/write?bucket=x`, { method: "POST", body: "a v=1" })).status, 403);
    assert.equal((await fetch(`${base}/ping`)).status, 204);
    assert.equal(sink.samples.length, 0);
  } finally {
    await http.close();
  }
});
