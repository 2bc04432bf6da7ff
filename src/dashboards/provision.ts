/**
 * Start-up installation of dashboards: the built-in Host overview, and the JSON files of
 * `[dashboards] path` (Loupe exports, bare Loupe dashboards or Grafana dashboards), marked
 * provisioned. A file whose dashboard is unchanged writes nothing; a changed file saves a new
 * version, so history shows what provisioning replaced. A bad file is reported and skipped.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Dashboard } from "./model.js";
import type { DashboardService } from "./service.js";
import { readImport } from "./exchange.js";

/** `updatedBy` of versions written by Loupe itself. */
export const BUILTIN_AUTHOR = "loupe:built-in";
export const PROVISIONING_AUTHOR = "loupe:provisioning";

/** What provisioning needs beyond the public service: clearing the mark of a vanished file. */
export interface ProvisioningTarget extends DashboardService {
  setProvisioned(uid: string, from: string | null): void;
  provisionedFrom(uid: string): string | null | undefined;
}

export interface ProvisionReport {
  readonly saved: string[];
  readonly unchanged: string[];
  readonly failed: Array<{ readonly file: string; readonly error: string }>;
  /** Previously provisioned dashboards whose file is gone: kept, no longer marked provisioned. */
  readonly released: string[];
}

function sameContent(a: Dashboard, b: Dashboard): boolean {
  return JSON.stringify({ ...a, version: 0 }) === JSON.stringify({ ...b, version: 0 });
}

/** Installs the built-in dashboard when absent, and refreshes it while nobody has edited it. */
export function installHostOverview(service: DashboardService, d: Dashboard, log: Logger): "installed" | "updated" | "kept" {
  const existing = service.get(d.uid);
  if (existing === undefined) {
    service.save(d, BUILTIN_AUTHOR, { message: "built-in dashboard" });
    log.info("dashboard installed", { uid: d.uid });
    return "installed";
  }
  if (existing.updatedBy === BUILTIN_AUTHOR && !sameContent(existing.dashboard, d)) {
    service.save(d, BUILTIN_AUTHOR, { message: "built-in dashboard updated" });
    log.info("dashboard updated", { uid: d.uid });
    return "updated";
  }
  return "kept";
}

function jsonFiles(dir: string, depth = 0): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory() && depth < 3) out.push(...jsonFiles(p, depth + 1));
    else if (st.isFile() && name.toLowerCase().endsWith(".json")) out.push(p);
  }
  return out;
}

export function provisionDashboards(service: ProvisioningTarget, dir: string, log: Logger): ProvisionReport {
  const report: ProvisionReport = { saved: [], unchanged: [], failed: [], released: [] };
  if (dir === "") return report;
  let files: string[];
  try {
    files = jsonFiles(dir);
  } catch (err) {
    log.warn("dashboard provisioning folder unreadable", { path: dir, err: errorMessage(err) });
    report.failed.push({ file: dir, error: errorMessage(err) });
    return report;
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const rel = relative(dir, file);
    try {
      const { dashboard, source, skipped } = readImport(JSON.parse(readFileSync(file, "utf8")));
      const other = seen.get(dashboard.uid);
      if (other !== undefined) throw new Error(`uid "${dashboard.uid}" is already provisioned from ${other}`);
      seen.set(dashboard.uid, rel);
      for (const s of skipped) log.warn("provisioned dashboard: part not converted", { file: rel, panel: s.panel, reason: s.reason });
      const existing = service.get(dashboard.uid);
      if (existing !== undefined && sameContent(existing.dashboard, dashboard) && service.provisionedFrom(dashboard.uid) === file) {
        report.unchanged.push(dashboard.uid);
        continue;
      }
      service.save(dashboard, PROVISIONING_AUTHOR, { message: `provisioned from ${rel}${source === "grafana" ? " (Grafana)" : ""}`, provisionedFrom: file });
      report.saved.push(dashboard.uid);
    } catch (err) {
      log.warn("dashboard file not provisioned", { file, err: errorMessage(err) });
      report.failed.push({ file, error: errorMessage(err) });
    }
  }
  for (const s of service.list()) {
    if (!s.provisioned || seen.has(s.uid)) continue;
    const from = service.provisionedFrom(s.uid);
    if (from !== null && from !== undefined && from.startsWith(dir) && !report.failed.some((f) => f.file === from)) {
      service.setProvisioned(s.uid, null);
      report.released.push(s.uid);
    }
  }
  log.info("dashboards provisioned", { path: dir, saved: report.saved.length, unchanged: report.unchanged.length, failed: report.failed.length });
  return report;
}
