/** Host detection and status (src/query/hosts.ts) against the real store in a temp dir. */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Sample } from "../../src/model/index.js";
import { collectdRoot, diamondHost, estimateInterval, listHosts, type HostsOptions, type HostRow } from "../../src/query/index.js";
import { openTestStore } from "../ingest/test-store.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);
const OPTS: HostsOptions = { pathPrefix: "servers", ownHost: "web1", defaultIntervalMs: 10_000, silentIntervals: 3, maxHosts: 100, now: NOW };

/** `count` points every `step` ms of `value` ending at `last`. */
function points(name: string, last: number, step: number, count: number, value: number, tags?: Record<string, string>): Sample[] {
  return Array.from({ length: count }, (_, i) => ({ name, ts: last - (count - 1 - i) * step, value, ...(tags ? { tags } : {}) }));
}

async function withStore(samples: readonly Sample[], run: (store: Awaited<ReturnType<typeof openTestStore>>) => void): Promise<void> {
  const store = await openTestStore(tempDir("loupe-hosts-"));
  try {
    await store.write([...samples].sort((a, b) => a.ts - b.ts));
    run(store);
  } finally {
    await store.close();
  }
}

const byName = (hosts: readonly HostRow[]): Map<string, HostRow> => new Map(hosts.map((h) => [h.name, h]));

test("collectdRoot: collectd write_graphite paths, not Diamond's", () => {
  const cases: Array<[string, { root: string; host: string } | undefined]> = [
    ["collectd.web1.cpu-0.cpu-user", { root: "collectd.web1", host: "web1" }],
    ["collectd.web1.memory.memory-used", { root: "collectd.web1", host: "web1" }],
    ["collectd.box_example_com.load.load.shortterm", { root: "collectd.box_example_com", host: "box_example_com" }],
    ["collectd.web1.interface-eth0.if_octets.rx", { root: "collectd.web1", host: "web1" }],
    ["a.b.web1_dc.df-root.df_complex-used", { root: "a.b.web1_dc", host: "web1_dc" }],
    ["bare.memory.memory-free", { root: "bare", host: "bare" }],
    ["memory.memory-free", undefined], // no host segment
    ["hosts.web1.cpu.total.user", undefined], // Diamond under another prefix
    ["hosts.web1.memory.MemTotal", undefined],
    ["hosts.web1.loadavg.01", undefined],
    ["hosts.web1.diskspace.root.byte_used", undefined],
    ["wire.graphite.a", undefined],
    ["loupe.collector.cpu.errors", undefined],
  ];
  for (const [name, want] of cases) assert.deepEqual(collectdRoot(name), want, name);
});

test("diamondHost: the segment after the prefix, with a metric below it", () => {
  assert.equal(diamondHost("servers.web1.cpu.total.user", "servers"), "web1");
  assert.equal(diamondHost("servers.web1.uptime", "servers"), "web1");
  assert.equal(diamondHost("servers.web1", "servers"), undefined);
  assert.equal(diamondHost("servers..x", "servers"), undefined);
  assert.equal(diamondHost("serversx.web1.cpu", "servers"), undefined);
  assert.equal(diamondHost("a.b.web1.cpu", "a.b"), "web1");
});

test("Diamond paths: own host and a sender, vitals, interval from points, up and silent", async () => {
  const up = NOW - 5_000;
  const web1 = (rel: string, v: number): Sample[] => points(`servers.web1.${rel}`, up, 10_000, 6, v);
  const samples = [
    ...web1("cpu.total.user", 20),
    ...web1("cpu.total.system", 10),
    ...web1("cpu.total.idle", 70),
    ...web1("memory.MemTotal", 1000),
    ...web1("memory.MemAvailable", 250),
    ...web1("loadavg.01", 1.5),
    ...web1("diskspace.root.byte_used", 30),
    ...web1("diskspace.root.byte_avail", 90),
    ...points("servers.web2.loadavg.01", NOW - 31_000, 10_000, 6, 0.25), // 3 intervals + 1 s ago: silent
    ...points("servers.web3.loadavg.01", NOW - 30_000, 10_000, 6, 0.5), // exactly 3 intervals: still up
    ...points("loupe.collector.cpu.errors", up, 10_000, 3, 0),
    ...points("wire.graphite.a", up, 10_000, 3, 0),
  ];
  await withStore(samples, (store) => {
    const r = listHosts(store, OPTS);
    assert.deepEqual(r.hosts.map((h) => h.name), ["web1", "web2", "web3"]);
    assert.equal(r.known, 3);
    assert.equal(r.truncated, false);
    const h = byName(r.hosts);
    const w1 = h.get("web1")!;
    assert.deepEqual(w1.sources, ["local"]);
    assert.equal(w1.series, 8);
    assert.equal(w1.lastSeen, up);
    assert.equal(w1.intervalMs, 10_000);
    assert.equal(w1.intervalFrom, "points");
    assert.equal(w1.status, "up");
    assert.equal(w1.silentSince, null);
    assert.deepEqual(w1.vitals, { cpuPercent: 30, memoryPercent: 75, load1: 1.5, diskPercent: 25 });
    assert.equal(w1.link, "/d/host-overview?var-host=web1");
    assert.equal(w1.overview, true);
    const w2 = h.get("web2")!;
    assert.deepEqual(w2.sources, ["diamond"]);
    assert.equal(w2.status, "silent");
    assert.equal(w2.silentSince, NOW - 31_000);
    assert.deepEqual(w2.vitals, { cpuPercent: null, memoryPercent: null, load1: 0.25, diskPercent: null });
    assert.equal(h.get("web3")!.status, "up");
  });
});

test("collectd senders: found by path shape, all series under the root counted, vitals", async () => {
  const last = NOW - 2_000;
  const c = (rel: string, v: number): Sample[] => points(`collectd.box_example_com.${rel}`, last, 1_000, 5, v);
  const samples = [
    ...c("cpu-0.cpu-user", 30),
    ...c("cpu-0.cpu-idle", 60),
    ...c("cpu-1.cpu-system", 10),
    ...c("cpu-1.cpu-idle", 100),
    ...c("memory.memory-used", 600),
    ...c("memory.memory-free", 200),
    ...c("memory.memory-cached", 200),
    ...c("load.load.shortterm", 0.75),
    ...c("df-root.df_complex-used", 40),
    ...c("df-root.df_complex-free", 60),
    ...c("df-root.df_complex-reserved", 5),
    ...points("collectd.box_example_com.exotic-x.gauge-y", NOW - 1_000, 1_000, 2, 1), // unknown plugin, same root
    ...points("bare.memory.memory-used", NOW - 100_000, 20_000, 3, 1), // no Prefix, silent
  ];
  await withStore(samples, (store) => {
    const h = byName(listHosts(store, OPTS).hosts);
    assert.deepEqual([...h.keys()], ["bare", "box_example_com"]);
    const box = h.get("box_example_com")!;
    assert.deepEqual(box.sources, ["collectd"]);
    assert.equal(box.series, 12);
    assert.equal(box.lastSeen, NOW - 1_000, "the unknown plugin's newer point counts");
    assert.equal(box.intervalMs, 1_000);
    assert.equal(box.status, "up");
    assert.deepEqual(box.vitals, { cpuPercent: 20, memoryPercent: 60, load1: 0.75, diskPercent: 40 });
    assert.equal(box.overview, false);
    assert.equal(box.link, `/explore?target=${encodeURIComponent("collectd.box_example_com.*.*")}`);
    const bare = h.get("bare")!;
    assert.equal(bare.intervalMs, 20_000);
    assert.equal(bare.status, "silent");
  });
});

test("tagged series: the host tag, Telegraf's figures, the collectors' interval when one point is all there is", async () => {
  const samples: Sample[] = [
    { name: "cpu.usage_idle", tags: { host: "t1", cpu: "cpu-total" }, ts: NOW - 15_000, value: 90 },
    { name: "cpu.usage_idle", tags: { host: "t1", cpu: "cpu0" }, ts: NOW - 15_000, value: 50 },
    { name: "mem.used_percent", tags: { host: "t1" }, ts: NOW - 15_000, value: 40 },
    { name: "system.load1", tags: { host: "t1" }, ts: NOW - 15_000, value: 2 },
    { name: "disk.used_percent", tags: { host: "t1", path: "/" }, ts: NOW - 15_000, value: 55 },
    { name: "disk.used_percent", tags: { host: "t1", path: "/boot" }, ts: NOW - 15_000, value: 99 },
    { name: "servers.web9.loadavg.01", tags: { host: "tagged-wins" }, ts: NOW - 15_000, value: 2 },
    { name: "x.y", tags: { region: "eu" }, ts: NOW - 15_000, value: 2 },
  ];
  await withStore(samples, (store) => {
    const h = byName(listHosts(store, OPTS).hosts);
    assert.deepEqual([...h.keys()], ["t1", "tagged-wins"]);
    const t1 = h.get("t1")!;
    assert.deepEqual(t1.sources, ["tagged"]);
    assert.equal(t1.series, 6);
    assert.equal(t1.intervalFrom, "collectors");
    assert.equal(t1.intervalMs, 10_000);
    assert.equal(t1.status, "up");
    assert.deepEqual(t1.vitals, { cpuPercent: 10, memoryPercent: 40, load1: 2, diskPercent: 55 });
    assert.equal(t1.link, `/explore?target=${encodeURIComponent("seriesByTag('host=t1')")}`);
  });
});

test("one host seen by Diamond and by tags is one row; max_hosts cuts the list by name and says so", async () => {
  const samples: Sample[] = [
    ...points("servers.a.loadavg.01", NOW - 1_000, 10_000, 2, 1),
    { name: "mem.used_percent", tags: { host: "a" }, ts: NOW - 500, value: 40 },
    ...points("servers.b.loadavg.01", NOW - 1_000, 10_000, 2, 1),
    ...points("servers.c.loadavg.01", NOW - 1_000, 10_000, 2, 1),
  ];
  await withStore(samples, (store) => {
    const all = listHosts(store, OPTS);
    const a = all.hosts[0]!;
    assert.deepEqual(a.sources, ["diamond", "tagged"]);
    assert.equal(a.lastSeen, NOW - 500);
    assert.equal(a.overview, true);
    const cut = listHosts(store, { ...OPTS, maxHosts: 2 });
    assert.deepEqual(cut.hosts.map((h) => h.name), ["a", "b"]);
    assert.equal(cut.known, 3);
    assert.equal(cut.truncated, true);
  });
});

test("estimateInterval: the median spacing of the newest points; none from one point", async () => {
  const ts = [0, 1_000, 2_000, 3_000, 10_000, 11_000, 12_000].map((t) => NOW - 12_000 + t);
  const sparse = [3, 2, 1, 0].map((k) => ({ name: "m.sparse", ts: NOW - k * 30 * 60_000, value: 1 })); // every 30 min
  await withStore([...ts.map((t) => ({ name: "m.a", ts: t, value: 1 })), { name: "m.one", ts: NOW, value: 1 }, ...sparse], (store) => {
    const a = store.getSeries("m.a")!;
    assert.equal(estimateInterval(store, a.id, NOW, 10_000), 1_000);
    assert.equal(estimateInterval(store, store.getSeries("m.sparse")!.id, NOW, 10_000), 30 * 60_000, "a sparse series: measured over a day");
    assert.equal(estimateInterval(store, store.getSeries("m.one")!.id, NOW, 10_000), undefined);
    assert.equal(estimateInterval(store, -1, -Infinity, 10_000), undefined);
  });
});
