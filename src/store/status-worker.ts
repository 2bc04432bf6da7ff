/**
 * Worker thread entry of `readDatabaseUsageInWorker`: opens the database read-only on its own
 * connection, reads the usage (a walk over every page of the big tables: seconds on a large file) and
 * posts it back, so the running Loupe's event loop (ingest, queries) never waits for it.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase } from "./db.js";
import { readDatabaseUsage, type ReadUsageOptions } from "./status.js";

const { path, options } = workerData as { path: string; options: ReadUsageOptions };
const db = openDatabase(path, { readonly: true });
try {
  parentPort!.postMessage({ ok: true, usage: readDatabaseUsage(db, options) });
} catch (err) {
  parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) });
} finally {
  db.close();
}
