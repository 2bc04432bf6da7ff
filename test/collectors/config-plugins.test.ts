// Collector configuration ([collector.<name>] sections, unknown ones, overrides, white/blacklists,
// host names), plugins (loaded, validated, broken ones reported with file and reason), `loupe setup`,
// and the counter rules of the publisher.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { FakeClock } from "../../src/lib/clock.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { join } from "node:path";
import { defaultConfig, loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { runCli } from "../../src/cli.js";
import {
  builtinRegistry,
  createCollectors,
  deriveHostname,
  loadPlugins,
  MAX_U32,
  MAX_U64,
  Publisher,
  resolveCollectors,
  type HostnameSource,
} from "../../src/collectors/index.js";
import { tempDir } from "../helpers/tmp.js";
import { harness, RecordingSink, vmProcFs } from "./helpers.js";

test("defaults: cpu, memory, loadavg, diskspace, iostat, network, vmstat, uptime on; sockets, tcp, processes, cgroups, systemd, nginx, proc, files, hwmon, smart, mysql, postgres, redis off; 10 s", () => {
  const r = resolveCollectors(defaultConfig(), builtinRegistry());
  assert.deepEqual(
    r.filter((c) => c.enabled).map((c) => c.def.name),
    ["cpu", "memory", "loadavg", "diskspace", "iostat", "network", "vmstat", "uptime"],
  );
  assert.deepEqual(r.filter((c) => !c.enabled).map((c) => c.def.name), ["sockets", "tcp", "processes", "cgroups", "systemd", "nginx", "proc", "files", "hwmon", "smart", "mysql", "postgres", "redis"]);
  assert.ok(r.every((c) => c.intervalMs === 10_000 && c.timeoutMs === 10_000));
});

test("per-collector enabled, interval and timeout; [collectors] interval; environment overrides", () => {
  const config = loadConfig({
    text: "[collectors]\ninterval = 30s\n[collector.nginx]\nenabled = true\nreq_port = 8081\ninterval = 5s\ntimeout = 2s\n[collector.cpu]\nenabled = false\n",
    env: { LOUPE_COLLECTOR_NGINX_REQ_HOST: "127.0.0.2" },
  });
  const r = new Map(resolveCollectors(config, builtinRegistry()).map((c) => [c.def.name, c]));
  assert.equal(r.get("nginx")!.enabled, true);
  assert.equal(r.get("nginx")!.intervalMs, 5000);
  assert.equal(r.get("nginx")!.timeoutMs, 2000);
  assert.equal(r.get("nginx")!.values["req_port"], 8081);
  assert.equal(r.get("nginx")!.values["req_host"], "127.0.0.2");
  assert.equal(r.get("cpu")!.enabled, false);
  assert.equal(r.get("memory")!.intervalMs, 30_000);
});

const configErrorCases: [string, string, RegExp][] = [
  ["unknown collector with a suggestion, file and line", "[collectors]\n\n[collector.ngnix]\nenabled = true\n", /t\.ini:3: \[collector\.ngnix\]: unknown collector \(did you mean \[collector\.nginx\]\?\)/],
  ["unknown key with a suggestion", "[collector.nginx]\nreq_prot = 80\n", /\[collector\.nginx\] req_prot: unknown key \(did you mean "req_port"\?\)/],
  ["bad interval (a bare number is seconds, as in Diamond; this is neither)", "[collector.cpu]\ninterval = 5 sec\n", /\[collector\.cpu\] interval: invalid value "5 sec": expected a duration/],
  ["bare seconds under a second", "[collector.cpu]\ninterval = 0.5\n", /interval: invalid value "0\.5"/],
  ["interval under a second", "[collector.cpu]\ninterval = 200ms\n", /interval: invalid value "200ms"/],
  ["bad regex", "[collector.memory]\nmetrics_whitelist = (Mem\n", /metrics_whitelist: invalid value/],
  ["port out of range", "[collector.nginx]\nreq_port = 70000\n", /req_port: invalid value "70000": expected an integer from 1 to 65535/],
];
for (const [name, ini, expected] of configErrorCases) {
  test(`config error: ${name}`, () => {
    const config = loadConfig({ text: ini, textName: "t.ini", env: {} });
    assert.throws(() => resolveCollectors(config, builtinRegistry()), (err: Error) => {
      assert.match(err.message, expected);
      return true;
    });
  });
}

test("metrics_whitelist and metrics_blacklist match the name after the collector path (anchored at the start)", async () => {
  const w = await (await harness(["memory"], { ini: "[collector.memory]\nmetrics_whitelist = Mem\n" })).run("memory");
  assert.deepEqual([...w.keys()].sort(), ["MemAvailable", "MemFree", "MemTotal", "MemUsedPercentage"]);
  const b = await (await harness(["memory"], { ini: "[collector.memory]\nmetrics_blacklist = Swap|Vmalloc\n" })).run("memory");
  assert.equal([...b.keys()].some((k) => k.startsWith("Swap") || k.startsWith("Vmalloc")), false);
  assert.equal(b.has("MemTotal"), true);
  assert.equal(b.has("Committed_AS"), true, "not anchored at the end");
});

test("metric paths: <path_prefix>.<hostname>.<collector path>.<metric>", async () => {
  const sink = new RecordingSink();
  const c = await createCollectors({
    config: defaultConfig("[collectors]\npath_prefix = hosts\nhostname = web-1\n"),
    sink,
    log: silentLogger,
    procfs: vmProcFs(),
    only: ["uptime"],
  });
  await c.scheduler.run("uptime");
  assert.deepEqual(sink.samples.map((s) => s.name).filter((n) => !n.startsWith("loupe.")), ["hosts.web-1.uptime.minutes"]);
  assert.deepEqual(sink.samples.map((s) => s.name).filter((n) => n.startsWith("loupe.")), [
    "loupe.collector.uptime.duration_seconds",
    "loupe.collector.uptime.errors",
    "loupe.collector.uptime.skipped",
  ]);
});

test("hostname_method: Diamond's choices", async () => {
  const src = (fqdn: string, host: string): HostnameSource => ({ hostname: () => host, fqdn: async () => fqdn });
  const cases: [Parameters<typeof deriveHostname>[0], HostnameSource, string][] = [
    ["smart", src("web1.example.com", "web1"), "web1"],
    ["smart", src("localhost", "box.lan"), "box"],
    ["fqdn_short", src("web1.example.com", "x"), "web1"],
    ["fqdn", src("web1.example.com", "x"), "web1_example_com"],
    ["fqdn_rev", src("web1.example.com", "x"), "com.example.web1"],
    ["hostname", src("x", "box.lan"), "box.lan"],
    ["hostname_short", src("x", "box.lan"), "box"],
    ["hostname_rev", src("x", "box.lan"), "lan.box"],
    ["uname_short", src("x", "box.lan"), "box"],
    ["uname_rev", src("x", "box.lan"), "lan.box"],
  ];
  for (const [method, source, expected] of cases) assert.equal(await deriveHostname(method, source), expected, method);
});

test("publisher counters: first value primes, a 32-bit wrap is counted, a reset re-primes, a 64-bit counter never 'wraps' from low values", () => {
  const p = new Publisher({ base: "b" });
  const ac = new AbortController();
  const at = (t: number) => p.begin(t, ac.signal);
  let r = at(0);
  r.ctx.counter("c32", MAX_U32 - 99, MAX_U32);
  r.ctx.counter("c64", 1000, MAX_U64);
  assert.equal(r.samples.length, 0);
  r.commit();
  r = at(10_000);
  r.ctx.counter("c32", 100, MAX_U32);
  r.ctx.counter("c64", 10, MAX_U64);
  assert.deepEqual(r.samples, [{ name: "b.c32", ts: 10_000, value: 20 }]);
  r.commit();
  r = at(20_000);
  r.ctx.counter("c32", 300, MAX_U32);
  r.ctx.counter("c64", 110, MAX_U64);
  assert.deepEqual(r.samples, [
    { name: "b.c32", ts: 20_000, value: 20 },
    { name: "b.c64", ts: 20_000, value: 10 },
  ]);
  r.commit();
  assert.equal(p.stateSize, 2);
  r = at(30_000);
  r.ctx.counter("c32", 400, MAX_U32);
  r.commit();
  assert.equal(p.stateSize, 1, "counters not seen in a successful run are forgotten");
});

function writePlugins(dir: string): void {
  writeFileSync(
    join(dir, "good.mjs"),
    `export default {
  name: "queue_depth",
  help: "items waiting in a queue",
  enabledByDefault: false,
  path: "queue",
  options: { depth: { default: 5, help: "pretend depth" }, label: { default: "main", help: "queue name" } },
  async collect(ctx) {
    ctx.gauge(ctx.options.label + ".depth", ctx.options.depth);
    ctx.counter(ctx.options.label + ".pushed", ctx.now / 100);
    ctx.log.debug("collected");
  },
};\n`,
  );
  writeFileSync(join(dir, "syntax.js"), "export default { name: 'x', collect( };\n");
  writeFileSync(join(dir, "empty.mjs"), "export const nothing = 1;\n");
  writeFileSync(join(dir, "badname.mjs"), "export default { name: 'Bad-Name', collect() {} };\n");
  writeFileSync(join(dir, "nocollect.mjs"), "export const collector = { name: 'nocollect' };\n");
  writeFileSync(join(dir, "clash.mjs"), "export default { name: 'cpu', collect() {} };\n");
  writeFileSync(join(dir, "reserved.mjs"), "export default { name: 'reserved', options: { interval: { default: '1s', help: 'x' } }, collect() {} };\n");
  writeFileSync(join(dir, "throws.mjs"), "throw new Error('plugin exploded at import');\n");
  writeFileSync(join(dir, "README.txt"), "not a plugin\n");
}

test("plugins: a good one is loaded and scheduled like a built-in; each broken one reported with file and reason, skipped", async () => {
  const dir = tempDir();
  writePlugins(dir);
  const registry = builtinRegistry();
  const { loaded, problems } = await loadPlugins(dir, registry);
  assert.deepEqual(loaded, ["queue_depth"]);
  const byFile = new Map(problems.map((p) => [p.file.slice(dir.length + 1), p.reason]));
  assert.deepEqual([...byFile.keys()].sort(), ["badname.mjs", "clash.mjs", "empty.mjs", "nocollect.mjs", "reserved.mjs", "syntax.js", "throws.mjs"]);
  assert.match(byFile.get("badname.mjs")!, /name: lowercase letters/);
  assert.match(byFile.get("clash.mjs")!, /collector "cpu" is already defined/);
  assert.match(byFile.get("empty.mjs")!, /exports no collector/);
  assert.match(byFile.get("nocollect.mjs")!, /collect: collect must be a function/);
  assert.match(byFile.get("reserved.mjs")!, /may not redefine/);
  assert.match(byFile.get("throws.mjs")!, /plugin exploded at import/);
  assert.ok(byFile.get("syntax.js")!.length > 0);

  // Scheduled through config like a built-in: its section validated, options typed.
  const sink = new RecordingSink();
  const config = defaultConfig(`[paths]\nplugins = ${dir}\n[collectors]\nhostname = h\n[collector.queue_depth]\nenabled = true\ndepth = 7\n`);
  const c = await createCollectors({ config, sink, log: silentLogger, procfs: vmProcFs() });
  assert.equal(c.pluginProblems.length, 7);
  assert.ok(c.scheduler.names.includes("queue_depth"));
  assert.equal(await c.scheduler.run("queue_depth"), "ok");
  assert.equal(sink.last().get("servers.h.queue.main.depth"), 7);
  await c.stop();

  // A section for a plugin that is not there is an unknown collector.
  assert.throws(() => resolveCollectors(defaultConfig("[collector.queue_depth]\nenabled = true\n"), builtinRegistry()), /unknown collector/);
  assert.throws(() => resolveCollectors(defaultConfig("[collector.queue_depth]\ndepht = 1\n"), registry), /did you mean "depth"/);
});

test("loupe setup --list and --print -C NAME (Diamond's NginxCollector spelling too)", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "p.mjs"), "export default { name: 'mine', help: 'my plugin', collect() {} };\n");
  const ini = join(dir, "loupe.ini");
  writeFileSync(ini, `[paths]\nplugins = ${dir}\n[collector.nginx]\nenabled = true\ninterval = 30s\n`);
  const run = async (...args: string[]): Promise<{ code: number; out: string; err: string }> => {
    let out = "";
    let err = "";
    const code = await runCli(["setup", ...args, "--config", ini], { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  };
  const list = await run("--list");
  assert.equal(list.code, 0, list.err);
  assert.match(list.out, /^nginx\s+enabled\s+30s\s+built-in/m);
  assert.match(list.out, /^cpu\s+enabled\s+10s/m);
  assert.match(list.out, /^tcp\s+disabled\s+10s/m);
  assert.match(list.out, new RegExp(`^mine\\s+enabled\\s+10s\\s+${join(dir, "p.mjs").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s+my plugin`, "m"));
  for (const name of ["nginx", "NginxCollector"]) {
    const p = await run("--print", "-C", name);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /^\[collector\.nginx\]$/m);
    const expected: [string, string][] = [["enabled", "false"], ["interval", ""], ["req_host", "localhost"], ["req_port", "8080"], ["req_path", "/nginx_status"], ["req_ssl", "false"], ["req_host_header", ""]];
    for (const [key, def] of expected)
      assert.match(p.out, new RegExp(`^; .+\\n${key} = ${def.replace(/\//g, "\\/")}$`, "m"), key);
    assert.match(p.out, /; port of the stub_status endpoint \(an integer from 1 to 65535; default: 8080\)/);
  }
  const bad = await run("--print", "-C", "nope");
  assert.equal(bad.code, 1);
  assert.match(bad.err, /no collector "nope"; known: cpu, memory/);
  assert.equal((await run()).code, 1);
});

test("the README's example plugin loads and works as documented", async () => {
  const readme = readFileSync(join(PROJECT_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Collector plugins"));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code !== undefined, "README has a js example under ## Collector plugins");
  const dir = tempDir();
  writeFileSync(join(dir, "queue.mjs"), code);
  const stats = join(dir, "stats.json");
  writeFileSync(stats, JSON.stringify({ waiting: 4, done: 100 }));
  const sink = new RecordingSink();
  const clock = new FakeClock(1_000_000);
  const c = await createCollectors({
    config: defaultConfig(`[paths]\nplugins = ${dir}\n[collectors]\nhostname = h\n[collector.queue]\nstats_file = ${stats}\n`),
    sink,
    clock,
    log: silentLogger,
    only: ["queue"],
  });
  assert.deepEqual(c.pluginProblems, []);
  assert.equal(await c.scheduler.run("queue"), "ok");
  writeFileSync(stats, JSON.stringify({ waiting: 2, done: 130 }));
  clock.advance(10_000);
  assert.equal(await c.scheduler.run("queue"), "ok");
  assert.equal(sink.last().get("servers.h.queue.jobs.waiting"), 2);
  assert.equal(sink.last().get("servers.h.queue.jobs.done"), 3);
  writeFileSync(stats, "{}");
  assert.equal(await c.scheduler.run("queue"), "error");
  assert.match(c.scheduler.stats("queue")!.lastError!, /no "waiting"/);
});

test("loupe check-config validates [collector.*] sections and prints the ones written", async () => {
  const dir = tempDir();
  const ini = join(dir, "loupe.ini");
  const run = async (text: string): Promise<{ code: number; out: string; err: string }> => {
    writeFileSync(ini, text);
    let out = "";
    let err = "";
    const code = await runCli(["check-config", "--config", ini], { out: (t) => void (out += t), err: (t) => void (err += t) });
    return { code, out, err };
  };
  const ok = await run(`[paths]\nplugins = ${dir}\n[collector.nginx]\nenabled = true\nreq_port = 8081\n`);
  assert.equal(ok.code, 0, ok.err);
  assert.match(ok.out, /\n\[collector\.nginx\]\nenabled = true\ninterval = \ntimeout = \nmetrics_whitelist = \nmetrics_blacklist = \npath = \npath_suffix = \nhostname = \nbyte_unit = byte\nreq_host = localhost\nreq_port = 8081\n/);
  const bad = await run(`[paths]\nplugins = ${dir}\n[collector.ngnx]\nenabled = true\n`);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /loupe\.ini:3: \[collector\.ngnx\]: unknown collector \(did you mean \[collector\.nginx\]\?\)/);
  writeFileSync(join(dir, "broken.mjs"), "export default { name: 'Broken' };\n");
  const warn = await run(`[paths]\nplugins = ${dir}\n`);
  assert.equal(warn.code, 0);
  assert.match(warn.err, /warning: collector plugin skipped: .*broken\.mjs: name: /);
});
