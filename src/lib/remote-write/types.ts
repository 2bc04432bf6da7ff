/**
 * Prometheus remote_write 1.0 `WriteRequest`, hand-written for this one message (measured against
 * protobufjs and @bufbuild/protobuf in BENCHMARKS.md "remote_write": faster both ways, no dependency):
 *
 *   WriteRequest { repeated TimeSeries timeseries = 1; repeated MetricMetadata metadata = 3; }
 *   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; exemplars = 3; histograms = 4; }
 *   Label        { string name = 1; string value = 2; }
 *   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp: ms since the epoch
 *
 * Decoding is bounded (series per request, labels per series, label name/value bytes, samples per
 * request) and never throws anything but a RemoteWriteDecodeError naming the byte offset and field.
 * Unknown fields (metadata, exemplars, histograms) are skipped; staleness markers are counted, not kept.
 */

/** A series as sent: labels sorted by name with `__name__` first (sortLabels), its samples in order. */
export interface RwSeries {
  readonly labels: readonly (readonly [string, string])[];
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

export class RemoteWriteDecodeError extends Error {
  constructor(
    message: string,
    /** Which limit was crossed (its config key), when one was. */
    readonly limit?: string,
  ) {
    super(message);
    this.name = "RemoteWriteDecodeError";
  }
}

export interface DecodeLimits {
  /** Most series (TimeSeries) in one request. */
  readonly maxSeries: number;
  /** Most labels on one series (`__name__` included). */
  readonly maxLabels: number;
  /** Longest label name or value, in bytes. */
  readonly maxLabelBytes: number;
  /** Most samples in one request. */
  readonly maxSamples: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = Object.freeze({ maxSeries: 100_000, maxLabels: 64, maxLabelBytes: 4096, maxSamples: 10_000_000 });

/**
 * A decoded request as columns. Series `i` has the label bytes `labelKeys[i]` (the Label fields as sent,
 * one latin1 character per byte: a cache key for "this label set again"; decodeLabels turns it into
 * labels) and the samples `[sampleStart[i], sampleStart[i + 1])` of `timestamps`/`values`.
 */
export interface DecodedWriteRequest {
  readonly seriesCount: number;
  readonly labelKeys: readonly string[];
  /** seriesCount + 1 entries. */
  readonly sampleStart: Uint32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** Prometheus staleness markers (NaN 0x7ff0000000000002) met and left out of the columns. */
  readonly staleMarkers: number;
}
