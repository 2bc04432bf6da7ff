/**
 * Gorilla XOR coding of float64 values (Facebook's Gorilla paper, as Prometheus' XOR chunk): each
 * value XOR the previous one; 0 bit when equal, else the meaningful bits, reusing the previous
 * leading/trailing-zero window when they fit. Exact for every bit pattern (NaN payloads, -0).
 * 64-bit words are handled as two 32-bit halves.
 */
import type { BitReader, BitWriter } from "./bits.js";

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts: u32[0] is the low half. (Node's supported platforms are little-endian.)

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}
function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}
function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

function low(x: number, bits: number): number {
  return bits >= 32 ? x >>> 0 : (x & (2 ** bits - 1)) >>> 0;
}

function writeWord(w: BitWriter, hi: number, lo: number, shift: number, bits: number): void {
  // (hi:lo) >> shift, then the low `bits` bits.
  let l: number, h: number;
  if (shift === 0) {
    l = lo; h = hi;
  } else if (shift < 32) {
    l = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    h = hi >>> shift;
  } else {
    l = hi >>> (shift - 32);
    h = 0;
  }
  if (bits <= 32) {
    w.writeBits(low(l, bits), bits);
  } else {
    w.writeBits(l, 32);
    w.writeBits(low(h, bits - 32), bits - 32);
  }
}

export function writeXor(w: BitWriter, values: ArrayLike<number>, n: number): void {
  if (n === 0) return;
  f64[0] = values[0]!;
  let phi = u32[1]!, plo = u32[0]!;
  w.writeBits(plo, 32);
  w.writeBits(phi, 32);
  let leading = -1, trailing = 0;
  for (let i = 1; i < n; i++) {
    f64[0] = values[i]!;
    const hi = u32[1]!, lo = u32[0]!;
    const xh = (hi ^ phi) >>> 0, xl = (lo ^ plo) >>> 0;
    phi = hi; plo = lo;
    if (xh === 0 && xl === 0) {
      w.writeBits(0, 1);
      continue;
    }
    const lz = clz64(xh, xl);
    const tz = ctz64(xh, xl);
    if (leading >= 0 && lz >= leading && tz >= trailing) {
      w.writeBits(1, 2); // bits "1","0"
      writeWord(w, xh, xl, trailing, 64 - leading - trailing);
    } else {
      leading = lz;
      trailing = tz;
      const sig = 64 - lz - tz; // 1..64
      w.writeBits(3, 2); // bits "1","1"
      w.writeBits(lz, 6);
      w.writeBits(sig - 1, 6);
      writeWord(w, xh, xl, tz, sig);
    }
  }
}

/**
 * 32 bits at bit position `bp` of `buf` (least significant bit first); bytes past the end read as 0
 * (callers check the position against the length once a value is complete).
 */
function peek32(buf: Uint8Array, bp: number): number {
  const i = bp >>> 3;
  const s = bp & 7;
  const len = buf.length;
  if (i + 4 < len) {
    const w = (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24)) >>> 0;
    return s === 0 ? w : ((w >>> s) | (buf[i + 4]! << (32 - s))) >>> 0;
  }
  let w = 0;
  for (let k = 0; k < 4; k++) if (i + k < len) w |= buf[i + k]! << (8 * k);
  w >>>= 0;
  if (s === 0) return w;
  return ((w >>> s) | ((i + 4 < len ? buf[i + 4]! : 0) << (32 - s))) >>> 0;
}

/**
 * Decodes n XOR-coded values starting at byte `pos` of `buf` into out[0..n); returns the bit
 * position after the last value. Reads 32-bit words at any bit offset instead of moving through a
 * bit reader piece by piece (the long-range reads of the levels decode ~10^5 sums a request).
 */
export function readXorAt(buf: Uint8Array, pos: number, n: number, out: Float64Array | number[]): number {
  if (n === 0) return pos * 8;
  let bp = pos * 8;
  let plo = peek32(buf, bp);
  let phi = peek32(buf, bp + 32);
  bp += 64;
  u32[0] = plo; u32[1] = phi;
  out[0] = f64[0]!;
  let leading = 0, trailing = 0;
  const limit = buf.length * 8;
  for (let i = 1; i < n; i++) {
    const c = peek32(buf, bp);
    if ((c & 1) === 0) {
      bp++;
      out[i] = f64[0]!;
      continue;
    }
    if ((c & 2) !== 0) {
      leading = (c >>> 2) & 63;
      trailing = 64 - leading - (((c >>> 8) & 63) + 1);
      bp += 14;
    } else bp += 2;
    const bits = 64 - leading - trailing;
    let l: number, h: number;
    if (bits < 32) {
      l = peek32(buf, bp) & ((1 << bits) - 1);
      h = 0;
    } else {
      l = peek32(buf, bp);
      h = bits === 32 ? 0 : peek32(buf, bp + 32) & (bits === 64 ? -1 : (1 << (bits - 32)) - 1);
    }
    bp += bits;
    if (bp > limit) throw new RangeError("chunk truncated");
    let xl: number, xh: number;
    if (trailing === 0) {
      xl = l; xh = h;
    } else if (trailing < 32) {
      xl = (l << trailing) >>> 0;
      xh = ((h << trailing) | (l >>> (32 - trailing))) >>> 0;
    } else {
      xl = 0;
      xh = (l << (trailing - 32)) >>> 0;
    }
    plo = (plo ^ xl) >>> 0;
    phi = (phi ^ xh) >>> 0;
    u32[0] = plo; u32[1] = phi;
    out[i] = f64[0]!;
  }
  if (bp > limit) throw new RangeError("chunk truncated");
  return bp;
}

/** Decodes n XOR-coded values at the reader's position (byte aligned) and leaves it after them. */
export function readXor(r: BitReader, n: number, out: Float64Array | number[]): void {
  r.align();
  const bp = readXorAt(r.buffer, r.pos, n, out);
  r.pos = Math.ceil(bp / 8);
}
