import { test } from "node:test";
import assert from "node:assert/strict";
import { matchGlob } from "../../src/store/index.js";
import { splitGlob } from "../../src/store/tsdb/glob.js";
import { SeriesIndex, type IndexedSeries } from "../../src/store/tsdb/series-index.js";

const matches: Array<[string, string]> = [
  ["servers.web1.cpu.total.user", "servers.web1.cpu.total.user"],
  ["servers.*.cpu.total.user", "servers.web1.cpu.total.user"],
  ["servers.*.cpu.total.{user,system}", "servers.db.cpu.total.system"],
  ["servers.web?.cpu", "servers.web7.cpu"],
  ["servers.web[0-9].cpu", "servers.web3.cpu"],
  ["servers.web[!0-3].cpu", "servers.web7.cpu"],
  ["servers.*web*.cpu", "servers.frontweb01.cpu"],
  ["a.{b*,c}.d", "a.bee.d"],
  ["*", "loadavg"],
  ["a.b-c.d", "a.b-c.d"],
  ["x.(y).z", "x.(y).z"],
];
const misses: Array<[string, string]> = [
  ["servers.*.cpu", "servers.web1.cpu.total"],
  ["servers.*", "servers"],
  ["servers.web?.cpu", "servers.web10.cpu"],
  ["servers.web[0-2].cpu", "servers.web3.cpu"],
  ["servers.web[!0-3].cpu", "servers.web2.cpu"],
  ["a.{b,c}.d", "a.e.d"],
  ["*", "a.b"],
  ["a.b+c.d", "a.bbc.d"],
];

for (const [glob, name] of matches) test(`glob ${glob} matches ${name}`, () => assert.equal(matchGlob(glob, name), true));
for (const [glob, name] of misses) test(`glob ${glob} does not match ${name}`, () => assert.equal(matchGlob(glob, name), false));

test("splitGlob keeps dots inside braces and classes", () => {
  assert.deepEqual(splitGlob("a.{b.c,d}.e"), ["a", "{b.c,d}", "e"]);
  assert.deepEqual(splitGlob("a.[.].e"), ["a", "[.]", "e"]);
});

function idx(names: string[]): SeriesIndex<IndexedSeries> {
  const i = new SeriesIndex<IndexedSeries>();
  names.forEach((name, k) => i.add({ id: k + 1, key: name, name, tags: {} }));
  return i;
}

const NAMES = [
  "servers.web1.cpu.total.user",
  "servers.web1.cpu.total.system",
  "servers.web1.memory.MemFree",
  "servers.web2.cpu.total.user",
  "servers.db.loadavg.01",
  "servers",
  "loupe.ingest.lines",
];

const listings: Array<[string, Array<[string, boolean, boolean]>]> = [
  ["*", [["loupe", false, true], ["servers", true, true]]],
  ["servers.*", [["servers.db", false, true], ["servers.web1", false, true], ["servers.web2", false, true]]],
  ["servers.web1.*", [["servers.web1.cpu", false, true], ["servers.web1.memory", false, true]]],
  ["servers.web*.cpu.total.*", [["servers.web1.cpu.total.system", true, false], ["servers.web1.cpu.total.user", true, false], ["servers.web2.cpu.total.user", true, false]]],
  ["servers.nope.*", []],
  ["servers.web1.memory.MemFree", [["servers.web1.memory.MemFree", true, false]]],
];
for (const [q, want] of listings) {
  test(`listChildren ${q}`, () => {
    const got = idx(NAMES).listChildren(q).map((n) => [n.path, n.leaf, n.expandable]);
    assert.deepEqual(got, want);
  });
}

test("listChildren gives the last segment as text", () => {
  assert.deepEqual(idx(NAMES).listChildren("servers.web1.cpu").map((n) => n.text), ["cpu"]);
});

test("find and remove keep the trie consistent", () => {
  const i = idx(NAMES);
  assert.deepEqual(i.find("servers.*.cpu.total.user").map((s) => s.name), ["servers.web1.cpu.total.user", "servers.web2.cpu.total.user"]);
  i.remove(i.byKey.get("servers.web2.cpu.total.user")!);
  assert.deepEqual(i.listChildren("servers.*").map((n) => n.path), ["servers.db", "servers.web1"]);
  assert.equal(i.find("servers.web2.*.*.*").length, 0);
});

test("tag matchers", () => {
  const i = new SeriesIndex<IndexedSeries>();
  i.add({ id: 1, key: "cpu;host=a;dc=x", name: "cpu", tags: { host: "a", dc: "x" } });
  i.add({ id: 2, key: "cpu;host=b;dc=y", name: "cpu", tags: { host: "b", dc: "y" } });
  i.add({ id: 3, key: "mem;host=a", name: "mem", tags: { host: "a" } });
  const ids = (m: Parameters<typeof i.match>[0]): number[] => i.match(m).map((s) => s.id).sort();
  assert.deepEqual(ids([{ key: "host", op: "=", value: "a" }]), [1, 3]);
  assert.deepEqual(ids([{ key: "name", op: "=", value: "cpu" }, { key: "dc", op: "!=", value: "x" }]), [2]);
  assert.deepEqual(ids([{ key: "host", op: "=~", value: "a|b" }, { key: "name", op: "!=~", value: "m.*" }]), [1, 2]);
  assert.deepEqual(ids([{ key: "dc", op: "=", value: "" }]), [3]);
});

test("10,000 series: a glob walks only matching branches", () => {
  const names: string[] = [];
  for (let h = 0; h < 1000; h++) for (const m of ["cpu.total.user", "cpu.total.system", "memory.MemFree", "loadavg.01", "loadavg.05", "net.eth0.rx", "net.eth0.tx", "disk.sda.reads", "disk.sda.writes", "uptime"]) names.push(`servers.host${String(h).padStart(4, "0")}.${m}`);
  const i = idx(names);
  assert.equal(i.size, 10_000);
  assert.equal(i.find("servers.*.cpu.total.{user,system}").length, 2000);
  assert.equal(i.find("servers.host00[0-4]?.loadavg.01").length, 50);
  assert.equal(i.listChildren("servers.*").length, 1000);
});
