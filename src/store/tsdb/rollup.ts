/**
 * Rollups: per-bucket aggregates (min, max, sum, count, last) at a fixed resolution. A builder per
 * series and tier takes the points of each raw chunk as it closes (or the buckets of the finer
 * tier's chunk as it closes) and, once it holds enough buckets, becomes a rollup chunk:
 *
 *   byte 2 (format) · uvarint n · integer stream of bucket starts ·
 *   5 × (uvarint byte length · stream): count (integers), min, max, sum, last (values)
 *
 * Aggregates compose, so a bucket split across two chunks (a raw chunk closed mid-minute) is
 * merged again when read. NaN points are not counted.
 */
import { BitReader, BitWriter, readInts, readValues, writeInts, writeValues } from "./chunkenc/index.js";

export const FORMAT_ROLLUP = 2;
export interface Buckets {
  readonly n: number;
  readonly ts: ArrayLike<number>;
  readonly count: ArrayLike<number>;
  readonly min: ArrayLike<number>;
  readonly max: ArrayLike<number>;
  readonly sum: ArrayLike<number>;
  readonly last: ArrayLike<number>;
}

/**
 * Bucket fields live in one Float64Array, field-major (ts, count, min, max, sum, last, each `cap`
 * long), allocated with the first bucket and grown by doubling: with 10,000 series, six JS arrays
 * per builder cost ~1 KiB each in the heap; this costs ~0.3 KiB.
 */
export class RollupBuilder implements Buckets {
  private buf: Float64Array | undefined;
  private cap = 0;
  n = 0;
  /** Newest raw timestamp folded in so far. */
  wm = -Infinity;
  /** The watermark when the builder was last emptied (its buckets hold what came after). */
  base = -Infinity;

  constructor(readonly res: number) {}

  /** Bytes of its bucket buffer (memory accounting). */
  get bytes(): number {
    return this.buf === undefined ? 0 : this.buf.byteLength;
  }

  private field(k: number): Float64Array {
    const b = this.buf;
    return b === undefined ? new Float64Array(0) : b.subarray(k * this.cap, k * this.cap + this.n);
  }

  get ts(): Float64Array {
    return this.field(0);
  }
  get count(): Float64Array {
    return this.field(1);
  }
  get min(): Float64Array {
    return this.field(2);
  }
  get max(): Float64Array {
    return this.field(3);
  }
  get sum(): Float64Array {
    return this.field(4);
  }
  get last(): Float64Array {
    return this.field(5);
  }

  /** Start of the first bucket (n > 0). */
  get first(): number {
    return this.buf![0]!;
  }

  /** Start of the newest bucket (n > 0). */
  get newest(): number {
    return this.buf![this.n - 1]!;
  }

  private grow(): Float64Array {
    const cap = this.cap === 0 ? 4 : this.cap * 2;
    const next = new Float64Array(cap * 6);
    const old = this.buf;
    if (old !== undefined) for (let k = 0; k < 6; k++) next.set(old.subarray(k * this.cap, k * this.cap + this.n), k * cap);
    this.buf = next;
    this.cap = cap;
    return next;
  }

  /** Folds one aggregate into bucket `b` (a multiple of res, not before the newest bucket). */
  private fold(b: number, cnt: number, mn: number, mx: number, sm: number, ls: number): void {
    let buf = this.buf;
    const i = this.n - 1;
    const cap = this.cap;
    if (buf !== undefined && i >= 0 && buf[i] === b) {
      buf[cap + i]! += cnt;
      if (mn < buf[2 * cap + i]!) buf[2 * cap + i] = mn;
      if (mx > buf[3 * cap + i]!) buf[3 * cap + i] = mx;
      buf[4 * cap + i]! += sm;
      buf[5 * cap + i] = ls;
      return;
    }
    if (buf === undefined || this.n >= cap) buf = this.grow();
    const j = this.n;
    const c = this.cap;
    buf[j] = b;
    buf[c + j] = cnt;
    buf[2 * c + j] = mn;
    buf[3 * c + j] = mx;
    buf[4 * c + j] = sm;
    buf[5 * c + j] = ls;
    this.n = j + 1;
  }

  /** Folds raw points (ascending) in. */
  addPoints(ts: ArrayLike<number>, vs: ArrayLike<number>, n: number): void {
    const res = this.res;
    let b = NaN, bEnd = NaN, cnt = 0, mn = 0, mx = 0, sm = 0, ls = 0;
    for (let i = 0; i < n; i++) {
      const v = vs[i]!;
      if (v !== v) continue;
      const t = ts[i]!;
      if (!(t >= b && t < bEnd)) {
        if (cnt > 0) this.fold(b, cnt, mn, mx, sm, ls);
        b = t - (((t % res) + res) % res);
        bEnd = b + res;
        cnt = 1; mn = v; mx = v; sm = v; ls = v;
      } else {
        cnt++;
        if (v < mn) mn = v;
        if (v > mx) mx = v;
        sm += v;
        ls = v;
      }
    }
    if (cnt > 0) this.fold(b, cnt, mn, mx, sm, ls);
    if (n > 0 && ts[n - 1]! > this.wm) this.wm = ts[n - 1]!;
  }

  /** Folds finer buckets (ascending) in. */
  addBuckets(src: Buckets, wm: number): void {
    const res = this.res;
    for (let i = 0; i < src.n; i++) {
      const t = src.ts[i]!;
      this.fold(t - (((t % res) + res) % res), src.count[i]!, src.min[i]!, src.max[i]!, src.sum[i]!, src.last[i]!);
    }
    if (wm > this.wm) this.wm = wm;
  }

  /** Empties the builder without encoding it, keeping its buffer (a scratch builder reused row after row). */
  reset(): void {
    this.n = 0;
    this.wm = -Infinity;
    this.base = -Infinity;
  }

  /** Encodes and empties the builder (keeps the watermark). */
  take(): { data: Uint8Array; start: number; end: number; n: number; wm: number; buckets: Buckets } {
    const buckets: Buckets = { n: this.n, ts: this.ts, count: this.count, min: this.min, max: this.max, sum: this.sum, last: this.last };
    const data = encodeRollup(buckets);
    this.base = this.wm;
    const out = { data, start: buckets.ts[0]!, end: buckets.ts[this.n - 1]!, n: this.n, wm: this.wm, buckets };
    // the taken buckets keep the old buffer; the next bucket starts a small new one
    this.buf = undefined;
    this.cap = 0;
    this.n = 0;
    return out;
  }
}

export function encodeRollup(b: Buckets): Uint8Array {
  const w = new BitWriter(64 + b.n * 6);
  w.writeByte(FORMAT_ROLLUP);
  w.writeUvarint(b.n);
  writeInts(w, b.ts, b.n);
  const field = (write: (fw: BitWriter) => void): void => {
    const fw = new BitWriter(16 + b.n * 2);
    write(fw);
    const bytes = fw.finish();
    w.writeUvarint(bytes.length);
    w.writeBytes(bytes);
  };
  field((fw) => writeInts(fw, b.count, b.n));
  field((fw) => writeValues(fw, b.min, b.n));
  field((fw) => writeValues(fw, b.max, b.n));
  field((fw) => writeValues(fw, b.sum, b.n));
  field((fw) => writeValues(fw, b.last, b.n));
  return w.finish();
}

/** Buckets folded at `factor` × res (res: the width of the buckets given). */
export function foldBuckets(b: Buckets, res: number, factor: number): Buckets {
  const f = new RollupBuilder(res * factor);
  f.addBuckets(b, -Infinity);
  return { n: f.n, ts: f.ts, count: f.count, min: f.min, max: f.max, sum: f.sum, last: f.last };
}

export type RollupField = "count" | "min" | "max" | "sum" | "last";
const FIELD_ORDER: readonly RollupField[] = ["count", "min", "max", "sum", "last"];

export interface DecodedRollup {
  n: number;
  ts: Float64Array;
  count?: Float64Array;
  min?: Float64Array;
  max?: Float64Array;
  sum?: Float64Array;
  last?: Float64Array;
}

/** Decodes the bucket starts and only the requested fields. */
export function decodeRollup(bytes: Uint8Array, fields: readonly RollupField[]): DecodedRollup {
  const r = new BitReader(bytes);
  const format = r.readByte();
  if (format !== FORMAT_ROLLUP) throw new RangeError(`not a rollup chunk (format ${format})`);
  const n = r.readUvarint();
  const ts = new Float64Array(n);
  readInts(r, n, ts);
  const out: DecodedRollup = { n, ts };
  for (const f of FIELD_ORDER) {
    r.align();
    const len = r.readUvarint();
    const start = r.pos;
    if (fields.includes(f)) {
      const arr = new Float64Array(n);
      if (f === "count") readInts(r, n, arr);
      else readValues(r, n, arr);
      out[f] = arr;
    }
    r.pos = start + len;
    r.align();
  }
  return out;
}

/** Scratch columns of decodeRollupShared, grown as needed and reused read after read. */
const shared = { ts: new Float64Array(512), count: new Float64Array(512), field: new Float64Array(512) };

/**
 * Decodes a rollup chunk's bucket starts, `field` and (with `withCount`) the counts into shared
 * scratch columns: valid until the next call (a read folds them into its buckets at once), so a
 * long read allocates nothing per row. Fields before `field` are skipped by their byte lengths.
 */
export function decodeRollupShared(bytes: Uint8Array, field: RollupField, withCount: boolean): { n: number; ts: Float64Array; count: Float64Array; field: Float64Array } {
  const r = new BitReader(bytes);
  const format = r.readByte();
  if (format !== FORMAT_ROLLUP) throw new RangeError(`not a rollup chunk (format ${format})`);
  const n = r.readUvarint();
  if (shared.ts.length < n) {
    const cap = Math.max(n, shared.ts.length * 2);
    shared.ts = new Float64Array(cap);
    shared.count = new Float64Array(cap);
    shared.field = new Float64Array(cap);
  }
  readInts(r, n, shared.ts);
  for (const f of FIELD_ORDER) {
    r.align();
    const len = r.readUvarint();
    const start = r.pos;
    if (f === field) {
      if (f === "count") readInts(r, n, shared.field);
      else readValues(r, n, shared.field);
    }
    if (f === "count" && withCount) {
      r.pos = start;
      readInts(r, n, shared.count);
    }
    r.pos = start + len;
    r.align();
    if (f === field) break;
  }
  return { n, ts: shared.ts, count: shared.count, field: shared.field };
}
