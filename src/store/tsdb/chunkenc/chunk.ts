/**
 * Raw sample chunks: up to a few hundred (timestamp, value) points of one series, ascending and
 * unique timestamps, encoded as one byte string (layout in docs/format/chunk.md):
 *
 *   byte 1 (format) · uvarint n · integer stream of timestamps · value stream
 *
 * The small Chunk / Appender / Iterator interfaces follow Prometheus' chunkenc; the head keeps
 * points in typed arrays and encodes a whole chunk at once when it closes (cheaper than appending
 * bit by bit), so `XorDecimalAppender` just collects points.
 */
import { BitReader, BitWriter } from "./bits.js";
import { readInts, writeInts } from "./ints.js";
import { readValues, writeValues, type ValueCoding } from "./values.js";

export const FORMAT_RAW = 1;
/** Several raw chunks of one series in one row (fewer SQLite rows: less overhead per point). */
export const FORMAT_BLOCK = 3;

export interface ChunkIterator {
  /** Advances; false at the end. */
  next(): boolean;
  readonly ts: number;
  readonly value: number;
}

export interface Appender {
  append(ts: number, value: number): void;
}

export interface Chunk {
  bytes(): Uint8Array;
  numSamples(): number;
  iterator(): ChunkIterator;
  appender(): Appender;
}

/** Encodes points [0, n) (timestamps ascending, integer ms). */
const shared = new BitWriter(4096);

export function encodeChunk(ts: ArrayLike<number>, values: ArrayLike<number>, n: number, coding: ValueCoding = "auto"): Uint8Array {
  return encodeChunkView(ts, values, n, coding).slice();
}

/** As encodeChunk, into a shared buffer: the view is valid until the next encode (copy it to keep it). */
export function encodeChunkView(ts: ArrayLike<number>, values: ArrayLike<number>, n: number, coding: ValueCoding = "auto"): Uint8Array {
  const w = shared;
  w.rewind(0);
  w.writeByte(FORMAT_RAW);
  w.writeUvarint(n);
  writeInts(w, ts, n);
  writeValues(w, values, n, coding);
  return w.view();
}

export interface DecodedChunk {
  readonly n: number;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const r = new BitReader(bytes);
  const format = r.readByte();
  if (format !== FORMAT_RAW) throw new RangeError(`not a raw chunk (format ${format})`);
  const n = r.readUvarint();
  const ts = new Float64Array(n);
  const values = new Float64Array(n);
  readInts(r, n, ts);
  readValues(r, n, values);
  return { n, ts, values };
}

/** Packs raw chunks (ascending, non-overlapping) into one block: byte 3, uvarint count, count × (uvarint length, chunk). */
export function encodeBlock(chunks: readonly Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const w = new BitWriter(16 + chunks.reduce((a, c) => a + c.length + 3, 0));
  w.writeByte(FORMAT_BLOCK);
  w.writeUvarint(chunks.length);
  for (const c of chunks) {
    w.writeUvarint(c.length);
    w.writeBytes(c);
  }
  return w.finish();
}

/** Decodes a stored raw row: one chunk (format 1) or a block of chunks (format 3). */
export function decodeRaw(bytes: Uint8Array): DecodedChunk {
  if (bytes[0] !== FORMAT_BLOCK) return decodeChunk(bytes);
  const r = new BitReader(bytes, 1);
  const count = r.readUvarint();
  const parts: DecodedChunk[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    const len = r.readUvarint();
    const d = decodeChunk(bytes.subarray(r.pos, r.pos + len));
    r.pos += len;
    parts.push(d);
    total += d.n;
  }
  if (parts.length === 1) return parts[0]!;
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  let off = 0;
  for (const d of parts) {
    ts.set(d.ts, off);
    values.set(d.values, off);
    off += d.n;
  }
  return { n: total, ts, values };
}

/** Decodes a raw chunk into ts/values at `off` (arrays must have room); returns the point count. */
export function decodeChunkInto(bytes: Uint8Array, ts: Float64Array, values: Float64Array, off: number): number {
  const r = new BitReader(bytes);
  const format = r.readByte();
  if (format !== FORMAT_RAW) throw new RangeError(`not a raw chunk (format ${format})`);
  const n = r.readUvarint();
  readInts(r, n, off === 0 ? ts : ts.subarray(off, off + n));
  readValues(r, n, off === 0 ? values : values.subarray(off, off + n));
  return n;
}

/** Number of points, reading only the header. */
export function chunkLength(bytes: Uint8Array): number {
  const r = new BitReader(bytes, 1);
  return r.readUvarint();
}

/** A chunk over an encoding: appends collect points, bytes() encodes them. */
export class DecimalXorChunk implements Chunk {
  private ts: number[] = [];
  private vs: number[] = [];
  private encoded: Uint8Array | undefined;

  constructor(
    private readonly coding: ValueCoding = "auto",
    bytes?: Uint8Array,
  ) {
    if (bytes !== undefined) {
      const d = decodeChunk(bytes);
      this.ts = Array.from(d.ts);
      this.vs = Array.from(d.values);
      this.encoded = bytes;
    }
  }

  bytes(): Uint8Array {
    return (this.encoded ??= encodeChunk(this.ts, this.vs, this.ts.length, this.coding));
  }

  numSamples(): number {
    return this.ts.length;
  }

  appender(): Appender {
    return {
      append: (t, v) => {
        const last = this.ts[this.ts.length - 1];
        if (last !== undefined && t <= last) throw new RangeError(`out of order append ${t} <= ${last}`);
        this.ts.push(t);
        this.vs.push(v);
        this.encoded = undefined;
      },
    };
  }

  iterator(): ChunkIterator {
    const d = decodeChunk(this.bytes());
    let i = -1;
    return {
      next: () => ++i < d.n,
      get ts() {
        return d.ts[i]!;
      },
      get value() {
        return d.values[i]!;
      },
    };
  }
}
