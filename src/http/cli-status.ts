/**
 * `loupe status [--config FILE] [--url URL] [--user LOGIN | --token T] [--json] [--fresh]`: the status
 * report on the command line. With --url, or when a running Loupe holds the data dir, it asks that
 * Loupe's /api/status, which answers Admins only: a Loupe open on loopback (no login provider) treats
 * every local caller as Admin; otherwise `--user` signs in as a local Admin ([auth.basic]). Refused
 * (no --user; tokens act at most as Editors), the CLI reads the files itself: when no Loupe holds the
 * data dir, or it refused, the database is opened read-only and the report has sizes, tiers, series
 * and disk; rates, collectors, alerting and forwarders only a running Loupe knows. The first line
 * says which. Whether a Loupe holds the data dir is probed by taking its lock and giving it back at
 * once (a Loupe starting in that instant would be refused once, naming this PID).
 */
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, type Config } from "../config/index.js";
import { errorMessage, LoupeError } from "../lib/errors.js";
import { lockDataDir, openDatabase, readDatabaseUsage, readFileUsage, type Db } from "../store/index.js";
import { readSecret } from "../auth/index.js";
import { fetchReport, type Credentials } from "./status/client.js";
import { formatStatusText } from "./status/format.js";
import type { StatusReport } from "./status/model.js";
import { databaseParts, diskStatus } from "./status/report.js";

interface Io {
  out(text: string): void;
  err(text: string): void;
}

const DAY = 86_400_000;

/** The report read from the database files alone (read-only; `source` says whether a Loupe holds them). */
export function offlineReport(config: Config, db: Db, now: number, source: "offline" | "data_dir" = "offline"): StatusReport {
  const path = config.database.path;
  const usage = readDatabaseUsage(db, { seriesSince: now - DAY });
  const files = readFileUsage(path, `${path}.wal`);
  return {
    generatedAt: now,
    source,
    version: null,
    uptimeS: null,
    ...databaseParts({ path, usage, readAt: now, files, retention: config.retention, now, store: { series: usage.series.total, maxSeries: config.store.max_series } }),
    ingest: null,
    collectors: null,
    alerting: null,
    forwarders: null,
    disk: diskStatus(dirname(path), [], now),
  };
}

/** The URL a local Loupe serves on, from [server]: a wildcard address is reached on loopback. */
export function localUrl(config: Config): string {
  const a = config.server.http_addr;
  const host = a === "0.0.0.0" || a === "" ? "127.0.0.1" : a === "::" ? "[::1]" : a.includes(":") ? `[${a}]` : a;
  return `http://${host}:${config.server.http_port}`;
}

/** Whether a running Loupe holds the data dir of `dbPath` (probes its lock and gives it back at once). */
function heldByLoupe(dbPath: string): boolean {
  try {
    lockDataDir(dbPath).release();
    return false;
  } catch (err) {
    if (err instanceof LoupeError && err.code === "data_dir_locked") return true;
    throw err;
  }
}

/** The database read-only (safe next to a running Loupe: SQLite WAL readers never block its writer). */
function readFiles(config: Config, source: "offline" | "data_dir"): StatusReport {
  const db = openDatabase(config.database.path, { readonly: true });
  try {
    return offlineReport(config, db, Date.now(), source);
  } finally {
    db.close();
  }
}

interface Values {
  readonly config?: string | undefined;
  readonly url?: string | undefined;
  readonly token?: string | undefined;
  readonly user?: string | undefined;
  readonly fresh?: boolean | undefined;
}

/** --token, or --user with its password (asked without echo, or the first line of stdin). */
async function credentialsOf(values: Values): Promise<Credentials> {
  if (values.user === undefined) return { token: values.token };
  return { token: values.token, user: { login: values.user, password: await readSecret(`password of ${values.user}: `) } };
}

async function readReport(values: Values, io: Io): Promise<StatusReport | undefined> {
  if (values.url !== undefined) return fetchReport(values.url, await credentialsOf(values), values.fresh === true);
  const config = loadConfig({ configPath: values.config });
  const path = config.database.path;
  if (!existsSync(path)) {
    io.err(`loupe status: no database at ${path} (nothing stored yet, or another --config)`);
    return undefined;
  }
  if (!heldByLoupe(path)) return readFiles(config, "offline");
  try {
    return await fetchReport(localUrl(config), await credentialsOf(values), values.fresh === true);
  } catch (err) {
    if (!(err instanceof LoupeError) || err.code !== "status_denied") throw err;
    io.err(`loupe status: ${err.message}; reading the data dir instead`);
    return readFiles(config, "data_dir");
  }
}

export const statusCommand = {
  summary: "show the status: database and tier sizes, series, ingest rates, collectors, forwarders, disk",
  usage:
    "loupe status [--config FILE] [--url URL] [--user LOGIN | --token T] [--json] [--fresh]\n\n" +
    "Asks a running Loupe (--url, or the one holding the configured data dir: http_addr/http_port) for\n" +
    "/api/status, which answers Admins only: a Loupe open on loopback treats local callers as Admin;\n" +
    "otherwise --user signs in as a local Admin (password asked, or the first line of stdin).\n" +
    "When no Loupe holds the data dir, or the local one refuses, reads the database read-only and reports\n" +
    "sizes, tiers, series and disk (the first line says which).\n" +
    "--json prints the report as JSON; --fresh re-reads table sizes instead of the minute-old figures.",
  async run(args: string[], io: Io): Promise<number> {
    const { values } = parseArgs({
      args,
      options: { config: { type: "string", short: "c" }, url: { type: "string" }, token: { type: "string" }, user: { type: "string" }, json: { type: "boolean" }, fresh: { type: "boolean" } },
      strict: true,
    });
    let report: StatusReport | undefined;
    try {
      report = await readReport(values, io);
    } catch (err) {
      io.err(`loupe status: ${errorMessage(err)}`);
      return 1;
    }
    if (report === undefined) return 1;
    io.out(values.json === true ? JSON.stringify(report, null, 2) : formatStatusText(report));
    return 0;
  },
};
