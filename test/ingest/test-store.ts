/** The real store on a fresh temp database, for the ingest end-to-end tests. */
import { join } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { openDatabase, migrate, openStore, type TimeSeriesStore } from "../../src/store/index.js";

export async function openTestStore(dir: string): Promise<TimeSeriesStore & { close(): Promise<void> }> {
  const config = defaultConfig();
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger });
  const close = store.close.bind(store);
  return Object.assign(store, {
    close: async () => {
      await close();
      db.close();
    },
  });
}
