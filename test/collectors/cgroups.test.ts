// The cgroups collector on fixture trees (test/fixtures/cgroups, provenance in its README): a
// written cgroup-v2 host with units, Docker/Podman/containerd containers and their state files; a
// written v1 tree; a v1 tree captured from this VM; and the live /sys/fs/cgroup of this machine.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "../helpers/tmp.js";
import { FIXTURES, harness } from "./helpers.js";
import { emptyTargets } from "./dashboard-check.js";
import { containersDashboard } from "../../src/dashboards/index.js";
import { classifyCgroup, nameSegment } from "../../src/collectors/cgroups-discover.js";
import { parseIoStat, parsePressure, parseBlkio, parseMemoryLimit } from "../../src/collectors/cgroups-parse.js";

const ID1 = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

/** A writable copy of a fixture tree. */
function copy(name: string): string {
  const dir = join(tempDir("loupe-cgroups-"), name);
  cpSync(join(FIXTURES, "cgroups", name), dir, { recursive: true });
  return dir;
}

/** Adds `delta` to `key` in a "key value" file (or to a single-number file when key is undefined). */
function bump(file: string, key: string | undefined, delta: number): void {
  const text = readFileSync(file, "utf8");
  if (key === undefined) writeFileSync(file, `${Number(text.trim()) + delta}\n`);
  else writeFileSync(file, text.replace(new RegExp(`(^|\\s)${key}([ =])(\\d+)`, "m"), (_, a: string, sep: string, v: string) => `${a}${key}${sep}${Number(v) + delta}`));
}

function ini(dir: string, extra = ""): string {
  return `[collector.cgroups]\nroot = ${dir}/cgroup\ndocker_root = ${dir}/docker\npodman_root = ${dir}/podman\n${extra}`;
}

test("cgroup file parsers", () => {
  assert.deepEqual(parseIoStat("8:0 rbytes=10 wbytes=20 rios=1 wios=2 dbytes=0 dios=0\n253:0 rbytes=5 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n"), { readBytes: 15, writeBytes: 20, readOps: 2, writeOps: 2 });
  assert.deepEqual(parsePressure("some avg10=1.37 avg60=1.55 avg300=1.40 total=286166619\nfull avg10=0.00 avg60=0.00 avg300=0.06 total=51904187\n"), { some: { avg10: 1.37, total: 286166619 }, full: { avg10: 0, total: 51904187 } });
  assert.deepEqual(parseBlkio("8:0 Read 100\n8:0 Write 7\n8:16 Read 1\n8:0 Total 107\nTotal 108\n"), { read: 101, write: 7 });
  assert.equal(parseMemoryLimit("max\n"), undefined);
  assert.equal(parseMemoryLimit("9223372036854771712\n"), undefined);
  assert.equal(parseMemoryLimit("536870912\n"), 536870912);
  assert.equal(classifyCgroup("system.slice/nginx.service")?.kind, "unit");
  assert.equal(classifyCgroup("user.slice/user-1000.slice/user@1000.service"), undefined, "only system.slice units");
  assert.deepEqual(classifyCgroup(`system.slice/docker-${ID1}.scope`), { kind: "container", rel: `system.slice/docker-${ID1}.scope`, id: ID1, runtime: "docker" });
  assert.equal(classifyCgroup(`machine.slice/libpod-${ID1}.scope`)?.runtime, "podman");
  assert.equal(classifyCgroup(`kubepods/burstable/pod1/${ID1}`)?.runtime, "containerd");
  assert.equal(classifyCgroup(`docker/${ID1}`)?.runtime, "docker");
  assert.equal(nameSegment("getty@tty1.service"), "getty_tty1");
});

test("cgroups v2: units and containers named from Docker's and Podman's state files, rates on the second run", async () => {
  const dir = copy("v2-docker");
  const h = await harness(["cgroups"], { ini: ini(dir) });
  const first = await h.run("cgroups");
  const all = [...h.sink.samples];
  assert.equal(first.get("units.count"), 5);
  assert.equal(first.get("containers.count"), 4, "docker (systemd + cgroupfs), podman, containerd; libpod's inner 'container' cgroup not counted");
  assert.equal(first.get("unit.nginx.memory_bytes"), 50_000_000);
  assert.equal(first.get("unit.nginx.memory_anon_bytes"), 30_000_000);
  assert.equal(first.get("unit.docker.memory_max_bytes"), 1073741824);
  assert.equal(first.has("unit.nginx.memory_max_bytes"), false, "memory.max = max is no limit");
  assert.equal(first.get("container.web.memory_bytes"), 300_000_000);
  assert.equal(first.get("container.db.memory_file_bytes"), 45_000_000);
  assert.equal(first.get("container.333333333333.memory_bytes"), 10_000_000, "no state file: short id");
  assert.equal(first.get("container.444444444444.memory_bytes"), 64_000_000);
  assert.equal(first.get("container.web.pressure.cpu.some_avg10"), 3.25);
  assert.equal(first.has("container.web.cpu_percent"), false, "rates need two runs");
  assert.equal(first.get("scan_truncated"), 0);

  const web = join(dir, "cgroup", "system.slice", `docker-${ID1}.scope`);
  bump(join(web, "cpu.stat"), "usage_usec", 5_000_000); // 5 s of CPU in 10 s: 50 %
  bump(join(web, "cpu.stat"), "throttled_usec", 1_000_000);
  bump(join(web, "io.stat"), "rbytes", 1_000_000); // first device line only
  bump(join(web, "io.stat"), "wios", 50);
  bump(join(web, "cpu.pressure"), "total", 2_000_000); // 2 s stalled in 10 s: 20 %
  bump(join(dir, "cgroup", "system.slice", "nginx.service", "cpu.stat"), "usage_usec", 1_000_000);
  h.clock.advance(10_000);
  const second = await h.run("cgroups");
  assert.equal(second.get("container.web.cpu_percent"), 50);
  assert.equal(second.get("container.web.cpu_throttled_percent"), 10);
  assert.equal(second.get("container.web.io_read_bytes"), 100_000);
  assert.equal(second.get("container.web.io_write_ops"), 5);
  assert.equal(second.get("container.web.pressure.cpu.some_percent"), 20);
  assert.equal(second.get("unit.nginx.cpu_percent"), 10);
  assert.equal(second.get("unit.ssh.cpu_percent"), 0);

  // every chart of the Containers dashboard has data from these two runs (systemd's panels aside)
  const samples = [...all, ...h.sink.samples];
  const empty = emptyTargets(containersDashboard({ host: "testhost" }), samples, { host: "testhost", container: "*", unit: "*" });
  assert.deepEqual(empty.filter((t) => !t.includes(".systemd.")), []);
  await h.collectors.stop();
});

test("cgroups: max_units / max_containers keep the largest by memory and sum the rest as _other", async () => {
  const dir = copy("v2-docker");
  const h = await harness(["cgroups"], { ini: ini(dir, "max_units = 2\nmax_containers = 1\n") });
  const r = await h.run("cgroups");
  const units = [...r.keys()].filter((k) => k.startsWith("unit.") && k.endsWith(".memory_bytes")).sort();
  assert.deepEqual(units, ["unit._other.memory_bytes", "unit.docker.memory_bytes", "unit.nginx.memory_bytes"]);
  assert.equal(r.get("unit._other.memory_bytes"), 8_000_000 + 3_000_000 + 20_000_000);
  assert.equal(r.get("units.folded"), 3);
  assert.equal(r.get("container._other.memory_bytes"), 200_000_000 + 10_000_000 + 64_000_000);
  assert.equal(r.has("unit._other.pressure.cpu.some_avg10"), false, "pressure does not add up");
  assert.equal(r.get("containers.folded"), 3);
  assert.match(h.metrics.expose(), /loupe_collector_cgroups_folded\{kind="unit"\} 3/);
  await h.collectors.stop();
});

test("cgroups: max_scan stops the walk and says so", async () => {
  const dir = copy("v2-docker");
  const h = await harness(["cgroups"], { ini: ini(dir, "max_scan = 3\n") });
  const r = await h.run("cgroups");
  assert.equal(r.get("scan_truncated"), 1);
  assert.match(h.metrics.expose(), /loupe_collector_cgroups_scan_truncated_total 1/);
  await h.collectors.stop();
});

test("cgroups: an unreadable Docker root gives short ids; units/containers can be turned off", async () => {
  const dir = copy("v2-docker");
  const h = await harness(["cgroups"], { ini: `[collector.cgroups]\nroot = ${dir}/cgroup\ndocker_root = ${dir}/nowhere\npodman_root = ${dir}/nowhere\nunits = false\n` });
  const r = await h.run("cgroups");
  assert.equal(r.get("container.a1b2c3d4e5f6.memory_bytes"), 300_000_000);
  assert.equal(r.get("container.0fedcba98765.memory_bytes"), 200_000_000);
  assert.equal(r.get("units.count"), 0);
  await h.collectors.stop();
});

test("cgroups v1: cpuacct, memory and blkio at the same relative path", async () => {
  const dir = copy("v1-docker");
  const h = await harness(["cgroups"], { ini: ini(dir) });
  const first = await h.run("cgroups");
  assert.equal(first.get("units.count"), 1);
  assert.equal(first.get("unit.nginx.memory_bytes"), 50_000_000);
  assert.equal(first.get("unit.nginx.memory_anon_bytes"), 30_000_000);
  assert.equal(first.has("unit.nginx.memory_max_bytes"), false);
  assert.equal(first.get("container.333333333333.memory_max_bytes"), 268435456);
  const c = join(dir, "cgroup");
  bump(join(c, "cpuacct", "system.slice", "nginx.service", "cpuacct.usage"), undefined, 2_500_000_000); // ns
  bump(join(c, "blkio", "system.slice", "nginx.service", "blkio.throttle.io_service_bytes_recursive"), "Write", 40_960);
  h.clock.advance(10_000);
  const second = await h.run("cgroups");
  assert.equal(second.get("unit.nginx.cpu_percent"), 25);
  assert.equal(second.get("unit.nginx.io_write_bytes"), 4096);
  await h.collectors.stop();
});

test("cgroups: this VM's captured v1 tree (no units, no containers) and an empty root publish counts only", async () => {
  const empty = tempDir("loupe-cgroups-none-");
  mkdirSync(join(empty, "cgroup"));
  for (const root of [join(FIXTURES, "cgroups", "v1-captured"), join(empty, "cgroup")]) {
    const h = await harness(["cgroups"], { ini: `[collector.cgroups]\nroot = ${root}\n` });
    const r = await h.run("cgroups");
    assert.deepEqual([...r.keys()].sort(), ["containers.count", "containers.folded", "scan_truncated", "units.count", "units.folded"]);
    assert.equal(r.get("units.count"), 0);
    await h.collectors.stop();
  }
});

test("cgroups: the live /sys/fs/cgroup of this machine (v1, v2 or none) is read without error", async () => {
  const h = await harness(["cgroups"], { ini: "[collector.cgroups]\n" });
  const r = await h.run("cgroups");
  assert.ok(r.has("units.count") && r.has("containers.count"));
  for (const [k, v] of r) assert.ok(Number.isFinite(v) && v >= 0, `${k} = ${v}`);
  await h.collectors.stop();
});
