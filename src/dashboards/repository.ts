/**
 * What the dashboards module needs from persistence (dependency inversion, like Prometheus'
 * `storage.Appendable`): declared here, implemented by src/store/dashboards/ on SQLite without
 * importing this module (it takes and returns plain JSON records), wired in main.ts. Validation,
 * the schema and import conversion stay here, in src/dashboards/service-on-repository.ts.
 * Annotations are plain records: the store implements AnnotationService (service.ts) itself.
 */
import type { SnapshotRecord, UnixMs } from "../model/index.js";

export type { SnapshotRecord } from "../model/index.js";
import type { DashboardSummary, DashboardVersion, TrashedDashboard } from "./service.js";

/** A validated dashboard as handed to persistence: its JSON (stored as is) and what is copied out for listing. */
export interface DashboardDocument {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly data: object;
}

/** A stored dashboard: `data` is the JSON as saved (parsed, not validated), `version` the current one. */
export interface DashboardRecord {
  readonly data: unknown;
  readonly version: number;
  readonly updatedAt: UnixMs;
  readonly updatedBy: string | null;
  readonly provisionedFrom: string | null;
}

export interface DashboardSaveOptions {
  readonly message: string;
  /** Conflict (409 `version_conflict`) when the stored version differs. */
  readonly expectedVersion?: number;
  /** The provisioning file it came from; null clears the mark; absent keeps it. */
  readonly provisionedFrom?: string | null;
}

export interface DashboardRepository {
  list(filter?: { readonly query?: string; readonly tag?: string | readonly string[] }): DashboardSummary[];
  /** Every tag in use with how many dashboards carry it. */
  tags(): Array<{ tag: string; count: number }>;
  get(uid: string): DashboardRecord | undefined;
  /** Stores `data` with `version` = current + 1, appends it to the history (last `versions_to_keep` kept). */
  save(doc: DashboardDocument, by: string | null, options: DashboardSaveOptions): { uid: string; version: number };
  /** Moves it to the trash: hidden from list/get/tags, versions kept (false: none, or already there). */
  delete(uid: string, by: string | null): boolean;
  /** Dashboards in the trash, most recently deleted first. */
  trash(): TrashedDashboard[];
  /** Takes it out of the trash (false: not there). */
  restore(uid: string): boolean;
  /** Deletes for good what was deleted at or before `before`, versions included; answers how many. */
  purgeTrash(before: UnixMs): number;
  versions(uid: string): DashboardVersion[];
  /** The JSON of one saved version (parsed, not validated). */
  getVersion(uid: string, version: number): unknown;
  markViewed(uid: string, user: string): void;
  recentlyViewed(user: string, limit?: number): DashboardSummary[];
  setProvisioned(uid: string, from: string | null): void;
  /** undefined: no such dashboard; null: not provisioned. */
  provisionedFrom(uid: string): string | null | undefined;
}

export interface SnapshotRepository {
  create(s: Omit<SnapshotRecord, "key" | "createdAt">): SnapshotRecord;
  get(key: string): SnapshotRecord | undefined;
  list(): Array<Omit<SnapshotRecord, "dashboard" | "data">>;
  delete(key: string): boolean;
  purgeExpired(now: UnixMs): number;
}
