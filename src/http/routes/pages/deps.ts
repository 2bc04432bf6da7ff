/** What the page routers need; main.ts hands in the services the dashboards module builds. */
import type { RequestHandler, Response } from "express";
import type { AnnotationService, DashboardService, SnapshotService } from "../../../dashboards/index.js";
import type { Clock } from "../../../lib/clock.js";
import { principalOf, roleAtLeast, type Principal } from "../../access.js";

export interface PageDeps {
  readonly dashboards: DashboardService;
  readonly annotations: AnnotationService;
  readonly snapshots: SnapshotService;
  /** Guard for /snapshot/:key (the dashboards module's `snapshotViewAccess(settings)`); default: viewer. */
  readonly snapshotAccess?: RequestHandler;
  /** `[dashboards] default_home`: "/" opens this dashboard when it exists; empty shows the list. */
  readonly defaultHome?: string;
  readonly version?: string;
  readonly clock?: Clock;
  /** Instance settings (the dashboards module's SettingsService); the settings page shows them to admins. */
  readonly settings?: { get(): { readonly snapshots_public: boolean } };
}

/** The key under which "recently viewed" is kept for this principal. */
export function userKey(p: Principal | undefined): string {
  if (p === undefined) return "anonymous";
  return p.login ?? (p.userId !== undefined ? `user:${p.userId}` : p.kind);
}

/** Admins see "Recently deleted" (the dashboard trash) and restore from it, as in Grafana. */
export function isAdmin(res: Response): boolean {
  const p = principalOf(res);
  if (p === undefined || (p.kind === "token" && p.scope === "read")) return false;
  return roleAtLeast(p.role, "Admin");
}

export function canEdit(res: Response): boolean {
  const p = principalOf(res);
  if (p === undefined) return false;
  if (p.kind === "token" && p.scope === "read") return false;
  return roleAtLeast(p.role, "Editor");
}
