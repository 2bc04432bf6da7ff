/**
 * Bounded decoding of a remote_write 1.0 WriteRequest (the message is documented in types.ts) into
 * columns: no object per sample, label sets kept as their raw bytes (a cache key) until asked for.
 */
import { RemoteWriteDecodeError, type DecodeLimits, type DecodedWriteRequest } from "./types.js";

const WT_VARINT = 0;
const WT_FIXED64 = 1;
const WT_LEN = 2;
const WT_FIXED32 = 5;

class Reader {
  at: number;
  constructor(
    readonly buf: Buffer,
    start: number,
  ) {
    this.at = start;
  }

  fail(what: string): never {
    throw new RemoteWriteDecodeError(`remote_write body is not a valid WriteRequest: ${what} at byte ${this.at}`);
  }

  /** A varint of at most 53 bits (tags, lengths, positive timestamps). */
  varint(end: number): number {
    const buf = this.buf;
    let at = this.at;
    if (at < end) {
      const b = buf[at]!;
      if (b < 128) {
        this.at = at + 1;
        return b;
      }
    }
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (at >= end) this.fail("truncated varint");
      const b = buf[at++]!;
      result += (b & 0x7f) * mul;
      if (b < 128) {
        this.at = at;
        return result;
      }
      mul *= 128;
    }
    return this.fail("varint longer than 10 bytes");
  }

  /** An int64 varint: exact up to 2^53, negatives (10 bytes, two's complement) through BigInt. */
  int64(end: number): number {
    const start = this.at;
    const n = this.varint(end);
    if (this.at - start < 10) return n;
    let big = 0n;
    for (let i = 9; i >= 0; i--) big = (big << 7n) | BigInt(this.buf[start + i]! & 0x7f);
    return Number(BigInt.asIntN(64, big));
  }

  /** The end of a length-delimited field starting here, checked against `end`. */
  lenEnd(end: number): number {
    const len = this.varint(end);
    const e = this.at + len;
    if (e > end) this.fail("length past the end of its message");
    return e;
  }

  skip(wireType: number, end: number): void {
    if (wireType === WT_VARINT) this.varint(end);
    else if (wireType === WT_FIXED64) this.at += 8;
    else if (wireType === WT_LEN) this.at = this.lenEnd(end);
    else if (wireType === WT_FIXED32) this.at += 4;
    else this.fail(`unsupported wire type ${wireType}`);
    if (this.at > end) this.fail("field past the end of its message");
  }
}

/** Prometheus' staleness marker: the NaN with bits 0x7ff0000000000002 (a series ended; not a value). */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

class Columns {
  /** Staleness markers met (not kept as samples). */
  stale = 0;
  timestamps: Float64Array;
  values: Float64Array;
  n = 0;
  constructor(estimate: number) {
    this.timestamps = new Float64Array(Math.max(16, estimate));
    this.values = new Float64Array(Math.max(16, estimate));
  }
  push(ts: number, v: number): void {
    if (this.n === this.timestamps.length) {
      const t = new Float64Array(this.n * 2);
      t.set(this.timestamps);
      this.timestamps = t;
      const vs = new Float64Array(this.n * 2);
      vs.set(this.values);
      this.values = vs;
    }
    this.timestamps[this.n] = ts;
    this.values[this.n++] = v;
  }
}

/** Decodes a (decompressed) WriteRequest; throws RemoteWriteDecodeError on malformed input or a crossed limit. */
export function decodeWriteRequest(body: Uint8Array, limits: DecodeLimits): DecodedWriteRequest {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const r = new Reader(buf, 0);
  const end = buf.length;
  const labelKeys: string[] = [];
  const starts: number[] = [0];
  const cols = new Columns(Math.ceil(end / 48)); // grows by doubling; a Prometheus sample costs ~40-120 bytes with its series
  while (r.at < end) {
    const tag = r.varint(end);
    if (tag === 0x0a) {
      if (labelKeys.length >= limits.maxSeries) throw new RemoteWriteDecodeError(`more than ${limits.maxSeries} series in one request (max_series_per_request)`, "max_series_per_request");
      const e = r.lenEnd(end);
      labelKeys.push(readSeries(r, e, cols, limits));
      starts.push(cols.n);
      r.at = e;
    } else if (tag === 0) r.fail("field number 0");
    else r.skip(tag & 7, end);
  }
  return { seriesCount: labelKeys.length, labelKeys, sampleStart: Uint32Array.from(starts), timestamps: cols.timestamps.subarray(0, cols.n), values: cols.values.subarray(0, cols.n), staleMarkers: cols.stale };
}

/** One TimeSeries in [r.at, end): pushes its samples, returns its label bytes (latin1). */
function readSeries(r: Reader, end: number, cols: Columns, limits: DecodeLimits): string {
  let key = "";
  let runStart = -1;
  let runEnd = -1;
  let labels = 0;
  while (r.at < end) {
    const tagAt = r.at;
    const tag = r.varint(end);
    if (tag === 0x0a) {
      const e = r.lenEnd(end);
      if (++labels > limits.maxLabels) throw new RemoteWriteDecodeError(`a series has more than ${limits.maxLabels} labels (max_labels)`, "max_labels");
      checkLabel(r, e, limits);
      if (tagAt !== runEnd) {
        if (runStart >= 0) key += r.buf.toString("latin1", runStart, runEnd);
        runStart = tagAt;
      }
      runEnd = e;
      r.at = e;
    } else if (tag === 0x12) {
      const e = r.lenEnd(end);
      if (cols.n >= limits.maxSamples) throw new RemoteWriteDecodeError(`more than ${limits.maxSamples} samples in one request (max_samples_per_request)`, "max_samples_per_request");
      readSample(r, e, cols);
      r.at = e;
    } else if (tag === 0) r.fail("field number 0");
    else r.skip(tag & 7, end);
  }
  if (runStart >= 0) key += r.buf.toString("latin1", runStart, runEnd);
  return key;
}

function checkLabel(r: Reader, end: number, limits: DecodeLimits): void {
  while (r.at < end) {
    const tag = r.varint(end);
    if (tag === 0x0a || tag === 0x12) {
      const e = r.lenEnd(end);
      if (e - r.at > limits.maxLabelBytes) throw new RemoteWriteDecodeError(`a label ${tag === 0x0a ? "name" : "value"} is longer than ${limits.maxLabelBytes} bytes (max_label_length)`, "max_label_length");
      r.at = e;
    } else if (tag === 0) r.fail("field number 0");
    else r.skip(tag & 7, end);
  }
}

function readSample(r: Reader, end: number, cols: Columns): void {
  let ts = 0;
  let value = 0;
  let stale = false;
  const buf = r.buf;
  while (r.at < end) {
    const tag = r.varint(end);
    if (tag === 0x09) {
      if (r.at + 8 > end) r.fail("truncated sample value");
      value = buf.readDoubleLE(r.at);
      stale = value !== value && buf.readUInt32LE(r.at) === STALE_LO && buf.readUInt32LE(r.at + 4) === STALE_HI;
      r.at += 8;
    } else if (tag === 0x10) ts = r.int64(end);
    else if (tag === 0) r.fail("field number 0");
    else r.skip(tag & 7, end);
  }
  if (stale) cols.stale++;
  else cols.push(ts, value);
}

/** The labels of a label key (DecodedWriteRequest.labelKeys), in the order sent. */
export function decodeLabels(key: string): [string, string][] {
  const out: [string, string][] = [];
  const k = new KeyReader(key);
  while (k.at < key.length) {
    const tag = k.varint();
    const len = k.varint();
    const e = k.at + len;
    if (tag !== 0x0a) {
      k.at = e;
      continue;
    }
    let name = "";
    let value = "";
    while (k.at < e) {
      const t = k.varint();
      if ((t & 7) !== WT_LEN) {
        k.skip(t & 7);
        continue;
      }
      const flen = k.varint();
      const fe = k.at + flen;
      if (t === 0x0a) name = k.text(fe);
      else if (t === 0x12) value = k.text(fe);
      k.at = fe;
    }
    out.push([name, value]);
  }
  return out;
}

/** Reads a label key (latin1: one character per byte, checked by the decoder that made it) without a Buffer. */
class KeyReader {
  at = 0;
  constructor(private readonly key: string) {}
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.key.charCodeAt(this.at++); // NaN past the end: ends the loop (the key was checked)
      result += (b & 0x7f) * mul;
      if (!(b >= 128)) return result;
      mul *= 128;
    }
  }
  /** Skips a field the decoder let through (checkLabel skips the same way). */
  skip(wireType: number): void {
    if (wireType === WT_VARINT) this.varint();
    else if (wireType === WT_FIXED64) this.at += 8;
    else this.at += 4;
  }
  /** The UTF-8 text in [at, end): an ASCII run is the key's own substring. */
  text(end: number): string {
    const key = this.key;
    for (let i = this.at; i < end; i++) if (key.charCodeAt(i) >= 0x80) return Buffer.from(key.slice(this.at, end), "latin1").toString("utf8");
    return key.slice(this.at, end);
  }
}
