/**
 * `loupe import diamond`: a realistic diamond.conf with a collectors config folder becomes an INI
 * Loupe's loader and `loupe check-config` accept, with the collectors, intervals, options, prefix
 * and handlers carried over and a warning for every option without an equivalent.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DYNAMIC_SECTION_PREFIXES, loadConfig } from "../../src/config/index.js";
import { parseConfigObj } from "../../src/import/configobj.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { tempDir } from "../helpers/tmp.js";
import { loupe } from "./harness.js";

const FIXTURE = join(PROJECT_ROOT, "test/fixtures/import/diamond/diamond.conf");
const forwarders = (DYNAMIC_SECTION_PREFIXES as readonly string[]).includes("forward.");

test("diamond.conf + collectors folder → an INI Loupe accepts, with every unmapped option warned about", async () => {
  const out = join(tempDir("loupe-imp-diamond-"), "loupe.ini");
  const r = await loupe(["import", "diamond", FIXTURE, "-o", out]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /wrote .*loupe\.ini \(\d+ warning\(s\)\)/);
  const check = await loupe(["check-config", "--config", out]);
  assert.equal(check.code, 0, check.err);
  const config = loadConfig({ configPath: out, env: {} });
  assert.equal(config.collectors.interval, 60_000, "[[default]] interval = 60 (seconds)");
  assert.equal(config.collectors.path_prefix, "servers");
  assert.equal(config.collectors.hostname_method, "fqdn_short");
  const section = (name: string): Record<string, string> => Object.fromEntries([...(config.meta.dynamic.get(name)?.values ?? new Map())].map(([k, v]) => [k, v.text]));
  assert.deepEqual(section("collector.cpu"), { enabled: "true", percore: "true" }, "the collectors folder's CPUCollector.conf overrides [[CPUCollector]]");
  assert.deepEqual(section("collector.diskspace"), { enabled: "true", filesystems: "ext2, ext3, ext4, xfs, glusterfs, nfs", exclude_filters: "^/export/home", byte_unit: "byte, gigabyte" }, "byte_unit is supported since issue 18");
  assert.equal(section("collector.loadavg")["simple"], "false", "loadavg simple is supported since issue 18");
  assert.deepEqual(section("collector.iostat"), { enabled: "true", devices: "PhysicalDrive[0-9]+$|md[0-9]+$|sd[a-z]+$|xvd[a-z]+$|nvme[0-9]+n[0-9]+$", sector_size: "512", send_zero: "true" });
  assert.deepEqual(section("collector.nginx"), { enabled: "true", req_host: "127.0.0.1", req_port: "8080", req_path: "/nginx_status", interval: "30s" });
  assert.deepEqual(section("collector.vmstat"), { enabled: "false" }, "on in Loupe by default, off in Diamond");
  assert.deepEqual(section("collector.uptime"), { enabled: "false" });
  assert.deepEqual(section("collector.sockets"), { enabled: "true" });
  assert.equal(config.meta.dynamic.has("collector.tcp"), false, "off in both: nothing to say");
  const ini = readFileSync(out, "utf8");
  const fwd = forwarders ? "" : "; ";
  assert.ok(ini.includes(`${fwd}[forward.graphite]\n${fwd}type = graphite\n${fwd}addr = graphite.example.com:2003\n${fwd}timeout = 15s\n${fwd}batch_size = 10`), ini);
  assert.ok(ini.includes(`${fwd}[forward.influx]\n${fwd}type = influx\n${fwd}url = http://influx.example.com:8086\n${fwd}database = graphite\n${fwd}username = diamond\n${fwd}password = s3cret`), ini);

  const warnings = r.err.split("\n").filter((l) => l.startsWith("warning: "));
  const expect = [
    /diamond\.conf:64: \[collectors\] \[\[default\]\] splay: no equivalent/,
    /diamond\.conf:69: \[collectors\] \[\[CPUCollector\]\] xenfix: no equivalent in Loupe's cpu collector/,
    /collectors\/PostgresqlCollector\.conf:1: PostgresqlCollector\.conf enabled: Diamond's PostgresqlCollector has no Loupe equivalent/,
    /diamond\.conf:44: \[handlers\] \[\[GraphiteHandler\]\] keepalive: no equivalent in Loupe's graphite forwarder/,
    /diamond\.conf:50: \[handlers\] \[\[InfluxdbHandler\]\] cache_size: no equivalent/,
    /diamond\.conf:54: \[handlers\] \[\[InfluxdbHandler\]\] time_precision: no equivalent/,
    /diamond\.conf:8: \[server\] handlers: Diamond's ArchiveHandler has no Loupe forwarder/,
    /diamond\.conf:30: \[handlers\] keys: Python logging handlers/,
    /diamond\.conf:11: \[server\] user: no equivalent/,
    /diamond\.conf:12: \[server\] group: no equivalent/,
    /diamond\.conf:14: \[server\] pid_file: no equivalent/,
    /diamond\.conf:17: \[server\] collectors_path: no equivalent/,
    /diamond\.conf:23: \[server\] collectors_reload_interval: no equivalent/,
    ...["loggers", "formatters", "logger_root", "handler_rotated_file", "formatter_default"].map((s) => new RegExp(`diamond\\.conf:\\d+: \\[${s}\\]: Python logging configuration`)),
  ];
  for (const re of expect) assert.ok(warnings.some((w) => re.test(w)), `no warning matching ${re}:\n${warnings.join("\n")}`);
  assert.equal(warnings.length, expect.length + (forwarders ? 0 : 2), warnings.join("\n"));
  assert.ok(!r.err.includes("s3cret"), "no secret in the warnings");
});

test("diamond import refuses to overwrite, and names the line of a broken diamond.conf", async () => {
  const dir = tempDir("loupe-imp-diamond-bad-");
  const out = join(dir, "loupe.ini");
  writeFileSync(out, "[server]\n");
  const r = await loupe(["import", "diamond", FIXTURE, "-o", out]);
  assert.equal(r.code, 1);
  assert.match(r.err, /exists; give another -o file or --force/);
  const bad = join(dir, "diamond.conf");
  writeFileSync(bad, "[server]\nhandlers = a.GraphiteHandler\n[collectors\n");
  const b = await loupe(["import", "diamond", bad, "-o", join(dir, "new.ini")]);
  assert.equal(b.code, 1);
  assert.match(b.err, /diamond\.conf:3: a section header is \[name\]/);
  assert.equal(existsSync(join(dir, "new.ini")), false);
});

test("a value Loupe would refuse is not written: the loader's error is shown and nothing is written", async () => {
  const dir = tempDir("loupe-imp-diamond-inv-");
  const conf = join(dir, "diamond.conf");
  writeFileSync(conf, "[collectors]\n[[default]]\ninterval = 60\n[[NginxCollector]]\nenabled = True\nreq_port = eighty\n");
  const r = await loupe(["import", "diamond", conf, "-o", join(dir, "out.ini")]);
  assert.equal(r.code, 1);
  assert.match(r.err, /not valid for Loupe \(nothing written\)/);
  assert.match(r.err, /req_port/);
  assert.equal(existsSync(join(dir, "out.ini")), false);
});

test("configobj: nested sections, quotes, inline comments, lists", () => {
  const root = parseConfigObj("top = 1\n[a]\nx = 'q, r' # c\ny = p, q ,\nz = \"#not a comment\"\n[[b]]\nk = v\n[[[c]]]\nd = 1\n[e]\n", "f.conf");
  assert.equal(root.keys.get("top")?.value, "1");
  const a = root.sections.get("a")!;
  assert.equal(a.keys.get("x")?.value, "q, r");
  assert.deepEqual(a.keys.get("y")?.value, ["p", "q"]);
  assert.equal(a.keys.get("z")?.value, "#not a comment");
  assert.equal(a.sections.get("b")?.sections.get("c")?.keys.get("d")?.line, 9);
  assert.ok(root.sections.has("e"));
  assert.throws(() => parseConfigObj("[a]\n[[[b]]]\n", "f.conf"), /f\.conf:2: section \[\[\[b\]\]\] is nested deeper/);
  assert.throws(() => parseConfigObj("[a]\nx = 'open\n", "f.conf"), /f\.conf:2: unterminated ' quote/);
});
