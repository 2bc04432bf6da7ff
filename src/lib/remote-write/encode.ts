/** Encoding of a remote_write 1.0 WriteRequest (the message is documented in types.ts). */
import type { RwSeries } from "./types.js";

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** Size of an int64 varint (negatives take 10 bytes, as two's complement). */
function int64Size(n: number): number {
  return n < 0 ? 10 : varintSize(n);
}

/** Label names sorted, `__name__` first (what remote_write receivers expect). */
export function sortLabels(labels: Iterable<readonly [string, string]>): [string, string][] {
  return [...labels].map(([k, v]): [string, string] => [k, v]).sort((a, b) => (a[0] === b[0] ? 0 : a[0] === "__name__" ? -1 : b[0] === "__name__" ? 1 : a[0] < b[0] ? -1 : 1));
}

/** The Label fields of a series, encoded once (a forwarder caches them per series). */
export function encodeLabels(labels: readonly (readonly [string, string])[]): Uint8Array {
  let size = 0;
  const lens: number[] = [];
  for (const [k, v] of labels) {
    const kl = utf8Length(k);
    const vl = utf8Length(v);
    const inner = 1 + varintSize(kl) + kl + 1 + varintSize(vl) + vl;
    lens.push(kl, vl, inner);
    size += 1 + varintSize(inner) + inner;
  }
  const w = new Writer(size);
  let i = 0;
  for (const [k, v] of labels) {
    w.byte(0x0a);
    w.varint(lens[i + 2]!);
    w.byte(0x0a);
    w.varint(lens[i]!);
    w.text(k, lens[i]!);
    w.byte(0x12);
    w.varint(lens[i + 1]!);
    w.text(v, lens[i + 1]!);
    i += 3;
  }
  return w.buf;
}

/** UTF-8 length of `s`; short ASCII strings (label names and values, mostly) without a call into C++. */
function utf8Length(s: string): number {
  if (s.length > 64) return Buffer.byteLength(s, "utf8");
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return Buffer.byteLength(s, "utf8");
  return s.length;
}

/** A series with its labels already encoded (encodeLabels) and its samples as parallel arrays. */
export interface EncodedSeries {
  readonly labels: Uint8Array;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  /** How many samples of the arrays (from 0) belong to the series; defaults to timestamps.length. */
  readonly count?: number;
}

/** One WriteRequest from series whose labels are encoded already. */
export function encodeWriteRequestEncoded(series: readonly EncodedSeries[]): Buffer {
  const inner = new Array<number>(series.length);
  let total = 0;
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const n = s.count ?? s.timestamps.length;
    let size = s.labels.length;
    for (let j = 0; j < n; j++) {
      const ts = s.timestamps[j]!;
      const sample = ts === 0 ? 9 : 10 + int64Size(ts); // value field (1 + 8), timestamp field (1 + varint) unless 0
      size += 1 + 1 + sample; // tag, length (< 128), message
    }
    inner[i] = size;
    total += 1 + varintSize(size) + size;
  }
  const w = new Writer(total);
  for (let i = 0; i < series.length; i++) {
    const s = series[i]!;
    const n = s.count ?? s.timestamps.length;
    w.byte(0x0a);
    w.varint(inner[i]!);
    w.bytes(s.labels);
    for (let j = 0; j < n; j++) {
      const ts = s.timestamps[j]!;
      w.byte(0x12);
      w.byte(ts === 0 ? 9 : 10 + int64Size(ts));
      w.byte(0x09);
      w.double(s.values[j]!);
      if (ts !== 0) {
        w.byte(0x10);
        w.int64(ts);
      }
    }
  }
  return w.buf;
}

/**
 * One WriteRequest from columns: series `i` has the encoded labels `labels[i]` and the samples
 * `[start[i], start[i + 1])` of `timestamps`/`values` (no object per series or sample).
 */
export function encodeWriteRequestColumns(labels: readonly Uint8Array[], start: ArrayLike<number>, timestamps: ArrayLike<number>, values: ArrayLike<number>): Buffer {
  const n = labels.length;
  const inner = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let size = labels[i]!.length;
    for (let j = start[i]!, e = start[i + 1]!; j < e; j++) {
      const ts = timestamps[j]!;
      size += 2 + (ts === 0 ? 9 : 10 + int64Size(ts));
    }
    inner[i] = size;
    total += 1 + varintSize(size) + size;
  }
  const w = new Writer(total);
  for (let i = 0; i < n; i++) {
    w.byte(0x0a);
    w.varint(inner[i]!);
    w.bytes(labels[i]!);
    for (let j = start[i]!, e = start[i + 1]!; j < e; j++) {
      const ts = timestamps[j]!;
      w.byte(0x12);
      w.byte(ts === 0 ? 9 : 10 + int64Size(ts));
      w.byte(0x09);
      w.double(values[j]!);
      if (ts !== 0) {
        w.byte(0x10);
        w.int64(ts);
      }
    }
  }
  return w.buf;
}

/** One WriteRequest (labels as given: sort them with sortLabels first). */
export function encodeWriteRequest(series: readonly RwSeries[]): Buffer {
  return encodeWriteRequestEncoded(series.map((s) => ({ labels: encodeLabels(s.labels), timestamps: s.timestamps, values: s.values })));
}

class Writer {
  readonly buf: Buffer;
  private at = 0;
  constructor(size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }
  /** `s` as UTF-8, `len` bytes (utf8Length): ASCII byte by byte, the rest through Buffer.write. */
  text(s: string, len: number): void {
    if (len === s.length && len <= 64) {
      const buf = this.buf;
      const at = this.at;
      for (let i = 0; i < len; i++) buf[at + i] = s.charCodeAt(i);
    } else this.buf.write(s, this.at, len, "utf8");
    this.at += len;
  }
  byte(b: number): void {
    this.buf[this.at++] = b;
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.at);
    this.at += b.length;
  }
  varint(n: number): void {
    while (n >= 128) {
      this.buf[this.at++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    this.buf[this.at++] = n;
  }
  int64(n: number): void {
    if (n >= 0) return this.varint(n);
    // two's complement over 64 bits, 10 bytes: low 32 bits then high 32 bits
    const lo = Number(BigInt.asUintN(64, BigInt(Math.trunc(n))) & 0xffffffffn);
    const hi = Number(BigInt.asUintN(64, BigInt(Math.trunc(n))) >> 32n);
    let l = lo;
    let h = hi;
    for (let i = 0; i < 9; i++) {
      this.buf[this.at++] = (l & 0x7f) | 0x80;
      l = (l >>> 7) | ((h & 0x7f) << 25);
      h >>>= 7;
    }
    this.buf[this.at++] = l & 0x01;
  }
  double(v: number): void {
    this.at = this.buf.writeDoubleLE(v, this.at);
  }
}
