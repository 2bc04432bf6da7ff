/**
 * Where imported history goes. Offline (the default): the configured database, with the data dir
 * lock taken, through the store's history import (importHistory: points older than a series holds
 * go straight into its tiers). When a running Loupe holds the lock, `--to URL --token T` sends
 * the points through its Influx `/write` instead (the normal write path: a series that already
 * has newer points there keeps only what is newer than its closed chunks).
 */
import type { Config } from "../config/index.js";
import { LoupeError, errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { parseSeriesKey } from "../model/index.js";
import { describeDbError, importHistory, lockDataDir, migrate, openDatabase, openStore, type DataDirLock, type Db, type HistoryResult, type TimeSeriesStore } from "../store/index.js";

export interface SeriesHistory {
  readonly key: string;
  readonly ts: ArrayLike<number>;
  readonly values: ArrayLike<number>;
}

export interface Destination {
  /** Writes one series' points; resolves with what happened to them. */
  put(h: SeriesHistory): Promise<HistoryResult>;
  /** Runs retention (tiers), flushes and closes. */
  close(): Promise<void>;
}

/** Opens the configured database for an offline import (lock, migrations, store without timers). */
export async function openLocal(config: Config, log: Logger): Promise<Destination> {
  const path = config.database.path;
  let lock: DataDirLock;
  try {
    lock = lockDataDir(path);
  } catch (err) {
    if (err instanceof LoupeError && err.code === "data_dir_locked")
      throw new LoupeError(
        "data_dir_locked",
        `${err.message}\nA running Loupe holds ${path}. Stop it and run the import again, or send through it: add --to http://127.0.0.1:${config.server.http_port} --token <API token with write scope>.`,
        { cause: err },
      );
    throw err;
  }
  let db: Db | undefined;
  let store: TimeSeriesStore;
  try {
    db = openDatabase(path);
    migrate(db, undefined, path);
    store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log, tuning: { timers: false } });
  } catch (err) {
    db?.close();
    lock.release();
    throw describeDbError(err, path);
  }
  const opened = db;
  return {
    async put(h) {
      return importHistory(store, h);
    },
    async close() {
      try {
        store.runRetention();
        await store.close();
      } finally {
        opened.close();
        lock.release();
      }
    },
  };
}

const escMeasurement = (s: string): string => s.replace(/[, ]/g, (c) => `\\${c}`);
const escKey = (s: string): string => s.replace(/[,= ]/g, (c) => `\\${c}`);

/** One series' points as line protocol (ms precision): `a.b.c;k=v` → `a.b,k=v c=<v> <ts>`. */
export function toLineProtocol(h: SeriesHistory): string {
  const { name, tags } = parseSeriesKey(h.key);
  const dot = name.lastIndexOf(".");
  if (dot <= 0 || dot === name.length - 1) throw new LoupeError("import_name", `series ${name}: Influx /write makes a name from "measurement.field", so a name needs a dot inside it; import it offline instead`);
  let head = escMeasurement(name.slice(0, dot));
  for (const k of Object.keys(tags).sort()) head += `,${escKey(k)}=${escKey(tags[k]!)}`;
  const field = escKey(name.slice(dot + 1));
  const lines: string[] = [];
  for (let i = 0; i < h.ts.length; i++) {
    const v = h.values[i]!;
    if (!Number.isFinite(v)) continue;
    lines.push(`${head} ${field}=${v} ${Math.round(h.ts[i]!)}`);
  }
  return lines.join("\n");
}

/** Sends through a running Loupe's Influx /write (precision ms), a series at a time. */
export function openRemote(url: string, token: string | undefined, log: Logger): Destination {
  const target = new URL("write?precision=ms", url.endsWith("/") ? url : `${url}/`).href;
  return {
    async put(h) {
      const body = toLineProtocol(h);
      const n = body === "" ? 0 : body.split("\n").length;
      if (n === 0) return { added: 0, alreadyStored: 0, skipped: h.ts.length, refused: 0 };
      let res: Response;
      try {
        res = await fetch(target, { method: "POST", body, headers: { "content-type": "text/plain", ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}) }, signal: AbortSignal.timeout(60_000) });
      } catch (err) {
        throw new LoupeError("import_remote", `POST ${target}: ${errorMessage(err)}`, { cause: err });
      }
      const text = await res.text();
      if (res.status !== 204) {
        log.warn("remote write refused", { status: res.status, body: text.slice(0, 200) });
        throw new LoupeError("import_remote", `POST ${target}: HTTP ${res.status} ${text.slice(0, 300)}`);
      }
      return { added: n, alreadyStored: 0, skipped: h.ts.length - n, refused: 0 };
    },
    async close() {},
  };
}
