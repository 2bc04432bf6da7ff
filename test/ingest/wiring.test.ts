/** Ingest wired by main.ts: Graphite TCP and /write land in the store, /metrics shows them (include_series). */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { createSocket } from "node:dgram";
import { connect } from "node:net";
import { loadConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { needs, freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { PROMTOOL, promtoolCheck, splitExposition } from "../helpers/promtool.js";

test("startLoupe: Graphite TCP and UDP and Influx /write reach the store and /metrics", async () => {
  const dir = tempDir("loupe-ingest-wiring-");
  const text = [
    "[server]",
    "http_addr = 127.0.0.1",
    "http_port = 0",
    "[paths]",
    `data = ${dir}`,
    "[ingest.graphite]",
    "tcp_addr = 127.0.0.1:0",
    "udp_addr = 127.0.0.1:0",
    "templates = wire.tmpl.* ..host.measurement*",
    "[export.prometheus]",
    "include_series = true",
  ].join("\n");
  const logs: string[] = [];
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  try {
    const m = /graphite tcp listening .*port=(\d+)/.exec(logs.join(""));
    assert.ok(m, `graphite listener logged: ${logs.join("")}`);
    const now = Math.floor(Date.now() / 1000);
    await new Promise<void>((resolve, reject) => {
      const s = connect(Number(m[1]), "127.0.0.1", () => s.end(`wire.graphite.a 42 ${now}\nnot a valid line at all\nwire.tmpl.web7.load 3 ${now}\n`));
      s.on("error", reject);
      s.on("close", () => resolve());
    });
    const u = /graphite udp listening .*port=(\d+)/.exec(logs.join(""));
    assert.ok(u, "graphite udp listener logged");
    const sock = createSocket("udp4");
    await new Promise<void>((resolve) => sock.send(`wire.udp.bee 5 ${now}\n`, Number(u[1]), "127.0.0.1", () => resolve()));
    sock.close();
    const base = `http://127.0.0.1:${loupe.httpPort}`;
    const w = await fetch(`${base}/write?db=x&precision=s`, { method: "POST", body: `wire_influx,host=h1 v=7 ${now}\n` });
    assert.equal(w.status, 204);
    let text2 = "";
    for (let i = 0; i < 100; i++) {
      text2 = await (await fetch(`${base}/metrics`)).text();
      if (/^wire_graphite_a 42$/m.test(text2) && /^load\{host="web7"\} 3$/m.test(text2) && /^wire_udp_bee 5$/m.test(text2)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(text2, /^wire_graphite_a 42$/m);
    assert.match(text2, /^load\{host="web7"\} 3$/m);
    assert.match(text2, /^wire_udp_bee 5$/m);
    assert.match(text2, /^wire_influx_v\{host="h1"\} 7$/m);
    assert.match(text2, /^loupe_ingest_graphite_invalid_total 1$/m);
    assert.match(text2, /^loupe_ingest_influx_points_written_total 1$/m);
    assert.match(text2, /^loupe_http_requests_total\{method="POST",code="204"\} 1$/m);
    if (needs(PROMTOOL) === undefined) {
      // Loupe's own metrics (every area's registrations) pass promtool's parse and lint with nothing to say.
      const { own, seriesNames } = splitExposition(text2);
      assert.ok(seriesNames.size > 0 && /^loupe_ingest_graphite_lines_total /m.test(own));
      assert.deepEqual(promtoolCheck(own), { status: 0, output: "" });
      // The whole exposition parses. The series part (include_series) is named after users' Graphite paths
      // and Diamond-compatible collector paths (`iostat.vda.io_milliseconds`, `uptime.minutes`): names Loupe
      // does not choose, so promtool's lint remarks on those (exit 3, "use base unit ...") are tolerated.
      // Loupe's own `loupe.*` series are Loupe's names and must not draw a remark.
      const r = promtoolCheck(text2);
      assert.ok(r.status === 0 || r.status === 3, `promtool check metrics: ${r.output}`);
      const remarks = r.output.split("\n").filter((l) => l.trim() !== "");
      const userNamed = (l: string): boolean => {
        const name = l.split(" ")[0]!;
        return seriesNames.has(name) && !name.startsWith("loupe_") && !/error/i.test(l);
      };
      assert.deepEqual(remarks.filter((l) => !userNamed(l)), [], r.output);
    }
  } finally {
    await loupe.stop();
  }
});

test("a real Prometheus server scrapes the whole of Loupe's /metrics (own metrics and series) and reports it up", { skip: needs("/usr/bin/prometheus") }, async () => {
  const dir = tempDir("loupe-ingest-prom-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${join(dir, "data")}`, "[ingest.graphite]", "enabled = false", "[export.prometheus]", "include_series = true"].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), createLogger({ level: "error", sink: { write: () => undefined } }));
  const now = Math.floor(Date.now() / 1000);
  const w = await fetch(`http://127.0.0.1:${loupe.httpPort}/write?precision=s`, { method: "POST", body: `prom_check,host=h1 v=11 ${now}\n` });
  assert.equal(w.status, 204);
  const promPort = await freePort();
  writeFileSync(
    join(dir, "prometheus.yml"),
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n  - job_name: loupe\n    static_configs:\n      - targets: ["127.0.0.1:${loupe.httpPort}"]\n`,
  );
  const prom = spawn("/usr/bin/prometheus", [`--config.file=${join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${join(dir, "prom")}`, `--web.listen-address=127.0.0.1:${promPort}`], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  prom.stderr!.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  try {
    const deadline = Date.now() + 60_000;
    let last = "";
    for (;;) {
      try {
        const body = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string; lastError: string }> } };
        const t = body.data.activeTargets[0];
        last = JSON.stringify(t);
        if (t?.health === "up") break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) assert.fail(`prometheus never reported Loupe up: ${last}\n${err}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const q = (await (await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent('prom_check_v{host="h1"}')}`)).json()) as {
      data: { result: Array<{ value: [number, string] }> };
    };
    assert.equal(q.data.result[0]?.value[1], "11", JSON.stringify(q));
  } finally {
    prom.kill("SIGTERM");
    await new Promise((r) => prom.once("exit", r));
    await loupe.stop();
  }
});

