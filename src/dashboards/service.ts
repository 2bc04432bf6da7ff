/**
 * What the HTTP layer (API routes and pages) uses of dashboards, annotations and snapshots.
 * Implemented over the repositories of repository.ts (SQLite: src/store/dashboards/), wired in main.ts.
 */
import type { Annotation, AnnotationFilter, DashboardSummary, UnixMs } from "../model/index.js";

export type { Annotation, AnnotationFilter, DashboardSummary } from "../model/index.js";
import type { Dashboard, DashboardInput } from "./model.js";

export interface StoredDashboard {
  readonly dashboard: Dashboard;
  readonly version: number;
  readonly updatedAt: UnixMs;
  readonly updatedBy: string | null;
  readonly provisioned: boolean;
}

export interface DashboardVersion {
  readonly version: number;
  readonly savedAt: UnixMs;
  readonly savedBy: string | null;
  readonly message: string;
}

/** A deleted dashboard, kept with its versions until restored or purged ([dashboards] trash_retention). */
export interface TrashedDashboard {
  readonly uid: string;
  readonly title: string;
  readonly version: number;
  readonly deletedAt: UnixMs;
  readonly deletedBy: string | null;
}

export interface ImportResult {
  readonly uid: string;
  readonly title: string;
  /** "grafana" when converted from a Grafana dashboard JSON. */
  readonly source: "loupe" | "grafana";
  /** What could not be converted, and why (Grafana imports). */
  readonly skipped: ReadonlyArray<{ readonly panel: string; readonly reason: string }>;
}

export interface DashboardService {
  list(filter?: { readonly query?: string; readonly tag?: string }): DashboardSummary[];
  get(uid: string): StoredDashboard | undefined;
  /** Creates or updates (bumping the version; last `versions_to_keep` kept). Conflict when `expectedVersion` is stale. */
  save(
    input: DashboardInput,
    by: string | null,
    options?: {
      readonly message?: string;
      readonly expectedVersion?: number;
      /** Provisioning only: the file it came from; null clears the mark; absent keeps it. */
      readonly provisionedFrom?: string | null;
    },
  ): { uid: string; version: number };
  /** Moves it to the trash ("Recently deleted"); its versions stay. False when there is no such dashboard. */
  delete(uid: string, by?: string | null): boolean;
  trash(): TrashedDashboard[];
  /** Back from the trash, as it was; false when it is not in the trash. */
  restore(uid: string): boolean;
  /** Deletes for good the dashboards deleted at or before `before`; answers how many. */
  purgeTrash(before: UnixMs): number;
  versions(uid: string): DashboardVersion[];
  getVersion(uid: string, version: number): Dashboard | undefined;
  /** Loupe export JSON or a Grafana dashboard JSON (Graphite targets), best effort. */
  import(json: unknown, by: string | null, options?: { readonly overwrite?: boolean }): ImportResult;
  /** Records a dashboard as recently viewed by a user (home page). */
  markViewed(uid: string, user: string): void;
  recentlyViewed(user: string, limit?: number): DashboardSummary[];
}

export interface AnnotationService {
  /**
   * Annotations overlapping [from, to], oldest first. `tags`: all of them must be present (any of
   * them with `matchAny`). `dashboardUid`: that dashboard's annotations plus the global ones.
   */
  list(filter: AnnotationFilter): Annotation[];
  add(a: { readonly time: UnixMs; readonly timeEnd?: UnixMs; readonly text: string; readonly tags?: readonly string[]; readonly dashboardUid?: string | null }, by: string | null): Annotation;
  delete(id: number): boolean;
}

/**
 * A frozen dashboard: its JSON plus the query results it showed, so opening it never touches live
 * data. `data` maps a query id (`<panelId>-<refId>`) to the /api/query result it had.
 */
export interface Snapshot {
  readonly key: string;
  readonly name: string;
  readonly dashboard: Dashboard;
  readonly range: { readonly from: UnixMs; readonly to: UnixMs };
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: UnixMs;
  readonly expiresAt: UnixMs | null;
  readonly createdBy: string | null;
}

export interface SnapshotService {
  create(s: Omit<Snapshot, "key" | "createdAt">): Snapshot;
  get(key: string): Snapshot | undefined;
  list(): Array<Omit<Snapshot, "dashboard" | "data">>;
  delete(key: string): boolean;
  /** Drops expired snapshots; returns how many. */
  purgeExpired(now: UnixMs): number;
}
