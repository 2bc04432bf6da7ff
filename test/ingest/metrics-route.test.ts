import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import type { RequestHandler } from "express";
import { createApp, startHttpServer, OPEN_PRINCIPAL } from "../../src/http/index.js";
import { countRequests, metricsRoutes, promName, promSeriesName, exposeSeries, type LatestPoint } from "../../src/http/routes/metrics.js";
import { silentLogger } from "../../src/lib/logger.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { needs, freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { promtoolCheck } from "../helpers/promtool.js";

const LATEST: LatestPoint[] = [
  { series: { name: "servers.web1.cpu.total.user", tags: {} }, ts: 1, value: 12.5 },
  { series: { name: "servers.web1.cpu.total.user", tags: { dc: "eu", "bad-key": 'q"uote\\' } }, ts: 1, value: 3 },
  { series: { name: "0weird-path.with spaces", tags: {} }, ts: 1, value: -1 },
  { series: { name: "servers_web1_cpu_total_user", tags: {} }, ts: 1, value: 99 }, // same name + labels: left out
  { series: { name: "loupe.ingest.graphite.lines.total", tags: { __name__: "x" } }, ts: 1, value: 5 },
  { series: { name: "servers.web1.memory.MemTotal", tags: {} }, ts: 1, value: 1024 },
];

async function serve(withSeries: boolean) {
  const metrics = new MetricsRegistry();
  metrics.counter("loupe_http_requests_total", "HTTP requests", ["code"]).inc({ code: "200" }, 3);
  metrics.gauge("loupe_store_series", "series").set({}, 4);
  const before: RequestHandler[] = [(_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const app = createApp({ log: silentLogger, before, routers: [metricsRoutes({ metrics, ...(withSeries ? { latest: () => LATEST } : {}) })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  return { http, url: `http://127.0.0.1:${http.port}/metrics` };
}

test("Graphite paths become valid Prometheus names", () => {
  assert.equal(promName("servers.web1.cpu.total.user"), "servers_web1_cpu_total_user");
  assert.equal(promName("0abc"), "_0abc");
  assert.equal(promName("a-b c:d"), "a_b_c:d");
  assert.equal(promName(""), "_");
  assert.equal(promSeriesName("servers.web1.memory.MemTotal"), "servers_web1_memory_mem_total");
  assert.equal(promSeriesName("a.HTTPCode"), "a_httpcode");
});

test("/metrics exposes own metrics, and series only when asked", async () => {
  const off = await serve(false);
  try {
    const r = await fetch(off.url);
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /^text\/plain; version=0.0.4/);
    const text = await r.text();
    assert.match(text, /loupe_http_requests_total\{code="200"\} 3/);
    assert.doesNotMatch(text, /servers_web1/);
  } finally {
    await off.http.close();
  }
  const on = await serve(true);
  try {
    const text = await (await fetch(on.url)).text();
    assert.match(text, /^servers_web1_cpu_total_user 12.5$/m);
    assert.match(text, /^servers_web1_cpu_total_user\{bad_key="q\\"uote\\\\",dc="eu"\} 3$/m);
    assert.match(text, /^_0weird_path_with_spaces -1$/m);
    assert.doesNotMatch(text, / 99$/m);
    assert.match(text, /loupe_ingest_graphite_lines_total\{x__name__="x"\} 5/);
    assert.match(text, /^servers_web1_memory_mem_total 1024$/m);
  } finally {
    await on.http.close();
  }
});

test("HTTP requests are counted by method and status", async () => {
  const metrics = new MetricsRegistry();
  const before: RequestHandler[] = [countRequests(metrics), (_req, res, next) => ((res.locals["principal"] = OPEN_PRINCIPAL), next())];
  const app = createApp({ log: silentLogger, before, routers: [metricsRoutes({ metrics })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  try {
    await fetch(`http://127.0.0.1:${http.port}/metrics`);
    await fetch(`http://127.0.0.1:${http.port}/nope`);
    const text = await (await fetch(`http://127.0.0.1:${http.port}/metrics`)).text();
    assert.match(text, /^loupe_http_requests_total\{method="GET",code="200"\} 1$/m);
    assert.match(text, /^loupe_http_requests_total\{method="GET",code="404"\} 1$/m);
    assert.match(text, /^loupe_http_request_duration_seconds_total\{method="GET"\} [0-9.e-]+$/m);
  } finally {
    await http.close();
  }
});

test("exposeSeries skips names Loupe's own metrics use", () => {
  const text = exposeSeries([{ series: { name: "loupe.store.series", tags: {} }, ts: 1, value: 1 }], new Set(["loupe_store_series"]));
  assert.equal(text, "");
});

test("promtool check metrics accepts /metrics", { skip: needs("/usr/bin/promtool") }, async () => {
  const { http, url } = await serve(true);
  try {
    const text = await (await fetch(url)).text();
    // exit 0 and not a word: parses and passes promtool's lint (3 = lint problems, 1 = parse error)
    assert.deepEqual(promtoolCheck(text), { status: 0, output: "" });
  } finally {
    await http.close();
  }
});

test("a real Prometheus server scrapes /metrics and reports the target up", { skip: needs("/usr/bin/prometheus") }, async () => {
  const { http } = await serve(true);
  const dir = tempDir("loupe-prom-");
  const promPort = await freePort();
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: loupe\n    static_configs:\n      - targets: ["127.0.0.1:${http.port}"]\n`,
  );
  const prom = spawn("/usr/bin/prometheus", [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${promPort}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  prom.stderr!.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  try {
    const deadline = Date.now() + 60_000;
    let last = "";
    for (;;) {
      try {
        const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`);
        if (r.ok) {
          const body = (await r.json()) as { data: { activeTargets: Array<{ health: string; lastError: string; scrapeUrl: string }> } };
          const t = body.data.activeTargets[0];
          last = JSON.stringify(t);
          if (t !== undefined && t.health === "up") break;
          assert.ok(t === undefined || t.health !== "down" || Date.now() < deadline, `target down: ${t?.lastError}`);
        }
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) assert.fail(`prometheus never reported the target up: ${last}\n${err}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    // and the scraped series are there
    const q = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=servers_web1_cpu_total_user`);
    const qb = (await q.json()) as { data: { result: unknown[] } };
    assert.ok(qb.data.result.length >= 1, JSON.stringify(qb));
  } finally {
    prom.kill("SIGTERM");
    await new Promise((r) => prom.once("exit", r));
    await http.close();
  }
});
