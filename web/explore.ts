/** Explore: browse the metric tree (/metrics/find), type a path, glob or function, and chart it. */
import { initCommon } from "./lib/theme.js";
import { byId, clear, h, pageData } from "./lib/dom.js";
import { getJson } from "./lib/api.js";
import { runQuery } from "./lib/query.js";
import { resolveRange, shiftRange, zoomOut, type AbsRange, type RawRange } from "./lib/time.js";
import { timeControls } from "./lib/timepicker.js";
import { debugState } from "./lib/state.js";
import { UNITS, type Unit } from "./lib/units.js";
import { createPanelView, type PanelView } from "./panels/index.js";
import { type FindNode, type Panel, type QueryResult } from "./lib/types.js";

interface ExploreData {
  targets: string[];
  range: RawRange;
  refresh: string;
}

const data = pageData<ExploreData>();
const debug = debugState();
let raw = data.range;
let abs: AbsRange = resolveRange(raw, Date.now());
let results: QueryResult[] = [];
const input = byId<HTMLInputElement>("explore-target")!;
const drawSel = byId<HTMLSelectElement>("explore-draw")!;
/** The unit picker sits next to the draw style; its choice travels in the URL (`unit=bytes`). */
const unitSel = h("select", { id: "explore-unit", title: "Unit" }, ...UNITS.map((u) => h("option", { value: u.value }, u.label)));
unitSel.value = unitFromUrl();
drawSel.after(unitSel);

function unitFromUrl(): Unit {
  const u = new URLSearchParams(location.search).get("unit");
  return UNITS.find((x) => x.value === u)?.value ?? "none";
}
const chartHost = byId("explore-chart")!;
let view: PanelView | undefined;
let panelEl: HTMLElement | undefined;

function buildView(): void {
  view?.destroy();
  clear(chartHost);
  const panel: Panel = {
    id: 1,
    type: "timeseries",
    title: input.value.trim() || "Explore",
    gridPos: { x: 0, y: 0, w: 24, h: 12 },
    targets: [{ refId: "A", target: input.value.trim(), hide: false }],
    options: { draw: drawSel.value as Panel["options"]["draw"], unit: unitSel.value as Unit, logScale: false, legend: ["min", "max", "avg", "last"], thresholds: [], reduce: "last", sparkline: false },
  };
  const body = h("div", { class: "panel-body" });
  panelEl = h("section", { class: "panel", id: "explore-panel" }, h("div", { class: "panel-header" }, h("span", { class: "panel-title" }, panel.title)), body);
  chartHost.append(panelEl);
  view = createPanelView({ panel, body, onZoom: (r) => setRange({ from: String(r.from), to: String(r.to) }) });
}

function draw(): void {
  if (!view || !panelEl) return;
  const info = view.update({ results, range: abs, annotations: [] });
  panelEl.dataset["points"] = String(info.points);
  panelEl.dataset["series"] = String(info.series.length);
  debug.panels["explore"] = { ...info, title: input.value, type: "timeseries" };
  debug.range = { ...abs };
  debug.firstDrawAt ??= performance.now();
}

async function run(push: boolean): Promise<void> {
  const target = input.value.trim();
  const q = new URLSearchParams({ from: raw.from, to: raw.to });
  if (target !== "") q.set("target", target);
  if (unitSel.value !== "none") q.set("unit", unitSel.value);
  const url = `${location.pathname}?${q.toString()}`;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
  controls.update(raw, "");
  buildView();
  abs = resolveRange(raw, Date.now());
  if (target === "") {
    results = [];
    draw();
    return;
  }
  try {
    const res = await runQuery(abs.from, abs.to, Math.min(1500, chartHost.clientWidth || 800), [{ id: "A", target }]);
    results = [...res.results];
  } catch (e) {
    // shown on the chart (like a query's own error) until the next query succeeds
    results = [{ id: "A", step: 0, timestamps: [], series: [], error: `Query failed: ${(e as Error).message}` }];
  }
  draw();
  debug.loads++;
}

function setRange(r: RawRange): void {
  raw = r;
  void run(true);
}

const controls = timeControls({
  setRange,
  shift: (d) => setRange({ from: String(shiftRange(abs, d).from), to: String(shiftRange(abs, d).to) }),
  zoomOut: () => setRange({ from: String(zoomOut(abs).from), to: String(zoomOut(abs).to) }),
  refreshNow: () => void run(false),
  setRefresh: () => undefined,
});

// ---- tree ---------------------------------------------------------------------------------

async function expand(li: HTMLElement, query: string): Promise<void> {
  const ul = h("ul");
  li.append(ul);
  let nodes: FindNode[] = [];
  try {
    nodes = await getJson<FindNode[]>(`/metrics/find?query=${encodeURIComponent(query)}`);
  } catch (e) {
    ul.append(h("li", { class: "error-text" }, (e as Error).message));
    return;
  }
  nodes.sort((a, b) => Number(!!b.expandable) - Number(!!a.expandable) || a.text.localeCompare(b.text));
  for (const n of nodes) {
    const item = h("li", { class: n.expandable ? "branch" : "leaf", "data-path": n.id });
    const b = h("button", { type: "button" }, n.text);
    item.append(b);
    b.addEventListener("click", () => {
      if (n.expandable) {
        const open = item.classList.toggle("open");
        const sub = item.querySelector(":scope > ul");
        if (open && !sub) void expand(item, `${n.id}.*`);
        else if (sub) (sub as HTMLElement).hidden = !open;
      }
      if (n.leaf) {
        input.value = n.id;
        void run(true);
      } else if (!n.expandable) {
        input.value = n.id;
      }
    });
    ul.append(item);
  }
  if (nodes.length === 0) ul.append(h("li", { class: "muted" }, "(no metrics yet)"));
}

initCommon();
byId("dash-toolbar")?.append(controls.el);
byId("explore-form")!.addEventListener("submit", (e) => {
  e.preventDefault();
  void run(true);
});
drawSel.addEventListener("change", () => {
  buildView();
  draw();
});
unitSel.addEventListener("change", () => {
  const q = new URLSearchParams(location.search);
  if (unitSel.value === "none") q.delete("unit");
  else q.set("unit", unitSel.value);
  history.replaceState(null, "", `${location.pathname}?${q.toString()}`);
  buildView();
  draw();
});
window.addEventListener("loupe:theme", () => {
  buildView();
  draw();
});
window.addEventListener("popstate", () => {
  const q = new URLSearchParams(location.search);
  input.value = q.get("target") ?? "";
  unitSel.value = unitFromUrl();
  raw = { from: q.get("from") ?? "now-1h", to: q.get("to") ?? "now" };
  void run(false);
});
void expand(byId("metric-tree")!, "*");
void run(false);
