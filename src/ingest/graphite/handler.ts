/**
 * Graphite handler: rows from the stream parsers → mapped series (templates, default tags,
 * `name;k=v` tags) → batches for the SampleSink. Counts lines, points, invalid lines and refused
 * writes, logs a sample of a malformed line at most once a minute, and reports its counters both
 * to the MetricsRegistry (on scrape) and as Loupe's own series `loupe.ingest.graphite.*`.
 */
import type { Clock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";
import type { MetricsRegistry } from "../../lib/metrics.js";
import { seriesKey, type Sample, type UnixMs } from "../../model/index.js";
import { SampleBatcher, type ColumnarSink, type IngestSink } from "../batcher.js";
import { checkGraphitePath, DEFAULT_NAME_LIMITS, Rejections, type NameLimits } from "../limits.js";
import { PathInterner, parseGraphite, type GraphiteRowHandler } from "./parser.js";
import { GraphiteStream } from "./stream.js";
import type { TemplateMapper } from "../../lib/graphite-templates.js";

export interface GraphiteIngestOptions {
  /** Where points go; a sink with the columnar fast path (the tsdb store) gets resolved points. */
  readonly sink: IngestSink;
  readonly mapper: TemplateMapper;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  readonly maxBatch?: number;
  /** Points waiting for the sink beyond which sockets are paused. */
  readonly maxPending?: number;
  /** How often the `loupe.ingest.graphite.*` series are written; 0 turns that off. */
  readonly selfInterval?: number;
  /** Name length and tag count ([ingest.graphite] max_name_length, max_tags). */
  readonly limits?: NameLimits;
}

export interface GraphiteCounts {
  lines: number;
  invalid: number;
  written: number;
  refused: number;
  dropped: number;
}

export const INVALID_LOG_INTERVAL = 60_000;

export class GraphiteIngest {
  readonly batcher: SampleBatcher;
  readonly counts: GraphiteCounts = { lines: 0, invalid: 0, written: 0, refused: 0, dropped: 0 };
  /** Open TCP connections (kept by the listener). */
  connections = 0;
  /** Lines and connections refused by a limit (name length, tags, idle timeout, max connections). */
  readonly rejections: Rejections;
  private readonly limits: NameLimits;
  private readonly mapAll: boolean;
  private readonly paths = new PathInterner();
  private lastInvalidLog = -Infinity;
  private lastRefusedLog = -Infinity;
  private suppressed = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The sink's fast path: paths resolved to series ids once (kept in `paths.refs` as id + 1). */
  private readonly resolved: ColumnarSink | undefined;
  /** The sink's seriesEpoch the ids in `paths.refs` were resolved under. */
  private epoch = 0;

  constructor(private readonly o: GraphiteIngestOptions) {
    this.mapAll = o.mapper.active;
    this.limits = o.limits ?? DEFAULT_NAME_LIMITS;
    this.rejections = new Rejections("graphite", "ingest.graphite", o.clock, o.log);
    this.batcher = new SampleBatcher(o.sink, {
      toSample: (path, ts, value) => this.sample(path, ts, value),
      ...(o.maxBatch !== undefined ? { maxBatch: o.maxBatch } : {}),
      ...(o.maxPending !== undefined ? { maxPending: o.maxPending } : {}),
      onWritten: (n) => (this.counts.written += n),
      onError: (n, err) => {
        this.counts.refused += n;
        // at most once a minute: a full disk refuses every batch
        const now = o.clock.now();
        if (now - this.lastRefusedLog >= INVALID_LOG_INTERVAL) {
          o.log.warn("graphite points refused by the store", { points: n, err: errorMessage(err), refused_total: this.counts.refused });
          this.lastRefusedLog = now;
        }
      },
    });
    this.resolved = this.batcher.resolved;
    if (this.resolved !== undefined) this.epoch = this.resolved.seriesEpoch;
    o.metrics?.collect(() => [
      { name: "loupe_ingest_graphite_lines_total", help: "Graphite plaintext lines received", type: "counter", value: this.counts.lines },
      { name: "loupe_ingest_graphite_invalid_total", help: "malformed Graphite lines skipped", type: "counter", value: this.counts.invalid },
      { name: "loupe_ingest_graphite_points_written_total", help: "Graphite points the store accepted", type: "counter", value: this.counts.written },
      { name: "loupe_ingest_graphite_points_refused_total", help: "Graphite points the store refused", type: "counter", value: this.counts.refused },
      { name: "loupe_ingest_graphite_datagrams_dropped_total", help: "Graphite UDP datagrams dropped while the store was behind", type: "counter", value: this.counts.dropped },
      { name: "loupe_ingest_graphite_pending_points", help: "Graphite points waiting for the store", type: "gauge", value: this.batcher.pendingPoints },
      { name: "loupe_ingest_graphite_connections", help: "open Graphite TCP connections", type: "gauge", value: this.connections },
      ...this.rejections.metrics(),
    ]);
    const every = o.selfInterval ?? 10_000;
    if (every > 0) {
      this.timer = setInterval(() => this.writeSelf(), every);
      this.timer.unref();
    }
  }

  /** A stream parser for one connection or datagram source. */
  stream(source: string): GraphiteStream {
    return new GraphiteStream(this.rowHandler(source), this.o.clock);
  }

  rowHandler(source: string): GraphiteRowHandler {
    return {
      paths: this.paths,
      row: (path, value, ts, slot) => this.row(path, value, ts, slot, source),
      invalid: (buf, start, end, reason) => this.invalid(buf, start, end, reason, source),
    };
  }

  /** One UDP datagram: complete lines, the last one may lack its newline. */
  parseDatagram(msg: Buffer, h: GraphiteRowHandler): void {
    parseGraphite(msg, 0, msg.length, this.o.clock.now(), h, true);
  }

  /**
   * One point. With the sink's fast path, a path seen before (its interner entry holds the series
   * id) costs no lookup and no object: it goes to the batcher's columns. A path not yet resolved
   * is looked up by its series key once; a series the sink does not have yet is sent as a Sample
   * (write() creates it) and resolved at its next point.
   */
  row(path: string, value: number, ts: UnixMs, slot = -1, source = "direct"): void {
    this.counts.lines++;
    const res = this.resolved;
    if (res !== undefined) {
      if (res.seriesEpoch !== this.epoch) this.forgetIds(res.seriesEpoch);
      const refs = this.paths.refs;
      const known = slot >= 0 ? refs[slot]! : 0;
      if (known > 0) return this.batcher.addResolved(known - 1, ts, value, path);
      if (!this.withinLimits(path, source)) return;
      const id = res.seriesId(this.keyOf(path));
      if (id !== undefined) {
        if (slot >= 0 && id >= 0 && id < 0x7fffffff) refs[slot] = id + 1;
        return this.batcher.addResolved(id, ts, value, path);
      }
    } else if (!this.withinLimits(path, source)) return;
    this.batcher.add(this.sample(path, ts, value));
  }

  /** Checks a path not seen before against max_name_length and max_tags; counts and samples refusals. */
  private withinLimits(path: string, source: string): boolean {
    const broken = checkGraphitePath(path, this.limits);
    if (broken === undefined) return true;
    this.rejections.note(broken.reason, { source, detail: broken.detail, path: path.slice(0, 120) });
    return false;
  }

  /** Series were deleted: ids resolved so far may be stale (the batch holding them is sent first). */
  private forgetIds(epoch: number): void {
    this.batcher.flush();
    this.paths.refs.fill(0);
    this.epoch = epoch;
  }

  /** The canonical series key a path is stored under (templates, default tags, `name;k=v`). */
  private keyOf(path: string): string {
    if (!this.mapAll && path.indexOf(";") < 0) return path;
    const m = this.o.mapper.map(path);
    return seriesKey(m.name, m.tags);
  }

  private sample(path: string, ts: UnixMs, value: number): Sample {
    if (this.mapAll || path.indexOf(";") >= 0) {
      const m = this.o.mapper.map(path);
      return m.tags === undefined ? { name: m.name, ts, value } : { name: m.name, tags: m.tags, ts, value };
    }
    return { name: path, ts, value };
  }

  invalid(buf: Uint8Array, start: number, end: number, reason: string, source: string): void {
    this.counts.lines++;
    this.counts.invalid++;
    const now = this.o.clock.now();
    if (now - this.lastInvalidLog >= INVALID_LOG_INTERVAL) {
      const line = Buffer.from(buf.buffer, buf.byteOffset + start, Math.min(end - start, 200)).toString("utf8");
      this.o.log.warn("malformed graphite line skipped", { source, reason, line, suppressed: this.suppressed });
      this.lastInvalidLog = now;
      this.suppressed = 0;
    } else this.suppressed++;
  }

  /** Loupe's own counters as Graphite series. */
  writeSelf(): void {
    const ts = this.o.clock.now();
    const c = this.counts;
    const batch: Sample[] = [
      { name: "loupe.ingest.graphite.lines", ts, value: c.lines },
      { name: "loupe.ingest.graphite.invalid", ts, value: c.invalid },
      { name: "loupe.ingest.graphite.points", ts, value: c.written },
      { name: "loupe.ingest.graphite.refused", ts, value: c.refused },
      ...Object.entries(this.rejections.counts).map(([reason, value]) => ({ name: `loupe.ingest.graphite.rejected.${reason}`, ts, value })),
    ];
    this.o.sink.write(batch).catch((err: unknown) => this.o.log.debug("self metrics not written", { err: errorMessage(err) }));
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.batcher.drain();
  }
}
