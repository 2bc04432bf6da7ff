// hwmon on hwmon sysfs trees written after the kernel's documentation (test/fixtures/sys/hwmon-doc,
// see its README: this VM has no /sys/class/hwmon) and on this VM (nothing, one debug line); smart
// through a stand-in smartctl script answering with JSON fixtures (test/fixtures/smartctl, README),
// a hanging one (command_timeout), and the real smartctl of this VM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger } from "../../src/lib/logger.js";
import { createProcFs } from "../../src/collectors/index.js";
import { chipNames, chipReadings } from "../../src/collectors/hwmon.js";
import { parseSmartReport, parseSmartScan } from "../../src/collectors/smart.js";
import { tempDir } from "../helpers/tmp.js";
import { FIXTURES, fixture, fixtureTree, harness, MemoryProcFs } from "./helpers.js";

function recordingLog(): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger({ level: "debug", sink: { write: (l) => void lines.push(l) } }), lines };
}

test("chipReadings: units converted, labels path-safe, duplicate labels told apart, empty inputs skipped", () => {
  const files = new Map([
    ["temp1_input", "35000\n"], ["temp1_label", "SYSTIN\n"], ["temp2_input", "41500\n"], ["temp2_label", "SYSTIN\n"],
    ["in0_input", "1040\n"], ["in0_label", "Vcore\n"], ["fan2_input", "1081\n"], ["fan2_label", "CPU Fan\n"], ["temp3_input", "\n"],
    ["power1_input", "17250000\n"], ["pwm1", "128\n"],
  ]);
  assert.deepEqual(chipReadings("nct6775", files).map((r) => [r.sensor, r.value]), [
    ["CPU_Fan", 1081], ["Vcore", 1.04], ["power1", 17.25], ["SYSTIN_temp1", 35], ["SYSTIN_temp2", 41.5],
  ]);
  assert.deepEqual([...chipNames([{ dir: "hwmon2", name: "nvme" }, { dir: "hwmon3", name: "nvme" }, { dir: "hwmon1", name: "coretemp" }])], [
    ["hwmon2", "nvme_2"], ["hwmon3", "nvme_3"], ["hwmon1", "coretemp"],
  ]);
});

test("hwmon on a documented sysfs tree: hwmon.<chip>.<label> in °C, RPM, V, A, W, J", async () => {
  const fs = new MemoryProcFs(new Map(), fixtureTree("sys/hwmon-doc"));
  const m = await (await harness(["hwmon"], { procfs: fs })).run("hwmon");
  assert.deepEqual(Object.fromEntries(m), {
    "acpitz.temp1": 27.8,
    "coretemp.Package_id_0": 47,
    "coretemp.Core_0": 45,
    "coretemp.Core_1": 44,
    "nvme_2.Composite": 38.85,
    "nvme_2.Sensor_1": 41.85,
    "nvme_3.Composite": 35.85,
    "nct6775.fan1": 0,
    "nct6775.CPU_Fan": 1081,
    "nct6775.Vcore": 1.04,
    "nct6775.in1": 1.856,
    "nct6775.SYSTIN_temp1": 35,
    "nct6775.SYSTIN_temp2": 41.5,
    "amdgpu.curr1": 1.5,
    "amdgpu.energy1": 123.456789,
    "amdgpu.PPT": 17.25,
  });
});

test("hwmon: an old driver's attributes under device/ are found (real files through createProcFs)", async () => {
  const fs = createProcFs({ sys: join(FIXTURES, "sys/hwmon-old") });
  const m = await (await harness(["hwmon"], { procfs: fs as MemoryProcFs })).run("hwmon");
  assert.deepEqual(Object.fromEntries(m), { "w83627hf.temp1": 52, "w83627hf.in2": 3.4 });
});

test("hwmon on this VM (no /sys/class/hwmon): nothing published, no error, one debug line over many runs", async () => {
  const { log, lines } = recordingLog();
  const h = await harness(["hwmon"], { procfs: createProcFs() as MemoryProcFs, log });
  for (let i = 0; i < 3; i++) {
    assert.equal((await h.run("hwmon")).size, 0);
    h.clock.advance(10_000);
  }
  assert.equal(lines.filter((l) => l.includes("no hwmon sensors")).length, 1);
  assert.equal(lines.filter((l) => /\berror\b|\bwarn\b/.test(l)).length, 0, lines.join(""));
});

test("parseSmartScan / parseSmartReport: ATA in Diamond's shape, NVMe health log, failed health, exit status", () => {
  assert.deepEqual(parseSmartScan(fixture("smartctl/vm-scan.json")), [], "captured on this VM: no devices");
  assert.deepEqual(parseSmartScan(fixture("smartctl/scan.json")).map((d) => `${d.name}:${d.type}`), ["/dev/sda:sat", "/dev/sdb:sat", "/dev/nvme0:nvme"]);
  const ssd = parseSmartReport(fixture("smartctl/sata-ssd.json"));
  assert.equal(ssd.exitStatus, 0);
  assert.equal(ssd.metrics.get("health_passed"), 1);
  assert.equal(ssd.metrics.get("temperature"), 34);
  assert.equal(ssd.metrics.get("power_on_hours"), 12873);
  assert.equal(ssd.metrics.get("pre-fail.reallocated_sector_ct.raw_val"), 0);
  assert.equal(ssd.metrics.get("pre-fail.reallocated_sector_ct.thresh"), 10);
  assert.equal(ssd.metrics.get("old_age.total_lbas_written.raw_val"), 39018472211);
  assert.equal(ssd.metrics.has("pre-fail.used_rsvd_blk_cnt_tot.raw_val"), false, "id 179 is not a key attribute");
  const hdd = parseSmartReport(fixture("smartctl/failing-hdd.json"));
  assert.equal(hdd.metrics.get("health_passed"), 0);
  assert.equal(hdd.metrics.get("pre-fail.reallocated_sector_ct.raw_val"), 2008);
  assert.equal(hdd.metrics.get("old_age.current_pending_sector.raw_val"), 17);
  assert.equal(hdd.metrics.get("old_age.temperature_celsius.raw_val"), 37);
  const nvme = parseSmartReport(fixture("smartctl/nvme.json"));
  assert.equal(nvme.metrics.get("nvme.percentage_used"), 2);
  assert.equal(nvme.metrics.get("nvme.unsafe_shutdowns"), 41);
  assert.equal(nvme.metrics.get("temperature"), 41);
  assert.equal(parseSmartReport(fixture("smartctl/vm-vda.json")).exitStatus, 1);
  assert.equal(parseSmartReport(fixture("smartctl/no-permission.json")).exitStatus & 2, 2);
});

/** A smartctl stand-in: answers --scan and each device from the fixtures; /dev/sdc hangs. */
function fakeSmartctl(dir: string): string {
  const f = (n: string): string => join(FIXTURES, "smartctl", n);
  const path = join(dir, "smartctl");
  writeFileSync(
    path,
    `#!/bin/sh
for a in "$@"; do last="$a"; done
case "$*" in
  *--scan*) cat '${f("scan.json")}' ;;
  *) case "$last" in
       /dev/sda) cat '${f("sata-ssd.json")}' ;;
       /dev/sdb) cat '${f("failing-hdd.json")}'; exit 8 ;;
       /dev/nvme0) cat '${f("nvme.json")}' ;;
       /dev/sdd) cat '${f("no-permission.json")}'; exit 2 ;;
       /dev/sdc) exec sleep 30 ;;
     esac ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}

test("smart through smartctl: scanned devices published, a failing disk's exit status 8 still read", async () => {
  const bin = fakeSmartctl(tempDir());
  const m = await (await harness(["smart"], { ini: `[collector.smart]\nsmartctl = ${bin}\n` })).run("smart");
  assert.equal(m.get("sda.health_passed"), 1);
  assert.equal(m.get("sdb.health_passed"), 0);
  assert.equal(m.get("sdb.pre-fail.reallocated_sector_ct.raw_val"), 2008);
  assert.equal(m.get("nvme0.nvme.media_errors"), 0);
  assert.equal(m.get("nvme0.temperature"), 41);
});

test("smart: a hanging device is cut at command_timeout and skipped, an unreadable one warned once", async () => {
  const bin = fakeSmartctl(tempDir());
  const { log, lines } = recordingLog();
  const h = await harness(["smart"], { log, ini: `[collector.smart]\nsmartctl = ${bin}\ndevices = /dev/sdc, /dev/sdd, /dev/sda\ncommand_timeout = 300ms\ntimeout = 5s\n` });
  const t0 = Date.now();
  const m = await h.run("smart");
  assert.ok(Date.now() - t0 < 4000, "the 30 s sleep was killed");
  assert.equal(m.get("sda.health_passed"), 1);
  assert.equal([...m.keys()].some((k) => k.startsWith("sdc.") || k.startsWith("sdd.")), false);
  await h.run("smart");
  assert.equal(lines.filter((l) => l.includes("command_timeout")).length, 1, "warned once, not every run");
  assert.match(h.metrics.expose(), /loupe_collector_limit_hits_total\{collector="smart",limit="command_timeout"\} 2/, "counted every time");
  assert.equal(lines.filter((l) => l.includes("root needed")).length, 1);
});

test("smart with this VM's real smartctl: no devices, nothing published, a debug line, no error", async () => {
  const { log, lines } = recordingLog();
  const h = await harness(["smart"], { log });
  assert.equal((await h.run("smart")).size, 0);
  assert.equal(lines.filter((l) => l.includes("found no devices")).length, 1, lines.join(""));
  const missing = await harness(["smart"], { log, ini: "[collector.smart]\nsmartctl = /nonexistent/smartctl\n" });
  assert.equal((await missing.run("smart")).size, 0);
  assert.equal(lines.filter((l) => l.includes("smartctl unavailable")).length, 1);
});
