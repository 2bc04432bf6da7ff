// Plugins run in worker threads: a busy loop is stopped at its timeout while the other collectors
// keep their schedule; a leak is stopped at plugin_max_memory; a plugin that fails to load but has
// its own [collector.x] section leaves Loupe starting, with a clear error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createCollectors } from "../../src/collectors/index.js";
import { defaultConfig, loadConfig } from "../../src/config/index.js";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { FakeClock } from "../../src/lib/clock.js";
import { MemoryProcFs, RecordingSink } from "./helpers.js";

test("a busy-looping plugin is stopped at its timeout; the other collectors keep their schedule; it runs again once it behaves", async () => {
  const dir = tempDir();
  const marker = join(dir, "spin-now");
  writeFileSync(marker, "");
  writeFileSync(
    join(dir, "spin.mjs"),
    `import { existsSync } from "node:fs";
export default { name: "spin", collect(ctx) { if (existsSync(${JSON.stringify(marker)})) { while (true) {} } ctx.gauge("ok", 1); } };\n`,
  );
  writeFileSync(join(dir, "tick.mjs"), `export default { name: "tick", collect(ctx) { ctx.gauge("n", 1); } };\n`);
  const sink = new RecordingSink();
  const ini = `[paths]\nplugins = ${dir}\n[collectors]\nhostname = h\n[collector.spin]\ninterval = 1s\ntimeout = 3s\n[collector.tick]\ninterval = 1s\ntimeout = 30s\n[collector.loadavg]\ninterval = 1s\n`;
  const c = await createCollectors({ config: defaultConfig(ini), sink, log: silentLogger, only: ["spin", "tick", "loadavg"] });
  try {
    // tick's worker is up before the clock starts (from source, tsx compiles in each new worker: slow on a busy machine)
    assert.equal(await c.scheduler.run("tick"), "ok");
    const before = c.scheduler.stats("tick")!.runs;
    const samplesBefore = sink.samples.length;
    c.scheduler.start();
    // the main thread stays responsive: timers keep firing while spin's worker burns its CPU
    let beats = 0;
    const beat = setInterval(() => beats++, 100);
    await new Promise((r) => setTimeout(r, 6000));
    clearInterval(beat);
    const spin = c.scheduler.stats("spin")!;
    const tick = c.scheduler.stats("tick")!;
    const loadavg = c.scheduler.stats("loadavg")!;
    assert.ok(spin.errors >= 1, `spin timed out (errors ${spin.errors})`);
    assert.match(spin.lastError ?? "", /took longer than its timeout of 3000 ms/);
    assert.ok(tick.runs - before >= 4 && tick.errors === 0, `tick kept its 1 s schedule: ${tick.runs - before} runs, ${tick.errors} errors`);
    assert.ok(loadavg.runs >= 1 && loadavg.errors === 0, "a built-in ran too");
    const ticks = sink.samples.slice(samplesBefore).filter((s) => s.name === "servers.h.tick.n").map((s) => s.ts);
    assert.ok(ticks.length >= 4, `${ticks.length} tick samples`);
    // one interval apart, even while spin's runs time out (generous bounds: a loaded test machine)
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    assert.ok(gaps.every((g) => g >= 500 && g <= 2000), `tick samples about 1 s apart: ${gaps.join(", ")} ms`);
    assert.ok(beats >= 30, `the event loop kept turning (${beats} beats of 100 ms in 6 s)`);
    // once the plugin behaves, the scheduler's next runs (in a fresh worker) succeed
    rmSync(marker);
    assert.equal(existsSync(marker), false);
    for (let i = 0; i < 200 && !sink.samples.some((x) => x.name === "servers.h.spin.ok"); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(sink.samples.some((x) => x.name === "servers.h.spin.ok"), "spin ran again");
    assert.equal(c.scheduler.stats("spin")!.failing, false);
  } finally {
    await c.stop();
  }
});

test("a plugin that leaks memory is stopped at [collectors] plugin_max_memory and counted as an error", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "leak.mjs"), `const keep = [];\nexport default { name: "leak", collect() { for (;;) keep.push(new Array(1e5).fill(Math.random())); } };\n`);
  const ini = `[paths]\nplugins = ${dir}\n[collectors]\nhostname = h\nplugin_max_memory = 32MB\n[collector.leak]\ntimeout = 60s\ninterval = 60s\n`;
  const c = await createCollectors({ config: defaultConfig(ini), sink: new RecordingSink(), log: silentLogger, only: ["leak"] });
  try {
    assert.equal(await c.scheduler.run("leak"), "error");
    assert.match(c.scheduler.stats("leak")!.lastError ?? "", /out of memory \(\[collectors\] plugin_max_memory\)/);
  } finally {
    await c.stop();
  }
});

test("a plugin that fails to load but has its own [collector.x] section: Loupe starts and logs a clear error", async () => {
  const dir = tempDir();
  const plugins = join(dir, "plugins");
  rmSync(plugins, { recursive: true, force: true });
  (await import("node:fs")).mkdirSync(plugins);
  writeFileSync(join(plugins, "queue.mjs"), "import 'no-such-package-anywhere';\nexport default { name: 'queue', collect() {} };\n");
  writeFileSync(join(plugins, "slow.mjs"), "while (true) {}\n");
  writeFileSync(join(plugins, "bad-opts.mjs"), "export default { name: 'badopts', options: { depth: { default: [1], help: 'x' } }, collect() {} };\n");
  const text = [
    "[server]\nhttp_port = 0",
    `[paths]\ndata = ${join(dir, "data")}\nplugins = ${plugins}`,
    "[collectors]\nhostname = h\nplugin_load_timeout = 8s",
    "[ingest.graphite]\ntcp_addr =\nudp_addr =",
    "[collector.queue]\nenabled = true\ninterval = 30s\nstats_file = /srv/queue/stats.json",
    "[collector.slow]\nenabled = true",
    "[collector.badopts]\ndepth = 3",
  ].join("\n");
  const lines: string[] = [];
  const log = createLogger({ level: "info", format: "json", sink: { write: (l) => void lines.push(l) } });
  const loupe = await startLoupe(loadConfig({ text, env: {} }), log);
  try {
    const health = await fetch(`http://127.0.0.1:${loupe.httpPort}/healthz`);
    assert.equal(health.status, 200);
    const errors = lines.map((l) => JSON.parse(l) as Record<string, string>).filter((l) => l["msg"] === "collector plugin failed to load; its section is ignored");
    const bySection = new Map(errors.map((e) => [e["section"], e]));
    assert.deepEqual([...bySection.keys()].sort(), ["[collector.badopts]", "[collector.queue]", "[collector.slow]"]);
    assert.match(bySection.get("[collector.queue]")!["reason"]!, /no-such-package-anywhere/);
    assert.equal(bySection.get("[collector.queue]")!["file"], join(plugins, "queue.mjs"));
    assert.match(bySection.get("[collector.slow]")!["reason"]!, /did not load within 8000 ms \(\[collectors\] plugin_load_timeout\)/);
    assert.match(bySection.get("[collector.badopts]")!["reason"]!, /options\.depth\.default/);
    for (const e of errors) assert.equal(e["level"], "error");
  } finally {
    await loupe.stop();
  }
});

test("in its worker a plugin still reads the injected procfs, logs through Loupe's logger, and uses counter/change state", async () => {
  const dir = tempDir();
  writeFileSync(
    join(dir, "probe.mjs"),
    `let runs = 0;
export default {
  name: "probe",
  async collect(ctx) {
    runs++;
    const load = await ctx.procfs.readProc("loadavg");
    ctx.gauge("load1", Number(load.split(" ")[0]));
    ctx.gauge("files", (await ctx.procfs.listProc("net")).length);
    ctx.gauge("labels", (await ctx.procfs.diskLabels()).size);
    ctx.gauge("runs", runs);
    ctx.counter("bytes", ctx.now / 10);
    const d = ctx.change("k", ctx.now / 1000);
    if (d !== undefined) ctx.gauge("delta", d.delta);
    try { await ctx.procfs.readProc("nope"); } catch (err) { ctx.log.warn("probe missed", { err: err.message, level1: ctx.log.isLevelEnabled("debug") }); }
  },
};\n`,
  );
  const procfs = new MemoryProcFs(new Map([["loadavg", "0.42 0.30 0.20 1/100 999\n"], ["net/dev", "x"], ["net/snmp", "y"]]));
  procfs.labels.set("/dev/vda1", "root");
  const sink = new RecordingSink();
  const clock = new FakeClock(1_000_000);
  const lines: string[] = [];
  const log = createLogger({ level: "info", format: "json", sink: { write: (l) => void lines.push(l) } });
  const c = await createCollectors({ config: defaultConfig(`[paths]\nplugins = ${dir}\n[collectors]\nhostname = h\n[collector.probe]\ntimeout = 60s\n`), sink, log, procfs, clock, only: ["probe"] });
  try {
    assert.equal(await c.scheduler.run("probe"), "ok");
    clock.advance(10_000);
    assert.equal(await c.scheduler.run("probe"), "ok");
    const last = sink.last();
    assert.equal(last.get("servers.h.probe.load1"), 0.42);
    assert.equal(last.get("servers.h.probe.files"), 2);
    assert.equal(last.get("servers.h.probe.labels"), 1);
    assert.equal(last.get("servers.h.probe.runs"), 2, "module state kept between runs of one worker");
    assert.equal(last.get("servers.h.probe.bytes"), 100, "counter published as a per-second rate");
    assert.equal(last.get("servers.h.probe.delta"), 10);
    const warned = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l["msg"] === "probe missed");
    assert.equal(warned.length, 2);
    assert.equal(warned[0]!["collector"], "probe");
    assert.match(String(warned[0]!["err"]), /ENOENT.*\/proc\/nope/);
    assert.equal(warned[0]!["level1"], false, "isLevelEnabled follows Loupe's log level");
  } finally {
    await c.stop();
  }
});
