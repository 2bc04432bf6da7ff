/**
 * SQLite implementations of the persistence src/dashboards declares (DashboardRepository,
 * SnapshotRepository in src/dashboards/repository.ts, AnnotationService): plain JSON records, no
 * import of src/dashboards; main.ts wires them into the dashboards module's services.
 */
export { SqliteDashboardRepository } from "./dashboard-store.js";
export type { DashboardStoreOptions, DashboardDocumentInput, DashboardRow, DashboardListEntry, DashboardVersionEntry, TrashEntry } from "./dashboard-store.js";
export { SqliteAnnotationService, ANNOTATION_LIMITS } from "./annotation-store.js";
export type { Annotation as AnnotationEntry, AnnotationFilter as AnnotationEntryFilter } from "./annotation-store.js";
export { SqliteSnapshotRepository, newSnapshotKey } from "./snapshot-store.js";
export type { SnapshotEntry } from "./snapshot-store.js";
