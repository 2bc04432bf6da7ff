/**
 * Built-in rules over a real store (their Graphite targets run through the query layer): the disk
 * prediction fires on a filling series and stays quiet on flat and sawtooth (log rotation) ones;
 * the others fire on what they watch; each can be turned off or re-thresholded in INI.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { builtinRules, Evaluator, queryOver, validateRule, predictLinear, silentIntervals, type Rule } from "../../src/alerting/index.js";
import type { Sample } from "../../src/model/index.js";
import { openTestStore } from "../store/helpers.js";
import { tempDir } from "../helpers/tmp.js";
import { openStateDb } from "./helpers.js";

const MIN = 60_000;
const GB = 1024 ** 3;
const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

function ruleNamed(name: string, ini = ""): Rule {
  const g = builtinRules(defaultConfig(ini));
  const r = g?.rules.find((x) => x.alert === name);
  assert.ok(r !== undefined, `${name} is built in`);
  return r;
}

test("every built-in rule is a valid rule (its target compiles), and all are on by default", () => {
  const g = builtinRules(defaultConfig())!;
  assert.deepEqual(g.rules.map((r) => r.alert), ["DiskWillFillIn24h", "FilesystemAlmostFull", "HostSilent", "MemoryLow", "LoadHigh", "CollectorFailing"]);
  assert.equal(g.interval, MIN);
  for (const r of g.rules) {
    const { uid: _u, group: _g, source: _s, ...spec } = r;
    const toText = (ms: number) => `${ms}ms`;
    const { problems } = validateRule({ ...spec, window: toText(spec.window), for: toText(spec.for), keep_firing_for: toText(spec.keep_firing_for), predict_for: toText(spec.predict_for) });
    assert.deepEqual(problems, [], r.alert);
  }
});

test("built-ins can be turned off one by one or all, and re-thresholded in INI", () => {
  assert.equal(builtinRules(defaultConfig("[alerting]\nbuiltin_rules = false")), undefined);
  const g = builtinRules(defaultConfig("[alerting]\nbuiltin_disk_fill = false\nbuiltin_load_high_per_core = 4\nbuiltin_memory_low_for = 30m\n[collectors]\npath_prefix = hosts"))!;
  assert.ok(!g.rules.some((r) => r.alert === "DiskWillFillIn24h"));
  const load = g.rules.find((r) => r.alert === "LoadHigh")!;
  assert.equal(load.threshold, 4);
  assert.equal(load.expr, "hosts.*.loadavg.05_normalized");
  assert.equal(g.rules.find((r) => r.alert === "MemoryLow")!.for, 30 * MIN);
});

test("predict_linear and silent_intervals reducers", () => {
  const falling = Array.from({ length: 60 }, (_, i) => 100 - i);
  assert.equal(predictLinear(falling, MIN, 10 * MIN), 100 - 70);
  assert.equal(predictLinear([5, 5, 5, 5], MIN, 1e9), 5, "flat: the last value");
  const saw = Array.from({ length: 120 }, (_, i) => 100 - (i % 30) * 3);
  assert.equal(predictLinear(saw, MIN, 24 * 60 * MIN), saw[119], "sawtooth: no trend, the last value");
  assert.equal(silentIntervals([1, null, 1, null, 1, null, null, null, null, null, null]), 3);
  assert.equal(silentIntervals([null, null, null]), 3);
  assert.equal(silentIntervals([1, 1, 1]), 0);
});

/** 6 h of 1-minute points ending at NOW for three filesystems: filling, flat, sawtooth. */
function diskSamples(): Sample[] {
  const out: Sample[] = [];
  for (let i = 360; i >= 1; i--) {
    const ts = NOW - i * MIN;
    const k = 360 - i;
    out.push({ name: "servers.web1.diskspace.root.byte_avail", ts, value: 30 * GB - k * (40 * GB) / 1440 }); // 40 GB a day: 0 in ~18 h
    out.push({ name: "servers.web1.diskspace.home.byte_avail", ts, value: 20 * GB });
    out.push({ name: "servers.web1.diskspace.var.byte_avail", ts, value: 2 * GB + (50 - (k % 60)) * 0.03 * GB }); // logs grow 1.5 GB an hour, rotated hourly
  }
  return out;
}

test("DiskWillFillIn24h fires on a filling filesystem (after its for), quiet on flat and sawtooth ones", async () => {
  const s = await openTestStore(tempDir("loupe-builtin-"), "tsdb.db", { clock: new FakeClock(NOW) });
  try {
    await s.store.write(diskSamples());
    const { states } = openStateDb();
    const ev = new Evaluator({ query: queryOver(s.store), states, clock: s.clock, log: silentLogger, budgetMs: 5000, maxInstancesPerRule: 100, pathPrefix: "servers", hostLabel: "host" });
    const r = ruleNamed("DiskWillFillIn24h");
    ev.evaluateRule(r, NOW);
    assert.deepEqual(ev.instancesOf(r.uid).map((i) => [i.labels["series"], i.state]), [["servers.web1.diskspace.root.byte_avail", "pending"]]);
    assert.ok(ev.instancesOf(r.uid)[0]!.value! < 0);
    ev.evaluateRule(r, NOW + 10 * MIN);
    const firing = ev.instancesOf(r.uid);
    assert.deepEqual(firing.map((i) => [i.labels["host"], i.state]), [["web1", "firing"]]);
    assert.match(firing[0]!.annotations["summary"]!, /^web1: servers\.web1\.diskspace\.root\.byte_avail will be full/);
  } finally {
    await s.close();
  }
});

test("FilesystemAlmostFull, MemoryLow, LoadHigh and CollectorFailing fire on what they watch, through their real targets", async () => {
  const s = await openTestStore(tempDir("loupe-builtin-"), "tsdb.db", { clock: new FakeClock(NOW) });
  try {
    const samples: Sample[] = [];
    // one point a minute up to NOW itself: windows are graphite's (from, until], so a 2-minute window holds
    // the points at NOW − 1m and NOW
    for (let i = 29; i >= 0; i--) {
      const ts = NOW - i * MIN;
      samples.push(
        { name: "servers.web1.diskspace.root.byte_used", ts, value: 97 * GB },
        { name: "servers.web1.diskspace.root.byte_avail", ts, value: 3 * GB },
        { name: "servers.web1.diskspace.home.byte_used", ts, value: 50 * GB },
        { name: "servers.web1.diskspace.home.byte_avail", ts, value: 50 * GB },
        { name: "servers.web1.memory.MemAvailable", ts, value: 0.3 * GB },
        { name: "servers.web1.memory.MemTotal", ts, value: 16 * GB },
        { name: "servers.web2.memory.MemAvailable", ts, value: 8 * GB },
        { name: "servers.web2.memory.MemTotal", ts, value: 16 * GB },
        { name: "servers.web1.loadavg.05_normalized", ts, value: 3.5 },
        { name: "servers.web2.loadavg.05_normalized", ts, value: 1.9 },
        { name: "loupe.collector.nginx.errors", ts, value: 30 - i },
        { name: "loupe.collector.cpu.errors", ts, value: 0 },
      );
    }
    await s.store.write(samples);
    const { states } = openStateDb();
    const ev = new Evaluator({ query: queryOver(s.store), states, clock: s.clock, log: silentLogger, budgetMs: 5000, maxInstancesPerRule: 100, pathPrefix: "servers", hostLabel: "host" });
    const expect: ReadonlyArray<[string, string[]]> = [
      ["FilesystemAlmostFull", ["web1"]],
      ["MemoryLow", ["web1"]],
      ["LoadHigh", ["web1"]],
      ["CollectorFailing", ["loupe.collector.nginx.errors"]],
    ];
    for (const [name, who] of expect) {
      const r = ruleNamed(name);
      ev.evaluateRule(r, NOW - r.for);
      ev.evaluateRule(r, NOW);
      const got = ev.instancesOf(r.uid).filter((i) => i.state === "firing").map((i) => i.labels["host"] ?? i.labels["series"]!);
      assert.deepEqual(got, who, `${name}: ${JSON.stringify(ev.instancesOf(r.uid))} ${ev.errorOf(r.uid) ?? ""}`);
    }
    const fs = ev.instancesOf("builtin/FilesystemAlmostFull")[0]!;
    assert.equal(fs.value, 3);
  } finally {
    await s.close();
  }
});
