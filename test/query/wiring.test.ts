/** The read APIs wired by main.ts: a point written through Influx /write is read back by /render and /api/query. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";

test("startLoupe serves /render, /metrics/find, /version and /api/query over the real store", async () => {
  const dir = tempDir("loupe-query-wiring-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[ingest.graphite]", "enabled = false"].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  try {
    const base = `http://127.0.0.1:${loupe.httpPort}`;
    const now = Math.floor(Date.now() / 1000);
    const w = await fetch(`${base}/write?db=x&precision=s`, { method: "POST", body: `wiretest,host=h1 v=7 ${now - 30}\n` });
    assert.equal(w.status, 204);
    const r = await fetch(`${base}/render`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ target: `aliasSub(seriesByTag('name=wiretest.v'), "(^.*$)", "\\1 A")`, from: "-5min", until: "now", format: "json", maxDataPoints: "100" }).toString(),
    });
    assert.equal(r.status, 200);
    const body = (await r.json()) as Array<{ target: string; datapoints: Array<[number | null, number]> }>;
    assert.equal(body.length, 1);
    assert.equal(body[0]!.target, "wiretest.v;host=h1 A");
    assert.ok(body[0]!.datapoints.some(([v]) => v === 7));
    assert.deepEqual(await (await fetch(`${base}/metrics/find?query=wiretest.*`)).json(), [{ text: "v", id: "wiretest.v", leaf: 1, expandable: 0, allowChildren: 0 }]);
    assert.equal((await fetch(`${base}/version`)).status, 200);
    const q = await fetch(`${base}/api/query`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: "now-5min", to: "now", queries: [{ id: "a", target: "wiretest.*" }] }),
    });
    assert.equal(q.status, 200);
    const qb = (await q.json()) as { results: Array<{ series: Array<{ values: Array<number | null> }> }> };
    assert.ok(qb.results[0]!.series[0]!.values.includes(7));
  } finally {
    await loupe.stop();
  }
});
