/**
 * Automatic backups inside the server: `[backup] schedule` (a node-cron expression) takes a backup
 * of the running data dir into `[backup] dir` as `loupe-<UTC time>.tar` (+ `.sha256`), then keeps
 * the `[backup] keep` newest of those and deletes the rest. Runs never overlap; stop() aborts a
 * running one (its partial file is removed) and waits for it.
 */
import { readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import cron, { type ScheduledTask } from "node-cron";
import type { Config } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import { createBackup, type BackupResult } from "./backup.js";
import type { Db } from "./db.js";

const NAME = /^loupe-\d{8}T\d{6}\.\d{3}Z\.tar$/;

export interface BackupScheduleOptions {
  readonly backup: Config["backup"];
  readonly dbPath: string;
  /** The server's connection to dbPath (the snapshot follows its commits instead of starting over). */
  readonly db?: Db;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  readonly loupeVersion?: string;
}

export interface BackupSchedule {
  /** Takes one backup now (as a scheduled run would), then prunes. */
  runNow(): Promise<BackupResult>;
  stop(): Promise<void>;
}

/** `loupe-20261203T030000.000Z.tar`: sorts by time as text. */
export function backupFileName(now: Date): string {
  return `loupe-${now.toISOString().replace(/[-:]/g, "")}.tar`;
}

/** Deletes all but the `keep` newest automatic backups in `dir` (only files named like ours); answers what was deleted. */
export function pruneBackups(dir: string, keep: number): string[] {
  const ours = readdirSync(dir).filter((n) => NAME.test(n)).sort();
  const victims = ours.slice(0, Math.max(0, ours.length - keep));
  for (const n of victims) {
    rmSync(join(dir, n), { force: true });
    rmSync(join(dir, `${n}.sha256`), { force: true });
  }
  return victims;
}

export function startBackupSchedule(opts: BackupScheduleOptions): BackupSchedule {
  const { backup, log } = opts;
  const runs = opts.metrics?.counter("loupe_backup_runs_total", "automatic backups ([backup] schedule) by result", ["result"]);
  const lastOk = opts.metrics?.gauge("loupe_backup_last_success_timestamp_seconds", "when the last automatic backup finished (Unix seconds; 0 = none yet)");
  const lastBytes = opts.metrics?.gauge("loupe_backup_last_bytes", "size of the last automatic backup");
  lastOk?.set({}, 0);
  const abort = new AbortController();
  let running: Promise<BackupResult> | undefined;

  const run = async (): Promise<BackupResult> => {
    const file = join(backup.dir, backupFileName(new Date()));
    log.info("backup started", { file });
    try {
      const r = await createBackup({ dbPath: opts.dbPath, out: file, signal: abort.signal, ...(opts.db !== undefined ? { source: opts.db } : {}), ...(opts.loupeVersion !== undefined ? { loupeVersion: opts.loupeVersion } : {}) });
      const pruned = pruneBackups(backup.dir, backup.keep);
      runs?.inc({ result: "ok" });
      lastOk?.set({}, Math.floor(Date.now() / 1000));
      lastBytes?.set({}, r.bytes);
      log.info("backup done", { file, bytes: r.bytes, sha256: r.sha256, wal_files: r.walFiles, ms: r.ms, pruned: pruned.length });
      return r;
    } catch (err) {
      runs?.inc({ result: "failed" });
      log.error("backup failed", { file, err: errorMessage(err) });
      throw err;
    }
  };
  const runOnce = (): Promise<BackupResult> => {
    running ??= run().finally(() => (running = undefined));
    return running;
  };

  let task: ScheduledTask | undefined;
  if (backup.schedule !== "") {
    task = cron.schedule(backup.schedule, () => runOnce().then(() => undefined, () => undefined), {
      name: "loupe-backup",
      noOverlap: true,
      logger: { info: (m) => log.debug(m), warn: (m) => log.debug(m), error: (m) => log.warn("cron error", { err: errorMessage(m) }), debug: () => undefined },
    });
    log.info("automatic backups on", { schedule: backup.schedule, dir: backup.dir, keep: backup.keep, next: task.getNextRun()?.toISOString() });
  }
  return {
    runNow: runOnce,
    async stop() {
      await task?.destroy();
      abort.abort();
      await running?.catch(() => undefined);
    },
  };
}
