/**
 * Dashboard page (/d/:uid) and snapshot page (/snapshot/:key). Reads the server's page data, lays
 * out panels, loads every panel's data in ONE /api/query request, and keeps the URL in step with
 * the range, refresh and variables so a link reproduces the view. Snapshots draw stored data only.
 */
import { initCommon } from "./lib/theme.js";
import { byId, clear, h, pageData } from "./lib/dom.js";
import type { QueryRequestItem } from "./lib/query.js";
import { isRelative, parseDuration, resolveRange, shiftRange, zoomOut, type AbsRange, type RawRange } from "./lib/time.js";
import { interpolate, provisionalVariables, resolveVariables, sameSelections, ALL, type VarState } from "./lib/variables.js";
import { placePanels, type PlacedPanel } from "./lib/grid.js";
import { dashboardUrl, urlVars } from "./lib/dashboard-url.js";
import { bindDashboardKeys } from "./lib/dashboard-keys.js";
import { layoutRows, toggleRow } from "./lib/rows.js";
import { rowHeader } from "./lib/row-header.js";
import { ViewportLoader } from "./lib/lazy.js";
import { timeControls } from "./lib/timepicker.js";
import { renderVariableBar } from "./lib/variable-bar.js";
import { openAnnotationPopover, openJsonEditor, openSnapshotDialog, saveView } from "./lib/dashboard-dialogs.js";
import { createLayoutEditor, type LayoutEditor } from "./lib/layout-editor.js";
import { placeView, positionPanels } from "./lib/layout-position.js";
import { inspectQueries, openInspectDialog, panelHeader } from "./lib/layout-panel-menu.js";
import { DashboardData, mark, type LivePanel } from "./lib/dashboard-data.js";
import { createPanelView } from "./panels/index.js";
import type { Annotation, Dashboard, Panel, QueryResult } from "./lib/types.js";

export interface DashboardPageData {
  readonly mode: "live" | "snapshot";
  readonly uid: string;
  readonly dashboard: Dashboard;
  readonly version: number;
  readonly canEdit: boolean;
  readonly range: RawRange;
  readonly refresh: string;
  readonly vars: Record<string, string[]>;
  readonly annotations: Annotation[];
  readonly snapshot?: { readonly key: string; readonly name: string; readonly createdAt: number; readonly expiresAt: number | null; readonly range: AbsRange; readonly data: Record<string, QueryResult> };
}

const ROW_PX = 30;
mark("script-start");
const data = pageData<DashboardPageData>();
const dash = data.dashboard;
const snapshot = data.snapshot;
let raw: RawRange = data.range;
let abs: AbsRange = snapshot ? snapshot.range : resolveRange(raw, Date.now());
let refresh = data.refresh;
let vars: VarState[] = [];
let live: LivePanel[] = [];
let timer: ReturnType<typeof setTimeout> | undefined;
let pausedWhileHidden = false;
let viewPanel: string | null = null;
let layout: LayoutEditor | undefined;
let resizeTimer: ReturnType<typeof setTimeout> | undefined;
let version = data.version;

const grid = byId("panels")!;
// panels are queried when scrolled into view (web/lib/lazy.ts)
const lazy = new ViewportLoader(() => void load(true));
// results, annotations, drawing and loading: web/lib/dashboard-data.ts
const store = new DashboardData(
  { snapshot: !!snapshot, dashboardUid: dash.uid, grid, lazy, live: () => live, queriesOf, range: () => abs, resolveRange: () => (abs = resolveRange(raw, Date.now())) },
  snapshot ? Object.entries(snapshot.data).filter(([k]) => k !== "__annotations") : [],
  snapshot ? ((snapshot.data["__annotations"] as unknown as Annotation[] | undefined) ?? []) : data.annotations,
);
const draw = (): void => store.draw();
const load = (more = false): Promise<void> => store.load(more);
const varBar = byId("variables")!;

// ---- URL ----------------------------------------------------------------------------------

function readUrl(): void {
  const q = new URLSearchParams(location.search);
  raw = { from: q.get("from") ?? dash.time.from, to: q.get("to") ?? dash.time.to };
  refresh = q.get("refresh") ?? dash.refresh;
  viewPanel = q.get("viewPanel");
}

function writeUrl(push: boolean): void {
  const url = dashboardUrl(location.pathname, { raw, refresh, vars, viewPanel });
  if (url === location.pathname + location.search) return;
  if (push) history.pushState(null, "", url);
  else history.replaceState(null, "", url);
}

// ---- layout -------------------------------------------------------------------------------

function buildPanels(): void {
  for (const p of live) p.view.destroy();
  live = [];
  clear(grid);
  lazy.clear();
  // rows (web/lib/rows.ts): collapsed rows' panels are not laid out, repeated rows expanded, titles interpolated
  const rowLayout = layoutRows(dash.panels, vars, placePanels);
  const placed = placeView(grid, ROW_PX, rowLayout.panels, viewPanel);
  const viewing = grid.classList.contains("viewing");
  if (!viewing) for (const r of rowLayout.rows) grid.append(rowHeader(r, onToggleRow));
  for (const p of placed) {
    const body = h("div", { class: "panel-body" });
    const original = !p.key.includes("_");
    const first = queriesOf(p)[0];
    // Explore opens with the range at the time of the click (it changes without rebuilding the panels)
    const explore = data.mode === "live" && first !== undefined ? () => `/explore?${new URLSearchParams({ target: first.target, from: String(abs.from), to: String(abs.to) }).toString()}` : undefined;
    const header = panelHeader({ key: p.key, panel: p.panel, original: original && data.mode === "live", editHref: editHref(p.panel.id), explore, actions: menuActions });
    const el = h("section", { class: `panel panel-${p.panel.type}`, "data-panel-key": p.key, "data-panel-id": p.panel.id, "data-type": p.panel.type }, header, body);
    if (layout && original) {
      el.dataset["layoutId"] = String(p.panel.id);
      el.append(h("span", { class: "panel-resize", title: "Drag to resize" }));
    }
    grid.append(el);
    lazy.observe(el, p.key);
    const view = createPanelView({
      panel: p.panel,
      body,
      onZoom: (r) => setRange({ from: String(r.from), to: String(r.to) }),
      onClickTime: (t, x, y) => {
        if (data.mode === "live") openAnnotationPopover(dash.uid, t, x, y, (added) => void ((store.annotations = [...store.annotations, added]), draw()));
      },
    });
    live.push({ placed: p, el, body, view });
  }
  positionPanels(grid, ROW_PX, placed, elements());
  if (!viewing) grid.style.gridTemplateRows = `repeat(${rowLayout.height}, ${ROW_PX}px)`;
}

const elements = (): Array<{ key: string; el: HTMLElement }> => live.map((p) => ({ key: p.placed.key, el: p.el }));

const editHref = (id: number): string => `/d/${encodeURIComponent(dash.uid)}/panel/${id}/edit${location.search}`;

/** The layout editor's hook: shows `panels`' positions (while dragging, or after a save). */
function relayout(panels: readonly Panel[] = dash.panels): void {
  positionPanels(grid, ROW_PX, placeView(grid, ROW_PX, layoutRows(panels, vars, placePanels).panels, viewPanel), elements());
  if (resizeTimer !== undefined) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => live.forEach((p) => p.view.resize()), 100);
}

function setViewPanel(key: string | null): void {
  viewPanel = key;
  if (!snapshot) writeUrl(true);
  buildPanels();
  draw();
  live.forEach((p) => p.view.resize());
}

const menuActions = {
  canEdit: data.mode === "live" && data.canEdit,
  view: (key: string) => setViewPanel(viewPanel === key ? null : key),
  editHref,
  inspect: (key: string) => {
    const p = live.find((x) => x.placed.key === key);
    const rs = p ? queriesOf(p.placed).map((q) => store.results.get(q.id)).filter((r): r is QueryResult => r !== undefined) : [];
    if (p) openInspectDialog({ title: p.placed.panel.title, queries: inspectQueries(p.placed.panel, (t) => interpolate(t, vars, p.placed.scoped)), results: rs });
  },
  duplicate: (id: number) => layout?.duplicatePanel(id),
  remove: (id: number) => layout?.removePanel(id),
};

function queriesOf(p: PlacedPanel): QueryRequestItem[] {
  if (p.panel.type === "text") return [];
  return p.panel.targets.filter((t) => !t.hide && t.target.trim() !== "").map((t) => ({ id: `${p.key}-${t.refId}`, target: interpolate(t.target, vars, p.scoped) }));
}

async function reload(withAnnotations = true): Promise<void> {
  abs = resolveRange(raw, Date.now());
  if (withAnnotations) await store.loadAnnotations();
  await load();
}

// ---- time ---------------------------------------------------------------------------------

const controls = timeControls({
  setRange,
  shift: (dir) => setRange(toRaw(shiftRange(abs, dir))),
  zoomOut: () => setRange(toRaw(zoomOut(abs))),
  refreshNow: () => void reload(),
  setRefresh: (r) => {
    refresh = r;
    writeUrl(false);
    controls.update(raw, refresh);
    schedule();
  },
});

const toRaw = (a: AbsRange): RawRange => ({ from: String(Math.round(a.from)), to: String(Math.round(a.to)) });

function setRange(r: RawRange): void {
  raw = r;
  writeUrl(true);
  controls.update(raw, refresh);
  void reload();
}

function schedule(): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  const ms = parseDuration(refresh);
  if (snapshot || ms === undefined || ms <= 0) return;
  timer = setTimeout(() => {
    timer = undefined;
    if (document.hidden) {
      pausedWhileHidden = true;
      return;
    }
    // A fixed absolute range has nothing new to show, but refresh anyway (late data arrives).
    void reload(isRelative(raw)).finally(schedule);
  }, Math.max(1000, ms));
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden && pausedWhileHidden) {
    pausedWhileHidden = false;
    void reload().finally(schedule);
  }
});

if (!snapshot)
  bindDashboardKeys({ shift: (d) => setRange(toRaw(shiftRange(abs, d))), zoomOut: () => setRange(toRaw(zoomOut(abs))), reload: () => void reload(), leaveView: () => viewPanel !== null && (setViewPanel(null), true) });

window.addEventListener("popstate", () => {
  readUrl();
  void initVariables().then(() => {
    buildPanels();
    controls.update(raw, refresh);
    schedule();
    return reload();
  });
});

// ---- variables ----------------------------------------------------------------------------

async function initVariables(): Promise<void> {
  const known = snapshot ? new Map(dash.variables.map((v) => [v.name, v.current.filter((c) => c !== ALL)])) : undefined;
  vars = await resolveVariables(dash.variables, snapshot ? {} : urlVars(location.search), known);
  renderVariables();
}

function renderVariables(): void {
  renderVariableBar(varBar, vars, { disabled: !!snapshot, onChange: (name, rerender) => void onVariablesChanged(name, rerender) });
}

async function onVariablesChanged(name: string, rerender = true): Promise<void> {
  // Later query variables may depend on this one: re-resolve them with the current selection.
  const idx = dash.variables.findIndex((d) => d.name === name);
  const fixed: Record<string, string[]> = {};
  for (const v of vars) fixed[v.name] = v.selected;
  if (dash.variables.slice(idx + 1).some((d) => d.type === "query")) {
    vars = await resolveVariables(dash.variables, fixed);
    rerender = true;
  }
  if (rerender) renderVariables();
  writeUrl(true);
  buildPanels();
  await load();
}

function onToggleRow(rowId: number): void {
  dash.panels = toggleRow(dash.panels, rowId);
  buildPanels();
  draw();
  void load(true);
}

// ---- toolbar actions ----------------------------------------------------------------------

function currentDashboard(): Dashboard {
  return { ...dash, variables: dash.variables.map((d) => ({ ...d, current: vars.find((v) => v.name === d.name)?.selected ?? d.current })) };
}

function shareSnapshot(): void {
  openSnapshotDialog({ title: dash.title, dashboard: currentDashboard(), range: abs, data: { ...Object.fromEntries(store.results), __annotations: store.annotations } });
}

function editJson(): void {
  openJsonEditor(dash, version);
}

function wireHeaderButtons(): void {
  byId("share-snapshot")?.addEventListener("click", shareSnapshot);
  byId("edit-json")?.addEventListener("click", editJson);
  byId("save-view")?.addEventListener("click", () => saveView({ ...currentDashboard(), time: { ...raw }, refresh }, version));
  const tb = byId("dash-toolbar");
  if (tb && !snapshot) tb.append(controls.el);
}

// ---- start --------------------------------------------------------------------------------

initCommon();
window.addEventListener("loupe:theme", () => {
  buildPanels();
  draw();
});
new ResizeObserver(() => {
  if (resizeTimer !== undefined) clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => live.forEach((p) => p.view.resize()), 100);
}).observe(grid);

async function start(): Promise<void> {
  if (!snapshot) readUrl();
  wireHeaderButtons();
  if (data.mode === "live" && data.canEdit) {
    const host = { dash, grid, rowPx: ROW_PX, relayout, rebuild: () => void (buildPanels(), load()) };
    layout = createLayoutEditor(Object.defineProperty(host, "version", { get: () => version, set: (v: number) => void (version = v) }) as typeof host & { version: number });
  }
  controls.update(raw, refresh);
  // the first query need not wait for the variables' option lists when the selections are already known
  const early = snapshot ? undefined : provisionalVariables(dash.variables, urlVars(location.search));
  let first: Promise<void> | undefined;
  if (early !== undefined) {
    vars = early;
    buildPanels();
    mark("panels-built");
    first = load();
  }
  await initVariables();
  const kept = early !== undefined && sameSelections(early, vars);
  if (!kept) buildPanels();
  if (!snapshot) writeUrl(false);
  await (kept ? first : load());
  schedule();
}

void start();
