/**
 * The Host overview's "All": its headline targets with `$host` = `{a,b}` (what the dashboard makes of
 * All) give one value per host, named by host, equal to what each host alone gives; every chart repeats
 * per host, stacked vertically. Evaluated by the real query engine over a real store.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { hostOverviewDashboard } from "../../src/dashboards/index.js";
import type { Sample } from "../../src/model/index.js";
import { evaluateTargets } from "../../src/query/index.js";
import { openTestStore } from "../ingest/test-store.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.UTC(2026, 11, 3, 12, 0, 0);

function host(prefix: string, h: string, cpuBusy: number, memUsedPct: number, load: number, diskUsedPct: number): Sample[] {
  const out: Sample[] = [];
  const v: Record<string, number> = {
    "cpu.total.user": cpuBusy / 2,
    "cpu.total.system": cpuBusy / 2,
    "cpu.total.idle": 100 - cpuBusy,
    "memory.MemTotal": 1000,
    "memory.MemAvailable": 1000 - memUsedPct * 10,
    "loadavg.01": load,
    "diskspace.root.byte_used": diskUsedPct,
    "diskspace.root.byte_avail": 100 - diskUsedPct,
  };
  for (let t = NOW - 300_000; t < NOW; t += 10_000) for (const [rel, value] of Object.entries(v)) out.push({ name: `${prefix}.${h}.${rel}`, ts: t, value });
  return out;
}

for (const prefix of ["servers", "dc1.hosts"]) {
  test(`Host overview headline figures: one per host with All (prefix ${prefix})`, async () => {
    const store = await openTestStore(tempDir("loupe-hosts-overview-"));
    try {
      await store.write([...host(prefix, "a", 40, 25, 1.5, 30), ...host(prefix, "b", 10, 50, 0.5, 80)].sort((x, y) => x.ts - y.ts));
      const d = hostOverviewDashboard({ host: "a", prefix });
      assert.deepEqual(d.variables.map((v) => [v.name, v.includeAll, v.multi]), [["host", true, false]]);
      const last = (title: string, hosts: string): Record<string, number | null> => {
        const panel = d.panels.find((p) => p.title === title)!;
        const targets = panel.targets.map((t) => t.target.split("$host").join(hosts));
        const out: Record<string, number | null> = {};
        for (const r of evaluateTargets(store, targets, NOW - 300_000, NOW, undefined, { now: NOW })) for (const s of r.series) out[s.name] = s.values.filter((x) => x !== null).at(-1) ?? null;
        return out;
      };
      assert.deepEqual(last("CPU busy", "{a,b}"), { a: 40, b: 10 });
      assert.deepEqual(last("CPU busy", "a"), { a: 40 });
      assert.deepEqual(last("Memory used", "{a,b}"), { a: 25, b: 50 });
      assert.deepEqual(last("Load (1m)", "{a,b}"), { a: 1.5, b: 0.5 });
      assert.deepEqual(last("Root disk used", "{a,b}"), { a: 30, b: 80 });
      const charts = d.panels.filter((p) => p.type === "timeseries");
      assert.ok(charts.length >= 8);
      for (const c of charts) assert.deepEqual([c.repeat, c.repeatDirection], ["host", "v"], c.title);
      for (const s of d.panels.filter((p) => p.type !== "timeseries")) assert.equal(s.repeat, undefined, s.title);
    } finally {
      await store.close();
    }
  });
}

test("a Grafana panel's repeatDirection v is kept on import (h stays the default)", async () => {
  const { convertGrafanaDashboard } = await import("../../src/dashboards/index.js");
  const panel = (id: number, dir: string) => ({ id, type: "graph", title: `p${id}`, gridPos: { x: 0, y: id * 8, w: 12, h: 8 }, repeat: "host", repeatDirection: dir, targets: [{ refId: "A", target: "servers.$host.loadavg.01" }] });
  const r = convertGrafanaDashboard({ uid: "g", title: "G", schemaVersion: 39, templating: { list: [{ name: "host", type: "query", query: "servers.*" }] }, panels: [panel(1, "v"), panel(2, "h")] });
  assert.deepEqual((r.dashboard.panels ?? []).map((p) => [p.repeat, p.repeatDirection]), [["host", "v"], ["host", undefined]]);
});
