/**
 * Records the dashboards module and the store that persists it both name: declared here so
 * src/store/dashboards implements the dashboards module's repositories without importing it.
 */
import type { UnixMs } from "./time.js";

export interface DashboardSummary {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly version: number;
  readonly updatedAt: UnixMs;
  readonly provisioned: boolean;
}

export interface Annotation {
  readonly id: number;
  readonly time: UnixMs;
  /** End of a region annotation; equal to time for a point. */
  readonly timeEnd: UnixMs;
  readonly text: string;
  readonly tags: readonly string[];
  /** Dashboard it was made on, or null for a global (API/deploy) annotation shown everywhere. */
  readonly dashboardUid: string | null;
  readonly createdBy: string | null;
}

export interface AnnotationFilter {
  readonly from: UnixMs;
  readonly to: UnixMs;
  readonly tags?: readonly string[];
  readonly matchAny?: boolean;
  readonly dashboardUid?: string;
  readonly limit?: number;
}

/** A stored snapshot: `dashboard` is the JSON as saved (parsed, not validated). */
export interface SnapshotRecord {
  readonly key: string;
  readonly name: string;
  readonly dashboard: unknown;
  readonly range: { readonly from: UnixMs; readonly to: UnixMs };
  readonly data: Readonly<Record<string, unknown>>;
  readonly createdAt: UnixMs;
  readonly expiresAt: UnixMs | null;
  readonly createdBy: string | null;
}
