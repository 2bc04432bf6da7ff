/**
 * The real promtool on the whole of Loupe's /metrics as `loupe run` serves it (collectors, Graphite
 * ingest, alerting, store, auth, HTTP): Loupe's own metrics draw no remark at all; with
 * `[export.prometheus] include_series` Loupe's own `loupe.*` series (collector durations in seconds) do
 * not either — only names taken from users' or Diamond's paths may.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { PROMTOOL, promtoolCheck, splitExposition } from "../helpers/promtool.js";

test("promtool check metrics: nothing to say about Loupe's own metrics and loupe.* series", { skip: needs(PROMTOOL), timeout: 60_000 }, async () => {
  const dir = tempDir("loupe-promtool-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[collectors]", "interval = 1s", "hostname = promhost", "[ingest.graphite]", "tcp_addr = 127.0.0.1:0", "udp_addr =", "[alerting]", "enabled = true", "[store]", "fsync = off", "[export.prometheus]", "include_series = true"].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  try {
    const url = `http://127.0.0.1:${loupe.httpPort}/metrics`;
    let body = "";
    for (let i = 0; i < 100; i++) {
      body = await (await fetch(url)).text();
      if (/^loupe_collector_cpu_duration_seconds /m.test(body) && /^loupe_http_requests_total\{/m.test(body)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(body, /^loupe_collector_cpu_duration_seconds \d/m, "the collectors' own series are exported");
    assert.doesNotMatch(body, /_duration_ms\b/);
    const { own, seriesNames } = splitExposition(body);
    assert.match(own, /^loupe_collector_duration_seconds\{collector="cpu"\} /m);
    assert.deepEqual(promtoolCheck(own), { status: 0, output: "" });
    const r = promtoolCheck(body);
    assert.ok(r.status === 0 || r.status === 3, r.output);
    const remarks = r.output.split("\n").filter((l) => l.trim() !== "");
    // Diamond's own path names (iostat.*.io_milliseconds, uptime.minutes) are kept for its users' dashboards
    assert.deepEqual(remarks.filter((l) => { const n = l.split(" ")[0]!; return !seriesNames.has(n) || n.startsWith("loupe_") || !n.startsWith("servers_promhost_"); }), [], r.output);
  } finally {
    await loupe.stop();
  }
});
