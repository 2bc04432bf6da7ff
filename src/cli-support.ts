/**
 * What `loupe` commands share: load the configuration, reporting every problem instead of throwing,
 * and open the configured database with all migrations applied. Used by src/cli.ts and by the
 * commands other modules register (`loupe user`, `loupe dashboard`).
 */
import { loadConfig, type Config } from "./config/index.js";
import { errorMessage } from "./lib/errors.js";
import { migrate, openDatabase, type Db } from "./store/index.js";

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
