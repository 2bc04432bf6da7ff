/**
 * Rows in the Grafana import and in the page's layout: collapsed rows stay collapsed (holding
 * their panels), repeated rows keep `repeat`, titles keep their variables and are filled in when
 * laid out, and the skipped list folds to one line per reason.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { dashboardSchema, formatSkipGroup, groupSkips, readImport, type Dashboard, type Panel } from "../../src/dashboards/index.js";
import { interpolateTitle, layoutRows as layoutWith, toggleRow, type PlacedPanel, type VarValues } from "../../web/lib/rows.js";

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "grafana", `${name}.json`), "utf8"));
const allPanels = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);

test("the real collectd/Graphite dashboard (6 rows, 2 collapsed) keeps its rows collapsed as saved", () => {
  const r = readImport(fixture("coremedia-collectd"));
  assert.equal(r.source, "grafana");
  const rows = r.dashboard.panels.filter((p) => p.type === "row");
  assert.equal(rows.length, 6);
  assert.deepEqual(
    rows.map((p) => [p.title, p.collapsed, (p.panels ?? []).length]),
    [
      ["Row", true, 3],
      ["New row", false, 0],
      ["New row", false, 0],
      ["New row", false, 0],
      ["New row", true, 2],
      ["New row", false, 0],
    ],
  );
  assert.deepEqual(rows[0]!.panels!.map((p) => p.title), ["CAE Heap Mem", "MLS Heap Mem", "CAE BlobCache"]);
  assert.equal(allPanels(r.dashboard).filter((p) => p.type !== "row").length, 15, "every panel kept");
  assert.ok(allPanels(r.dashboard).some((p) => p.targets.some((t) => t.target.includes("collectd.%HOST%"))));
  const ids = allPanels(r.dashboard).map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "ids unique, rows' panels included");
  assert.deepEqual(r.skipped, []);
});

test("a 100-panel Grafana dashboard: 5 rows stay collapsed, the repeated row keeps repeat, titles keep their variables", () => {
  const r = readImport(fixture("generated-100-panels"));
  const d = r.dashboard;
  const rows = d.panels.filter((p) => p.type === "row");
  assert.deepEqual(
    rows.map((p) => [p.title, p.collapsed, p.repeat, (p.panels ?? []).length]),
    [
      ["Row 0 on ${host}", true, undefined, 0],
      ["Row 1 on ${host}", true, undefined, 0],
      ["Row 2 on ${host}", true, undefined, 0],
      ["Row 3 on ${host}", true, undefined, 17],
      ["Row 4 on ${host}", true, undefined, 20],
      ["Disk $disk", false, "disk", 0],
    ],
  );
  // the top level is just the rows and the repeated row's panel: collapsed rows take one line each
  assert.deepEqual(d.panels.map((p) => [p.type, p.gridPos.y]), [["row", 0], ["row", 1], ["row", 2], ["row", 3], ["row", 4], ["row", 5], ["timeseries", 6]]);
  assert.equal(rows[4]!.panels![1]!.title, "[[host]] load 1", "titles are kept with their variables (filled in when drawn)");
  // 63 heatmaps: one line, with the count and the panels
  const groups = groupSkips(r.skipped);
  assert.equal(groups.length, 1);
  assert.equal(groups[0]!.reason, 'panel type "heatmap" is not supported');
  assert.equal(groups[0]!.count, 63);
  assert.deepEqual(groups[0]!.panels.slice(0, 2), ["$disk Octets", "[[host]] load 1"]);
  assert.match(formatSkipGroup(groups[0]!, 3), /^panel type "heatmap" is not supported \(63\): \$disk Octets, \[\[host\]\] load 1, \[\[host\]\] load 3 and \d+ more$/);
});

test("copies Grafana saved of repeated rows and panels are dropped (the repeat draws them)", () => {
  const graph = (id: number, y: number, extra: object = {}) => ({ id, type: "graph", title: "$disk ops", datasource: "graphite", gridPos: { x: 0, y, w: 24, h: 8 }, targets: [{ refId: "A", target: "a.$disk" }], ...extra });
  const r = readImport({
    schemaVersion: 30,
    title: "saved with copies",
    panels: [
      { id: 1, type: "row", title: "Disk $disk", repeat: "disk", collapsed: false, gridPos: { x: 0, y: 0, w: 24, h: 1 } },
      graph(2, 1),
      { id: 3, type: "row", title: "Disk $disk", repeatPanelId: 1, repeatIteration: 1700000000000, collapsed: false, gridPos: { x: 0, y: 9, w: 24, h: 1 } },
      graph(4, 10, { repeatPanelId: 2, repeatIteration: 1700000000000 }),
    ],
  });
  assert.deepEqual(r.dashboard.panels.map((p) => [p.id, p.type, p.repeat]), [[1, "row", "disk"], [2, "timeseries", undefined]]);
  const old = readImport({ schemaVersion: 14, title: "old copies", rows: [{ title: "Disk $disk", repeat: "disk", panels: [graph(1, 0)] }, { title: "Disk $disk", repeatRowId: 1, repeatIteration: 1, panels: [graph(2, 0)] }] });
  assert.deepEqual(old.dashboard.panels.map((p) => [p.type, p.repeat]), [["row", "disk"], ["timeseries", undefined]]);
});

test("a bare Loupe dashboard with rows is read as Loupe's, not converted as Grafana's", () => {
  const g = { x: 0, y: 0, w: 24, h: 1 };
  const d = { uid: "bare", title: "Bare", panels: [{ id: 1, type: "row", title: "R", collapsed: true, gridPos: g, panels: [{ id: 2, type: "stat", title: "S", gridPos: { ...g, y: 1, h: 4 }, targets: [{ refId: "A", target: "a.b" }], options: { unit: "bytes", reduce: "max" } }] }] };
  const r = readImport(d);
  assert.equal(r.source, "loupe");
  assert.deepEqual([r.dashboard.panels[0]!.panels![0]!.options.unit, r.dashboard.panels[0]!.panels![0]!.options.reduce], ["bytes", "max"]);
});

test("groupSkips keeps first-seen order, counts every hit and names each panel once", () => {
  const g = groupSkips([
    { panel: "a", reason: "x" },
    { panel: "b", reason: "y" },
    { panel: "a", reason: "x" },
    { panel: "c", reason: "x" },
  ]);
  assert.deepEqual(g, [
    { reason: "x", count: 3, panels: ["a", "c"] },
    { reason: "y", count: 1, panels: ["b"] },
  ]);
  assert.deepEqual(groupSkips([]), []);
});

const host: VarValues = { name: "host", options: ["web1", "web2"], selected: ["web1"] };
const disk: VarValues = { name: "disk", options: ["sda", "sdb", "sdc"], selected: ["$__all"] };
// the page passes grid.ts's placePanels (panel repeats; DOM-free but it imports the fetching variables module)
const asPlaced = (ps: readonly Panel[]): PlacedPanel[] => ps.map((p) => ({ key: String(p.id), panel: p, scoped: {}, ...p.gridPos }));
const layoutRows = (ps: readonly Panel[], vars: readonly VarValues[]) => layoutWith(ps, vars, asPlaced);

test("titles: $var, ${var}, ${var:fmt} and [[var]] filled in; several values joined; unknown left alone", () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ["$disk Octets", { disk: "sdb" }, "sdb Octets"],
    ["$disk Octets", {}, "sda, sdb, sdc Octets"],
    ["[[host]] load", {}, "web1 load"],
    ["${host}-x", {}, "web1-x"],
    ["${host:raw}", {}, "web1"],
    ["$nope and $$", {}, "$nope and $$"],
    ["plain", {}, "plain"],
  ];
  for (const [text, scoped, want] of cases) assert.equal(interpolateTitle(text, [host, disk], scoped), want, text);
});

test("layout: a collapsed row lays out none of its panels; a repeated row is drawn per value with its panels scoped", () => {
  const d = dashboardSchema.parse(readImport(fixture("generated-100-panels")).dashboard);
  const l = layoutRows(d.panels, [host, disk]);
  assert.deepEqual(l.rows.map((r) => [r.title, r.collapsed, r.y]), [
    ["Row 0 on web1", true, 0],
    ["Row 1 on web1", true, 1],
    ["Row 2 on web1", true, 2],
    ["Row 3 on web1", true, 3],
    ["Row 4 on web1", true, 4],
    ["Disk sda", false, 5],
    ["Disk sdb", false, 14],
    ["Disk sdc", false, 23],
  ]);
  assert.deepEqual(l.panels.map((p) => [p.key, p.panel.title, p.scoped["disk"], p.y]), [
    ["107", "sda ops", "sda", 6],
    ["107_r1", "sdb ops", "sdb", 15],
    ["107_r2", "sdc ops", "sdc", 24],
  ]);
  assert.equal(l.height, 32);
});

test("toggling a row moves its panels in and out as Grafana does, and the layout follows", () => {
  const d = dashboardSchema.parse(readImport(fixture("generated-100-panels")).dashboard);
  const row4 = d.panels.find((p) => p.title === "Row 4 on ${host}")!;
  const opened = toggleRow(d.panels, row4.id);
  const r4 = opened.find((p) => p.id === row4.id)!;
  assert.equal(r4.collapsed, false);
  assert.equal(r4.panels, undefined);
  const l = layoutRows(opened, [host, disk]);
  assert.equal(l.panels.filter((p) => p.panel.type === "timeseries").length, 20 + 3);
  assert.equal(l.rows.find((r) => r.row.id === row4.id)!.count, 20);
  assert.equal(l.rows[5]!.y, 5 + 80, "rows below move down by the opened height");
  // and back: the same dashboard as before
  const closed = toggleRow(opened, row4.id);
  assert.deepEqual(closed.map((p) => [p.id, p.gridPos.y, (p.panels ?? []).length]), d.panels.map((p) => [p.id, p.gridPos.y, (p.panels ?? []).length]));
  assert.doesNotThrow(() => dashboardSchema.parse({ ...d, panels: opened }));
});

test("the model refuses panels in a non-row, a row in a row, a panel id used twice, and more than 200 panels counting collapsed rows'", () => {
  const g = { x: 0, y: 0, w: 24, h: 1 };
  const base = { uid: "r", title: "R" };
  assert.throws(() => dashboardSchema.parse({ ...base, panels: [{ id: 1, type: "text", gridPos: g, panels: [] }] }), /only a row/);
  assert.throws(() => dashboardSchema.parse({ ...base, panels: [{ id: 1, type: "row", gridPos: g, collapsed: true, panels: [{ id: 2, type: "row", gridPos: g }] }] }), /cannot hold another row/);
  assert.throws(() => dashboardSchema.parse({ ...base, panels: [{ id: 1, type: "row", gridPos: g, collapsed: true, panels: [{ id: 3, type: "text", gridPos: g }] }, { id: 3, type: "text", gridPos: g }] }), /panel id 3 is used twice/);
  const texts = (n: number, from: number) => Array.from({ length: n }, (_, i) => ({ id: i + from, type: "text" as const, gridPos: g }));
  assert.throws(() => dashboardSchema.parse({ ...base, panels: [{ id: 1, type: "row", gridPos: g, collapsed: true, panels: texts(120, 10) }, { id: 2, type: "row", gridPos: g, collapsed: true, panels: texts(81, 200) }] }), /at most 200 panels/);
  assert.doesNotThrow(() => dashboardSchema.parse({ ...base, panels: [{ id: 1, type: "row", gridPos: g, collapsed: true, panels: texts(120, 10) }, { id: 2, type: "row", gridPos: g, collapsed: true, panels: texts(80, 200) }] }));
});
