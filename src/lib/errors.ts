/**
 * Loupe's error types. Every error that crosses a module boundary is a LoupeError with a stable
 * machine `code`; the HTTP layer maps `status` in one middleware to `{"error":{"code","message"}}`.
 */

export interface SourceLocation {
  /** File path, or a description such as "environment" or "request body". */
  readonly file?: string;
  /** 1-based line number. */
  readonly line?: number;
  /** 1-based column. */
  readonly column?: number;
  readonly section?: string;
  readonly key?: string;
  readonly field?: string;
}

export interface LoupeErrorOptions {
  readonly cause?: unknown;
  readonly status?: number;
  readonly location?: SourceLocation;
}

export class LoupeError extends Error {
  readonly code: string;
  readonly status: number;
  readonly location: SourceLocation | undefined;

  constructor(code: string, message: string, options: LoupeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = options.status ?? 500;
    this.location = options.location;
  }
}

/** Bad configuration: names the file, line, section and key. */
export class ConfigError extends LoupeError {
  constructor(message: string, location: SourceLocation = {}, cause?: unknown) {
    super("config_invalid", formatLocated(message, location), { location, status: 500, cause });
  }
}

/** Input that could not be parsed (a metric line, a query target, a request body). */
export class ParseError extends LoupeError {
  constructor(message: string, location: SourceLocation = {}, code = "parse_error") {
    super(code, formatLocated(message, location), { location, status: 400 });
  }
}

export class BadRequestError extends LoupeError {
  constructor(message: string, code = "bad_request", cause?: unknown) {
    super(code, message, { status: 400, cause });
  }
}

export class NotFoundError extends LoupeError {
  constructor(message: string, code = "not_found") {
    super(code, message, { status: 404 });
  }
}

export class UnauthorizedError extends LoupeError {
  constructor(message = "authentication required", code = "unauthorized") {
    super(code, message, { status: 401 });
  }
}

export class ForbiddenError extends LoupeError {
  constructor(message = "permission denied", code = "forbidden") {
    super(code, message, { status: 403 });
  }
}

export class ConflictError extends LoupeError {
  constructor(message: string, code = "conflict") {
    super(code, message, { status: 409 });
  }
}

/** The store refused a write (disk full, size guard, closed). What was stored before stays readable. */
export class StoreWriteError extends LoupeError {
  constructor(message: string, cause?: unknown, code = "store_write_failed") {
    super(code, message, { status: 503, cause });
  }
}

/** "file:line: [section] key: message" with whichever parts are known. */
export function formatLocated(message: string, loc: SourceLocation): string {
  const where: string[] = [];
  if (loc.file !== undefined) {
    let f = loc.file;
    if (loc.line !== undefined) f += `:${loc.line}`;
    if (loc.column !== undefined) f += `:${loc.column}`;
    where.push(f);
  } else if (loc.line !== undefined) {
    where.push(`line ${loc.line}${loc.column !== undefined ? `, column ${loc.column}` : ""}`);
  }
  if (loc.section !== undefined) where.push(`[${loc.section}]${loc.key !== undefined ? ` ${loc.key}` : ""}`);
  else if (loc.key !== undefined) where.push(loc.key);
  if (loc.field !== undefined) where.push(`field ${loc.field}`);
  return where.length > 0 ? `${where.join(": ")}: ${message}` : message;
}

/** Best-effort message of anything thrown. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
