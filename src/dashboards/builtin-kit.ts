/**
 * Shared by the built-in service dashboards (builtin-*.ts): a panel list builder with ids and
 * grid positions, the `host` variable over `<prefix>.*`, and the list of built-in dashboards that
 * start-up installs (installBuiltinDashboards: installed once, refreshed while nobody edited them).
 */
import type { Logger } from "../lib/logger.js";
import type { Dashboard, DashboardInput } from "./model.js";
import { installHostOverview } from "./provision.js";
import type { DashboardService } from "./service.js";

export type PanelIn = NonNullable<DashboardInput["panels"]>[number];
export type OptionsIn = NonNullable<PanelIn["options"]>;
export type VariableIn = NonNullable<DashboardInput["variables"]>[number];

export interface BuiltinOptions {
  /** Host name as it appears in metric paths (the collectors' derived host name). */
  readonly host: string;
  /** First path segment ([collectors] path_prefix), "servers" by default. */
  readonly prefix?: string;
}

/** Panels laid out left to right, two per row of height 8 unless told otherwise. */
export class PanelList {
  readonly panels: PanelIn[] = [];
  private id = 0;
  private x = 0;
  private y = 0;

  /** Starts a new line with a Markdown heading. */
  heading(markdown: string): void {
    this.newLine();
    this.panels.push({ id: ++this.id, type: "text", title: "", gridPos: { x: 0, y: this.y, w: 24, h: 2 }, content: markdown });
    this.y += 2;
  }

  add(type: PanelIn["type"], title: string, targets: readonly string[], options: OptionsIn = {}, size: { w?: number; h?: number } = {}): void {
    const w = size.w ?? 12;
    const h = size.h ?? 8;
    if (this.x + w > 24) this.newLine();
    this.panels.push({ id: ++this.id, type, title, gridPos: { x: this.x, y: this.y, w, h }, targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })), options });
    this.x += w;
    this.lineHeight = Math.max(this.lineHeight, h);
  }

  private lineHeight = 0;

  private newLine(): void {
    if (this.x > 0) this.y += this.lineHeight;
    this.x = 0;
    this.lineHeight = 0;
  }
}

export function hostVariable(o: BuiltinOptions): VariableIn {
  return { name: "host", label: "Host", type: "query", query: `${o.prefix ?? "servers"}.*`, multi: false, includeAll: false, current: o.host === "" ? [] : [o.host] };
}

/** A multi-value variable listing the last segment of `query`, All selected. */
export function allVariable(name: string, label: string, query: string): VariableIn {
  return { name, label, type: "query", query, multi: true, includeAll: true, current: ["$__all"] };
}

/** Installs or refreshes each built-in dashboard (see installHostOverview for the rules). */
export function installBuiltinDashboards(service: DashboardService, dashboards: readonly Dashboard[], log: Logger): Map<string, "installed" | "updated" | "kept"> {
  const out = new Map<string, "installed" | "updated" | "kept">();
  for (const d of dashboards) out.set(d.uid, installHostOverview(service, d, log));
  return out;
}
