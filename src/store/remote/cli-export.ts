/**
 * `loupe export --remote-write URL`: the local store's history into VictoriaMetrics (or any
 * remote_write receiver), resumable (export-history.ts). Registered lazily in src/cli.ts.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../../config/index.js";
import { errorMessage } from "../../lib/errors.js";
import { silentLogger } from "../../lib/logger.js";
import { openDatabase } from "../db.js";
import { lockDataDir } from "../lock.js";
import { migrate } from "../migrate.js";
import { exportHistory } from "./export-history.js";
import { openStore } from "../open-store.js";

export interface ExportCliIo {
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `loupe export --remote-write URL [--config FILE] [--state FILE] [--batch N] [--header "Name: value"]…

Sends every point of the local store (the [database] path of the config) to a remote_write URL,
e.g. http://vm:8428/api/v1/write or http://vminsert:8480/insert/0/prometheus/api/v1/write, with
names kept exactly (the names [store] backend = victoriametrics reads). Progress goes to stderr.
After each acknowledged batch the position is saved in the state file (default:
<paths.data>/export-<hash of URL>.json): run the same command again to resume after a stop; once
finished, a rerun sends nothing (delete the state file to export again). Loupe must be stopped
(the data dir is locked while it runs).`;

export const exportCommand = {
  summary: "copy the local store's history to a remote_write URL (VictoriaMetrics), resumable",
  usage: USAGE,
  async run(args: string[], io: ExportCliIo): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { config: { type: "string", short: "c" }, "remote-write": { type: "string" }, state: { type: "string" }, batch: { type: "string" }, header: { type: "string", multiple: true } },
      strict: true,
    });
    const url = values["remote-write"];
    if (url === undefined || !/^https?:\/\//.test(url)) {
      io.err(`loupe export: --remote-write http(s)://… is required\n\nUsage: ${USAGE}`);
      return 1;
    }
    const batch = values.batch === undefined ? 10_000 : Number(values.batch);
    if (!Number.isInteger(batch) || batch < 1) {
      io.err(`loupe export: --batch must be a positive integer, got ${values.batch}`);
      return 1;
    }
    const headers: Record<string, string> = {};
    for (const h of values.header ?? []) {
      const m = /^([^:\s]+)\s*:\s*(.*)$/.exec(h);
      if (m === null) {
        io.err(`loupe export: --header ${JSON.stringify(h)}: expected "Name: value"`);
        return 1;
      }
      headers[m[1]!] = m[2]!;
    }
    let config;
    try {
      config = loadConfig({ configPath: values.config });
    } catch (err) {
      io.err(`loupe: invalid configuration\n${errorMessage(err)}`);
      return 1;
    }
    const statePath = values.state ?? join(config.paths.data, `export-${createHash("sha256").update(url).digest("hex").slice(0, 12)}.json`);
    const path = config.database.path;
    let lock;
    try {
      lock = lockDataDir(path);
    } catch (err) {
      io.err(`loupe export: ${errorMessage(err)}`);
      return 1;
    }
    const db = openDatabase(path);
    try {
      migrate(db, undefined, path);
      const store = await openStore(db, { store: { ...config.store, backend: "local" }, retention: config.retention, walPath: `${path}.wal`, log: silentLogger, tuning: { timers: false } });
      try {
        let last = 0;
        const r = await exportHistory({
          store,
          url,
          statePath,
          headers,
          batchPoints: batch,
          onProgress: (p) => {
            if (Date.now() - last < 1000 && p.series < p.seriesTotal) return;
            last = Date.now();
            io.err(`series ${p.series}/${p.seriesTotal}, points ${p.points}`);
          },
        });
        if (r.alreadyDone) io.out(`nothing to do: ${r.totalPoints} points already exported to ${url} (state ${statePath}; delete it to export again)`);
        else io.out(`exported ${r.sentPoints} points (${r.totalPoints} in all) of ${r.series} series to ${url} (state ${statePath})`);
        return 0;
      } finally {
        await store.close();
      }
    } catch (err) {
      io.err(`loupe export: ${errorMessage(err)} (run the same command again to resume; state ${statePath})`);
      return 1;
    } finally {
      db.close();
      lock.release();
    }
  },
};
