/**
 * The dashboard JSON model, shared by storage, provisioning, import/export, the API and the pages.
 * Close to Grafana's so Grafana users recognise it, but only what Loupe renders.
 */
import { z } from "zod";

/**
 * Panels of a dashboard, rows not counted (those inside collapsed rows are); and its rows. 200, not
 * 100: real Grafana dashboards pass 100 (the public collectd/Graphite one in the import test has 114),
 * and panels out of view or in collapsed rows are not queried, so size costs little.
 */
export const MAX_PANELS = 200;
export const MAX_ROWS = 50;

export const unitSchema = z.enum(["none", "short", "percent", "percentunit", "bytes", "bits", "Bps", "bps", "ops", "reqps", "ms", "s", "celsius"]);

export const thresholdSchema = z.object({
  value: z.number(),
  color: z.string().max(32),
});

export const targetSchema = z.object({
  refId: z.string().max(8).default("A"),
  /** A Graphite-style target, evaluated by src/query/. */
  target: z.string().max(4000),
  hide: z.boolean().default(false),
});

export const gridPosSchema = z.object({
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
  w: z.number().int().min(1).max(24),
  h: z.number().int().min(1).max(100),
});

/** `row`: a full-width heading that folds the panels below it (Grafana's row panel). */
export const panelTypeSchema = z.enum(["timeseries", "stat", "gauge", "table", "text", "row"]);

export const basePanelSchema = z.object({
  id: z.number().int().min(1),
  type: panelTypeSchema,
  title: z.string().max(200).default(""),
  gridPos: gridPosSchema,
  targets: z.array(targetSchema).max(26).default([]),
  /** Markdown for text panels. */
  content: z.string().max(20000).optional(),
  options: z
    .object({
      /** timeseries: how series are drawn. */
      draw: z.enum(["lines", "area", "stacked", "bars"]).default("lines"),
      unit: unitSchema.default("none"),
      decimals: z.number().int().min(0).max(10).optional(),
      min: z.number().optional(),
      max: z.number().optional(),
      logScale: z.boolean().default(false),
      /** Legend calculations shown beside each series. */
      legend: z.array(z.enum(["min", "max", "avg", "last"])).default([]),
      thresholds: z.array(thresholdSchema).max(10).default([]),
      /** stat/gauge: how a series is reduced to one number. */
      reduce: z.enum(["last", "avg", "min", "max", "sum"]).default("last"),
      sparkline: z.boolean().default(true),
    })
    .default({ draw: "lines", unit: "none", logScale: false, legend: [], thresholds: [], reduce: "last", sparkline: true }),
  /** Repeat this panel once per selected value of the named variable. */
  repeat: z.string().max(64).optional(),
  /** Grafana's repeatDirection: copies side by side, wrapping (h, the default), or stacked below each other (v). */
  repeatDirection: z.enum(["h", "v"]).optional(),
});

/**
 * A panel, or a row (`type: "row"`). As in Grafana, an open row's panels follow it in `panels` of the
 * dashboard; a collapsed row (`collapsed: true`) holds them in its own `panels` and they are not
 * queried until it is opened. A row's `repeat` repeats the row and its panels per variable value.
 */
export const panelSchema = basePanelSchema.extend({
  collapsed: z.boolean().optional(),
  panels: z.array(basePanelSchema).max(MAX_PANELS).optional(),
});

export const variableSchema = z.object({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(64),
  label: z.string().max(100).optional(),
  /** query: `query` is a Graphite path glob whose last segment lists the values (`servers.*`). custom: comma-separated values. */
  type: z.enum(["query", "custom"]),
  query: z.string().max(1000),
  multi: z.boolean().default(false),
  includeAll: z.boolean().default(false),
  /** Current selection; "$__all" for All. */
  current: z.array(z.string()).default([]),
});

export const dashboardSchema = z.object({
  uid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
  title: z.string().min(1).max(200),
  tags: z.array(z.string().max(50)).max(20).default([]),
  /** Default range: Grafana-style relative times (`now-6h` … `now`). */
  time: z.object({ from: z.string().max(40), to: z.string().max(40) }).default({ from: "now-6h", to: "now" }),
  /** Auto-refresh interval ("" = off), e.g. "10s", "1m". */
  refresh: z.string().max(10).default(""),
  variables: z.array(variableSchema).max(20).default([]),
  panels: z.array(panelSchema).max(MAX_PANELS + MAX_ROWS).default([]),
  /** Bumped by the store on every save. */
  version: z.number().int().min(0).default(0),
}).superRefine((d, ctx) => {
  const rows = d.panels.filter((p) => p.type === "row");
  const inner = d.panels.reduce((n, p) => n + (p.type === "row" ? (p.panels ?? []).filter((q) => q.type !== "row").length : 1), 0);
  if (rows.length > MAX_ROWS) ctx.addIssue({ code: "custom", path: ["panels"], message: `a dashboard holds at most ${MAX_ROWS} rows (it has ${rows.length})` });
  if (inner > MAX_PANELS) ctx.addIssue({ code: "custom", path: ["panels"], message: `a dashboard holds at most ${MAX_PANELS} panels, rows not counted, including those inside collapsed rows (it has ${inner})` });
  const ids = new Set<number>();
  for (const p of d.panels.flatMap((q) => [q, ...(q.panels ?? [])])) {
    if (ids.has(p.id)) ctx.addIssue({ code: "custom", path: ["panels"], message: `panel id ${p.id} is used twice (ids are unique, rows' panels included)` });
    ids.add(p.id);
  }
  for (const [i, r] of d.panels.entries()) {
    if (r.type !== "row" && (r.panels !== undefined || r.collapsed !== undefined)) ctx.addIssue({ code: "custom", path: ["panels", i], message: "only a row (type \"row\") has collapsed and panels" });
    if ((r.panels ?? []).some((q) => q.type === "row")) ctx.addIssue({ code: "custom", path: ["panels", i, "panels"], message: "a row cannot hold another row" });
  }
});

export type Unit = z.infer<typeof unitSchema>;
export type Panel = z.infer<typeof panelSchema>;
export type Variable = z.infer<typeof variableSchema>;
export type Dashboard = z.infer<typeof dashboardSchema>;
export type DashboardInput = z.input<typeof dashboardSchema>;

/** Parses untrusted JSON into a Dashboard, with zod's defaults filled in. */
export function parseDashboard(input: unknown): Dashboard {
  return dashboardSchema.parse(input);
}
