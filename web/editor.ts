/**
 * Panel editor (/d/:uid/panel/:id/edit): targets, panel type, draw style, unit, legend calcs,
 * thresholds, min/max/log scale; the preview above redraws as you type (queries debounced) and
 * Save stores the dashboard (with the version it was loaded at, so a concurrent edit is refused).
 */
import { initCommon } from "./lib/theme.js";
import { byId, clear, h, pageData } from "./lib/dom.js";
import { postJson } from "./lib/api.js";
import { runQuery } from "./lib/query.js";
import { resolveRange, shiftRange, zoomOut, type AbsRange, type RawRange } from "./lib/time.js";
import { timeControls } from "./lib/timepicker.js";
import { interpolate, resolveVariables, type VarState } from "./lib/variables.js";
import { UNITS } from "./lib/units.js";
import { toast } from "./lib/dialogs.js";
import { firstFreeSlot } from "./lib/layout-engine.js";
import { debugState } from "./lib/state.js";
import { createPanelView, type PanelView } from "./panels/index.js";
import { errorText, type Dashboard, type Panel, type QueryResult } from "./lib/types.js";

interface EditorData {
  dashboard: Dashboard;
  version: number;
  panelId: number | null;
  range: RawRange;
  vars: Record<string, string[]>;
}

const data = pageData<EditorData>();
const dash = data.dashboard;
const debug = debugState();
let raw = data.range;
let abs: AbsRange = resolveRange(raw, Date.now());
let vars: VarState[] = [];
let results: QueryResult[] = [];
let view: PanelView | undefined;
let previewEl: HTMLElement | undefined;
let queryTimer: ReturnType<typeof setTimeout> | undefined;

// ids of panels inside collapsed rows count too (web/lib/rows.ts)
const nextId = dash.panels.flatMap((p) => [p, ...(p.panels ?? [])]).reduce((m, p) => Math.max(m, p.id), 0) + 1;
const original = data.panelId === null ? undefined : dash.panels.find((p) => p.id === data.panelId);
const panel: Panel = structuredClone(
  original ?? {
    id: nextId,
    type: "timeseries",
    title: "New panel",
    // like Grafana: the first free slot in reading order, not always below everything at x=0
    gridPos: firstFreeSlot(dash.panels.map((p) => p.gridPos), 12, 8),
    targets: [{ refId: "A", target: "", hide: false }],
    options: { draw: "lines", unit: "none", logScale: false, legend: [], thresholds: [], reduce: "last", sparkline: true },
  },
);

const root = byId("editor")!;
const preview = h("div", { class: "editor-preview" });
const form = h("div", { class: "editor-form" });
root.append(preview, form);

// ---- preview ------------------------------------------------------------------------------

function buildPreview(): void {
  view?.destroy();
  clear(preview);
  const body = h("div", { class: "panel-body" });
  previewEl = h("section", { class: `panel panel-${panel.type}`, id: "preview-panel", "data-type": panel.type }, h("div", { class: "panel-header" }, h("span", { class: "panel-title" }, panel.title)), body);
  preview.append(previewEl);
  view = createPanelView({ panel: structuredClone(panel), body, onZoom: (r) => setRange({ from: String(r.from), to: String(r.to) }) });
}

function drawPreview(): void {
  if (!view || !previewEl) return;
  const info = view.update({ results, range: abs, annotations: [] });
  previewEl.dataset["points"] = String(info.points);
  previewEl.dataset["series"] = String(info.series.length);
  debug.panels["preview"] = { ...info, title: panel.title, type: panel.type };
  debug.firstDrawAt ??= performance.now();
}

async function fetchData(): Promise<void> {
  abs = resolveRange(raw, Date.now());
  const queries = panel.type === "text" ? [] : panel.targets.filter((t) => !t.hide && t.target.trim() !== "").map((t) => ({ id: t.refId, target: interpolate(t.target, vars) }));
  if (queries.length === 0) results = [];
  else {
    try {
      const res = await runQuery(abs.from, abs.to, Math.min(1500, preview.clientWidth || 800), queries);
      results = [...res.results];
    } catch (e) {
      toast(`Query failed: ${(e as Error).message}`, "error");
    }
  }
  drawPreview();
  debug.loads++;
  renderErrors();
}

/** Options changed: redraw from the data we have. Targets changed: query again (debounced). */
function changed(requery: boolean): void {
  buildPreview();
  drawPreview();
  if (requery) {
    if (queryTimer !== undefined) clearTimeout(queryTimer);
    queryTimer = setTimeout(() => void fetchData(), 350);
  }
}

function setRange(r: RawRange): void {
  raw = r;
  controls.update(raw, "");
  const q = new URLSearchParams(location.search);
  q.set("from", raw.from);
  q.set("to", raw.to);
  history.replaceState(null, "", `${location.pathname}?${q.toString()}`);
  void fetchData();
}

const controls = timeControls({
  setRange,
  shift: (d) => setRange({ from: String(shiftRange(abs, d).from), to: String(shiftRange(abs, d).to) }),
  zoomOut: () => setRange({ from: String(zoomOut(abs).from), to: String(zoomOut(abs).to) }),
  refreshNow: () => void fetchData(),
  setRefresh: () => undefined,
});

// ---- form ---------------------------------------------------------------------------------

const targetsEl = h("div", { class: "targets", id: "targets" });
const errorsEl = h("div", { class: "error-text", id: "target-errors" });

function renderErrors(): void {
  errorsEl.textContent = results.filter((r) => r.error !== undefined).map((r) => `${r.id}: ${errorText(r.error)}`).join("\n");
}

function renderTargets(): void {
  clear(targetsEl);
  panel.targets.forEach((t, i) => {
    const input = h("input", { type: "text", value: t.target, class: "target-input", "data-ref": t.refId, placeholder: "servers.$host.cpu.total.user, sumSeries(…)", spellcheck: "false" });
    input.addEventListener("input", () => {
      t.target = input.value;
      changed(true);
    });
    const hide = h("input", { type: "checkbox", checked: t.hide, title: "Hide this query" });
    hide.addEventListener("change", () => {
      t.hide = hide.checked;
      changed(true);
    });
    const del = h("button", { type: "button", class: "btn icon", title: "Remove query" }, "✕");
    del.addEventListener("click", () => {
      panel.targets.splice(i, 1);
      renderTargets();
      changed(true);
    });
    targetsEl.append(h("div", { class: "target-row" }, h("span", { class: "ref" }, t.refId), input, h("label", { class: "check", title: "Hide" }, hide, "hide"), del));
  });
  const add = h("button", { type: "button", class: "btn", id: "add-target" }, "+ Query");
  add.addEventListener("click", () => {
    const used = new Set(panel.targets.map((t) => t.refId));
    let ref = "A";
    for (let c = 65; c < 91 && used.has(ref); c++) ref = String.fromCharCode(c + 1);
    panel.targets.push({ refId: ref, target: "", hide: false });
    renderTargets();
  });
  targetsEl.append(h("div", {}, add));
}

function field(label: string, control: HTMLElement): HTMLElement {
  return h("label", {}, label, control);
}

function select<T extends string>(id: string, options: ReadonlyArray<{ value: T; label: string }>, value: T, onChange: (v: T) => void): HTMLSelectElement {
  const s = h("select", { id });
  for (const o of options) s.append(h("option", { value: o.value, selected: o.value === value }, o.label));
  s.addEventListener("change", () => onChange(s.value as T));
  return s;
}

function numberInput(id: string, value: number | undefined, onChange: (v: number | undefined) => void): HTMLInputElement {
  const i = h("input", { type: "number", id, value: value ?? "", step: "any" });
  i.addEventListener("input", () => onChange(i.value.trim() === "" || !Number.isFinite(Number(i.value)) ? undefined : Number(i.value)));
  return i;
}

function setOpt<K extends keyof Panel["options"]>(k: K, v: Panel["options"][K] | undefined): void {
  if (v === undefined) delete (panel.options as Partial<Panel["options"]>)[k];
  else panel.options[k] = v;
  changed(false);
}

function renderOptions(): HTMLElement {
  const box = h("div", { class: "options card" }, ...titleAndType());
  if (panel.type === "text") {
    box.append(markdownField());
    return box;
  }
  box.append(...axisFields());
  if (panel.type === "timeseries" || panel.type === "table") box.append(legendField());
  if (panel.type === "stat" || panel.type === "gauge") box.append(...reduceFields());
  box.append(thresholdEditor(), ...layoutFields());
  return box;
}

/** Title and panel type (changing the type redraws the form). */
function titleAndType(): HTMLElement[] {
  const title = h("input", { type: "text", id: "opt-title", value: panel.title });
  title.addEventListener("input", () => {
    panel.title = title.value;
    changed(false);
  });
  const type = select(
    "opt-type",
    [
      { value: "timeseries", label: "Time series" },
      { value: "stat", label: "Stat" },
      { value: "gauge", label: "Gauge" },
      { value: "table", label: "Table" },
      { value: "text", label: "Text (Markdown)" },
    ],
    panel.type,
    (v) => {
      panel.type = v;
      rerenderForm();
      changed(true);
    },
  );
  return [field("Title", title), field("Panel type", type)];
}

function markdownField(): HTMLElement {
  const content = h("textarea", { id: "opt-content", rows: 10, class: "code" });
  content.value = panel.content ?? "";
  content.addEventListener("input", () => {
    panel.content = content.value;
    changed(false);
  });
  return field("Markdown", content);
}

/** Draw style (time series), unit, decimals, min/max, log scale (time series). */
function axisFields(): HTMLElement[] {
  const o = panel.options;
  const out: HTMLElement[] = [];
  if (panel.type === "timeseries") {
    const draws = [
      { value: "lines", label: "Lines" },
      { value: "area", label: "Area" },
      { value: "stacked", label: "Stacked areas" },
      { value: "bars", label: "Bars" },
    ] as const;
    out.push(field("Draw style", select("opt-draw", [...draws], o.draw, (v) => setOpt("draw", v))));
  }
  out.push(field("Unit", select("opt-unit", UNITS, o.unit, (v) => setOpt("unit", v))));
  const decimals = numberInput("opt-decimals", o.decimals, (v) => setOpt("decimals", v === undefined ? undefined : Math.max(0, Math.min(10, Math.round(v)))));
  out.push(h("div", { class: "row" }, field("Decimals", decimals), field("Min", numberInput("opt-min", o.min, (v) => setOpt("min", v))), field("Max", numberInput("opt-max", o.max, (v) => setOpt("max", v)))));
  if (panel.type === "timeseries") {
    const log = h("input", { type: "checkbox", id: "opt-log", checked: o.logScale });
    log.addEventListener("change", () => setOpt("logScale", log.checked));
    out.push(h("label", { class: "check" }, log, "Logarithmic Y axis"));
  }
  return out;
}

/** Legend values (time series) or columns (table). */
function legendField(): HTMLElement {
  const o = panel.options;
  const calcs = h("div", { class: "row", id: "opt-legend" });
  for (const c of ["min", "max", "avg", "last"] as const) {
    const cb = h("input", { type: "checkbox", checked: o.legend.includes(c), "data-calc": c });
    cb.addEventListener("change", () => setOpt("legend", (["min", "max", "avg", "last"] as const).filter((x) => (x === c ? cb.checked : o.legend.includes(x)))));
    calcs.append(h("label", { class: "check" }, cb, c));
  }
  return h("div", {}, h("h4", {}, panel.type === "table" ? "Columns" : "Legend values"), calcs);
}

/** Stat and gauge: the reduction, and the sparkline (stat). */
function reduceFields(): HTMLElement[] {
  const o = panel.options;
  const out = [field("Reduce to", select("opt-reduce", (["last", "avg", "min", "max", "sum"] as const).map((v) => ({ value: v, label: v })), o.reduce, (v) => setOpt("reduce", v)))];
  if (panel.type === "stat") {
    const sp = h("input", { type: "checkbox", id: "opt-sparkline", checked: o.sparkline });
    sp.addEventListener("change", () => setOpt("sparkline", sp.checked));
    out.push(h("label", { class: "check" }, sp, "Sparkline"));
  }
  return out;
}

/** Repeat per variable value (when the dashboard has variables), width and height on the grid. */
function layoutFields(): HTMLElement[] {
  const out: HTMLElement[] = [];
  if (dash.variables.length > 0) {
    const rep = select("opt-repeat", [{ value: "", label: "No repeat" }, ...dash.variables.map((v) => ({ value: v.name, label: `Repeat for each $${v.name}` }))], panel.repeat ?? "", (v) => {
      if (v === "") delete panel.repeat;
      else panel.repeat = v;
    });
    out.push(field("Repeat", rep));
  }
  const w = numberInput("opt-width", panel.gridPos.w, (v) => v !== undefined && (panel.gridPos.w = Math.max(1, Math.min(24, Math.round(v)))));
  const ht = numberInput("opt-height", panel.gridPos.h, (v) => v !== undefined && (panel.gridPos.h = Math.max(1, Math.min(100, Math.round(v)))));
  out.push(h("div", { class: "row" }, field("Width (of 24)", w), field("Height (rows)", ht)));
  return out;
}

function thresholdEditor(): HTMLElement {
  const wrap = h("div", { id: "opt-thresholds" }, h("h4", {}, "Thresholds"));
  const list = panel.options.thresholds;
  list.forEach((t, i) => {
    const v = numberInput(`threshold-${i}`, t.value, (x) => {
      if (x !== undefined) t.value = x;
      changed(false);
    });
    const c = h("input", { type: "text", value: t.color, title: "Colour: red, orange, green, #hex" });
    c.addEventListener("input", () => {
      t.color = c.value.trim() || "red";
      changed(false);
    });
    const del = h("button", { type: "button", class: "btn icon", title: "Remove" }, "✕");
    del.addEventListener("click", () => {
      list.splice(i, 1);
      rerenderForm();
      changed(false);
    });
    wrap.append(h("div", { class: "threshold-row" }, v, c, del));
  });
  const add = h("button", { type: "button", class: "btn", id: "add-threshold" }, "+ Threshold");
  add.addEventListener("click", () => {
    list.push({ value: (list[list.length - 1]?.value ?? 0) + 10, color: list.length === 0 ? "orange" : "red" });
    rerenderForm();
    changed(false);
  });
  wrap.append(add);
  return wrap;
}

function rerenderForm(): void {
  clear(form);
  const left = h("div", { class: "card stack" }, h("h4", {}, "Queries"), targetsEl, errorsEl);
  if (panel.type === "text") left.hidden = true;
  renderTargets();
  form.append(left, renderOptions());
}

// ---- save ---------------------------------------------------------------------------------

async function save(): Promise<void> {
  const panels = original ? dash.panels.map((p) => (p.id === panel.id ? panel : p)) : [...dash.panels, panel];
  const updated: Dashboard = { ...dash, panels };
  try {
    const r = await postJson<{ uid: string; version: number }>("/api/dashboards", { dashboard: updated, expectedVersion: data.version, message: `${original ? "edited" : "added"} panel "${panel.title}"` });
    const q = new URLSearchParams(location.search);
    location.assign(`/d/${encodeURIComponent(r.uid)}${q.toString() ? `?${q.toString()}` : ""}`);
  } catch (e) {
    toast(`Save failed: ${(e as Error).message}`, "error");
  }
}

// ---- start --------------------------------------------------------------------------------

initCommon();
byId("dash-toolbar")?.append(controls.el);
byId("editor-save")?.addEventListener("click", () => void save());
window.addEventListener("loupe:theme", () => changed(false));
controls.update(raw, "");
rerenderForm();
buildPreview();
void resolveVariables(dash.variables, data.vars).then((v) => {
  vars = v;
  return fetchData();
});
