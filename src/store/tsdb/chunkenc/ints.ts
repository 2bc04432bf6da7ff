/**
 * Integer sequence coding: the values, their deltas or their deltas of deltas (whichever needs the
 * fewest bits), then frame of reference: the minimum residual as a varint and every residual minus
 * it packed at one fixed bit width. Regular timestamps and constant series cost zero bits a point.
 *
 * Layout (docs/format/chunk.md): byte order | width << 2, `order` leading values as zigzag varints,
 * base as zigzag varint (only when n > order), then (n - order) × width bits, padded to a byte.
 * Inputs must be safe integers with |x| < 2^50 so that second differences stay exact.
 */
import { BitReader, BitWriter, bitWidth } from "./bits.js";

export const INT_LIMIT = 2 ** 50;

/** Writes xs[0..n) with the cheapest of the three orders. */
export function writeInts(w: BitWriter, xs: ArrayLike<number>, n: number): void {
  // One pass computing min/max of the residuals of orders 0, 1, 2.
  let min0 = Infinity, max0 = -Infinity, min1 = Infinity, max1 = -Infinity, min2 = Infinity, max2 = -Infinity;
  let prev = 0, prevD = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!;
    if (x < min0) min0 = x;
    if (x > max0) max0 = x;
    if (i >= 1) {
      const d = x - prev;
      if (i >= 2) {
        const dd = d - prevD;
        if (dd < min2) min2 = dd;
        if (dd > max2) max2 = dd;
      }
      if (d < min1) min1 = d;
      if (d > max1) max1 = d;
      prevD = d;
    }
    prev = x;
  }
  const w0 = n > 0 ? bitWidth(max0 - min0) : 0;
  const w1 = n > 1 ? bitWidth(max1 - min1) : 0;
  const w2 = n > 2 ? bitWidth(max2 - min2) : 0;
  // Cost in bits: residuals plus roughly one varint per leading value.
  const c0 = w0 * n;
  const c1 = w1 * (n - 1) + 24;
  const c2 = w2 * (n - 2) + 48;
  let order: number, width: number, base: number;
  if (n <= 1 || (c0 <= c1 && c0 <= c2)) {
    order = 0; width = w0; base = min0;
  } else if (n <= 2 || c1 <= c2) {
    order = 1; width = w1; base = min1;
  } else {
    order = 2; width = w2; base = min2;
  }
  if (n <= order) order = n;
  w.align();
  w.writeByte(order | (width << 2));
  if (order >= 1 && n >= 1) w.writeVarint(xs[0]!);
  if (order >= 2 && n >= 2) w.writeVarint(xs[1]! - xs[0]!);
  if (n <= order) return;
  w.writeVarint(base);
  if (width === 0) return;
  if (order === 0) {
    for (let i = 0; i < n; i++) w.writeBits(xs[i]! - base, width);
  } else if (order === 1) {
    for (let i = 1; i < n; i++) w.writeBits(xs[i]! - xs[i - 1]! - base, width);
  } else {
    for (let i = 2; i < n; i++) w.writeBits(xs[i]! - 2 * xs[i - 1]! + xs[i - 2]! - base, width);
  }
  w.align();
}

/** Reads n integers written by writeInts into out[0..n). */
export function readInts(r: BitReader, n: number, out: Float64Array | number[]): void {
  r.align();
  const head = r.readByte();
  const order = head & 3;
  const width = head >>> 2;
  if (order >= 1 && n >= 1) out[0] = r.readVarint();
  if (order >= 2 && n >= 2) out[1] = out[0]! + r.readVarint();
  if (n <= order) return;
  const base = r.readVarint();
  if (order === 0) {
    if (width === 0) for (let i = 0; i < n; i++) out[i] = base;
    else for (let i = 0; i < n; i++) out[i] = r.readBits(width) + base;
  } else if (order === 1) {
    let x = out[0]!;
    if (width === 0) for (let i = 1; i < n; i++) out[i] = x += base;
    else for (let i = 1; i < n; i++) out[i] = x += r.readBits(width) + base;
  } else {
    let x = out[1]!;
    let d = x - out[0]!;
    if (width === 0) for (let i = 2; i < n; i++) out[i] = x += d += base;
    else for (let i = 2; i < n; i++) out[i] = x += d += r.readBits(width) + base;
  }
  r.align();
}
