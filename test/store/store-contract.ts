/**
 * The TimeSeriesStore contract (src/store/api.ts) as one suite every backend runs (STYLE.md: a second
 * implementation behind the same seam). Reads go through `read`, which lets a backend whose points
 * live elsewhere prefetch what the read needs, as the query layer does.
 */
import assert from "node:assert/strict";
import type { TestContext } from "node:test";
import type { Sample } from "../../src/model/index.js";
import type { TimeSeriesStore } from "../../src/store/index.js";

export interface ContractStore {
  readonly store: TimeSeriesStore;
  /** Resolves once written points are readable (at once for the local store). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

async function read<T>(store: TimeSeriesStore, fn: () => T): Promise<T> {
  await store.prefetch?.(fn);
  return fn();
}

const T0 = Date.UTC(2026, 10, 20, 12, 0, 0);

function samples(): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < 60; i++) {
    const ts = T0 + i * 10_000;
    out.push({ name: "servers.web1.cpu.total.user", ts, value: i });
    out.push({ name: "servers.web2.cpu.total.user", ts, value: 100 + i });
    out.push({ name: "servers.web1.memory.free", ts, value: 1000 - i });
    out.push({ name: "app.latency", tags: { dc: "eu", tier: "web" }, ts, value: i % 7 });
    out.push({ name: "app.latency", tags: { dc: "us", tier: "web" }, ts, value: 2 * i });
  }
  return out;
}

export async function storeContract(t: TestContext, open: () => Promise<ContractStore>): Promise<void> {
  const c = await open();
  try {
    await contractCases(t, c);
  } finally {
    await c.close();
  }
}

async function contractCases(t: TestContext, c: ContractStore): Promise<void> {
  const { store } = c;
  await store.write(samples());
  await c.settle();

  await t.test("series: exact key, globs, tags, listings", () => {
    assert.equal(store.getSeries("app.latency;dc=eu;tier=web")?.name, "app.latency");
    assert.deepEqual(store.getSeries("app.latency;dc=eu;tier=web")?.tags, { dc: "eu", tier: "web" });
    assert.deepEqual(store.findSeries("servers.*.cpu.total.user").map((s) => s.key), ["servers.web1.cpu.total.user", "servers.web2.cpu.total.user"]);
    assert.deepEqual(store.findSeries("servers.web{1,3}.*.*").map((s) => s.key), ["servers.web1.memory.free"]);
    assert.deepEqual(store.matchSeries([{ key: "dc", op: "=", value: "us" }]).map((s) => s.key), ["app.latency;dc=us;tier=web"]);
    assert.deepEqual(store.matchSeries([{ key: "name", op: "=~", value: "app\\..*" }, { key: "dc", op: "!=", value: "us" }]).map((s) => s.key), ["app.latency;dc=eu;tier=web"]);
    assert.deepEqual(store.listChildren("servers.*"), [
      { path: "servers.web1", text: "web1", leaf: false, expandable: true },
      { path: "servers.web2", text: "web2", leaf: false, expandable: true },
    ]);
    assert.deepEqual(store.listChildren("servers.web1.memory.*"), [{ path: "servers.web1.memory.free", text: "free", leaf: true, expandable: false }]);
  });

  await t.test("select: step-aligned buckets [t, t + step), each consolidation", async () => {
    const id = store.getSeries("servers.web1.cpu.total.user")!.id;
    const from = T0 + 1;
    const to = T0 + 600_000;
    for (const [how, want] of [["avg", [8.5, 14.5]], ["max", [11, 17]], ["min", [6, 12]], ["sum", [51, 87]], ["last", [11, 17]]] as const) {
      const r = await read(store, () => store.select([id], from, to, { step: 60_000, consolidate: how }));
      assert.equal(r.step, 60_000);
      assert.equal(r.timestamps[0], T0 + 60_000);
      assert.equal(r.timestamps.length, 9);
      assert.deepEqual(r.series[0]!.values.slice(0, 2), want, how);
    }
    const empty = await read(store, () => store.select([id], T0 + 3_600_000, T0 + 3_600_000 + 120_000, { step: 60_000 }));
    assert.deepEqual(empty.series[0]!.values, [null, null]);
  });

  await t.test("readRaw: every point in [from, to), ascending", async () => {
    const id = store.getSeries("app.latency;dc=us;tier=web")!.id;
    const pts = await read(store, () => store.readRaw(id, T0 + 20_000, T0 + 60_000));
    assert.deepEqual(pts, [20_000, 30_000, 40_000, 50_000].map((d, i) => ({ ts: T0 + d, value: 2 * (i + 2) })));
  });

  await t.test("latest: the last point of each series", () => {
    const l = [...store.latest()].find((x) => x.series.key === "servers.web2.cpu.total.user");
    assert.deepEqual(l && { ts: l.ts, value: l.value }, { ts: T0 + 590_000, value: 159 });
  });

  await t.test("deleteSeries: gone from the index", () => {
    assert.equal(store.deleteSeries("servers.web2.*.*.*"), 1);
    assert.deepEqual(store.findSeries("servers.*.cpu.total.user").map((s) => s.key), ["servers.web1.cpu.total.user"]);
    assert.equal(store.stats().series, 4);
  });
}
