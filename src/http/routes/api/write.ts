/**
 * Influx line-protocol writes on the HTTP port: `POST /write?db=&precision=` (InfluxDB 1.x) and
 * `POST /api/v2/write?bucket=&precision=` (2.x), gzip bodies allowed. Answers 204 only once the
 * sink has made the points durable; a bad line is a 400 naming its line number (the valid lines
 * of the same body are still written, as InfluxDB does with a partial write). `GET /ping`
 * answers 204 with the version headers clients look for; `POST /query` accepts only the
 * `CREATE DATABASE` that Telegraf sends before writing.
 */
import { Router, type Request, type Response } from "express";
import type { Clock } from "../../../lib/clock.js";
import { BadRequestError, ParseError } from "../../../lib/errors.js";
import type { Logger } from "../../../lib/logger.js";
import type { MetricsRegistry } from "../../../lib/metrics.js";
import type { SampleSink } from "../../../model/index.js";
import { DEFAULT_NAME_LIMITS, Rejections, SeriesKeyCache, parseLineProtocol, parsePrecision, readBody, type NameLimits, type Precision } from "../../../ingest/index.js";
import { access } from "../../access.js";

/** The InfluxDB version we answer as: 1.8 is what Telegraf and the 1.x CLI expect. */
export const INFLUX_COMPAT_VERSION = "1.8.10";

export interface WriteRouteDeps {
  readonly sink: SampleSink;
  readonly clock: Clock;
  readonly log: Logger;
  readonly maxBodySize: number;
  readonly metrics?: MetricsRegistry;
  readonly version?: string;
  /** [ingest.influx] max_name_length and max_tags. */
  readonly limits?: NameLimits;
}

export function writeRoutes(deps: WriteRouteDeps): Router {
  const router = Router();
  const version = deps.version ?? INFLUX_COMPAT_VERSION;
  const counts = { requests: 0, lines: 0, invalid: 0, points: 0 };
  const cache = new SeriesKeyCache();
  const limits = deps.limits ?? DEFAULT_NAME_LIMITS;
  const rejections = new Rejections("influx", "ingest.influx", deps.clock, deps.log);
  deps.metrics?.collect(() => [
    ...rejections.metrics(["name_too_long", "too_many_tags"]),
    { name: "loupe_ingest_influx_requests_total", help: "line-protocol write requests", type: "counter", value: counts.requests },
    { name: "loupe_ingest_influx_lines_total", help: "line-protocol lines received", type: "counter", value: counts.lines },
    { name: "loupe_ingest_influx_invalid_total", help: "line-protocol lines refused", type: "counter", value: counts.invalid },
    { name: "loupe_ingest_influx_points_written_total", help: "line-protocol points written", type: "counter", value: counts.points },
  ]);
  const headers = (res: Response): void => {
    res.setHeader("X-Influxdb-Version", version);
    res.setHeader("X-Influxdb-Build", "OSS");
  };

  const write = (v2: boolean) => async (req: Request, res: Response): Promise<void> => {
    headers(res);
    const q = req.query as Record<string, unknown>;
    const pText = typeof q["precision"] === "string" ? q["precision"] : undefined;
    const precision: Precision | undefined = parsePrecision(pText);
    if (precision === undefined || (v2 && !["ns", "us", "ms", "s"].includes(pText ?? "ns")))
      throw new BadRequestError(`precision "${pText}" is not one of ${v2 ? "ns, us, ms, s" : "ns, u, ms, s, m, h"}`, "bad_precision");
    const body = await readBody(req, deps.maxBodySize);
    const { samples, errors, lines } = parseLineProtocol(body, precision, deps.clock.now(), cache, limits);
    for (const e of errors) if (e.reason !== undefined) rejections.note(e.reason, { line: e.line, detail: e.message, ip: req.ip });
    counts.requests++;
    counts.lines += lines;
    counts.invalid += errors.length;
    if (samples.length > 0) {
      await deps.sink.write(samples);
      counts.points += samples.length;
    }
    const first = errors[0];
    if (first !== undefined) {
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more bad line${errors.length > 2 ? "s" : ""})` : "";
      const partial = samples.length > 0 ? `; ${samples.length} points from the other lines were written` : "";
      throw new ParseError(`${first.message}${more}${partial}`, { line: first.line }, "bad_line");
    }
    res.status(204).end();
  };

  // Telegraf's influxdb output and the influx CLI send `CREATE DATABASE` before writing: accept it
  // (Loupe has one namespace, db and bucket are ignored); any other InfluxQL is refused plainly.
  router.post("/query", access("editor"), async (req, res) => {
    headers(res);
    const q = req.query as Record<string, unknown>;
    let text = typeof q["q"] === "string" ? q["q"] : "";
    if (text === "") {
      const body = await readBody(req, 64 * 1024);
      text = new URLSearchParams(body.toString("utf8")).get("q") ?? "";
    }
    if (/^\s*CREATE\s+DATABASE\s/i.test(text)) {
      res.json({ results: [{ statement_id: 0 }] });
      return;
    }
    throw new BadRequestError("Loupe accepts writes only; read with Graphite's /render (InfluxQL queries are not supported)", "influxql_unsupported");
  });
  router.get("/ping", access("public"), (_req, res) => {
    headers(res);
    res.status(204).end();
  });
  router.post("/write", access("editor"), write(false));
  router.post("/api/v2/write", access("editor"), write(true));
  return router;
}
