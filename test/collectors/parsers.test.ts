// Every pure parser on the files captured from this machine (test/fixtures/proc/vm, sys/vm), with
// exact values, plus the malformed inputs each must refuse or skip.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseProcStat, busyPercent } from "../../src/collectors/cpu.js";
import { parseMeminfo } from "../../src/collectors/memory.js";
import { parseLoadavg } from "../../src/collectors/loadavg.js";
import { parseUptime } from "../../src/collectors/uptime.js";
import { parseVmstat } from "../../src/collectors/vmstat.js";
import { parseSockstat } from "../../src/collectors/sockets.js";
import { parseNetstat } from "../../src/collectors/tcp.js";
import { parseNetDev } from "../../src/collectors/network.js";
import { parseDiskstats } from "../../src/collectors/iostat.js";
import { parseMountinfo, parseMounts, selectMounts, mountName } from "../../src/collectors/diskspace.js";
import { parsePidStat, parseFileNr } from "../../src/collectors/processes.js";
import { parseCpuList } from "../../src/collectors/procfs.js";
import { fixture } from "./helpers.js";

const vm = (p: string): string => fixture(`proc/vm/${p}`);

test("parseProcStat: total and both cores of the captured /proc/stat", () => {
  const s = parseProcStat(vm("stat"));
  assert.deepEqual(s.map((c) => c.cpu), ["total", "cpu0", "cpu1"]);
  assert.deepEqual(s[0]!.times, { user: 32733, nice: 0, system: 4515, idle: 157259, iowait: 325, irq: 0, softirq: 71, steal: 31, guest: 0, guest_nice: 0 });
  assert.deepEqual(s[2]!.times, { user: 18760, nice: 0, system: 2414, idle: 76052, iowait: 197, irq: 0, softirq: 58, steal: 15, guest: 0, guest_nice: 0 });
  // An old kernel with 4 columns only.
  assert.deepEqual(parseProcStat("cpu 1 2 3 4\ncpu0 1 2 3 4\n")[1]!.times, { user: 1, nice: 2, system: 3, idle: 4 });
  assert.equal(busyPercent({ idle: 0 }, { idle: 0 }), undefined, "no time passed");
});

test("parseMeminfo: names as the kernel writes them (Active(anon), as Diamond), value and unit", () => {
  const lines = parseMeminfo(vm("meminfo"));
  const m = new Map(lines.map((l) => [l.name, l]));
  assert.deepEqual(m.get("MemTotal"), { name: "MemTotal", value: 24684096, unit: "kB" });
  assert.deepEqual(m.get("Active(anon)"), { name: "Active(anon)", value: 1600, unit: "kB" });
  assert.equal(m.get("Inactive(file)")?.value, 354440);
  assert.equal(lines.length, vm("meminfo").trim().split("\n").length);
  assert.deepEqual(parseMeminfo("HugePages_Total:       7\n"), [{ name: "HugePages_Total", value: 7, unit: undefined }]);
});

test("parseLoadavg, parseUptime, parseCpuList", () => {
  assert.deepEqual(parseLoadavg(vm("loadavg")), { load1: 2.16, load5: 0.92, load15: 0.45, running: 11, total: 140 });
  assert.throws(() => parseLoadavg("garbage"), /unexpected \/proc\/loadavg/);
  assert.equal(parseUptime(vm("uptime")), 978.75);
  assert.throws(() => parseUptime("x y"), /unexpected \/proc\/uptime/);
  assert.equal(parseCpuList(fixture("sys/vm/devices/system/cpu/online")), 2);
  assert.equal(parseCpuList("0-3,6,8-9\n"), 7);
  assert.equal(parseCpuList("0\n"), 1);
});

test("parseVmstat and parseSockstat on the captured files", () => {
  const v = parseVmstat(vm("vmstat"));
  assert.equal(v.get("pgfault"), 6605804);
  assert.equal(v.get("pgmajfault"), 1150);
  assert.equal(v.get("pgpgin"), 1270085);
  assert.equal(v.get("pswpout"), 0);
  assert.equal(v.size, vm("vmstat").trim().split("\n").length);
  assert.deepEqual(Object.fromEntries(parseSockstat(vm("net/sockstat"))), { used: 16, tcp_inuse: 1, tcp_orphan: 0, tcp_tw: 26, tcp_alloc: 1, tcp_mem: 0, udp_inuse: 0, udp_mem: 0 });
});

test("parseNetstat: Tcp from /proc/net/snmp and TcpExt from /proc/net/netstat", () => {
  const snmp = parseNetstat(vm("net/snmp"));
  assert.equal(snmp.get("ActiveOpens"), 97);
  assert.equal(snmp.get("MaxConn"), -1);
  assert.equal(snmp.get("OutRsts"), 93);
  assert.equal(snmp.has("InReceives"), false, "Ip: lines are not Tcp");
  const ext = parseNetstat(vm("net/netstat"));
  assert.equal(ext.get("TW"), 49);
  assert.equal(ext.get("SyncookiesSent"), 0);
  assert.equal(ext.has("InOctets"), false, "IpExt is not Tcp");
});

test("parseNetDev: every interface with its 16 counters", () => {
  const d = parseNetDev(vm("net/dev"));
  assert.deepEqual([...d.keys()], ["lo", "ifb0", "ifb1", "eth0"]);
  const eth0 = d.get("eth0")!;
  assert.equal(eth0.rx_bytes, 240687502);
  assert.equal(eth0.rx_packets, 7979);
  assert.equal(eth0.tx_bytes, 657720);
  assert.equal(eth0.tx_packets, 5556);
  assert.equal(eth0.tx_compressed, 0);
  assert.equal(d.get("lo")!.rx_bytes, 157158);
});

test("parseDiskstats: 20-column kernel lines, loop and ram left out", () => {
  const d = parseDiskstats(vm("diskstats"));
  assert.deepEqual(d.map((x) => x.device), ["vda", "zram0"]);
  assert.deepEqual(d[0], {
    device: "vda",
    devId: "254:0",
    reads: 42834,
    reads_merged: 7931,
    reads_sectors: 2540170,
    reads_milliseconds: 24330,
    writes: 10372,
    writes_merged: 16745,
    writes_sectors: 2644384,
    writes_milliseconds: 7737,
    io_in_progress: 0,
    io_milliseconds: 5024,
    io_milliseconds_weighted: 32493,
  });
  assert.deepEqual(parseDiskstats("   8       1 sda1 100 200 300 400\n"), [], "old 7-column partition lines are skipped");
});

test("parseMountinfo / parseMounts and selection on the captured tables: only / is a real local filesystem here", () => {
  const info = parseMountinfo(vm("self/mountinfo"));
  assert.equal(info.length, 20);
  assert.deepEqual(info.find((m) => m.mountPoint === "/"), { devId: "254:0", mountPoint: "/", fsType: "ext4", device: "/dev/vda" });
  const filter = { filesystems: ["ext4", "xfs", "tmpfs"], includeNetwork: false, exclude: [] };
  assert.deepEqual(selectMounts(info, { ...filter, filesystems: ["ext4"] }).map((m) => m.mountPoint), ["/"]);
  assert.deepEqual(
    selectMounts(info, filter).map((m) => m.mountPoint),
    ["/", "/mnt/sandboxing/model_tools_env/v1/python"],
    "tmpfs under /dev and /sys are pseudo trees",
  );
  const mounts = parseMounts(vm("mounts"));
  assert.deepEqual(mounts.find((m) => m.mountPoint === "/"), { device: "/dev/vda", mountPoint: "/", fsType: "ext4" });
  assert.equal(mountName("/"), "root");
  assert.equal(mountName("/var/lib/my.data"), "_var_lib_my_data");
  assert.equal(parseMountinfo("27 1 254:0 /a\\040b /mnt/a\\040b rw - ext4 /dev/x rw\n")[0]!.mountPoint, "/mnt/a b");
});

test("parsePidStat and parseFileNr on captured files", () => {
  assert.deepEqual(parsePidStat(vm("1064/stat")), { state: "S", threads: 1 });
  assert.deepEqual(parsePidStat(vm("1/stat")), { state: "S", threads: 13 });
  assert.deepEqual(parsePidStat(vm("10/stat")), { state: "I", threads: 1 });
  assert.equal(parsePidStat("garbage"), undefined);
  assert.deepEqual(parseFileNr(vm("sys/fs/file-nr")), { allocated: 740, max: 2466183 });
  assert.throws(() => parseFileNr("x"), /unexpected file-nr/);
});
