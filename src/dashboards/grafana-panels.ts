/**
 * One Grafana panel (graph, timeseries, singlestat, stat, gauge, bargauge, table, text) → a Loupe
 * panel, best effort. Returns the panel (without grid position) and notes on what was lost, or a
 * reason why the panel cannot be converted at all.
 */
import type { DashboardInput, Unit } from "./model.js";
import { arr, num, obj, str, type Json } from "./json-read.js";
import { unitFromGrafana } from "./units.js";
import { convertTargets } from "./grafana-targets.js";

type PanelIn = NonNullable<DashboardInput["panels"]>[number];
type OptionsIn = NonNullable<PanelIn["options"]>;
export type ConvertedPanel = Omit<PanelIn, "id" | "gridPos">;

export type PanelConversion =
  | { readonly ok: true; readonly panel: ConvertedPanel; readonly notes: string[] }
  | { readonly ok: false; readonly reason: string };

const TYPE_MAP: Readonly<Record<string, PanelIn["type"]>> = {
  graph: "timeseries",
  timeseries: "timeseries",
  singlestat: "stat",
  stat: "stat",
  gauge: "gauge",
  bargauge: "gauge",
  table: "table",
  "table-old": "table",
  text: "text",
};

const COLOR_MODES: Readonly<Record<string, string>> = { critical: "red", warning: "orange", ok: "green" };

export function convertPanel(p: Json, inputs: ReadonlyMap<string, string>): PanelConversion {
  const gType = str(p["type"]) ?? "";
  let type = Object.hasOwn(TYPE_MAP, gType) ? TYPE_MAP[gType] : undefined;
  if (type === undefined) return { ok: false, reason: gType === "" ? "panel has no type" : `panel type "${gType}" is not supported` };
  if (gType === "singlestat" && obj(p["gauge"])?.["show"] === true) type = "gauge";
  const notes: string[] = [];
  let title = str(p["title"]) ?? "";
  if (title.length > 200) title = title.slice(0, 200);

  if (type === "text") {
    const opts = obj(p["options"]);
    let content = str(opts?.["content"]) ?? str(p["content"]) ?? "";
    const mode = str(opts?.["mode"]) ?? str(p["mode"]) ?? "markdown";
    if (mode === "html") notes.push("HTML text is shown as Markdown");
    if (content.length > 20000) {
      content = content.slice(0, 20000);
      notes.push("text cut to 20000 characters");
    }
    return { ok: true, panel: { type, title, content, targets: [] }, notes };
  }

  const { targets, problems } = convertTargets(p, inputs);
  notes.push(...problems);
  if (targets.length === 0) {
    return { ok: false, reason: problems.length > 0 ? `no Graphite query: ${problems.join("; ")}` : "panel has no query" };
  }
  if (targets.length > 26) notes.push(`only the first 26 of ${targets.length} queries kept`);

  const options = gType === "graph" ? graphOptions(p, notes) : gType === "singlestat" ? singlestatOptions(p, notes) : fieldConfigOptions(p, type, notes);
  const panel: ConvertedPanel = { type, title, targets: targets.slice(0, 26), options };
  const repeat = str(p["repeat"]);
  if (repeat !== undefined && /^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(repeat)) {
    panel.repeat = repeat;
    if (p["repeatDirection"] === "v") panel.repeatDirection = "v";
  }
  return { ok: true, panel, notes };
}

function unitOf(id: unknown, notes: string[]): Unit {
  const u = unitFromGrafana(id);
  if (u !== undefined) return u;
  notes.push(`unit "${String(id)}" has no Loupe equivalent; shown as a plain number`);
  return "none";
}

function color(c: unknown, fallback: string): string {
  const s = str(c);
  return s !== undefined && s !== "" && s.length <= 32 ? s : fallback;
}

function decimalsOf(v: unknown): number | undefined {
  const n = num(v);
  return n === undefined ? undefined : Math.min(10, Math.max(0, Math.round(n)));
}

/** Sets optional numeric fields only when present (exactOptionalPropertyTypes). */
function withNumbers(o: OptionsIn, fields: { decimals?: number | undefined; min?: number | undefined; max?: number | undefined }): OptionsIn {
  const out: OptionsIn = { ...o };
  if (fields.decimals !== undefined) out.decimals = fields.decimals;
  if (fields.min !== undefined) out.min = fields.min;
  if (fields.max !== undefined) out.max = fields.max;
  return out;
}

/** Old "graph" panel. */
function graphOptions(p: Json, notes: string[]): OptionsIn {
  const axis = obj(arr(p["yaxes"])[0]) ?? {};
  const legend = obj(p["legend"]) ?? {};
  const calcs: Array<"min" | "max" | "avg" | "last"> = [];
  if (legend["values"] === true) {
    if (legend["min"] === true) calcs.push("min");
    if (legend["max"] === true) calcs.push("max");
    if (legend["avg"] === true) calcs.push("avg");
    if (legend["current"] === true) calcs.push("last");
  }
  const draw = p["bars"] === true ? "bars" : p["stack"] === true ? "stacked" : (num(p["fill"]) ?? 0) >= 3 ? "area" : "lines";
  if (p["percentage"] === true) notes.push("percentage stacking is drawn as plain stacking");
  const thresholds = arr(p["thresholds"])
    .map(obj)
    .filter((t): t is Json => t !== undefined && num(t["value"]) !== undefined)
    .slice(0, 10)
    .map((t) => ({ value: num(t["value"])!, color: COLOR_MODES[str(t["colorMode"]) ?? ""] ?? color(t["lineColor"] ?? t["fillColor"], "red") }));
  const base: OptionsIn = { draw, unit: unitOf(axis["format"], notes), logScale: (num(axis["logBase"]) ?? 1) > 1, legend: calcs, thresholds };
  return withNumbers(base, { decimals: decimalsOf(p["decimals"] ?? axis["decimals"]), min: num(axis["min"]), max: num(axis["max"]) });
}

/** Old "singlestat" panel. */
function singlestatOptions(p: Json, notes: string[]): OptionsIn {
  const reduceMap: Record<string, OptionsIn["reduce"]> = { avg: "avg", current: "last", max: "max", min: "min", total: "sum" };
  const valueName = str(p["valueName"]) ?? "avg";
  const reduce = reduceMap[valueName];
  if (reduce === undefined) notes.push(`value "${valueName}" is shown as the last value`);
  const colors = arr(p["colors"]);
  const thresholds = (str(p["thresholds"]) ?? "")
    .split(",")
    .map((s) => num(s))
    .filter((n): n is number => n !== undefined)
    .slice(0, 2)
    .map((value, i) => ({ value, color: color(colors[i + 1], i === 0 ? "orange" : "red") }));
  const gauge = obj(p["gauge"]) ?? {};
  const base: OptionsIn = {
    unit: unitOf(p["format"], notes),
    reduce: reduce ?? "last",
    sparkline: obj(p["sparkline"])?.["show"] === true,
    thresholds,
  };
  return withNumbers(base, {
    decimals: decimalsOf(p["decimals"]),
    min: gauge["show"] === true ? num(gauge["minValue"]) : undefined,
    max: gauge["show"] === true ? num(gauge["maxValue"]) : undefined,
  });
}

/** Grafana 7+ panels (timeseries, stat, gauge, bargauge, table): fieldConfig.defaults + options. */
function fieldConfigOptions(p: Json, type: PanelIn["type"], notes: string[]): OptionsIn {
  const defaults = obj(obj(p["fieldConfig"])?.["defaults"]) ?? {};
  const custom = obj(defaults["custom"]) ?? {};
  const options = obj(p["options"]) ?? {};
  let unit = defaults["unit"];
  if (str(p["type"]) === "table-old") unit = obj(arr(p["styles"]).find((s) => obj(s)?.["type"] === "number"))?.["unit"];
  const steps = arr(obj(defaults["thresholds"])?.["steps"])
    .map(obj)
    .filter((s): s is Json => s !== undefined && num(s["value"]) !== undefined)
    .slice(0, 10)
    .map((s) => ({ value: num(s["value"])!, color: color(s["color"], "red") }));
  const base: OptionsIn = { unit: unitOf(unit, notes) };

  if (type === "timeseries") {
    const stacking = str(obj(custom["stacking"])?.["mode"]);
    const drawStyle = str(custom["drawStyle"]);
    base.draw = drawStyle === "bars" ? "bars" : stacking === "normal" || stacking === "percent" ? "stacked" : (num(custom["fillOpacity"]) ?? 0) >= 10 ? "area" : "lines";
    if (stacking === "percent") notes.push("percentage stacking is drawn as plain stacking");
    base.logScale = str(obj(custom["scaleDistribution"])?.["type"]) === "log";
    const calcMap: Record<string, "min" | "max" | "avg" | "last"> = { min: "min", max: "max", mean: "avg", last: "last", lastNotNull: "last" };
    const legendCalcs = arr(obj(options["legend"])?.["calcs"])
      .map((c) => calcMap[str(c) ?? ""])
      .filter((c): c is "min" | "max" | "avg" | "last" => c !== undefined);
    base.legend = [...new Set(legendCalcs)];
    const thresholdsMode = str(obj(custom["thresholdsStyle"])?.["mode"]) ?? "off";
    base.thresholds = thresholdsMode === "off" ? [] : steps;
  } else {
    const reduceMap: Record<string, OptionsIn["reduce"]> = { last: "last", lastNotNull: "last", mean: "avg", min: "min", max: "max", sum: "sum" };
    const calc = str(arr(obj(options["reduceOptions"])?.["calcs"])[0]) ?? "lastNotNull";
    const reduce = reduceMap[calc];
    if (reduce === undefined) notes.push(`calculation "${calc}" is shown as the last value`);
    base.reduce = reduce ?? "last";
    base.thresholds = steps;
    if (type === "stat") base.sparkline = str(options["graphMode"]) !== "none";
  }
  return withNumbers(base, { decimals: decimalsOf(defaults["decimals"]), min: num(defaults["min"]), max: num(defaults["max"]) });
}
