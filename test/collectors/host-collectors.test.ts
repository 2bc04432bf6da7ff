// Every built-in host collector run through config → registry → scheduler on captured /proc files
// (test/fixtures/proc/vm, this machine) and crafted variants (1 and 64 CPUs, a counter wrap, a
// counter reset, an interface appearing, a filesystem vanishing, a hung statfs). Exact values.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createProcFs } from "../../src/collectors/index.js";
import { tempDir } from "../helpers/tmp.js";
import { fixture, harness, MemoryProcFs, vmProcFs } from "./helpers.js";

const TEN_S = 10_000;

function approx(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what} missing`);
  assert.ok(Math.abs(actual - expected) < 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} ≠ ${expected}`);
}

test("cpu on 1 CPU: first run primes (only cpu_count), second gives jiffies per second for total and cpu0", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("stat", fixture("proc/crafted/stat-1cpu.1"));
  const h = await harness(["cpu"], { procfs: fs });
  const first = await h.run("cpu");
  assert.deepEqual([...first], [["cpu_count", 1]]);
  fs.proc.set("stat", fixture("proc/crafted/stat-1cpu.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("cpu");
  for (const cpu of ["total", "cpu0"]) {
    assert.equal(m.get(`${cpu}.user`), 25);
    assert.equal(m.get(`${cpu}.nice`), 0);
    assert.equal(m.get(`${cpu}.system`), 5);
    assert.equal(m.get(`${cpu}.idle`), 65);
    assert.equal(m.get(`${cpu}.iowait`), 1);
    assert.equal(m.get(`${cpu}.softirq`), 0.5);
    assert.equal(m.get(`${cpu}.guest_nice`), 0);
  }
  assert.equal(m.size, 1 + 2 * 10);
});

test("cpu on 64 CPUs with normalize: total divided by 64, cores as they are; percore=false drops cores", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("stat", fixture("proc/crafted/stat-64cpu.1"));
  const h = await harness(["cpu"], { procfs: fs, ini: "[collector.cpu]\nnormalize = true\n" });
  await h.run("cpu");
  fs.proc.set("stat", fixture("proc/crafted/stat-64cpu.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("cpu");
  assert.equal(m.get("cpu_count"), 64);
  approx(m.get("total.user"), 2080 / 10 / 64, "total.user");
  approx(m.get("total.system"), 64 / 10 / 64, "total.system");
  approx(m.get("total.idle"), 512 / 10 / 64, "total.idle");
  approx(m.get("cpu0.user"), 0.1, "cpu0.user");
  approx(m.get("cpu63.user"), 6.4, "cpu63.user");
  approx(m.get("cpu63.idle"), 0.8, "cpu63.idle");
  assert.equal(m.size, 1 + 65 * 10);

  const fs2 = new MemoryProcFs();
  fs2.proc.set("stat", fixture("proc/crafted/stat-64cpu.1"));
  const h2 = await harness(["cpu"], { procfs: fs2, ini: "[collector.cpu]\npercore = false\n" });
  await h2.run("cpu");
  fs2.proc.set("stat", fixture("proc/crafted/stat-64cpu.2"));
  h2.clock.advance(TEN_S);
  const m2 = await h2.run("cpu");
  assert.equal(m2.size, 1 + 10);
  approx(m2.get("total.user"), 208, "total.user (not normalized)");
});

test("cpu simple: only percent (Diamond's name), busy share of user+nice+system+idle, an integer", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("stat", fixture("proc/crafted/stat-1cpu.1"));
  const h = await harness(["cpu"], { procfs: fs, ini: "[collector.cpu]\nsimple = true\n" });
  assert.equal((await h.run("cpu")).size, 0);
  fs.proc.set("stat", fixture("proc/crafted/stat-1cpu.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("cpu");
  assert.deepEqual([...m.keys()], ["percent"]);
  // Δuser 250 + Δnice 0 + Δsystem 50 + Δidle 650 = 950; 100 − 650·100/950 = 31.58 → 32
  assert.equal(m.get("percent"), 32);
});

test("cpu on this machine's captured /proc/stat: 2 cores", async () => {
  const h = await harness(["cpu"]);
  assert.equal((await h.run("cpu")).get("cpu_count"), 2);
});

test("memory: the usual /proc/meminfo lines in bytes; detailed adds every line", async () => {
  const h = await harness(["memory"]);
  const m = await h.run("memory");
  assert.equal(m.get("MemTotal"), 24684096 * 1024);
  assert.equal(m.get("MemFree"), 23576280 * 1024);
  assert.equal(m.get("MemAvailable"), 23949004 * 1024);
  assert.equal(m.get("Buffers"), 4996 * 1024);
  assert.equal(m.get("Cached"), 548768 * 1024);
  assert.equal(m.get("Active"), 192136 * 1024);
  assert.equal(m.get("Inactive"), 697032 * 1024);
  assert.equal(m.get("Dirty"), 784 * 1024);
  assert.equal(m.get("Shmem"), 8788 * 1024);
  assert.equal(m.get("SwapTotal"), 0);
  assert.equal(m.get("SwapFree"), 0);
  assert.equal(m.has("Active(anon)"), false);
  const d = await (await harness(["memory"], { ini: "[collector.memory]\ndetailed = true\n" })).run("memory");
  assert.equal(d.get("Active(anon)"), 1600 * 1024, "Diamond's name, parentheses kept");
  assert.equal(d.get("ShmemHugePages"), 0);
  assert.equal(d.has("HugePages_Total"), false, "lines without a unit are skipped, as in Diamond");
});

test("loadavg: load, per-CPU load from /sys cpu online (2 decimals, as Diamond), running and total processes", async () => {
  const h = await harness(["loadavg"]);
  const m = await h.run("loadavg");
  assert.deepEqual(Object.fromEntries(m), {
    "01": 2.16,
    "05": 0.92,
    "15": 0.45,
    "01_normalized": 1.08,
    "05_normalized": 0.46,
    "15_normalized": 0.23, // 0.225 → 0.23
    processes_running: 11,
    processes_total: 140,
  });
  const fs = vmProcFs();
  fs.sys.set("devices/system/cpu/online", "0-63\n");
  const m64 = await (await harness(["loadavg"], { procfs: fs })).run("loadavg");
  assert.equal(m64.get("01_normalized"), 0.03, "2.16 / 64 = 0.03375");
});

test("uptime: whole minutes since boot, as Diamond sends them", async () => {
  const m = await (await harness(["uptime"])).run("uptime");
  assert.deepEqual(Object.fromEntries(m), { minutes: 16 }, "978.75 s = 16.31 min");
});

test("vmstat: per-second rates of paging counters after priming", async () => {
  const fs = vmProcFs();
  const h = await harness(["vmstat"], { procfs: fs });
  assert.equal((await h.run("vmstat")).size, 0);
  fs.proc.set("vmstat", fs.proc.get("vmstat")!.replace("pgfault 6605804", "pgfault 6606804").replace("pgpgin 1270085", "pgpgin 1270585"));
  h.clock.advance(TEN_S);
  const m = await h.run("vmstat");
  assert.deepEqual(Object.fromEntries(m), { pgfault: 100, pgmajfault: 0, pgpgin: 50, pgpgout: 0, pswpin: 0, pswpout: 0 });
});

test("sockets: sockstat gauges", async () => {
  const m = await (await harness(["sockets"])).run("sockets");
  assert.deepEqual(Object.fromEntries(m), { used: 16, tcp_inuse: 1, tcp_orphan: 0, tcp_tw: 26, tcp_alloc: 1, tcp_mem: 0, udp_inuse: 0, udp_mem: 0 });
});

test("tcp: CurrEstab as a gauge at once, counters as rates from the second run", async () => {
  const fs = vmProcFs();
  const h = await harness(["tcp"], { procfs: fs });
  assert.deepEqual(Object.fromEntries(await h.run("tcp")), { CurrEstab: 0 });
  fs.proc.set("net/snmp", fs.proc.get("net/snmp")!.replace("Tcp: 1 200 120000 -1 97 40 1 0 0 8416 5978 8 0 93 0", "Tcp: 1 200 120000 -1 107 45 1 0 3 9416 6978 28 0 93 0"));
  h.clock.advance(TEN_S);
  const m = await h.run("tcp");
  assert.equal(m.get("CurrEstab"), 3);
  assert.equal(m.get("ActiveOpens"), 1);
  assert.equal(m.get("PassiveOpens"), 0.5);
  assert.equal(m.get("RetransSegs"), 2);
  assert.equal(m.get("InSegs"), 100);
  assert.equal(m.has("MaxConn"), false, "not in allowed_names");
  assert.equal(m.has("ListenDrops"), true, "from /proc/net/netstat TcpExt");
});

test("network: interface filter, bytes as byte and bit per second, a reset re-primes, a new interface primes", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("net/dev", fixture("proc/crafted/net-dev.1"));
  const h = await harness(["network"], { procfs: fs });
  assert.equal((await h.run("network")).size, 0, "first run only primes");

  fs.proc.set("net/dev", fixture("proc/crafted/net-dev.2"));
  h.clock.advance(TEN_S);
  const m2 = await h.run("network");
  assert.equal(m2.get("eth0.rx_byte"), 10_000);
  assert.equal(m2.get("eth0.rx_bit"), 80_000);
  assert.equal(m2.get("eth0.tx_byte"), 2_000);
  assert.equal(m2.get("eth0.rx_packets"), 10);
  assert.equal(m2.get("eth0.tx_packets"), 2);
  assert.equal(m2.get("eth0.rx_drop"), 0.1);
  assert.equal(m2.get("eth0.rx_errors"), 0);
  assert.equal([...m2.keys()].filter((k) => k.startsWith("lo.")).length, 0, "lo is not collected by default");
  assert.equal(m2.has("ens3.rx_byte"), false, "ens3 went down from 4294967000 to 300: a reset, no spike");
  assert.equal(m2.has("ens3.rx_packets"), false);
  assert.equal([...m2.keys()].filter((k) => k.startsWith("eth1.")).length, 0, "eth1 appeared: primes only");

  fs.proc.set("net/dev", fixture("proc/crafted/net-dev.3"));
  h.clock.advance(TEN_S);
  const m3 = await h.run("network");
  assert.equal(m3.get("eth1.rx_byte"), 1_000);
  assert.equal(m3.get("eth1.tx_packets"), 10);
  assert.equal(m3.get("ens3.rx_byte"), 100);
  assert.equal(m3.get("ens3.rx_packets"), 1);
  assert.equal(m3.get("eth0.rx_byte"), 10_000);
});

test("iostat: a 32-bit counter wrap counted right, Diamond's derived values, idle devices left out", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.1"));
  const h = await harness(["iostat"], { procfs: fs });
  assert.equal((await h.run("iostat")).size, 0);
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("iostat");
  assert.equal(m.get("sda.reads"), 200, "4294967200 → 104 wraps at 2^32: 200 reads");
  assert.equal(m.get("sda.writes"), 100);
  assert.equal(m.get("sda.reads_byte"), 2000 * 512);
  assert.equal(m.get("sda.writes_byte"), 2000 * 512);
  assert.equal(m.get("sda.read_byte_per_second"), 102_400);
  assert.equal(m.get("sda.reads_per_second"), 20);
  assert.equal(m.get("sda.writes_per_second"), 10);
  assert.equal(m.get("sda.iops"), 30);
  assert.equal(m.get("sda.io"), 300);
  assert.equal(m.get("sda.util_percentage"), 10);
  assert.equal(m.get("sda.average_queue_length"), 0.1);
  assert.equal(m.get("sda.await"), 2);
  assert.equal(m.get("sda.read_await"), 2.5);
  assert.equal(m.get("sda.write_await"), 1);
  assert.equal(m.get("sda.io_in_progress"), 2);
  // Diamond publishes iostat values with precision 3
  assert.equal(m.get("sda.service_time"), 3.333, "1000 / 300");
  assert.equal(m.get("sda.concurrent_io"), 0.1, "30 × 3.333… / 1000");
  assert.equal(m.get("sda.average_request_size_byte"), 6826.667, "2 × 2000 × 512 / 300");
  const devices = new Set([...m.keys()].map((k) => k.split(".")[0]));
  assert.deepEqual([...devices], ["sda"], "sda1 and nvme0n1 did no I/O; loop and ram are never collected");
});

test("iostat send_zero publishes idle devices too", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.1"));
  const h = await harness(["iostat"], { procfs: fs, ini: "[collector.iostat]\nsend_zero = true\n" });
  await h.run("iostat");
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("iostat");
  assert.equal(m.get("nvme0n1.iops"), 0);
  assert.equal(m.get("sda1.reads"), 0);
});

function diskFs(): MemoryProcFs {
  const fs = new MemoryProcFs();
  fs.proc.set("self/mountinfo", fixture("proc/crafted/mountinfo.1"));
  fs.fs.set("/", { bsize: 4096, blocks: 1000, bfree: 400, bavail: 300, files: 100, ffree: 60 });
  fs.fs.set("/boot", { bsize: 1024, blocks: 500, bfree: 100, bavail: 100, files: 50, ffree: 40 });
  fs.fs.set("/var/lib/my.data", { bsize: 4096, blocks: 10, bfree: 10, bavail: 9, files: 5, ffree: 5 });
  fs.fs.set("/media/USB Stick", { bsize: 512, blocks: 8, bfree: 4, bavail: 4, files: 0, ffree: 0 });
  fs.fs.set("/mnt/nfs", { bsize: 4096, blocks: 7, bfree: 7, bavail: 7, files: 7, ffree: 7 });
  return fs;
}

test("diskspace: Diamond names (root, _boot, dots → _), one entry per device, no network, no pseudo, filters; a vanished filesystem stops", async () => {
  const fs = diskFs();
  const h = await harness(["diskspace"], { procfs: fs, ini: "[collector.diskspace]\ninclude_network = false\n" });
  const m = await h.run("diskspace");
  assert.equal(m.get("root.byte_used"), 4096 * 600);
  assert.equal(m.get("root.byte_percentfree"), 40, "bfree 400 × 100 / blocks 1000");
  assert.equal(m.get("root.inodes_percentfree"), 60);
  assert.equal(m.get("_boot.byte_percentfree"), 20);
  assert.equal(m.get("_boot.inodes_percentfree"), 80);
  assert.equal(m.has("_media_USB_Stick.inodes_percentfree"), false, "no inodes: not published, as in Diamond");
  assert.equal(m.get("root.byte_free"), 4096 * 400);
  assert.equal(m.get("root.byte_avail"), 4096 * 300);
  assert.equal(m.get("root.inodes_used"), 40);
  assert.equal(m.get("root.inodes_free"), 60);
  assert.equal(m.get("root.inodes_avail"), 60);
  assert.equal(m.get("_boot.byte_used"), 1024 * 400);
  assert.equal(m.get("_var_lib_my_data.byte_avail"), 4096 * 9);
  assert.equal(m.get("_media_USB_Stick.byte_used"), 512 * 4);
  const names = new Set([...m.keys()].map((k) => k.slice(0, k.lastIndexOf("."))));
  assert.deepEqual([...names].sort(), ["_boot", "_media_USB_Stick", "_var_lib_my_data", "root"], "not /srv/bind (same device), /mnt/nfs, /run, /proc, /dev, /export/home");
  assert.equal(m.size, 4 * 8 - 1, "4 byte values, inodes_percentfree and 3 inode values each; the stick has no inodes");

  fs.proc.set("self/mountinfo", fixture("proc/crafted/mountinfo.2"));
  h.clock.advance(TEN_S);
  const m2 = await h.run("diskspace");
  assert.equal([...m2.keys()].some((k) => k.startsWith("_var_lib_my_data.")), false, "vanished filesystem is no longer published");
  assert.equal(m2.size, 3 * 8 - 1);
});

test("diskspace: a mount gone between the table and statfs is skipped, the rest published", async () => {
  const fs = diskFs();
  fs.fs.delete("/boot");
  const m = await (await harness(["diskspace"], { procfs: fs })).run("diskspace");
  assert.equal(m.has("_boot.byte_used"), false);
  assert.equal(m.get("root.byte_used"), 4096 * 600);
});

test("diskspace: a hung statfs is bounded by statfs_timeout and not retried while it hangs", async () => {
  const fs = diskFs();
  fs.fs.set("/boot", "hang");
  const h = await harness(["diskspace"], { procfs: fs, ini: "[collector.diskspace]\nstatfs_timeout = 50ms\n" });
  const m = await h.run("diskspace");
  assert.equal(m.has("_boot.byte_used"), false);
  assert.equal(m.get("root.byte_used"), 4096 * 600);
  const calls = fs.statfsCalls;
  assert.equal(calls, 5, "/, /boot, /var/lib/my.data, /media/USB Stick, /mnt/nfs");
  assert.match(h.metrics.expose(), /loupe_collector_limit_hits_total\{collector="diskspace",limit="statfs_timeout"\} 1/);
  h.clock.advance(TEN_S);
  const m2 = await h.run("diskspace");
  assert.equal(fs.statfsCalls, calls + 4, "the hanging /boot is not asked again while its statfs is pending");
  assert.equal(m2.get("root.byte_used"), 4096 * 600);
});

test("diskspace: NFS measured by default as in Diamond; include_network = false leaves network filesystems out", async () => {
  const fs = diskFs();
  const off = await (await harness(["diskspace"], { procfs: fs, ini: "[collector.diskspace]\nfilesystems = ext4, nfs4\ninclude_network = false\n" })).run("diskspace");
  assert.deepEqual([...new Set([...off.keys()].map((k) => k.split(".")[0]))], ["root"]);
  const on = await (await harness(["diskspace"], { procfs: fs })).run("diskspace");
  assert.equal(on.get("_mnt_nfs.byte_free"), 4096 * 7);
});

test("processes: counts by state (comm with spaces and parentheses), threads, file handles", async () => {
  const fs = new MemoryProcFs();
  for (const line of fixture("proc/crafted/pids.txt").trim().split("\n")) fs.proc.set(`${line.split(" ")[0]}/stat`, line);
  fs.proc.set("sys/fs/file-nr", "740\t0\t2466183\n");
  fs.proc.set("net/dev", "");
  const m = await (await harness(["processes"], { procfs: fs })).run("processes");
  assert.equal(m.get("total"), 7);
  assert.equal(m.get("sleeping"), 2);
  assert.equal(m.get("idle"), 1);
  assert.equal(m.get("running"), 1);
  assert.equal(m.get("blocked"), 1);
  assert.equal(m.get("zombie"), 1);
  assert.equal(m.get("stopped"), 1);
  assert.equal(m.get("threads"), 17);
  assert.equal(m.get("fds"), 740);
  assert.equal(m.get("fds_max"), 2466183);
  const vm = await (await harness(["processes"])).run("processes");
  assert.equal(vm.get("total"), 6);
  assert.equal(vm.get("sleeping"), 3);
  assert.equal(vm.get("idle"), 3);
});

test("diskspace: a labelled filesystem is named by its label (Diamond), unless use_labels = false", async () => {
  const fs = diskFs();
  fs.labels.set("/dev/vdb", "big.data");
  const m = await (await harness(["diskspace"], { procfs: fs })).run("diskspace");
  assert.equal(m.get("big_data.byte_avail"), 4096 * 9);
  assert.equal(m.has("_var_lib_my_data.byte_avail"), false);
  const off = await (await harness(["diskspace"], { procfs: fs, ini: "[collector.diskspace]\nuse_labels = false\n" })).run("diskspace");
  assert.equal(off.get("_var_lib_my_data.byte_avail"), 4096 * 9);
});

test("disk labels are read from /dev/disk/by-label symlinks (udev escapes undone)", async () => {
  const dir = tempDir();
  mkdirSync(join(dir, "by-label"));
  writeFileSync(join(dir, "vdb"), "");
  symlinkSync("../vdb", join(dir, "by-label", "my\\x20disk"));
  symlinkSync("../missing", join(dir, "by-label", "dangling"));
  const labels = await createProcFs({ byLabel: join(dir, "by-label") }).diskLabels();
  assert.deepEqual([...labels], [[join(dir, "vdb"), "my disk"]]);
  assert.deepEqual([...(await createProcFs({ byLabel: join(dir, "nope") }).diskLabels())], []);
});
