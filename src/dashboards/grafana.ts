/**
 * Grafana dashboard JSON → Loupe dashboard, best effort. Reads both layouts: Grafana 5+ `panels`
 * with `gridPos` (rows are `type: "row"` panels; a collapsed row holds its own `panels`) and the
 * older `rows[].panels` with `span`. Rows become a heading (a text panel) followed by their
 * panels; everything is re-packed on the 24-column grid in reading order. What cannot be
 * converted is listed in `skipped` with the reason.
 */
import type { DashboardInput } from "./model.js";
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
    return o !== undefined && ("datasource" in o || "fieldConfig" in o || o["type"] === "graph" || o["type"] === "singlestat" || o["type"] === "row");
  });
}

interface Placed {
  readonly panel: ConvertedPanel;
  readonly sourceId: number | undefined;
  readonly x: number;
  readonly w: number;
  readonly h: number;
}

const ROW_HEADING_HEIGHT = 2;
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

/** Collects converted panels in reading order, with row headings; what fails goes to `skipped`. */
class Placer {
  readonly placed: Placed[] = [];

  constructor(
    private readonly inputs: ReadonlyMap<string, string>,
    private readonly skipped: Skip[],
  ) {}

  heading(title: string): void {
    if (title.trim() === "") return;
    this.placed.push({ panel: { type: "text", title: "", content: `### ${title.slice(0, 190)}`, targets: [] }, sourceId: undefined, x: 0, w: 24, h: ROW_HEADING_HEIGHT });
  }

  take(p: Json, x: number, w: number, h: number): void {
    const label = panelLabel(p);
    const r = convertPanel(p, this.inputs);
    if (!r.ok) {
      this.skipped.push({ panel: label, reason: r.reason });
      return;
    }
    for (const note of r.notes) this.skipped.push({ panel: label, reason: note });
    this.placed.push({ panel: r.panel, sourceId: num(p["id"]), x, w, h });
  }

  rowRepeat(row: Json, title: string): void {
    const rep = str(row["repeat"]);
    if (rep !== undefined && rep !== "") this.skipped.push({ panel: `row "${title}"`, reason: `repeating rows is not supported: its panels are shown once (for $${rep})` });
  }
}

/** Grafana < 5: rows[].panels with span (of 12) and a row height in px. */
function placeOldRows(d: Json, placer: Placer): void {
  for (const r of arr(d["rows"])) {
    const row = obj(r);
    if (row === undefined) continue;
    const title = str(row["title"]) ?? "";
    if (row["showTitle"] === true || row["collapse"] === true) placer.heading(title);
    placer.rowRepeat(row, title);
    const rowPx = num(String(row["height"] ?? "250").replace(/px$/, "")) ?? 250;
    let x = 0;
    for (const pr of arr(row["panels"])) {
      const p = obj(pr);
      if (p === undefined) continue;
      const w = Math.max(1, Math.min(24, Math.round((num(p["span"]) ?? 12) * 2)));
      if (x + w > 24) x = 0;
      const px = num(String(p["height"] ?? "").replace(/px$/, "")) ?? rowPx;
      placer.take(p, x, w, Math.max(2, Math.ceil(px / OLD_ROW_UNIT_PX)));
      x = (x + w) % 24;
    }
  }
}

/** Grafana 5+: `panels` with gridPos; rows are `type: "row"` panels. */
function placeGridPanels(d: Json, placer: Placer): void {
  const top = arr(d["panels"]).map(obj).filter((p): p is Json => p !== undefined).sort(byPosition);
  for (const p of top) {
    const g = obj(p["gridPos"]) ?? {};
    if (p["type"] === "row") {
      const title = str(p["title"]) ?? "";
      placer.heading(title);
      placer.rowRepeat(p, title);
      // A collapsed row carries its panels inside it; an open row's panels follow at top level.
      for (const inner of arr(p["panels"]).map(obj).filter((q): q is Json => q !== undefined).sort(byPosition)) {
        const gi = obj(inner["gridPos"]) ?? {};
        placer.take(inner, num(gi["x"]) ?? 0, num(gi["w"]) ?? 12, num(gi["h"]) ?? 8);
      }
      continue;
    }
    placer.take(p, num(g["x"]) ?? 0, num(g["w"]) ?? 12, num(g["h"]) ?? 8);
  }
}

/** At most 100 panels, packed on the grid; Grafana's panel ids kept where unique, the rest numbered after them. */
function packAndNumber(placed: Placed[], skipped: Skip[]): DashboardInput["panels"] {
  if (placed.length > 100) {
    for (const p of placed.slice(100)) skipped.push({ panel: p.panel.title === "" ? "heading" : p.panel.title!, reason: "a dashboard holds at most 100 panels" });
    placed.length = 100;
  }
  const ids = new Set<number>();
  for (const p of placed) if (p.sourceId !== undefined && Number.isSafeInteger(p.sourceId) && p.sourceId >= 1 && p.sourceId < 2 ** 40) ids.add(p.sourceId);
  const taken = new Set<number>();
  let next = Math.max(0, ...ids) + 1;
  return packPanels(placed).map((p) => {
    let id = p.sourceId;
    if (id === undefined || !ids.has(id) || taken.has(id)) id = next++;
    taken.add(id);
    return { ...p.panel, id, gridPos: { x: p.x, y: p.y, w: p.w, h: p.h } };
  });
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
  const panels = packAndNumber(placer.placed, skipped);
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
