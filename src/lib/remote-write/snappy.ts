/**
 * Snappy block format (what remote_write bodies use: `Content-Encoding: snappy`, not the framed
 * format), hand-written: measured against `snappyjs` and the native `snappy` in BENCHMARKS.md
 * "remote_write". Decompression is bounded: the length in the header is checked against `maxLength`
 * before anything is allocated, and every literal and copy is checked against the input and output.
 *
 * Block: varint uncompressed length, then elements; tag low 2 bits: 00 literal (length in the upper
 * 6 bits, or 60–63: 1–4 length bytes follow), 01 copy with 1-byte offset (len 4–11, offset 11 bits),
 * 10 copy with 2-byte offset, 11 copy with 4-byte offset (len 1–64).
 */

export class SnappyError extends Error {
  constructor(
    message: string,
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = "SnappyError";
  }
}

/** Largest compressed size of `n` bytes (snappy's MaxEncodedLen). */
export function maxCompressedLength(n: number): number {
  return 32 + n + Math.floor(n / 6);
}

/** The uncompressed length a block announces, or throws. */
export function uncompressedLength(src: Uint8Array): number {
  return readHeader(src).length;
}

function readHeader(src: Uint8Array): { length: number; pos: number } {
  let length = 0;
  let mul = 1;
  for (let pos = 0; pos < 5 && pos < src.length; pos++) {
    const b = src[pos]!;
    length += (b & 0x7f) * mul;
    if (b < 128) {
      if (length > 0xffffffff) break;
      return { length, pos: pos + 1 };
    }
    mul *= 128;
  }
  throw new SnappyError("not a snappy block: bad length header");
}

/** Decompresses a snappy block of at most `maxLength` bytes. */
export function uncompress(src: Uint8Array, maxLength: number): Buffer {
  const { length, pos: start } = readHeader(src);
  if (length > maxLength) throw new SnappyError(`snappy block announces ${length} bytes, more than ${maxLength}`, true);
  const out = Buffer.allocUnsafe(length);
  const end = src.length;
  let pos = start;
  let o = 0;
  while (pos < end) {
    const c = src[pos++]!;
    const kind = c & 3;
    let len: number;
    if (kind === 0) {
      len = c >>> 2;
      if (len >= 60) {
        const nb = len - 59;
        if (pos + nb > end) throw new SnappyError("snappy block truncated in a literal length");
        len = 0;
        for (let i = nb - 1; i >= 0; i--) len = len * 256 + src[pos + i]!;
        pos += nb;
      }
      len += 1;
      if (pos + len > end) throw new SnappyError("snappy literal past the end of the input");
      if (o + len > length) throw new SnappyError("snappy literal past the announced length");
      if (len < 16) for (let i = 0; i < len; i++) out[o + i] = src[pos + i]!;
      else out.set(src.subarray(pos, pos + len), o);
      pos += len;
      o += len;
      continue;
    }
    let offset: number;
    if (kind === 1) {
      if (pos >= end) throw new SnappyError("snappy block truncated in a copy");
      len = ((c >>> 2) & 7) + 4;
      offset = ((c >>> 5) << 8) | src[pos++]!;
    } else if (kind === 2) {
      if (pos + 2 > end) throw new SnappyError("snappy block truncated in a copy");
      len = (c >>> 2) + 1;
      offset = src[pos]! | (src[pos + 1]! << 8);
      pos += 2;
    } else {
      if (pos + 4 > end) throw new SnappyError("snappy block truncated in a copy");
      len = (c >>> 2) + 1;
      offset = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > o) throw new SnappyError("snappy copy offset outside the output so far");
    if (o + len > length) throw new SnappyError("snappy copy past the announced length");
    if (offset >= len && len > 16) out.copyWithin(o, o - offset, o - offset + len);
    else for (let i = 0; i < len; i++) out[o + i] = out[o - offset + i]!;
    o += len;
  }
  if (o !== length) throw new SnappyError(`snappy block holds ${o} bytes, announced ${length}`);
  return out;
}

const HASH_BITS = 14;
const BLOCK = 1 << 16;
const table = new Int32Array(1 << HASH_BITS);

function load32(a: Uint8Array, i: number): number {
  return a[i]! | (a[i + 1]! << 8) | (a[i + 2]! << 16) | (a[i + 3]! << 24);
}

function hash(v: number): number {
  return Math.imul(v, 0x1e35a7bd) >>> (32 - HASH_BITS);
}

/** Compresses `src` into one snappy block (greedy 4-byte matches per 64 KiB fragment, as the reference does). */
export function compress(src: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(maxCompressedLength(src.length));
  let o = 0;
  let n = src.length;
  while (n >= 128) {
    out[o++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[o++] = n;
  for (let base = 0; base < src.length; base += BLOCK) o = compressFragment(src, base, Math.min(base + BLOCK, src.length), out, o);
  return out.subarray(0, o);
}

function compressFragment(src: Uint8Array, base: number, end: number, out: Buffer, o: number): number {
  let lit = base;
  if (end - base < 15) return emitLiteral(src, lit, end, out, o);
  table.fill(-1);
  const limit = end - 4;
  let i = base + 1;
  let skip = 32;
  while (i <= limit) {
    const v = load32(src, i);
    const h = hash(v);
    const cand = table[h]!;
    table[h] = i;
    if (cand < base || cand < 0 || load32(src, cand) !== v) {
      i += skip++ >>> 5;
      continue;
    }
    skip = 32;
    o = emitLiteral(src, lit, i, out, o);
    let len = 4;
    while (i + len < end && src[cand + len] === src[i + len]) len++;
    o = emitCopy(i - cand, len, out, o);
    i += len;
    lit = i;
    if (i <= limit) table[hash(load32(src, i - 1))] = i - 1;
  }
  return emitLiteral(src, lit, end, out, o);
}

function emitLiteral(src: Uint8Array, from: number, to: number, out: Buffer, o: number): number {
  const len = to - from;
  if (len === 0) return o;
  const n = len - 1;
  if (n < 60) out[o++] = n << 2;
  else if (n < 0x100) {
    out[o++] = 60 << 2;
    out[o++] = n;
  } else if (n < 0x10000) {
    out[o++] = 61 << 2;
    out[o++] = n & 0xff;
    out[o++] = n >>> 8;
  } else {
    out[o++] = 62 << 2;
    out[o++] = n & 0xff;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n >>> 16;
  }
  if (len < 16) for (let k = 0; k < len; k++) out[o + k] = src[from + k]!;
  else out.set(src.subarray(from, to), o);
  return o + len;
}

function emitCopy(offset: number, len: number, out: Buffer, o: number): number {
  while (len >= 68) {
    o = copy2(offset, 64, out, o);
    len -= 64;
  }
  if (len > 64) {
    o = copy2(offset, 60, out, o);
    len -= 60;
  }
  if (len < 12 && offset < 2048) {
    out[o++] = 1 | ((len - 4) << 2) | ((offset >>> 8) << 5);
    out[o++] = offset & 0xff;
    return o;
  }
  return copy2(offset, len, out, o);
}

function copy2(offset: number, len: number, out: Buffer, o: number): number {
  out[o++] = 2 | ((len - 1) << 2);
  out[o++] = offset & 0xff;
  out[o++] = offset >>> 8;
  return o;
}
