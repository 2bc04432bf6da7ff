/** SQLite implementations of the dashboard, annotation and snapshot services (src/dashboards/service.ts). */
export { SqliteDashboardService } from "./dashboard-store.js";
export type { DashboardStoreOptions } from "./dashboard-store.js";
export { SqliteAnnotationService, ANNOTATION_LIMITS } from "./annotation-store.js";
export { SqliteSnapshotService, newSnapshotKey } from "./snapshot-store.js";
