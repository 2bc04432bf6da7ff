/**
 * One structured logger. Text for a terminal, JSON lines on request. Child loggers carry fields
 * (`{ module: "collector", collector: "cpu" }`). Values under secret-looking keys are masked, so a
 * careless `log.info("x", { client_secret })` never prints the secret.
 */

export type LogLevel = "error" | "warn" | "info" | "debug";
export type LogFormat = "text" | "json";
export type LogFields = Readonly<Record<string, unknown>>;

const LEVELS: Record<LogLevel, number> = { error: 0, warn: 1, info: 2, debug: 3 };
const SECRET_KEY = /secret|password|passwd|token|cookie|authorization|api_key|apikey/i;

export interface LogSink {
  write(line: string): void;
}

export interface Logger {
  error(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  debug(msg: string, fields?: LogFields): void;
  isLevelEnabled(level: LogLevel): boolean;
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly level?: LogLevel;
  readonly format?: LogFormat;
  readonly sink?: LogSink;
  readonly now?: () => number;
}

export function createLogger(options: LoggerOptions = {}, base: LogFields = {}): Logger {
  const level = LEVELS[options.level ?? "info"];
  const format = options.format ?? "text";
  const sink = options.sink ?? { write: (line: string) => process.stderr.write(line) };
  const now = options.now ?? Date.now;

  const emit = (lvl: LogLevel, msg: string, fields: LogFields | undefined): void => {
    if (LEVELS[lvl] > level) return;
    const all = fields === undefined ? base : { ...base, ...fields };
    const time = new Date(now()).toISOString();
    sink.write(format === "json" ? formatJson(time, lvl, msg, all) : formatText(time, lvl, msg, all));
  };

  return {
    error: (msg, fields) => emit("error", msg, fields),
    warn: (msg, fields) => emit("warn", msg, fields),
    info: (msg, fields) => emit("info", msg, fields),
    debug: (msg, fields) => emit("debug", msg, fields),
    isLevelEnabled: (lvl) => LEVELS[lvl] <= level,
    child: (fields) => createLogger(options, { ...base, ...fields }),
  };
}

/** A logger that drops everything (tests, library defaults). */
export const silentLogger: Logger = createLogger({ level: "error", sink: { write: () => undefined } });

function redact(key: string, value: unknown): unknown {
  if (SECRET_KEY.test(key) && value !== undefined && value !== null && value !== "") return "***";
  if (value instanceof Error) return value.message;
  return value;
}

function formatJson(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  const rec: Record<string, unknown> = { time, level, msg };
  for (const [k, v] of Object.entries(fields)) rec[k] = redact(k, v);
  return `${JSON.stringify(rec)}\n`;
}

function formatText(time: string, level: LogLevel, msg: string, fields: LogFields): string {
  let line = `${time} ${level.toUpperCase().padEnd(5)} ${msg}`;
  for (const [k, v] of Object.entries(fields)) {
    const val = redact(k, v);
    if (val === undefined) continue;
    const s = typeof val === "string" ? val : JSON.stringify(val);
    line += ` ${k}=${typeof val === "string" && /[\s"=]/.test(s) ? JSON.stringify(s) : s}`;
  }
  return `${line}\n`;
}
