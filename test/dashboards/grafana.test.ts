import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { convertGrafanaDashboard, isGrafanaDashboard, readImport, type Dashboard, type ImportResult } from "../../src/dashboards/index.js";
import { normalizeVariables } from "../../src/dashboards/grafana-targets.js";
import { startHarness } from "./harness.js";
import { seededRandom } from "../helpers/rng.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "grafana", `${name}.json`), "utf8"));

function overlaps(d: Dashboard): string[] {
  const out: string[] = [];
  for (const a of d.panels)
    for (const b of d.panels) {
      if (a.id >= b.id) continue;
      const g = a.gridPos;
      const h = b.gridPos;
      if (g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h) out.push(`${a.id}/${b.id}`);
    }
  return out;
}

test("Grafana node dashboard (Graphite, templating, rows, singlestat) converts completely", () => {
  const r = readImport(fixture("node-graphite"));
  assert.equal(r.source, "grafana");
  const d = r.dashboard;
  assert.equal(d.uid, "diamond-node");
  assert.equal(d.title, "Diamond node");
  assert.deepEqual(d.tags, ["diamond", "linux"]);
  assert.deepEqual(d.time, { from: "now-24h", to: "now" });
  assert.equal(d.refresh, "1m");
  assert.deepEqual(
    d.variables.map((v) => [v.name, v.type, v.query, v.multi, v.includeAll, v.current]),
    [
      ["host", "query", "servers.*", false, false, ["web1"]],
      ["disk", "query", "servers.$host.iostat.*", true, true, ["$__all"]],
      ["smooth", "custom", "1m,5m,15m", false, false, ["5m"]],
    ],
  );
  // only the regex of $disk is lost
  assert.deepEqual(r.skipped.map((s) => s.panel), ["variable $disk"]);
  assert.match(r.skipped[0]!.reason, /regex/);

  const byTitle = new Map(d.panels.flatMap((p) => [p, ...(p.panels ?? [])]).map((p) => [p.title, p]));
  const cpuBusy = byTitle.get("CPU busy")!;
  assert.equal(cpuBusy.type, "stat");
  assert.equal(cpuBusy.options.unit, "percent");
  assert.equal(cpuBusy.options.reduce, "last");
  assert.equal(cpuBusy.options.sparkline, true);
  assert.deepEqual(cpuBusy.options.thresholds.map((t) => t.value), [70, 90]);
  const rootFree = byTitle.get("Root free")!;
  assert.equal(rootFree.type, "gauge", "singlestat with gauge.show");
  assert.deepEqual([rootFree.options.min, rootFree.options.max, rootFree.options.reduce], [0, 100, "avg"]);
  assert.equal(rootFree.targets[0]!.target, "servers.$host.diskspace.root.byte_percentfree", "[[host]] → $host");
  const load = byTitle.get("Load (1m)")!;
  assert.deepEqual([load.type, load.options.reduce, load.options.sparkline, load.options.decimals], ["stat", "avg", false, 2]);
  assert.equal(load.targets[0]!.target, "servers.$host.loadavg.01", "${host} → $host");
  const cpu = byTitle.get("CPU")!;
  assert.equal(cpu.type, "timeseries");
  assert.deepEqual([cpu.options.draw, cpu.options.unit, cpu.options.min, cpu.options.max], ["stacked", "percent", 0, 100]);
  assert.deepEqual(cpu.options.legend, ["max", "avg", "last"]);
  assert.deepEqual(cpu.options.thresholds, [{ value: 90, color: "red" }]);
  assert.deepEqual(
    cpu.targets.map((t) => [t.refId, t.target, t.hide]),
    [
      ["A", "servers.$host.cpu.total.*", true],
      ["B", "aliasByNode(servers.$host.cpu.total.*, 4)", false],
    ],
  );
  const mem = byTitle.get("Memory")!;
  assert.deepEqual([mem.options.draw, mem.options.unit, mem.options.legend], ["area", "bytes", ["last", "max"]]);
  // panels of the collapsed row are kept, with the repeat
  const disk = byTitle.get("Disk $disk throughput")!;
  assert.equal(disk.repeat, "disk");
  assert.equal(disk.options.unit, "Bps");
  assert.ok(byTitle.has("Network eth0"));
  const about = byTitle.get("About")!;
  assert.equal(about.type, "text");
  assert.equal(about.content, "Metrics from **Diamond** collectors.");
  // rows stay rows, collapsed as saved (the collapsed one holds its panels), in reading order; nothing overlaps
  const rows = d.panels.filter((p) => p.type === "row");
  assert.deepEqual(rows.map((r) => [r.title, r.collapsed, (r.panels ?? []).map((p) => p.title)]), [
    ["CPU and memory", false, []],
    ["Disks and network", true, ["Disk $disk throughput", "Network eth0"]],
  ]);
  assert.deepEqual(overlaps(d), []);
  const order = [...d.panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x).map((p) => p.title || p.content);
  assert.deepEqual(order, ["CPU busy", "Root free", "Load (1m)", "CPU and memory", "CPU", "Memory", "Disks and network", "About"]);
  const all = d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
  assert.equal(new Set(all.map((p) => p.id)).size, all.length, "panel ids unique, rows' panels included");
});

test("Grafana dashboard with Prometheus, plugin panels and other datasources: skipped with reasons", () => {
  const r = readImport(fixture("mixed-datasources"));
  const d = r.dashboard;
  assert.equal(d.uid, "web-frontends-mixed", "uid from the title when Grafana's is null");
  assert.equal(d.refresh, "");
  assert.deepEqual(d.variables, []);
  assert.deepEqual(
    d.panels.map((p) => [p.title, p.type, p.targets.map((t) => t.target)]),
    [
      ["Connections (mixed)", "timeseries", ["servers.web*.nginx.active_connections"]],
      ["Average user CPU", "gauge", ["averageSeries(servers.web*.cpu.total.user)"]],
    ],
  );
  const reasons = new Map<string, string[]>();
  for (const s of r.skipped) reasons.set(s.panel, [...(reasons.get(s.panel) ?? []), s.reason]);
  const expect: Array<[string, RegExp]> = [
    ["Requests (Prometheus)", /prometheus/],
    ["Share of requests", /panel type "grafana-piechart-panel" is not supported/],
    ["Heat", /panel type "heatmap" is not supported/],
    ["Connections (mixed)", /query B: datasource type "prometheus"/],
    ["annotation \"Deploys\"", /annotation queries/],
    ["dashboard links", /not supported/],
    ["variable $ds", /datasource variables/],
    ["variable $Filters", /ad hoc/],
    ["variable $instance", /prometheus/],
    ["variable $tagged", /function/],
  ];
  for (const [panel, reason] of expect) {
    assert.ok(reasons.get(panel)?.some((x) => reason.test(x)), `${panel}: ${reason} in ${JSON.stringify(reasons.get(panel))}`);
  }
  assert.ok(reasons.get("Connections (mixed)")!.some((x) => /unit "kbytes"/.test(x)), "an unmapped unit is reported");
  assert.equal(d.panels[0]!.options.draw, "bars");
  assert.deepEqual(overlaps(d), []);
});

test("Grafana 4 dashboard (rows[].panels with span) converts with sizes from span and row height", () => {
  const r = readImport(fixture("old-rows"));
  const d = r.dashboard;
  assert.equal(d.uid, "legacy-collectd-grafana-4");
  assert.deepEqual(d.variables.map((v) => [v.name, v.current, v.multi, v.includeAll]), [["server", ["db1", "db2"], true, true]]);
  const load = d.panels.find((p) => p.title === "Load $server")!;
  assert.deepEqual([load.gridPos.x, load.gridPos.w, load.gridPos.h], [0, 16, 7], "span 8 → 16 columns; 250px → 7 rows");
  const memory = d.panels.find((p) => p.title === "Memory")!;
  assert.deepEqual([memory.type, memory.collapsed, memory.repeat], ["row", true, "server"], "a collapsed, repeating Grafana 4 row");
  assert.equal(load.options.logScale, true);
  const uptime = d.panels.find((p) => p.title === "Uptime")!;
  assert.deepEqual([uptime.type, uptime.gridPos.x, uptime.gridPos.w, uptime.options.unit], ["stat", 16, 8, "s"]);
  assert.equal(memory.panels!.find((p) => p.title === "Latest")!.type, "table");
  assert.deepEqual(
    r.skipped.map((s) => s.panel),
    ["Other dashboards"],
  );
  assert.deepEqual(overlaps(d), []);
});

test("import detection and variable spelling", () => {
  assert.equal(isGrafanaDashboard(fixture("old-rows")), true);
  assert.equal(isGrafanaDashboard({ uid: "a", title: "A", panels: [] }), false);
  const cases: Array<[string, string]> = [
    ["servers.[[host]].cpu", "servers.$host.cpu"],
    ["servers.${host}.cpu", "servers.$host.cpu"],
    ["servers.${host:raw}.cpu", "servers.$host.cpu"],
    ["servers.${host}_x", "servers.${host}_x"],
    ["servers.$host.cpu", "servers.$host.cpu"],
  ];
  for (const [input, want] of cases) assert.equal(normalizeVariables(input), want, input);
  // a dashboard too broken to read at all
  const empty = convertGrafanaDashboard({ schemaVersion: 30, panels: "nope" });
  assert.equal(empty.dashboard.title, "Imported dashboard");
  assert.deepEqual(empty.dashboard.panels, []);
});

test("POST /api/dashboards/import takes a Grafana file and reports what was skipped", async () => {
  const h = await startHarness();
  try {
    const r = await h.call("Editor", "POST", "/api/dashboards/import", fixture("mixed-datasources"));
    assert.equal(r.status, 200);
    const res = r.json as ImportResult;
    assert.equal(res.source, "grafana");
    assert.equal(res.uid, "web-frontends-mixed");
    assert.ok(res.skipped.length >= 10);
    const stored = h.dashboards.get("web-frontends-mixed")!;
    assert.equal(stored.dashboard.panels.length, 2);
    assert.equal(h.dashboards.versions("web-frontends-mixed")[0]!.message, "imported from Grafana");
    // Grafana's API shape {dashboard, overwrite}
    const again = await h.call("Editor", "POST", "/api/dashboards/import", { dashboard: fixture("node-graphite"), overwrite: false, folderId: 0 });
    assert.equal(again.status, 200);
    assert.equal((again.json as ImportResult).uid, "diamond-node");
    const clash = await h.call("Editor", "POST", "/api/dashboards/import", { dashboard: fixture("node-graphite"), overwrite: false });
    assert.equal(clash.status, 409);
    const over = await h.call("Editor", "POST", "/api/dashboards/import", { dashboard: fixture("node-graphite"), overwrite: true });
    assert.equal(over.status, 200);
    assert.equal(h.dashboards.get("diamond-node")!.version, 2);
  } finally {
    await h.close();
  }
});

test("mutated Grafana files never crash the converter: a dashboard or a 400, nothing else", () => {
  // Deterministic PRNG so a failure reproduces.
  const rand = seededRandom(0x5eed);
  const junk = (): unknown => [null, -1, 0, 1.5, 1e308, "", "x".repeat(300), "250px", [], {}, [1, "a"], { a: 1 }, true, "${DS_X}", "#A"][Math.floor(rand() * 15)];
  const mutate = (v: unknown, depth: number): unknown => {
    if (rand() < 0.04) return junk();
    if (Array.isArray(v)) return v.map((x) => mutate(x, depth + 1));
    if (v !== null && typeof v === "object") {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (rand() > 0.03) o[k] = mutate(x, depth + 1);
      return o;
    }
    return v;
  };
  const bases = ["node-graphite", "mixed-datasources", "old-rows"].map(fixture);
  let converted = 0;
  for (let i = 0; i < 1500; i++) {
    const input = mutate(bases[i % bases.length], 0);
    try {
      readImport(input);
      converted++;
    } catch (err) {
      assert.equal((err as { status?: number }).status, 400, `iteration ${i}: ${(err as Error).stack}`);
      // a converted Grafana dashboard always fits the model: refusals are about the input's shape only
      assert.doesNotMatch((err as Error).message, /^(panels|variables|tags|time)\./, `iteration ${i}`);
    }
  }
  assert.ok(converted > 1000, `most mutated files still convert (${converted}/1500)`);
});
