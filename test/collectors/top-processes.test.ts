// processes: top consumers grouped by name / unit / cgroup, bounded to top_n per criterion plus
// `other`; parsers on /proc files captured from this VM (test/fixtures/proc/top-vm, see its README),
// numbers on crafted stat lines (built from the captured bash line, fields replaced).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { createProcFs } from "../../src/collectors/index.js";
import { groupName, parsePidCgroup, parsePidIo, parsePidStatFull, selectTop, type GroupUsage } from "../../src/collectors/top.js";
import { fixture, harness, MemoryProcFs } from "./helpers.js";
import { processesDashboard } from "../../src/dashboards/builtin-processes.js";
import { evaluateTargets } from "../../src/query/index.js";
import { openTestStore } from "../ingest/test-store.js";
import { tempDir } from "../helpers/tmp.js";

const TEN_S = 10_000;

/** A /proc/<pid>/stat line: the captured bash line with comm, flags, utime, stime, start and rss replaced. */
function statLine(pid: number, comm: string, o: { utime?: number; stime?: number; start?: number; rss?: number; flags?: number; state?: string } = {}): string {
  const f = fixture("proc/top-vm/27294/stat").trim();
  const rest = f.slice(f.lastIndexOf(")") + 2).split(" ");
  rest[0] = o.state ?? "S";
  rest[6] = String(o.flags ?? 4194560);
  rest[11] = String(o.utime ?? 0);
  rest[12] = String(o.stime ?? 0);
  rest[19] = String(o.start ?? 1000 + pid);
  rest[21] = String(o.rss ?? 0);
  return `${pid} (${comm}) ${rest.join(" ")}\n`;
}

const ioText = (read: number, write: number): string => `rchar: 1\nwchar: 1\nsyscr: 1\nsyscw: 1\nread_bytes: ${read}\nwrite_bytes: ${write}\ncancelled_write_bytes: 0\n`;

test("parsers on the captured /proc files: stat (kernel thread flag, ticks, rss), io, cgroup", () => {
  const init = parsePidStatFull(fixture("proc/top-vm/1/stat"))!;
  assert.deepEqual(init, { comm: "process_api", state: "S", threads: 17, kernel: false, ticks: 1816 + 10736, start: 25, rssPages: 3839 });
  assert.equal(parsePidStatFull(fixture("proc/top-vm/2/stat"))!.kernel, true, "kthreadd has PF_KTHREAD");
  assert.equal(parsePidStatFull("12 (a) b) c) R 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22")?.comm, "a) b) c");
  assert.equal(parsePidStatFull("garbage"), undefined);
  assert.deepEqual(parsePidIo(fixture("proc/top-vm/27294/io")), { read: 27955200, write: 18300928 });
  assert.equal(parsePidIo("rchar: 1\n"), undefined);
  assert.deepEqual(parsePidCgroup(fixture("proc/top-vm/1/cgroup")), { path: "/", unit: "root" });
  assert.deepEqual(parsePidCgroup("0::/system.slice/nginx.service\n"), { path: "/system.slice/nginx.service", unit: "nginx.service" });
  assert.deepEqual(parsePidCgroup("0::/user.slice/user-1000.slice/session-3.scope\n"), { path: "/user.slice/user-1000.slice/session-3.scope", unit: "session-3.scope" });
  assert.deepEqual(parsePidCgroup("12:pids:/\n1:name=systemd:/system.slice/cron.service\n"), { path: "/system.slice/cron.service", unit: "cron.service" }, "v1: the systemd hierarchy");
  assert.deepEqual(parsePidCgroup("0::/system.slice\n"), { path: "/system.slice", unit: "system.slice" });
});

test("groupName: Graphite-safe, bounded, never the reserved names", () => {
  assert.equal(groupName("kworker/0:0H-events_highpri"), "kworker_0_0H-events_highpri");
  assert.equal(groupName("my.app worker"), "my_app_worker");
  assert.equal(groupName("/system.slice/nginx.service"), "system_slice_nginx_service");
  assert.equal(groupName("((("), "unknown");
  assert.equal(groupName("other"), "other_");
  assert.equal(groupName("kernel_threads"), "kernel_threads_");
  assert.equal(groupName("x".repeat(200)).length, 64);
});

test("selectTop: more groups than N → N + other per criterion; other sums the rest", () => {
  const groups = new Map<string, GroupUsage>();
  for (let i = 0; i < 20; i++) groups.set(`g${i}`, { count: 1, cpuPercent: i, rssBytes: 1000 - i, ioRead: undefined, ioWrite: undefined });
  const cpu = selectTop(groups, 3, ["cpu"]);
  assert.deepEqual([...cpu.keys()].sort(), ["g17", "g18", "g19", "other"]);
  assert.equal(cpu.get("other")!.count, 17);
  assert.equal(cpu.get("other")!.cpuPercent, (16 * 17) / 2, "0 + 1 + … + 16");
  const both = selectTop(groups, 3, ["cpu", "rss"]);
  assert.deepEqual([...both.keys()].sort(), ["g0", "g1", "g17", "g18", "g19", "g2", "other"], "top 3 by CPU ∪ top 3 by RSS, + other");
  assert.equal(selectTop(new Map([...groups].slice(0, 2)), 3, ["cpu"]).has("other"), false, "nothing left out: no other");
});

/** 30 processes named p0…p29 (pid 100+i), one kernel thread, one other user's process without io. */
function crowd(step: number): MemoryProcFs {
  const fs = new MemoryProcFs();
  for (let i = 0; i < 30; i++) {
    const pid = 100 + i;
    fs.proc.set(`${pid}/stat`, statLine(pid, `p${i}`, { utime: step * i * 10, stime: step * 5, rss: 10 * (i + 1) }));
    fs.proc.set(`${pid}/io`, ioText(step * 4096 * i, step * 1000));
    fs.proc.set(`${pid}/cgroup`, `0::/system.slice/svc${i % 2}.service\n`);
  }
  fs.proc.set("7/stat", statLine(7, "kworker/0:1", { flags: 69238880, utime: step * 50 }));
  fs.proc.set("8/stat", statLine(8, "p3", { utime: step * 100, rss: 5 }), );
  fs.proc.set("sys/fs/file-nr", "1\t0\t100\n");
  fs.proc.set("self/smaps", "00400000-00401000 r-xp 00000000 00:00 0\nKernelPageSize:        4 kB\n");
  return fs;
}

test("processes top: top_n = 3 by cpu and io (the same 3 here) → 3 groups + other, exact CPU %, RSS, I/O per second; a same-name process joins its group", async () => {
  const fs = crowd(0);
  const h = await harness(["processes"], { procfs: fs, ini: "[collector.processes]\ntop_n = 3\ntop_by = cpu, io\n" });
  const first = await h.run("processes");
  assert.equal(first.has("top.p29.cpu_percent"), false, "first run: no rates yet");
  for (const [k, v] of crowd(1).proc) fs.proc.set(k, v);
  h.clock.advance(TEN_S);
  const m = await h.run("processes");
  const groups = new Set([...m.keys()].filter((k) => k.startsWith("top.")).map((k) => k.split(".")[1]));
  // p29: 290 + 5 ticks in 10 s at 100 Hz = 29.5 %, p28 28.5 %, p27 27.5 %; the rest is other.
  assert.deepEqual([...groups].sort(), ["other", "p27", "p28", "p29"]);
  assert.equal(m.get("top.p29.cpu_percent"), 29.5);
  assert.equal(m.get("top.p28.cpu_percent"), 28.5);
  // other: p0…p26 (Σ 10i + 5 = 3510 + 135), p3's second process (100), the kernel thread (50)
  assert.equal(m.get("top.other.cpu_percent"), (3510 + 135 + 100 + 50) / 10);
  assert.equal(m.get("top.p29.rss_bytes"), 300 * 4096);
  assert.equal(m.get("top.p29.io_read_bytes"), (4096 * 29) / 10);
  assert.equal(m.get("top.other.rss_bytes"), (((27 * 28) / 2) * 10 + 5) * 4096, "pages 10…270 of p0…p26, 5 of pid 8, 0 of the kernel thread");
  assert.equal(m.get("top.p29.io_write_bytes"), 100);
  assert.equal(m.get("top.p29.count"), 1);
  assert.equal(m.get("top.other.count"), 29, "32 processes − 3 kept");
  // 31 groups (p3 twice), 3 kept, twice (both runs): the bound is counted on /metrics
  assert.match(h.metrics.expose(), /loupe_collector_limit_hits_total\{collector="processes",limit="top_n"\} 56/);
  assert.equal(m.get("total"), 32);
});

test("processes top: group_by unit reads /proc/<pid>/cgroup; unreadable io leaves io out, not zero", async () => {
  const fs = crowd(0);
  for (let i = 0; i < 30; i++) fs.proc.delete(`${100 + i}/io`);
  const h = await harness(["processes"], { procfs: fs, ini: "[collector.processes]\ngroup_by = unit\ntop_n = 5\n" });
  await h.run("processes");
  for (const [k, v] of crowd(1).proc) if (!k.endsWith("/io")) fs.proc.set(k, v);
  h.clock.advance(TEN_S);
  const m = await h.run("processes");
  const groups = new Set([...m.keys()].filter((k) => k.startsWith("top.")).map((k) => k.split(".")[1]));
  assert.deepEqual([...groups].sort(), ["kernel_threads", "svc0_service", "svc1_service", "unknown"], "pid 8 has no cgroup file");
  assert.equal(m.get("top.svc0_service.count"), 15);
  assert.equal(m.has("top.svc0_service.io_read_bytes"), false);
});

test("processes top: top_n = 0 publishes no top series; bad top_by is a config error naming the key", async () => {
  const m = await (await harness(["processes"], { procfs: crowd(0), ini: "[collector.processes]\ntop_n = 0\n" })).run("processes");
  assert.equal([...m.keys()].some((k) => k.startsWith("top.")), false);
  await assert.rejects(harness(["processes"], { procfs: crowd(0), ini: "[collector.processes]\ntop_by = cpu, disk\n" }), /\[collector\.processes\] top_by: invalid value "cpu, disk": expected a list among cpu, rss, io/);
  await assert.rejects(harness(["processes"], { procfs: crowd(0), ini: "[collector.processes]\ngroup_by = user\n" }), /group_by/);
});

test("processes top on this machine's /proc: bounded, and this test's own process is among the RSS top", async () => {
  const live = createProcFs();
  const fs = new MemoryProcFs();
  fs.readProc = (p) => live.readProc(p);
  fs.readProcSync = (p) => live.readProcSync!(p);
  fs.listProc = (p) => live.listProc(p);
  const h = await harness(["processes"], { procfs: fs, ini: "[collector.processes]\ntop_n = 3\ntop_by = rss\n" });
  await h.run("processes");
  h.clock.advance(TEN_S);
  const m = await h.run("processes");
  const groups = new Set([...m.keys()].filter((k) => k.startsWith("top.")).map((k) => k.split(".")[1]));
  assert.ok(groups.size <= 4, `at most 3 + other: ${[...groups].join(",")}`);
  const pids = readdirSync("/proc").filter((n) => /^\d+$/.test(n)).length;
  assert.ok(Math.abs(m.get("total")! - pids) < 20);
  let sum = 0;
  for (const g of groups) sum += m.get(`top.${g}.count`) ?? 0;
  assert.equal(sum, m.get("total"), "every process is in exactly one group");
});

test("processes top without a synchronous reader (an async-only procfs): the same figures", async () => {
  const run = async (sync: boolean): Promise<Map<string, number>> => {
    const fs = crowd(0);
    if (!sync) Object.assign(fs, { readProcSync: undefined });
    const h = await harness(["processes"], { procfs: fs, ini: "[collector.processes]\ntop_n = 3\ngroup_by = unit\ntop_by = cpu, io\n" });
    await h.run("processes");
    for (const [k, v] of crowd(1).proc) fs.proc.set(k, v);
    h.clock.advance(TEN_S);
    return h.run("processes");
  };
  const a = await run(true);
  assert.ok(a.get("top.svc1_service.cpu_percent")! > 0);
  assert.deepEqual(Object.fromEntries(await run(false)), Object.fromEntries(a));
});

test("Processes dashboard: every target parses and renders the collector's own series (one line per group)", async () => {
  const fs = crowd(0);
  const h = await harness(["processes"], { procfs: fs, ini: "[collector.processes]\ntop_n = 3\ntop_by = cpu, rss, io\n" });
  const t0 = h.clock.now();
  await h.run("processes");
  const all = [...h.sink.samples];
  for (const [k, v] of crowd(1).proc) fs.proc.set(k, v);
  h.clock.advance(TEN_S);
  await h.run("processes");
  all.push(...h.sink.samples);
  const store = await openTestStore(tempDir("loupe-processes-dash-"));
  try {
    await store.write(all.filter((s) => !s.name.startsWith("loupe.")));
    const d = processesDashboard({ host: "testhost", prefix: "servers" });
    assert.equal(d.uid, "processes");
    assert.deepEqual(d.variables.map((v) => [v.name, v.query, v.includeAll]), [["host", "servers.*", true]]);
    const render = (title: string): Record<string, number | null> => {
      const panel = d.panels.find((p) => p.title === title);
      assert.ok(panel !== undefined, title);
      const out: Record<string, number | null> = {};
      const targets = panel.targets.map((t) => t.target.split("$host").join("testhost"));
      for (const r of evaluateTargets(store, targets, t0 + 5_000, t0 + 60_000, undefined, { now: t0 + 60_000 })) for (const s of r.series) {
        const last = s.values.filter((x) => x !== null).at(-1);
        if (last !== undefined) out[s.name] = last; // a group that left the top N has no points here
      }
      return out;
    };
    assert.deepEqual(render("Top CPU (% of one core)"), { other: (3510 + 135 + 100 + 50) / 10, p27: 27.5, p28: 28.5, p29: 29.5 });
    // From the second run on; the first run's top (no rates yet: ties by name) shows as series that stop.
    assert.deepEqual(Object.keys(render("Top memory (RSS)")).sort(), ["other", "p27", "p28", "p29"]);
    assert.equal(render("Top disk reads")["p29"], (4096 * 29) / 10);
    assert.equal(render("Processes per group")["other"], 29);
    assert.deepEqual(render("Processes"), { testhost: 32 });
    assert.deepEqual(Object.keys(render("Processes by state")).sort(), ["blocked", "running", "stopped", "zombie"]);
    for (const p of d.panels) assert.ok(Object.keys(render(p.title)).length > 0, `${p.title} renders something`);
  } finally {
    await store.close();
  }
});
