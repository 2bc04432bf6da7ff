/**
 * Dashboard export and import files.
 *
 * Export: the dashboard JSON itself plus an `__loupe` marker (`{"format":1,"exportedAt":…}`), so an
 * exported file is also a valid provisioning file. Import accepts a Loupe export, a bare Loupe
 * dashboard, a Grafana dashboard JSON (as saved by Grafana's "Export" or its API), and either of
 * them wrapped as `{"dashboard": …, "overwrite": true}`.
 */
import { z } from "zod";
import { dashboardSchema, type Dashboard, type DashboardInput } from "./model.js";
import { convertGrafanaDashboard, isGrafanaDashboard } from "./grafana.js";
import type { Skip } from "./grafana-templating.js";
import { obj } from "./json-read.js";
import { parseOrThrow } from "./validation.js";
import { BadRequestError } from "../lib/errors.js";

export const EXPORT_FORMAT = 1;

export interface ExportFile extends Dashboard {
  readonly __loupe: { readonly format: number; readonly exportedAt: string };
}

export function exportDashboard(d: Dashboard, now: number): ExportFile {
  return { __loupe: { format: EXPORT_FORMAT, exportedAt: new Date(now).toISOString() }, ...d };
}

export interface ReadImport {
  readonly dashboard: Dashboard;
  readonly source: "loupe" | "grafana";
  readonly skipped: Skip[];
  /** `overwrite: true` from a `{dashboard, overwrite}` wrapper. */
  readonly overwrite: boolean;
}

const markerSchema = z.object({ format: z.number().int().min(1).max(EXPORT_FORMAT) }).loose();

/** Tells the kind of file apart, converts and validates it. Throws a 400 naming the field path. */
export function readImport(json: unknown): ReadImport {
  let body = obj(json);
  if (body === undefined) throw new BadRequestError("the import must be a JSON object (a Loupe or Grafana dashboard)", "validation_failed");
  let overwrite = false;
  let prefix = "";
  const inner = obj(body["dashboard"]);
  if (inner !== undefined && !("title" in body) && !("panels" in body)) {
    overwrite = body["overwrite"] === true;
    body = inner;
    prefix = "dashboard";
  }
  if ("__loupe" in body) {
    parseOrThrow(markerSchema, body["__loupe"], [prefix, "__loupe"].filter(Boolean).join("."));
    return { dashboard: parseOrThrow(dashboardSchema, body, prefix), source: "loupe", skipped: [], overwrite };
  }
  if (isGrafanaDashboard(body)) {
    const { dashboard, skipped } = convertGrafanaDashboard(body);
    return { dashboard: parseOrThrow(dashboardSchema, dashboard satisfies DashboardInput, prefix), source: "grafana", skipped, overwrite };
  }
  return { dashboard: parseOrThrow(dashboardSchema, body, prefix), source: "loupe", skipped: [], overwrite };
}
