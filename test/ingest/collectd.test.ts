/** Real peer: collectd's write_graphite plugin pushes CPU and memory values into Loupe's Graphite listener. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { GraphiteIngest, TemplateMapper, startGraphiteListeners } from "../../src/ingest/graphite/index.js";
import { systemClock } from "../../src/lib/clock.js";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./test-store.js";

test("collectd write_graphite: CPU and memory paths arrive in the store", { skip: needs("/usr/sbin/collectd", "/usr/lib/collectd/write_graphite.so") }, async () => {
  const dir = tempDir("loupe-collectd-");
  const store = await openTestStore(dir);
  const ingest = new GraphiteIngest({ sink: store, mapper: TemplateMapper.fromConfig([], []), clock: systemClock, log: createLogger({ level: "warn" }), selfInterval: 0 });
  const listeners = await startGraphiteListeners({ tcp: { host: "127.0.0.1", port: 0 }, udp: null, allowFrom: [], ingest, log: silentLogger });
  const conf = join(dir, "collectd.conf");
  writeFileSync(
    conf,
    `Hostname "loupetest"
FQDNLookup false
Interval 1
BaseDir "${dir}"
PIDFile "${dir}/collectd.pid"
PluginDir "/usr/lib/collectd"
TypesDB "/usr/share/collectd/types.db"
LoadPlugin cpu
LoadPlugin memory
LoadPlugin write_graphite
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
  try {
    const deadline = Date.now() + 30_000;
    let cpu: string[] = [];
    let mem: string[] = [];
    while (Date.now() < deadline) {
      await ingest.batcher.drain();
      cpu = store.findSeries("collectd.loupetest.cpu-*.cpu-*").map((s) => s.name);
      mem = store.findSeries("collectd.loupetest.memory.memory-*").map((s) => s.name);
      if (cpu.some((n) => n.endsWith(".cpu-user")) && mem.includes("collectd.loupetest.memory.memory-used")) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(cpu.some((n) => n.endsWith(".cpu-user")), `cpu paths: ${cpu.join(", ")}\n${out}`);
    assert.ok(mem.includes("collectd.loupetest.memory.memory-used"), `memory paths: ${mem.join(", ")}\n${out}`);
    const used = store.getSeries("collectd.loupetest.memory.memory-used")!;
    const points = store.readRaw(used.id, 0, Date.now() + 60_000);
    assert.ok(points.length >= 1 && points[0]!.value > 0, `memory used points: ${JSON.stringify(points)}`);
    assert.equal(ingest.counts.invalid, 0);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    await listeners.close();
    await store.close();
  }
});
