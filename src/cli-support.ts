/**
 * What `loupe` commands share: load the configuration, reporting every problem instead of throwing,
 * and open the configured database with all migrations applied. Used by src/cli.ts and by the
 * commands other modules register (`loupe user`, `loupe dashboard`).
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "./config/index.js";
import { errorMessage } from "./lib/errors.js";
import { checkDatabase, describeDbError, migrate, openDatabase, type Db } from "./store/index.js";

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

/** The configuration, or undefined after printing why it is invalid. */
export function loadConfigOrReport(configPath: string | undefined, io: Pick<CliIo, "err">): Config | undefined {
  try {
    return loadConfig({ configPath });
  } catch (err) {
    io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
    return undefined;
  }
}

/** Runs `fn` on the configured database (migrated first) and closes it whatever happens. */
export async function withDatabase<T>(config: Config, fn: (db: Db) => Promise<T> | T): Promise<T> {
  const db = openDatabase(config.database.path);
  try {
    migrate(db, undefined, config.database.path);
    return await fn(db);
  } finally {
    db.close();
  }
}

/**
 * `loupe db check [--config FILE] [--quick] [--no-decode]`: SQLite's integrity check plus the
 * store's consistency (schema, per-tier counters, every chunk decoded, WAL records), read-only, so
 * it may run next to a running Loupe. Exits 0 when nothing is wrong, 1 otherwise.
 */
export const dbCommand = {
  summary: "check the database and its point WAL (integrity_check + store consistency)",
  usage:
    "loupe db check [--config FILE] [--quick] [--no-decode]\n\n" +
    "Read-only; safe while Loupe runs. --quick runs SQLite's quick_check instead of integrity_check;\n" +
    "--no-decode skips decoding every chunk. Exits 0 when nothing is wrong, 1 when something is (each problem printed).",
  async run(args: string[], io: CliIo): Promise<number> {
    const { values, positionals } = parseArgs({
      args,
      options: { config: { type: "string", short: "c" }, quick: { type: "boolean" }, "no-decode": { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals[0] !== "check" || positionals.length !== 1) {
      io.err(`loupe db: unknown subcommand${positionals[0] === undefined ? "" : ` "${positionals[0]}"`}\n\nUsage: ${dbCommand.usage}`);
      return 1;
    }
    const config = loadConfigOrReport(values.config, io);
    if (config === undefined) return 1;
    const path = config.database.path;
    if (!existsSync(path)) {
      io.err(`loupe db check: no database at ${path}`);
      return 1;
    }
    let db: Db | undefined;
    try {
      db = openDatabase(path, { readonly: true });
      const report = checkDatabase(db, { quick: values.quick === true, decode: values["no-decode"] !== true, walDir: `${path}.wal` });
      for (const n of report.notes) io.out(`ok       ${n}`);
      for (const p of report.problems) io.out(`PROBLEM  ${p}`);
      io.out(report.problems.length === 0 ? `${path}: no problems found` : `${path}: ${report.problems.length} problem(s); restore from backup if the data matters`);
      return report.problems.length === 0 ? 0 : 1;
    } catch (err) {
      io.err(`loupe db check: ${errorMessage(describeDbError(err, path))}`);
      return 1;
    } finally {
      db?.close();
    }
  },
};
