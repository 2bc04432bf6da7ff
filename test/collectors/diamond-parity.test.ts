// Diamond parity: each option of issue 18's list with the value Diamond computes (formula read from
// Diamond's collector, worked by hand in the comments), and the config errors for values Diamond
// would not understand (file, line, section, key named; never a collector publishing nothing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { defaultConfig } from "../../src/config/index.js";
import { createCollectors } from "../../src/collectors/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { BYTE_UNITS, convertBytes, roundTo } from "../../src/collectors/units.js";
import { memUsedPercentage } from "../../src/collectors/memory.js";
import { fixture, harness, MemoryProcFs, RecordingSink, vmProcFs } from "./helpers.js";

const TEN_S = 10_000;

/** Runs a collector twice 10 s apart over two fixture states; returns the second run. */
async function twice(name: string, files: Record<string, [string, string]>, ini = ""): Promise<Map<string, number>> {
  const fs = new MemoryProcFs();
  for (const [path, [a]] of Object.entries(files)) fs.proc.set(path, a);
  const h = await harness([name], { procfs: fs, ini });
  await h.run(name);
  for (const [path, [, b]] of Object.entries(files)) fs.proc.set(path, b);
  h.clock.advance(TEN_S);
  return h.run(name);
}

test("units: Diamond's convertor names, 1024 multiples, bits ×8; rounding half away from zero", () => {
  assert.equal(convertBytes(1, "kB", "byte"), 1024);
  assert.equal(convertBytes(1024 ** 3, "byte", "gigabyte"), 1);
  assert.equal(convertBytes(1024 ** 3, "byte", "GiB"), 1);
  assert.equal(convertBytes(1, "byte", "bit"), 8);
  assert.equal(convertBytes(1024 * 1024, "byte", "Mbit"), 8);
  assert.equal(convertBytes(1024, "byte", "kilobit"), 8);
  for (const u of ["b", "B", "Kibit", "kbit", "KiB", "kB", "MB", "Mbyte", "TB", "PiB", "exabyte", "Zibit", "yottabyte"]) assert.ok(BYTE_UNITS.has(u), u);
  assert.throws(() => convertBytes(1, "byte", "furlong"), /unknown unit "furlong"/);
  assert.equal(roundTo(0.225, 2), 0.23);
  assert.equal(roundTo(31.5789, 0), 32);
  assert.equal(roundTo(-2.5, 0), -3);
});

test("memory: MemUsedPercentage = (MemTotal − MemAvailable) × 100 / MemTotal, round 2 then the wire's 0", async () => {
  const m = await (await harness(["memory"])).run("memory");
  // (24684096 − 23949004) × 100 / 24684096 = 2.978 → 2.98 → 3
  assert.equal(m.get("MemUsedPercentage"), 3);
  assert.equal(memUsedPercentage(1000, 545.04), 46, "45.496 → 45.5 → 46 (not 45): Diamond's double rounding");
  assert.equal(memUsedPercentage(0, 0), undefined);
});

test("memory: byte_unit uses the first unit only and keeps the names (Diamond), rounded to integers", async () => {
  const m = await (await harness(["memory"], { ini: "[collector.memory]\nbyte_unit = megabyte, byte\n" })).run("memory");
  assert.equal(m.get("MemTotal"), 24106, "24684096 kB / 1024 = 24105.5625 MiB → 24106");
  assert.equal(m.get("MemFree"), 23024, "23576280 / 1024 = 23023.71");
});

test("memory: detailed = false turns detailed on, as in Diamond (with a warning); empty is off", async () => {
  const lines: string[] = [];
  const { createLogger } = await import("../../src/lib/logger.js");
  const log = createLogger({ level: "warn", sink: { write: (l) => void lines.push(l) } });
  const off = await (await harness(["memory"])).run("memory");
  assert.equal(off.has("Active(anon)"), false);
  const on = await (await harness(["memory"], { log, ini: "[collector.memory]\ndetailed = false\n" })).run("memory");
  assert.equal(on.get("Active(anon)"), 1600 * 1024);
  assert.equal(lines.filter((l) => l.includes("detailed = false turns detailed on")).length, 1);
});

test("diskspace: byte_unit = byte, gigabyte publishes byte_* and gigabyte_* (2 decimals) and <unit>_percentfree", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("self/mountinfo", fixture("proc/crafted/mountinfo.1"));
  fs.fs.set("/", { bsize: 4096, blocks: 26214400, bfree: 10485760, bavail: 9437184, files: 6553600, ffree: 6000000 });
  const m = await (await harness(["diskspace"], { procfs: fs, ini: "[collector.diskspace]\nbyte_unit = byte, gigabyte\nfilesystems = ext4\n" })).run("diskspace");
  // 100 GiB filesystem, 40 GiB free, 36 GiB available
  assert.equal(m.get("root.byte_used"), 60 * 1024 ** 3);
  assert.equal(m.get("root.gigabyte_used"), 60);
  assert.equal(m.get("root.gigabyte_free"), 40);
  assert.equal(m.get("root.gigabyte_avail"), 36);
  assert.equal(m.get("root.byte_percentfree"), 40);
  assert.equal(m.get("root.gigabyte_percentfree"), 40);
  assert.equal(m.get("root.inodes_percentfree"), 92, "6000000 / 6553600 = 91.55 % → 92");
});

test("network: byte_unit accepts every Diamond unit (rx_megabyte, rx_Mbit, rx_kB), 2 decimals", async () => {
  const m = await twice("network", { "net/dev": [fixture("proc/crafted/net-dev.1"), fixture("proc/crafted/net-dev.2")] }, "[collector.network]\nbyte_unit = megabyte, Mbit, kB, byte\n");
  // eth0: 100000 bytes in 10 s = 10000 B/s
  assert.equal(m.get("eth0.rx_byte"), 10000);
  assert.equal(m.get("eth0.rx_kB"), 9.77, "9.765625");
  assert.equal(m.get("eth0.rx_megabyte"), 0.01, "0.0095");
  assert.equal(m.get("eth0.rx_Mbit"), 0.08, "0.0763");
  assert.equal(m.has("eth0.rx_bit"), false);
});

test("iostat: byte_unit kilobyte, exclude_devices, precision 3", async () => {
  const files = { diskstats: [fixture("proc/crafted/diskstats.1"), fixture("proc/crafted/diskstats.2")] as [string, string] };
  const m = await twice("iostat", files, "[collector.iostat]\nbyte_unit = kilobyte, byte\nsend_zero = true\nexclude_devices = nvme\n");
  // sda: 2000 sectors × 512 B read in 10 s
  assert.equal(m.get("sda.reads_kilobyte"), 1000);
  assert.equal(m.get("sda.reads_byte"), 1024000);
  assert.equal(m.get("sda.read_kilobyte_per_second"), 100);
  assert.equal(m.get("sda.average_request_size_kilobyte"), 6.667, "2000 kB / 300 requests");
  const devices = new Set([...m.keys()].map((k) => k.split(".")[0]));
  assert.deepEqual([...devices].sort(), ["sda", "sda1"], "nvme0n1 excluded although send_zero");
});

test("iostat: persistent_naming names devices ID_MODEL-ID_SERIAL[-partN] from udev's database", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.1"));
  fs.udev.set("b8:0", "S:disk/by-id/ata-X\nE:DEVTYPE=disk\nE:ID_MODEL=Samsung_SSD_870_EVO_1TB\nE:ID_SERIAL=Samsung_SSD_870_EVO_1TB_S6PTNX0T\n");
  fs.udev.set("b8:1", "E:DEVTYPE=partition\nE:ID_MODEL=Samsung_SSD_870_EVO_1TB\nE:ID_SERIAL=Samsung_SSD_870_EVO_1TB_S6PTNX0T\nE:ID_PART_ENTRY_NUMBER=1\n");
  const h = await harness(["iostat"], { procfs: fs, ini: "[collector.iostat]\npersistent_naming = true\nsend_zero = true\n" });
  await h.run("iostat");
  fs.proc.set("diskstats", fixture("proc/crafted/diskstats.2"));
  h.clock.advance(TEN_S);
  const m = await h.run("iostat");
  const devices = new Set([...m.keys()].map((k) => k.split(".")[0]));
  assert.deepEqual([...devices].sort(), ["Samsung_SSD_870_EVO_1TB-Samsung_SSD_870_EVO_1TB_S6PTNX0T", "Samsung_SSD_870_EVO_1TB-Samsung_SSD_870_EVO_1TB_S6PTNX0T-part1", "nvme0n1"], "nvme0n1 has no udev entry: kernel name");
});

test("cpu: derivative = false publishes the raw jiffies (normalize still divides the total)", async () => {
  const fs = new MemoryProcFs();
  fs.proc.set("stat", fixture("proc/crafted/stat-1cpu.1"));
  const m = await (await harness(["cpu"], { procfs: fs, ini: "[collector.cpu]\nderivative = false\n" })).run("cpu");
  assert.equal(m.get("total.user"), 1000);
  assert.equal(m.get("cpu0.idle"), 8000);
  assert.equal(m.get("cpu_count"), 1);
});

test("loadavg simple: load and load_normalized only (2 decimals)", async () => {
  const m = await (await harness(["loadavg"], { ini: "[collector.loadavg]\nsimple = true\n" })).run("loadavg");
  assert.deepEqual(Object.fromEntries(m), { load: 2.16, load_normalized: 1.08, processes_running: 11, processes_total: 140 });
});

test("uptime metric_name: the unit and the name (seconds, hours, Days)", async () => {
  assert.deepEqual(Object.fromEntries(await (await harness(["uptime"], { ini: "[collector.uptime]\nmetric_name = seconds\n" })).run("uptime")), { seconds: 979 });
  assert.deepEqual(Object.fromEntries(await (await harness(["uptime"], { ini: "[collector.uptime]\nmetric_name = hours\n" })).run("uptime")), { hours: 0 });
  assert.deepEqual(Object.fromEntries(await (await harness(["uptime"], { ini: "[collector.uptime]\nmetric_name = ms\n" })).run("uptime")), { ms: 978750 });
});

test("tcp gauges: listed names are levels, the rest per-second rates", async () => {
  const snmp = fixture("proc/vm/net/snmp");
  const snmp2 = snmp.replace(/^Tcp: 1 200 120000 -1 97 40/m, "Tcp: 1 200 120000 -1 197 40");
  const files = { "net/snmp": [snmp, snmp2] as [string, string], "net/netstat": [fixture("proc/vm/net/netstat"), fixture("proc/vm/net/netstat")] as [string, string] };
  const def = await twice("tcp", files, "[collector.tcp]\nallowed_names = ActiveOpens, CurrEstab\n");
  assert.deepEqual(Object.fromEntries(def), { ActiveOpens: 10, CurrEstab: 0 });
  const g = await twice("tcp", files, "[collector.tcp]\nallowed_names = ActiveOpens, CurrEstab\ngauges = ActiveOpens\n");
  assert.deepEqual(Object.fromEntries(g), { ActiveOpens: 197, CurrEstab: 0 }, "CurrEstab, a counter now, did not change");
});

test("interval and timeout as plain seconds, as in Diamond's configs", async () => {
  const h = await harness(["uptime"], { ini: "[collector.uptime]\ninterval = 300\ntimeout = 2.5\n" });
  const r = h.collectors.collectors.find((c) => c.def.name === "uptime")!;
  assert.equal(r.intervalMs, 300_000);
  assert.equal(r.timeoutMs, 2500);
});

test("proc: ctxt and processes per second (truncated), procs_running, procs_blocked, btime", async () => {
  const m = await twice("proc", { stat: [fixture("proc/crafted/stat-1cpu.1"), fixture("proc/crafted/stat-1cpu.2")] });
  // ctxt 5000 → 5400 in 10 s = 40/s; processes 300 → 305 = 0.5/s → int() → 0
  assert.deepEqual(Object.fromEntries(m), { ctxt: 40, processes: 0, procs_running: 2, procs_blocked: 0, btime: 1700000000 });
});

test("files: assigned, unused, max from /proc/sys/fs/file-nr", async () => {
  const m = await (await harness(["files"])).run("files");
  assert.deepEqual(Object.fromEntries(m), { assigned: 740, unused: 0, max: 2466183 });
});

test("path, path_suffix and hostname per collector: <prefix>.<hostname>.<path_suffix>.<path>.<metric>; path = . drops the segment", async () => {
  const run = async (ini: string): Promise<string[]> => {
    const sink = new RecordingSink();
    const c = await createCollectors({ config: defaultConfig(`[collectors]\nhostname = web-1\n${ini}`), sink, log: silentLogger, procfs: vmProcFs(), only: ["uptime"] });
    await c.scheduler.run("uptime");
    return sink.samples.map((s) => s.name).filter((n) => !n.startsWith("loupe."));
  };
  assert.deepEqual(await run("[collector.uptime]\npath = system.up\n"), ["servers.web-1.system.up.minutes"]);
  assert.deepEqual(await run("[collector.uptime]\npath_suffix = rack7\n"), ["servers.web-1.rack7.uptime.minutes"]);
  assert.deepEqual(await run("[collector.uptime]\nhostname = db-2\n"), ["servers.db-2.uptime.minutes"]);
  assert.deepEqual(await run("[collector.uptime]\npath = .\n"), ["servers.web-1.minutes"]);
});

const rejected: ReadonlyArray<[string, string, RegExp]> = [
  ["network byte_unit furlong", "[collector.network]\nbyte_unit = bit, furlong\n", /loupe\.ini:4: \[collector\.network\] byte_unit: invalid value "bit, furlong": expected a list of units among bit, b, byte/],
  ["diskspace byte_unit Gigabyte (case matters, as in Diamond)", "[collector.diskspace]\nbyte_unit = Gigabyte\n", /\[collector\.diskspace\] byte_unit/],
  ["uptime metric_name fortnights", "[collector.uptime]\nmetric_name = fortnights\n", /\[collector\.uptime\] metric_name: invalid value "fortnights": expected a time unit/],
  ["memory detailed maybe", "[collector.memory]\ndetailed = maybe\n", /\[collector\.memory\] detailed/],
  ["cpu derivative 2", "[collector.cpu]\nderivative = 2\n", /\[collector\.cpu\] derivative: invalid value "2": expected true or false/],
  ["iostat exclude_devices bad regex", "[collector.iostat]\nexclude_devices = (sd\n", /\[collector\.iostat\] exclude_devices/],
  ["nginx precision 11", "[collector.nginx]\nprecision = 11\n", /\[collector\.nginx\] precision/],
  ["path with a space", "[collector.cpu]\npath = my cpu\n", /\[collector\.cpu\] path: invalid value/],
  ["hostname with ..", "[collector.cpu]\nhostname = a..b\n", /\[collector\.cpu\] hostname/],
  ["an option Diamond has that Loupe does not", "[collector.cpu]\nxenfix = true\n", /\[collector\.cpu\] xenfix: unknown key/],
];
for (const [what, ini, re] of rejected) {
  test(`config rejected with file, line, section and key: ${what}`, async () => {
    await assert.rejects(harness(["cpu"], { ini: `${ini}` }).then(() => undefined), (err: Error) => {
      assert.match(String(err).replace("<config>", "loupe.ini"), re);
      return true;
    });
  });
}
