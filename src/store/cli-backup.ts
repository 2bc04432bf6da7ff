/**
 * `loupe backup FILE` and `loupe restore FILE --data DIR` (src/store/backup.ts does the work).
 * Registered in src/cli.ts with one registerCommand line each. Progress goes to stderr when it is
 * a terminal; results (the SHA-256 among them) to stdout.
 */
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { VERSION } from "../lib/package-info.js";
import { createBackup, type BackupProgress } from "./backup.js";
import { restoreBackup } from "./backup-restore.js";

export interface BackupCliIo {
  out(text: string): void;
  err(text: string): void;
}

const BACKUP_USAGE = `loupe backup FILE [--config FILE]

Writes one archive FILE (tar) holding the database and its point WAL, and FILE.sha256. Safe while
Loupe runs: every point acknowledged before the backup started is in it. Restore it with
loupe restore FILE --data DIR.`;

const RESTORE_USAGE = `loupe restore FILE --data DIR [--force] [--sha256 HEX]
       loupe restore FILE --config FILE [--force] [--sha256 HEX]

Checks FILE against FILE.sha256 (or --sha256) and every member against the archive's manifest, then
puts DIR/loupe.db and DIR/loupe.db.wal/ in place (with --config: the configured [database] path).
Refuses a data dir a running Loupe holds, and one that already has a database unless --force
(Loupe stopped). Run as root, the restored files are given to the data dir's owner (the loupe user).`;

const PHASES: Record<BackupProgress["phase"], string> = { wal: "point WAL", database: "database pages", archive: "database → archive", verify: "checksum", extract: "extract" };

/** A progress line redrawn in place on a terminal, at most ~10 times a second; nothing otherwise. */
function progressLine(): { update(p: BackupProgress): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(p) {
      if (!tty) return;
      const now = Date.now();
      if (now - last < 100 && p.done < p.total) return;
      last = now;
      shown = true;
      const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
      process.stderr.write(`\r\x1b[K${PHASES[p.phase]}: ${pct}% (${p.done}/${p.total})`);
    },
    end() {
      if (shown) process.stderr.write("\r\x1b[K");
    },
  };
}

function configOrReport(path: string | undefined, io: BackupCliIo): ReturnType<typeof loadConfig> | undefined {
  try {
    return loadConfig({ configPath: path });
  } catch (err) {
    io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
    return undefined;
  }
}

export const backupCommand = {
  summary: "back up the database and point WAL into one file (online, while Loupe runs)",
  usage: BACKUP_USAGE,
  async run(args: string[], io: BackupCliIo): Promise<number> {
    const { values, positionals } = parseArgs({ args, options: { config: { type: "string", short: "c" } }, allowPositionals: true, strict: true });
    if (positionals.length !== 1) {
      io.err(`loupe backup: give one output FILE\n\nUsage: ${BACKUP_USAGE}`);
      return 1;
    }
    const config = configOrReport(values.config, io);
    if (config === undefined) return 1;
    const out = resolve(positionals[0]!);
    const progress = progressLine();
    try {
      const r = await createBackup({ dbPath: config.database.path, out, loupeVersion: VERSION, onProgress: progress.update });
      progress.end();
      io.out(`backup written: ${r.file} (${r.bytes} bytes: database ${r.dbBytes} bytes, schema version ${r.schemaVersion}, ${r.walFiles} file(s) of the point WAL folder, ${(r.ms / 1000).toFixed(1)} s)`);
      io.out(`sha256 ${r.sha256} (also in ${r.file}.sha256)`);
      return 0;
    } catch (err) {
      progress.end();
      io.err(`loupe backup: ${errorMessage(err)}`);
      return 1;
    }
  },
};

export const restoreCommand = {
  summary: "restore a backup into a stopped data dir (checks its checksums first)",
  usage: RESTORE_USAGE,
  async run(args: string[], io: BackupCliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { data: { type: "string" }, config: { type: "string", short: "c" }, force: { type: "boolean" }, sha256: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1 || (values.data === undefined) === (values.config === undefined)) {
      io.err(`loupe restore: give the backup FILE and either --data DIR or --config FILE\n\nUsage: ${RESTORE_USAGE}`);
      return 1;
    }
    let dbPath: string;
    if (values.data !== undefined) dbPath = join(resolve(values.data), "loupe.db");
    else {
      const config = configOrReport(values.config, io);
      if (config === undefined) return 1;
      dbPath = resolve(config.database.path);
    }
    const progress = progressLine();
    try {
      const r = await restoreBackup({ file: resolve(positionals[0]!), dbPath, force: values.force === true, ...(values.sha256 !== undefined ? { sha256: values.sha256 } : {}), onProgress: progress.update });
      progress.end();
      const how = r.checksum === "members-only" ? `no ${positionals[0]}.sha256 next to it: checked every member against the manifest only` : `sha256 ${r.sha256} verified`;
      io.out(`restored into ${dirname(dbPath)}: ${dbPath} and ${r.walFiles} file(s) of the point WAL folder${r.replaced ? " (replaced the database that was there)" : ""}`);
      io.out(`backup of ${r.manifest.source} on ${r.manifest.host}, ${r.manifest.started_at}, Loupe ${r.manifest.loupe_version}, schema version ${r.manifest.schema_version}; ${how}; quick_check: ${r.integrity}`);
      io.out("start Loupe on it: the point WAL is replayed at start (newer schema migrations are applied then too)");
      return r.integrity === "ok" ? 0 : 1;
    } catch (err) {
      progress.end();
      io.err(`loupe restore: ${errorMessage(err)}`);
      return 1;
    }
  },
};
