/**
 * The dashboard and snapshot services over the repositories persistence implements
 * (src/dashboards/repository.ts): validation against the schema, import conversion and the
 * provisioning hooks live here; the repositories only store JSON.
 *
 *   const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep }));
 */
import { ConflictError } from "../lib/errors.js";
import type { UnixMs } from "../model/index.js";
import { readImport } from "./exchange.js";
import { dashboardSchema, type Dashboard, type DashboardInput } from "./model.js";
import type { ProvisioningTarget } from "./provision.js";
import type { DashboardRepository, DashboardSaveOptions, SnapshotRepository } from "./repository.js";
import type { DashboardService, DashboardSummary, DashboardVersion, ImportResult, Snapshot, SnapshotService, StoredDashboard, TrashedDashboard } from "./service.js";
import { parseOrThrow } from "./validation.js";

export class RepositoryDashboardService implements DashboardService, ProvisioningTarget {
  constructor(private readonly repo: DashboardRepository) {}

  list(filter: { readonly query?: string; readonly tag?: string | readonly string[] } = {}): DashboardSummary[] {
    return this.repo.list(filter);
  }

  /** Every tag in use with how many dashboards carry it (home page filter). */
  tags(): Array<{ tag: string; count: number }> {
    return this.repo.tags();
  }

  get(uid: string): StoredDashboard | undefined {
    const r = this.repo.get(uid);
    if (r === undefined) return undefined;
    const dashboard = dashboardSchema.parse({ ...(r.data as object), version: r.version });
    return { dashboard, version: r.version, updatedAt: r.updatedAt, updatedBy: r.updatedBy, provisioned: r.provisionedFrom !== null };
  }

  save(
    input: DashboardInput,
    by: string | null,
    options: { readonly message?: string; readonly expectedVersion?: number; readonly provisionedFrom?: string | null } = {},
  ): { uid: string; version: number } {
    const d = parseOrThrow(dashboardSchema, input, "dashboard");
    const saveOptions: DashboardSaveOptions = {
      message: (options.message ?? "").slice(0, 500),
      ...(options.expectedVersion !== undefined ? { expectedVersion: options.expectedVersion } : {}),
      ...(options.provisionedFrom !== undefined ? { provisionedFrom: options.provisionedFrom } : {}),
    };
    return this.repo.save({ uid: d.uid, title: d.title, tags: d.tags, data: d }, by, saveOptions);
  }

  delete(uid: string, by: string | null = null): boolean {
    return this.repo.delete(uid, by);
  }

  trash(): TrashedDashboard[] {
    return this.repo.trash();
  }

  restore(uid: string): boolean {
    return this.repo.restore(uid);
  }

  purgeTrash(before: UnixMs): number {
    return this.repo.purgeTrash(before);
  }

  versions(uid: string): DashboardVersion[] {
    return this.repo.versions(uid);
  }

  getVersion(uid: string, version: number): Dashboard | undefined {
    const data = this.repo.getVersion(uid, version);
    return data === undefined ? undefined : dashboardSchema.parse(data);
  }

  import(json: unknown, by: string | null, options: { readonly overwrite?: boolean } = {}): ImportResult {
    const read = readImport(json);
    const overwrite = options.overwrite === true || read.overwrite;
    if (this.repo.provisionedFrom(read.dashboard.uid) !== undefined && !overwrite) {
      throw new ConflictError(`a dashboard with uid "${read.dashboard.uid}" exists; import with overwrite to replace it (its history is kept)`, "dashboard_exists");
    }
    this.save(read.dashboard, by, { message: read.source === "grafana" ? "imported from Grafana" : "imported" });
    return { uid: read.dashboard.uid, title: read.dashboard.title, source: read.source, skipped: read.skipped };
  }

  markViewed(uid: string, user: string): void {
    this.repo.markViewed(uid, user);
  }

  recentlyViewed(user: string, limit?: number): DashboardSummary[] {
    return this.repo.recentlyViewed(user, limit);
  }

  setProvisioned(uid: string, from: string | null): void {
    this.repo.setProvisioned(uid, from);
  }

  provisionedFrom(uid: string): string | null | undefined {
    return this.repo.provisionedFrom(uid);
  }
}

export class RepositorySnapshotService implements SnapshotService {
  constructor(private readonly repo: SnapshotRepository) {}

  create(s: Omit<Snapshot, "key" | "createdAt">): Snapshot {
    const r = this.repo.create(s);
    return { ...s, key: r.key, createdAt: r.createdAt };
  }

  get(key: string): Snapshot | undefined {
    const r = this.repo.get(key);
    return r === undefined ? undefined : { ...r, dashboard: dashboardSchema.parse(r.dashboard) };
  }

  list(): Array<Omit<Snapshot, "dashboard" | "data">> {
    return this.repo.list();
  }

  delete(key: string): boolean {
    return this.repo.delete(key);
  }

  purgeExpired(now: UnixMs): number {
    return this.repo.purgeExpired(now);
  }
}
