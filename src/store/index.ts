/**
 * The store's façade: everything other folders use from src/store/ (STYLE.md: import only this).
 *
 *   const store = await openStore(db, { store: config.store, retention: config.retention, walPath, log });
 *   await store.write([{ name: "servers.web1.cpu.total.user", ts, value }]);
 *   store.select(store.findSeries("servers.*.cpu.total.user").map((s) => s.id), from, to, { maxPoints: 300 });
 */

export type { TimeSeriesStore, SeriesInfo, TagMatcher, PathNode, Consolidation, Tier, SelectOptions, SelectResult, RawPoint, StoreStats, ResolvedWrites, PrefetchingReads } from "./api.js";
export { openDatabase, describeDbError, type Db, type OpenOptions } from "./db.js";
export { checkDatabase, type CheckReport, type CheckOptions } from "./check.js";
export { lockDataDir, notWritableError, type DataDirLock } from "./lock.js";
export { migrate, readMigrations, migrationChecksum, MIGRATIONS_DIR, type Migration, type MigrationResult } from "./migrate.js";
export { matchGlob } from "./tsdb/glob.js";
export { openAuthStores, UserStore, SessionStore, TokenStore } from "./auth/index.js";
export type { AuthStores, UserRow, NewUser, UserRole, UserProvider, SessionRow, TokenRow, TokenScope } from "./auth/index.js";
export { SqliteSettingsService, instanceSettingsSchema, DEFAULT_SETTINGS } from "./settings/index.js";
export type { InstanceSettings, SettingsPatch, SettingsService } from "./settings/index.js";
export { SqliteDashboardRepository, SqliteAnnotationService, SqliteSnapshotRepository, ANNOTATION_LIMITS, newSnapshotKey } from "./dashboards/index.js";
export type { DashboardStoreOptions } from "./dashboards/index.js";
export { nodeWalFs, type WalFs } from "./tsdb/wal.js";
export { exportCommand } from "./remote/cli-export.js";
export { exportHistory, type ExportResult, type ExportProgress } from "./remote/export-history.js";
export { checkRemoteStoreConfig, storeHeaders, RemoteStore, EngineClient, type QueueWriter } from "./remote/index.js";
export { importHistory, type HistoryPoints, type HistoryResult } from "./tsdb/import-rollups.js";

export { openStore, registerStoreMetrics, type OpenStoreOptions } from "./open-store.js";
export { SqliteAlertStateStore, SqliteRuleStore, SqliteSilenceStore, HISTORY_LIST_LIMIT } from "./alerting/index.js";
export { createBackup, BACKUP_FORMAT, MANIFEST_NAME, type BackupOptions, type BackupResult, type BackupProgress, type BackupManifest } from "./backup.js";
export { restoreBackup, type RestoreOptions, type RestoreResult } from "./backup-restore.js";
export { startBackupSchedule, pruneBackups, backupFileName, type BackupSchedule } from "./backup-schedule.js";
export { backupCommand, restoreCommand } from "./cli-backup.js";
export { readDatabaseUsage, readDatabaseUsageInWorker, readFileUsage, folderBytes, hasDbstat } from "./status.js";
export type { DatabaseUsage, TableUsage, TierUsage, FileUsage, ReadUsageOptions } from "./status.js";
