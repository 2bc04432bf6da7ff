/**
 * `loupe import influx|whisper|diamond …`: argument parsing and the run around each kind
 * (destination, state file, progress, counts at the end).
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfigOrReport, type CliIo } from "../cli-support.js";
import type { Config } from "../config/index.js";
import { parseDuration } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { resolveTimeExpr, UTC_FIXED_ROUNDING } from "../lib/time-expr.js";
import { createLogger } from "../lib/logger.js";
import { openLocal, openRemote, type Destination } from "./destination.js";
import { diamondCommand } from "./diamond.js";
import { importInfluxFile } from "./influx-file.js";
import { importInfluxHttp, type InfluxHttpOptions } from "./influx-http.js";
import { formatCounts, newCounts, Progress } from "./progress.js";
import type { ImportRun } from "./run.js";
import { StateFile } from "./state.js";
import { importWhisper } from "./whisper.js";

const USAGE = `loupe import influx --url URL --db DB [--rp RP] [--from T] [--until T] [--measurement REGEX] [-u USER -p PASS] [--window 1d]
loupe import influx --file F[.gz] [--db DB]       (influx_inspect export output, plain or gzip)
loupe import whisper DIR [--prefix P]
loupe import diamond /etc/diamond/diamond.conf [--collectors-dir DIR] [-o loupe.ini]

Common options (influx, whisper): --config FILE, --state FILE (resume state; default next to the
database), --limit N (stop after N files/windows/batches), --batch N (influx: points per write,
200000), --to URL --token T (send through a running
Loupe's /write instead of writing the database offline).
Points a series already holds (at or after its oldest stored point) are skipped: running twice adds nothing.`;

const common = {
  config: { type: "string", short: "c" },
  state: { type: "string" },
  limit: { type: "string" },
  to: { type: "string" },
  token: { type: "string" },
} as const;

interface Common {
  readonly config?: string | undefined;
  readonly state?: string | undefined;
  readonly limit?: string | undefined;
  readonly to?: string | undefined;
  readonly token?: string | undefined;
}

async function withRun(kind: string, source: string, values: Common, io: CliIo, unit: string, body: (run: ImportRun) => Promise<void>): Promise<number> {
  const config: Config | undefined = loadConfigOrReport(values.config, io);
  if (config === undefined) return 1;
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
    io.err(`loupe import ${kind}: --limit must be a positive integer, got "${values.limit}"`);
    return 1;
  }
  const log = createLogger({ level: config.log.level === "debug" ? "debug" : "warn", format: config.log.format });
  const state = StateFile.open(values.state ?? `${config.database.path}.import-${kind}.json`, source);
  const dest: Destination = values.to !== undefined ? openRemote(values.to, values.token, log) : await openLocal(config, log);
  // a bar on a terminal; otherwise plain lines through the command's own error stream
  const tty = process.stderr.isTTY === true;
  const progress = new Progress({ write: (t) => (tty ? process.stderr.write(t) : io.err(t.replace(/\n$/, ""))), isTTY: tty }, unit);
  const run: ImportRun = { dest, state, progress, counts: newCounts(), log, limit, problems: [], now: Date.now() };
  try {
    await body(run);
  } finally {
    progress.end();
    await dest.close();
  }
  const c = run.counts;
  for (const p of run.problems.slice(0, 50)) io.err(`problem: ${p}`);
  if (run.problems.length > 50) io.err(`… and ${run.problems.length - 50} more problems`);
  const complete = c.total === undefined ? undefined : c.done >= c.total;
  io.out(`${kind}: ${c.done}${c.total !== undefined ? `/${c.total}` : ""} ${unit} done${complete === false ? " (stopped early: run again to resume)" : ""}; ${formatCounts(c)}${run.problems.length > 0 ? `; ${run.problems.length} problem(s)` : ""}`);
  return run.problems.length > 0 ? 1 : 0;
}

/** --from/--until: RFC 3339, unix seconds (or ms from 12 digits on), or now-30d; null after reporting a bad one. */
function parseWhen(text: string | undefined, now: number, flag: string, io: CliIo): number | undefined | null {
  if (text === undefined) return undefined;
  const t = text.trim();
  const v = /^\d{1,11}$/.test(t) ? Number(t) * 1000 : resolveTimeExpr(t, now, UTC_FIXED_ROUNDING);
  if (v === undefined) {
    io.err(`loupe import influx: ${flag} "${text}" is not a time (2024-01-31T00:00:00Z, unix seconds, now-30d)`);
    return null;
  }
  return v;
}

async function whisperSub(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { ...common, prefix: { type: "string" } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) {
    io.err(`loupe import whisper: give one folder of whisper files\n\nUsage: ${USAGE}`);
    return 1;
  }
  const dir = resolve(positionals[0]!);
  return withRun("whisper", `whisper:${dir}`, values, io, "files", (run) => importWhisper(run, dir, values.prefix ?? ""));
}

async function influxSub(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...common,
      url: { type: "string" },
      db: { type: "string" },
      rp: { type: "string" },
      from: { type: "string" },
      until: { type: "string" },
      measurement: { type: "string" },
      window: { type: "string" },
      username: { type: "string", short: "u" },
      password: { type: "string", short: "p" },
      file: { type: "string" },
      batch: { type: "string" },
    },
    allowPositionals: true,
    strict: true,
  });
  const batch = values.batch === undefined ? 200_000 : Number(values.batch);
  if (!(Number.isInteger(batch) && batch > 0)) {
    io.err(`loupe import influx: --batch must be a positive number of points, got "${values.batch}"`);
    return 1;
  }
  if (positionals.length > 0) {
    io.err(`loupe import influx: unexpected argument "${positionals[0]}"\n\nUsage: ${USAGE}`);
    return 1;
  }
  if (values.file !== undefined) {
    if (values.url !== undefined) {
      io.err("loupe import influx: give --file or --url, not both");
      return 1;
    }
    const file = resolve(values.file);
    return withRun("influx", `influx-file:${file}`, values, io, "MB", (run) => importInfluxFile(run, { file, db: values.db, batch }));
  }
  if (values.url === undefined || values.db === undefined) {
    io.err(`loupe import influx: give --url and --db (InfluxDB 1.x HTTP API), or --file (influx_inspect export)\n\nUsage: ${USAGE}`);
    return 1;
  }
  const now = Date.now();
  const windowMs = parseDuration(values.window ?? "1d");
  if (windowMs === undefined || windowMs < 60_000) {
    io.err(`loupe import influx: --window must be a duration of a minute or more (1h, 1d, 7d), got "${values.window}"`);
    return 1;
  }
  let measurement: RegExp | undefined;
  try {
    measurement = values.measurement === undefined ? undefined : new RegExp(values.measurement);
  } catch (err) {
    io.err(`loupe import influx: --measurement: ${errorMessage(err)}`);
    return 1;
  }
  const from = parseWhen(values.from, now, "--from", io);
  const until = parseWhen(values.until, now, "--until", io);
  if (from === null || until === null) return 1;
  const opts: InfluxHttpOptions = { url: values.url, db: values.db, rp: values.rp, from, until, measurement, windowMs, username: values.username, password: values.password, batch };
  const source = `influx-http:${values.url} ${values.db}.${values.rp ?? ""} ${values.measurement ?? ""}`;
  return withRun("influx", source, values, io, "windows", (run) => importInfluxHttp(run, opts));
}

export const importCommand = {
  summary: "import the old stack: InfluxDB 1.x history, carbon's whisper files, diamond.conf",
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const [kind, ...rest] = args;
    try {
      switch (kind) {
        case "whisper":
          return await whisperSub(rest, io);
        case "influx":
          return await influxSub(rest, io);
        case "diamond":
          return await diamondCommand(rest, io);
        default:
          io.err(`loupe import: ${kind === undefined ? "what to import?" : `unknown kind "${kind}"`} (influx, whisper or diamond)\n\nUsage: ${USAGE}`);
          return 1;
      }
    } catch (err) {
      io.err(`loupe import ${kind}: ${errorMessage(err)}`);
      return 1;
    }
  },
};
