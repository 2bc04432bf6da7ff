/**
 * Real peer: collectd's write_graphite (cpu, memory, load, df) sends to Loupe's Graphite listener, and
 * listHosts finds the sender as a collectd host — by the paths collectd really writes — with its
 * interval measured from the points and its vital figures.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners } from "../../src/ingest/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { listHosts } from "../../src/query/index.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "../ingest/test-store.js";

const PLUGINS = ["cpu", "memory", "load", "df", "write_graphite"];

test("a real collectd sender is listed as a collectd host with CPU, memory, load and disk", { skip: needs("/usr/sbin/collectd", ...PLUGINS.map((p) => `/usr/lib/collectd/${p}.so`)), timeout: 60_000 }, async () => {
  const dir = tempDir("loupe-hosts-collectd-");
  const store = await openTestStore(dir);
  const ingest = new GraphiteIngest({ sink: store, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: silentLogger, selfInterval: 0 });
  const listeners = await startGraphiteListeners({ tcp: { host: "127.0.0.1", port: 0 }, udp: null, allowFrom: [], ingest, log: silentLogger });
  const conf = join(dir, "collectd.conf");
  writeFileSync(
    conf,
    `Hostname "box.example.com"
FQDNLookup false
Interval 1
BaseDir "${dir}"
PIDFile "${dir}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
${PLUGINS.map((p) => `LoadPlugin ${p}`).join("\n")}
<Plugin df>
  MountPoint "/"
</Plugin>
<Plugin write_graphite>
  <Node "loupe">
    Host "127.0.0.1"
    Port "${listeners.tcpPort}"
    Protocol "tcp"
    Prefix "collectd."
    StoreRates true
    EscapeCharacter "_"
  </Node>
</Plugin>
`,
  );
  const child = spawn("/usr/sbin/collectd", ["-f", "-C", conf], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  child.stderr!.on("data", (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  const opts = { pathPrefix: "servers", ownHost: "", defaultIntervalMs: 10_000, silentIntervals: 3, maxHosts: 100 };
  try {
    const deadline = Date.now() + 40_000;
    let report = listHosts(store, { ...opts, now: Date.now() });
    const ready = (): boolean => {
      const h = report.hosts[0];
      return h !== undefined && h.intervalFrom === "points" && Object.values(h.vitals).every((v) => v !== null);
    };
    while (Date.now() < deadline && !ready()) {
      await new Promise((r) => setTimeout(r, 500));
      await ingest.batcher.drain();
      report = listHosts(store, { ...opts, now: Date.now() });
    }
    const names = store.findSeries("collectd.*.*.*").map((s) => s.name).slice(0, 20);
    assert.equal(report.hosts.length, 1, `${JSON.stringify(report.hosts)}\n${names.join("\n")}\n${out}`);
    const h = report.hosts[0]!;
    assert.equal(h.name, "box_example_com");
    assert.deepEqual(h.sources, ["collectd"]);
    assert.equal(h.status, "up");
    assert.equal(h.intervalMs, 1_000, JSON.stringify(h));
    const { cpuPercent, memoryPercent, load1, diskPercent } = h.vitals;
    for (const [what, v] of Object.entries({ cpuPercent, memoryPercent, diskPercent })) assert.ok(v !== null && v >= 0 && v <= 100, `${what} ${v}: ${names.join(", ")}`);
    assert.ok(load1 !== null && load1 >= 0, `load ${load1}`);
    assert.equal(h.link, `/explore?target=${encodeURIComponent("collectd.box_example_com.*.*")}`);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await listeners.close();
    await store.close();
  }
});
