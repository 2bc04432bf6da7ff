/**
 * The whole path of issue 15's remote_write forwarding: a Loupe with its collectors on and Graphite
 * ingest, `[forward.vm] type = remote_write` to a real VictoriaMetrics. What VictoriaMetrics'
 * /api/v1/export returns for a set of collected and ingested series equals what Loupe stored (names
 * through the documented mapping, labels, timestamps, values).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { join } from "node:path";
import { defaultConfig, loadConfig } from "../../src/config/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { migrate, openDatabase, openStore } from "../../src/store/index.js";
import { PromNamer } from "../../src/lib/prom-names.js";
import { startLoupe } from "../../src/main.js";
import { startVictoriaMetrics, VM_BIN } from "../helpers/servers.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { until } from "./helpers.js";

interface Exported {
  readonly metric: Record<string, string>;
  readonly values: number[];
  readonly timestamps: number[];
}

async function vmExport(url: string, match: string): Promise<Exported[]> {
  const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ "match[]": match })}`);
  assert.equal(res.status, 200, `export ${match}`);
  return (await res.text())
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as Exported);
}

test("Loupe forwards collected and ingested series with remote_write; VictoriaMetrics exports the same points", { skip: needs(VM_BIN), timeout: 180_000 }, async () => {
  const vm = await startVictoriaMetrics();
  const dir = tempDir("loupe-rw-e2e-");
  const text = [
    "[server]",
    "http_port = 0",
    "[paths]",
    `data = ${join(dir, "data")}`,
    "[collectors]",
    "interval = 1s",
    "hostname = e2ehost",
    "[ingest.graphite]",
    "tcp_addr = 127.0.0.1:0",
    "udp_addr =",
    "[alerting]",
    "enabled = false",
    "[forward.vm]",
    "type = remote_write",
    `url = ${vm.url}/api/v1/write`,
    "include = servers.e2ehost.loadavg.*, servers.e2ehost.memory.*, app.*, app.*.*",
    "batch_max_wait = 200ms",
  ].join("\n");
  const logs: string[] = [];
  const config = loadConfig({ text, env: {} });
  const loupe = await startLoupe(config, createLogger({ level: "info", sink: { write: (l) => void logs.push(l) } }));
  const namer = new PromNamer({ metricNames: "prometheus", pathPrefix: config.collectors.path_prefix, templates: [], separator: "." });
  const t0 = Math.floor(Date.now() / 1000) - 120;
  try {
    const port = Number(/graphite tcp listening .*port=(\d+)/.exec(logs.join(""))![1]);
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) {
      lines.push(`app.requests ${i * 1.5} ${t0 + i}`);
      lines.push(`app.latency;dc=eu;tier=web ${1000 - i} ${t0 + i}`);
    }
    await new Promise<void>((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => s.end(`${lines.join("\n")}\n`));
      s.on("error", reject);
      s.on("close", () => resolve());
    });
    // a few collection cycles
    await until("collected loadavg forwarded", async () => (await vmExport(vm.url, 'loadavg_01{host="e2ehost"}')).some((e) => e.values.length >= 3), 60_000, 500);
    await until("ingested series forwarded", async () => (await vmExport(vm.url, '{__name__=~"app_.*"}')).reduce((n, e) => n + e.values.length, 0) >= 120, 60_000, 500);
  } finally {
    await loupe.stop(); // flushes the forwarder's last batch within its grace
  }
  // the store Loupe wrote, opened again after its stop: its raw points, exactly as stored
  const dbPath = join(dir, "data", "loupe.db");
  const db = openDatabase(dbPath);
  migrate(db);
  const cfg = defaultConfig();
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock: systemClock, tuning: { timers: false } });
  try {
    const stored = new Map<string, Array<[number, number]>>();
    const series = [...store.findSeries("servers.e2ehost.loadavg.*"), ...store.findSeries("servers.e2ehost.memory.*"), ...store.findSeries("app.requests"), ...store.matchSeries([{ key: "name", op: "=", value: "app.latency" }])];
    for (const s of series) stored.set(s.key, store.readRaw(s.id, 0, Date.now() + 60_000).map((p) => [p.ts / 1000, p.value]));
    assert.ok(stored.size >= 5, `stored series: ${[...stored.keys()].join(", ")}`);
    let compared = 0;
    for (const [key, points] of stored) {
      const [name, ...tagParts] = key.split(";");
      const tags = tagParts.length === 0 ? undefined : Object.fromEntries(tagParts.map((p) => p.split("=") as [string, string]));
      const labels = namer.labels(name!, tags);
      const selector = `{${labels.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;
      // VictoriaMetrics makes freshly written rows searchable within a few seconds: wait for all of them
      const got = await until(`${key} complete in VictoriaMetrics`, async () => {
        const g = await vmExport(vm.url, selector);
        return g.length === 1 && g[0]!.values.length >= points.length ? g : undefined;
      }, 30_000, 500).catch(async () => await vmExport(vm.url, selector));
      assert.equal(got.length, 1, `${key} → ${selector}: one series in VictoriaMetrics`);
      const e = got[0]!;
      assert.deepEqual(Object.entries(e.metric).sort(), [...labels].sort(), `${key}: the labels are exactly the mapped ones`);
      const exported = e.timestamps.map((t, i) => [t / 1000, e.values[i]!] as [number, number]).sort((a, b) => a[0] - b[0]);
      assert.deepEqual(exported, points, `${key}: same timestamps and values`);
      compared += points.length;
    }
    assert.ok(compared >= 120 + 6, `points compared: ${compared}`);
    assert.ok(stored.has("app.latency;dc=eu;tier=web") && stored.has("servers.e2ehost.loadavg.01"), "both collected and ingested series are among them");
  } finally {
    await store.close();
    db.close();
    await vm.stop();
  }
});
