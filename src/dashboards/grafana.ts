/**
 * Grafana dashboard JSON → Loupe dashboard, best effort. Reads both layouts: Grafana 5+ `panels`
 * with `gridPos` (rows are `type: "row"` panels; a collapsed row holds its own `panels`) and the
 * older `rows[].panels` with `span`. Rows stay rows (collapsed as they were saved, repeated per
 * variable value); panels are re-packed on the 24-column grid under their row in reading order.
 * Titles keep their `$var` / `${var}` / `[[var]]` (the page fills them in). What cannot be converted
 * is listed in `skipped` with the reason (`groupSkips` folds it to one line per reason).
 */
import { MAX_PANELS, MAX_ROWS, type DashboardInput } from "./model.js";
import { arr, num, obj, str, type Json } from "./json-read.js";
import { convertPanel, type ConvertedPanel } from "./grafana-panels.js";
import { convertTemplating, type Skip } from "./grafana-templating.js";
import { packPanels } from "./layout.js";
import { UID_RE, uidFromTitle } from "./uid.js";

export interface GrafanaConversion {
  readonly dashboard: DashboardInput;
  readonly skipped: Skip[];
}

/** Looks like a Grafana dashboard rather than a Loupe one. */
export function isGrafanaDashboard(json: unknown): boolean {
  const d = obj(json);
  if (d === undefined) return false;
  if ("schemaVersion" in d || "rows" in d || "templating" in d || "__inputs" in d || "__requires" in d) return true;
  return arr(d["panels"]).some((p) => {
    const o = obj(p);
    // not `type: "row"`: Loupe dashboards have rows too
    return o !== undefined && ("datasource" in o || "fieldConfig" in o || o["type"] === "graph" || o["type"] === "singlestat");
  });
}

interface Placed {
  readonly panel: ConvertedPanel;
  readonly sourceId: number | undefined;
  readonly x: number;
  readonly w: number;
  readonly h: number;
  /** Inside a collapsed row (its own `panels`), rather than after it at top level. */
  readonly nested: boolean;
}

/** A Grafana row: a heading that folds the panels after it; `collapsed` as it was saved. */
interface RowHead {
  readonly title: string;
  readonly collapsed: boolean;
  readonly repeat: string | undefined;
  readonly sourceId: number | undefined;
}

/** The panels before the first row (row undefined), then each row with its panels. */
interface Section {
  readonly row: RowHead | undefined;
  readonly panels: Placed[];
}

const OLD_ROW_UNIT_PX = 38; // Grafana's 30 px cell plus its 8 px margin

function byPosition(a: Json, b: Json): number {
  const ga = obj(a["gridPos"]) ?? {};
  const gb = obj(b["gridPos"]) ?? {};
  return (num(ga["y"]) ?? 0) - (num(gb["y"]) ?? 0) || (num(ga["x"]) ?? 0) - (num(gb["x"]) ?? 0);
}

function panelLabel(p: Json): string {
  const t = str(p["title"]) ?? "";
  if (t !== "") return t;
  const id = num(p["id"]);
  return id === undefined ? `untitled ${str(p["type"]) ?? "panel"}` : `panel #${id}`;
}

/** `__inputs`: the datasource placeholders of an exported dashboard, by name → plugin id. */
function readInputs(d: Json): Map<string, string> {
  const inputs = new Map<string, string>();
  for (const i of arr(d["__inputs"])) {
    const o = obj(i);
    const name = str(o?.["name"]);
    const plugin = str(o?.["pluginId"]);
    if (name !== undefined && plugin !== undefined) inputs.set(name, plugin);
  }
  return inputs;
}

/** Collects converted panels in reading order, grouped under their rows; what fails goes to `skipped`. */
class Placer {
  readonly sections: Section[] = [{ row: undefined, panels: [] }];

  constructor(
    private readonly inputs: ReadonlyMap<string, string>,
    private readonly skipped: Skip[],
  ) {}

  row(row: Json, collapsed: boolean): void {
    const rep = str(row["repeat"]);
    const title = (str(row["title"]) ?? "").slice(0, 200);
    this.sections.push({ row: { title, collapsed, repeat: rep !== undefined && rep !== "" ? rep.slice(0, 64) : undefined, sourceId: num(row["id"]) }, panels: [] });
  }

  take(p: Json, x: number, w: number, h: number, nested = false): void {
    const label = panelLabel(p);
    const r = convertPanel(p, this.inputs);
    if (!r.ok) {
      this.skipped.push({ panel: label, reason: r.reason });
      return;
    }
    for (const note of r.notes) this.skipped.push({ panel: label, reason: note });
    this.sections[this.sections.length - 1]!.panels.push({ panel: r.panel, sourceId: num(p["id"]), x, w, h, nested });
  }
}

/** Grafana < 5: rows[].panels with span (of 12) and a row height in px; several rows each become a row. */
function placeOldRows(d: Json, placer: Placer): void {
  const rows = arr(d["rows"]).map(obj).filter((r): r is Json => r !== undefined);
  for (const row of rows) {
    // a copy Grafana saved of a repeated row: the repeat draws it again
    if (row["repeatRowId"] !== undefined && row["repeatRowId"] !== null) continue;
    const isRow = rows.length > 1 || row["showTitle"] === true || row["collapse"] === true || str(row["repeat"]) !== undefined;
    if (isRow) placer.row(row, row["collapse"] === true);
    const rowPx = num(String(row["height"] ?? "250").replace(/px$/, "")) ?? 250;
    let x = 0;
    for (const pr of arr(row["panels"])) {
      const p = obj(pr);
      if (p === undefined) continue;
      const w = Math.max(1, Math.min(24, Math.round((num(p["span"]) ?? 12) * 2)));
      if (x + w > 24) x = 0;
      const px = num(String(p["height"] ?? "").replace(/px$/, "")) ?? rowPx;
      placer.take(p, x, w, Math.max(2, Math.ceil(px / OLD_ROW_UNIT_PX)), isRow && row["collapse"] === true);
      x = (x + w) % 24;
    }
  }
}

/** Grafana 5+: `panels` with gridPos; rows are `type: "row"` panels. */
function placeGridPanels(d: Json, placer: Placer): void {
  const top = arr(d["panels"]).map(obj).filter((p): p is Json => p !== undefined).sort(byPosition);
  for (const p of top) {
    // copies Grafana saved of repeated panels and rows: the repeat draws them again
    if (p["repeatPanelId"] !== undefined && p["repeatPanelId"] !== null) continue;
    const g = obj(p["gridPos"]) ?? {};
    if (p["type"] === "row") {
      placer.row(p, p["collapsed"] === true);
      // A collapsed row carries its panels inside it; an open row's panels follow at top level.
      for (const inner of arr(p["panels"]).map(obj).filter((q): q is Json => q !== undefined).sort(byPosition)) {
        const gi = obj(inner["gridPos"]) ?? {};
        placer.take(inner, num(gi["x"]) ?? 0, num(gi["w"]) ?? 12, num(gi["h"]) ?? 8, p["collapsed"] === true);
      }
      continue;
    }
    placer.take(p, num(g["x"]) ?? 0, num(g["w"]) ?? 12, num(g["h"]) ?? 8);
  }
}

/** Keeps at most MAX_PANELS panels and MAX_ROWS rows (in reading order); the rest is reported. */
function capSections(sections: Section[], skipped: Skip[]): Section[] {
  let panels = 0;
  let rows = 0;
  const out: Section[] = [];
  for (const s of sections) {
    if (s.row !== undefined && ++rows > MAX_ROWS) {
      skipped.push({ panel: `row "${s.row.title}"`, reason: `a dashboard holds at most ${MAX_ROWS} rows` });
      s.panels.forEach((p) => skipped.push({ panel: p.panel.title || "untitled panel", reason: `a dashboard holds at most ${MAX_ROWS} rows` }));
      continue;
    }
    const keep = s.panels.slice(0, Math.max(0, MAX_PANELS - panels));
    for (const p of s.panels.slice(keep.length)) skipped.push({ panel: p.panel.title || "untitled panel", reason: `a dashboard holds at most ${MAX_PANELS} panels` });
    panels += keep.length;
    out.push({ row: s.row, panels: keep });
  }
  return out;
}

type PanelIn = NonNullable<DashboardInput["panels"]>[number];

/** Numbers panels: Grafana's ids kept where unique, the rest numbered after them. */
function numberer(sections: readonly Section[]): (sourceId: number | undefined) => number {
  const ids = new Set<number>();
  const valid = (id: number | undefined): id is number => id !== undefined && Number.isSafeInteger(id) && id >= 1 && id < 2 ** 40;
  for (const s of sections) for (const id of [s.row?.sourceId, ...s.panels.map((p) => p.sourceId)]) if (valid(id)) ids.add(id);
  const taken = new Set<number>();
  let next = Math.max(0, ...ids) + 1;
  return (sourceId) => {
    const id = valid(sourceId) && !taken.has(sourceId) ? sourceId : next++;
    taken.add(id);
    return id;
  };
}

/**
 * Rows and panels on the 24-column grid: each row a full-width line, its panels packed below it;
 * a collapsed row holds its panels (positioned as if open) and takes one line.
 */
function layoutSections(sections: readonly Section[]): PanelIn[] {
  const idOf = numberer(sections);
  const out: PanelIn[] = [];
  let cursor = 0;
  const pack = (ps: readonly Placed[], top: number): PanelIn[] => packPanels(ps).map((p) => ({ ...p.panel, id: idOf(p.sourceId), gridPos: { x: p.x, y: top + p.y, w: p.w, h: p.h } }));
  const bottom = (ps: readonly PanelIn[]): number => ps.reduce((m, p) => Math.max(m, p.gridPos.y + p.gridPos.h), 0);
  for (const s of sections) {
    if (s.row === undefined && s.panels.length === 0) continue;
    const collapsed = s.row?.collapsed === true;
    if (s.row !== undefined) {
      const row: PanelIn = { id: idOf(s.row.sourceId), type: "row", title: s.row.title, gridPos: { x: 0, y: cursor, w: 24, h: 1 }, targets: [], collapsed, ...(s.row.repeat !== undefined ? { repeat: s.row.repeat } : {}) };
      cursor += 1;
      // folded panels keep the places they take when the row is opened
      if (collapsed) row.panels = pack(s.panels.filter((p) => p.nested), cursor);
      out.push(row);
    }
    const shown = pack(s.panels.filter((p) => !collapsed || !p.nested), cursor);
    out.push(...shown);
    cursor = Math.max(cursor, bottom(shown));
  }
  return out;
}

/** Annotation queries and dashboard links: reported, not imported. */
function skipUnsupported(d: Json, skipped: Skip[]): void {
  for (const a of arr(obj(d["annotations"])?.["list"])) {
    const o = obj(a);
    if (o === undefined || o["builtIn"] === 1) continue;
    skipped.push({ panel: `annotation "${str(o["name"]) ?? ""}"`, reason: "annotation queries are not imported: Loupe shows its own annotations (POST /api/annotations) on every dashboard" });
  }
  if (arr(d["links"]).length > 0) skipped.push({ panel: "dashboard links", reason: "dashboard links are not supported" });
}

export function convertGrafanaDashboard(json: unknown): GrafanaConversion {
  const d = obj(json) ?? {};
  const skipped: Skip[] = [];
  const inputs = readInputs(d);
  const placer = new Placer(inputs, skipped);
  if (Array.isArray(d["rows"]) && !Array.isArray(d["panels"])) placeOldRows(d, placer);
  else placeGridPanels(d, placer);
  const panels = layoutSections(capSections(placer.sections, skipped));
  skipUnsupported(d, skipped);

  const title = (str(d["title"]) ?? "").trim().slice(0, 200) || "Imported dashboard";
  const uidIn = str(d["uid"]);
  const time = obj(d["time"]);
  const from = str(time?.["from"]);
  const to = str(time?.["to"]);
  const refresh = str(d["refresh"]) ?? "";
  const dashboard: DashboardInput = {
    uid: uidIn !== undefined && UID_RE.test(uidIn) ? uidIn : uidFromTitle(title),
    title,
    tags: [...new Set(arr(d["tags"]).filter((t): t is string => typeof t === "string" && t !== "").map((t) => t.slice(0, 50)))].slice(0, 20),
    time: from !== undefined && to !== undefined && from.length <= 40 && to.length <= 40 ? { from, to } : { from: "now-6h", to: "now" },
    refresh: /^\d{1,6}[smhd]$/.test(refresh) ? refresh : "",
    variables: convertTemplating(d["templating"], inputs, skipped),
    panels,
  };
  return { dashboard, skipped };
}
