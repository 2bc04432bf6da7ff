import { join } from "node:path";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger, type Logger } from "../../src/lib/logger.js";
import { migrate, openDatabase, openStore, type Db, type OpenStoreOptions, type TimeSeriesStore } from "../../src/store/index.js";

export interface Opened {
  db: Db;
  store: TimeSeriesStore;
  clock: FakeClock;
  path: string;
  walPath: string;
  close(): Promise<void>;
}

export type StoreOverrides = Partial<ReturnType<typeof defaultConfig>["store"]>;
export type RetentionOverrides = Partial<ReturnType<typeof defaultConfig>["retention"]>;

/** A store on a fresh (or existing) SQLite file in `dir`, with all migrations and a fake clock. */
export async function openTestStore(
  dir: string,
  name = "loupe.db",
  o: { store?: StoreOverrides; retention?: RetentionOverrides; clock?: FakeClock; tuning?: OpenStoreOptions["tuning"]; log?: Logger } = {},
): Promise<Opened> {
  const cfg = defaultConfig();
  const path = join(dir, name);
  const db = openDatabase(path);
  migrate(db);
  const clock = o.clock ?? new FakeClock(Date.UTC(2026, 10, 25));
  const walPath = `${path}.wal`;
  const store = await openStore(db, {
    store: { ...cfg.store, ...o.store },
    retention: { ...cfg.retention, ...o.retention },
    walPath,
    log: o.log ?? silentLogger,
    clock,
    tuning: { timers: false, ...o.tuning },
  });
  return {
    db,
    store,
    clock,
    path,
    walPath,
    close: async () => {
      await store.close();
      db.close();
    },
  };
}
