/**
 * Prometheus remote_write in (`POST /api/v1/write`, served by http/routes/api/remote-write.ts): a snappy
 * WriteRequest becomes tagged series (`__name__` → the name, other labels → tags, lib/prom-names.ts)
 * written to the sink. Bounded by `[ingest.remote_write]`: body size (decompressed), series, samples,
 * labels per series and label length per request — a request over a bound is refused whole (400/413,
 * naming the key) and counted. Staleness markers are skipped and counted; other NaNs are written (the
 * store reads them as missing). Label sets are cached by their raw bytes, so a series seen before
 * costs no string decoding; with the store's columnar fast path (ResolvedWrites) its samples are
 * written by series id.
 */
import type { IncomingMessage } from "node:http";
import { LoupeError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { labelsToSeries } from "../lib/prom-names.js";
import { decodeLabels, decodeWriteRequest } from "../lib/remote-write/decode.js";
import { SnappyError, maxCompressedLength, uncompress } from "../lib/remote-write/snappy.js";
import { RemoteWriteDecodeError, type DecodeLimits, type DecodedWriteRequest } from "../lib/remote-write/types.js";
import { seriesKey, type Sample, type Tags } from "../model/index.js";
import { columnarOf, type ColumnarSink, type IngestSink } from "./batcher.js";
import { readLimited } from "./influx/body.js";

export interface RemoteWriteLimits extends DecodeLimits {
  /** Largest WriteRequest after snappy decompression (`max_body_size`). */
  readonly maxBodyBytes: number;
}

export const REMOTE_WRITE_REJECT_REASONS = ["body_too_large", "bad_body", "max_series_per_request", "max_samples_per_request", "max_labels", "max_label_length"] as const;
export type RemoteWriteRejectReason = (typeof REMOTE_WRITE_REJECT_REASONS)[number];

const SECTION = "ingest.remote_write";

export class RemoteWriteError extends LoupeError {
  constructor(
    readonly reason: RemoteWriteRejectReason,
    message: string,
    status = 400,
  ) {
    super(reason === "bad_body" ? "bad_remote_write" : reason, message, { status });
  }
}

/** A label set met before: its series, and (columnar sinks) its id under the sink's seriesEpoch. */
interface Known {
  readonly name: string;
  readonly tags: Tags | undefined;
  readonly key: string;
  id: number | undefined;
  epoch: number;
}

/** Marks a label set without `__name__` (its samples are skipped and counted). */
const NAMELESS: Known = Object.freeze({ name: "", tags: undefined, key: "", id: undefined, epoch: -1 }) as Known;

const CACHE_MAX = 500_000;

export interface RemoteWriteCounts {
  requests: number;
  samples: number;
  staleMarkers: number;
  /** Samples of series with no `__name__` (skipped). */
  nameless: number;
  /** Series whose name or labels had characters a Graphite series key cannot hold (replaced by `_`). */
  escapedSeries: number;
  readonly rejected: Record<RemoteWriteRejectReason, number>;
}

export class RemoteWriteIngest {
  readonly counts: RemoteWriteCounts = { requests: 0, samples: 0, staleMarkers: 0, nameless: 0, escapedSeries: 0, rejected: Object.fromEntries(REMOTE_WRITE_REJECT_REASONS.map((r) => [r, 0])) as Record<RemoteWriteRejectReason, number> };
  private readonly known = new Map<string, Known>();
  private readonly columnar: ColumnarSink | undefined;
  private ids = new Float64Array(1024);
  /** The label keys of the last request by position, and what they mapped to. */
  private lastKeys: string[] = [];
  private lastKnown: Known[] = [];

  constructor(
    private readonly sink: IngestSink,
    private readonly limits: RemoteWriteLimits,
    private readonly log: Logger,
  ) {
    this.columnar = columnarOf(sink);
  }

  /** Largest compressed body worth reading (a snappy block of max_body_size bytes at worst). */
  get maxCompressedBytes(): number {
    return maxCompressedLength(this.limits.maxBodyBytes);
  }

  /** Decodes one snappy-compressed WriteRequest and writes it; resolves once the sink has it. */
  async write(body: Uint8Array): Promise<{ samples: number }> {
    this.counts.requests++;
    const req = this.decode(body);
    this.counts.staleMarkers += req.staleMarkers;
    const written = this.toWrites(req);
    const p: Promise<void>[] = [];
    if (written.samples.length > 0) p.push(this.sink.write(written.samples));
    if (written.resolved > 0) p.push(this.columnar!.writeResolved(this.ids, req.timestamps, req.values, written.resolved));
    await Promise.all(p);
    const n = written.samples.length + written.resolved;
    this.counts.samples += n;
    return { samples: n };
  }

  private decode(body: Uint8Array): DecodedWriteRequest {
    try {
      return decodeWriteRequest(uncompress(body, this.limits.maxBodyBytes), this.limits);
    } catch (err) {
      if (err instanceof SnappyError && err.tooLarge) throw this.refuse("body_too_large", `remote_write body larger than ${this.limits.maxBodyBytes} bytes once decompressed ([${SECTION}] max_body_size)`, 413);
      if (err instanceof SnappyError) throw this.refuse("bad_body", `remote_write body is not a snappy block: ${err.message}`);
      if (err instanceof RemoteWriteDecodeError) {
        const reason = (REMOTE_WRITE_REJECT_REASONS as readonly string[]).includes(err.limit ?? "") ? (err.limit as RemoteWriteRejectReason) : "bad_body";
        throw this.refuse(reason, reason === "bad_body" ? err.message : `${err.message.replace(/\(([a-z_]+)\)$/, `([${SECTION}] $1)`)}`);
      }
      throw err;
    }
  }

  /** Counts a refused request; the caller throws what it returns (the route turns it into 400/413). */
  refuse(reason: RemoteWriteRejectReason, message: string, status = 400): RemoteWriteError {
    this.counts.rejected[reason]++;
    this.log.debug("remote_write request refused", { reason, detail: message });
    return new RemoteWriteError(reason, message, status);
  }

  /**
   * Splits the decoded samples: those of series the sink knows by id are compacted to the front of
   * req.timestamps/values with their ids in this.ids (columnar); the rest become Samples.
   */
  private toWrites(req: DecodedWriteRequest): { samples: Sample[]; resolved: number } {
    const col = this.columnar;
    const epoch = col?.seriesEpoch ?? 0;
    if (col !== undefined && this.ids.length < req.timestamps.length) this.ids = new Float64Array(req.timestamps.length);
    const ids = this.ids;
    const { timestamps: ts, values: vs } = req;
    const samples: Sample[] = [];
    let r = 0;
    for (let i = 0; i < req.seriesCount; i++) {
      const a = req.sampleStart[i]!;
      const b = req.sampleStart[i + 1]!;
      if (a === b) continue;
      // senders repeat their series in the same order: compare with the same place last time first
      // (a memcmp) before hashing the key for the map
      const labelKey = req.labelKeys[i]!;
      const k = this.lastKeys[i] === labelKey ? this.lastKnown[i]! : this.series(labelKey);
      this.lastKeys[i] = labelKey;
      this.lastKnown[i] = k;
      if (k === NAMELESS) {
        this.counts.nameless += b - a;
        continue;
      }
      if (col !== undefined && k.epoch !== epoch) {
        k.id = col.seriesId(k.key);
        k.epoch = k.id === undefined ? -1 : epoch; // unknown: ask again next time (the write below creates it)
      }
      if (k.id !== undefined && col !== undefined) {
        const id = k.id;
        for (let j = a; j < b; j++, r++) {
          ids[r] = id;
          ts[r] = ts[j]!;
          vs[r] = vs[j]!;
        }
      } else {
        for (let j = a; j < b; j++) samples.push(k.tags === undefined ? { name: k.name, ts: ts[j]!, value: vs[j]! } : { name: k.name, tags: k.tags, ts: ts[j]!, value: vs[j]! });
      }
    }
    return { samples, resolved: r };
  }

  private series(labelKey: string): Known {
    const hit = this.known.get(labelKey);
    if (hit !== undefined) return hit;
    const s = labelsToSeries(decodeLabels(labelKey));
    let k: Known;
    if (s === undefined) k = NAMELESS;
    else {
      if (s.escaped) this.counts.escapedSeries++;
      const tags = s.tags === undefined ? undefined : Object.freeze(s.tags);
      k = { name: s.name, tags, key: seriesKey(s.name, tags), id: undefined, epoch: -1 };
    }
    if (this.known.size >= CACHE_MAX) this.known.clear();
    this.known.set(labelKey, k);
    return k;
  }

  /** /metrics entries. */
  metrics(): { name: string; help: string; type: "counter"; labels?: { reason: string }; value: number }[] {
    const c = this.counts;
    return [
      { name: "loupe_ingest_remote_write_requests_total", help: "remote_write requests received", type: "counter", value: c.requests },
      { name: "loupe_ingest_remote_write_samples_written_total", help: "remote_write samples written", type: "counter", value: c.samples },
      { name: "loupe_ingest_remote_write_stale_markers_total", help: "remote_write staleness markers skipped", type: "counter", value: c.staleMarkers },
      { name: "loupe_ingest_remote_write_nameless_samples_total", help: "remote_write samples skipped: their series has no __name__", type: "counter", value: c.nameless },
      { name: "loupe_ingest_remote_write_escaped_series_total", help: "remote_write series whose name or labels had characters a Graphite series cannot hold (replaced by _)", type: "counter", value: c.escapedSeries },
      ...REMOTE_WRITE_REJECT_REASONS.map((reason) => ({
        name: "loupe_ingest_remote_write_rejected_total",
        help: `remote_write requests refused, by reason ([${SECTION}] max_body_size, max_series_per_request, …)`,
        type: "counter" as const,
        labels: { reason },
        value: c.rejected[reason],
      })),
    ];
  }
}

/** Reads a remote_write body (snappy, as sent: `Content-Encoding: snappy` or none), at most `limit` bytes. */
export async function readRemoteWriteBody(req: IncomingMessage, ingest: RemoteWriteIngest): Promise<Buffer> {
  const enc = (req.headers["content-encoding"] ?? "snappy").toString().trim().toLowerCase();
  if (enc !== "snappy") throw new LoupeError("unsupported_encoding", `remote_write needs Content-Encoding: snappy, got "${enc}"`, { status: 415 });
  // remote_write 2.0 (io.prometheus.write.v2.Request): 415 tells the sender to use 1.0
  const type = (req.headers["content-type"] ?? "").toString().toLowerCase();
  if (type.includes("proto=") && !type.includes("proto=prometheus.writerequest"))
    throw new LoupeError("unsupported_remote_write_version", `remote_write accepts 1.0 (prometheus.WriteRequest) only, got Content-Type "${type}"; set protobuf_message: prometheus.WriteRequest`, { status: 415 });
  const limit = ingest.maxCompressedBytes;
  return await readLimited(req, limit, () => ingest.refuse("body_too_large", `remote_write body larger than ${limit} bytes ([${SECTION}] max_body_size, compressed)`, 413));
}
