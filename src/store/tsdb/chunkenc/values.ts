/**
 * Value coding for one chunk, chosen per chunk:
 * - DECIMAL: every value is the nearest float64 to m / 10^e for one exponent e (0..15) and integer
 *   mantissas |m| < 2^50 (VictoriaMetrics' idea): the mantissas go through integer coding (ints.ts),
 *   so counters with random increments and gauges with 2–4 decimals cost a few bits a point.
 * - XOR: Gorilla XOR (xor.ts) for everything else (NaN, ±Inf, -0, arbitrary binary fractions).
 * When DECIMAL is possible but wide, XOR is tried too and the smaller one kept.
 *
 * Layout: byte kind (0 = decimal, 1 = xor); decimal: byte e, then the integer stream.
 */
import { BitReader, BitWriter } from "./bits.js";
import { INT_LIMIT, readInts, writeInts } from "./ints.js";
import { readXor, writeXor } from "./xor.js";

export const VALUES_DECIMAL = 0;
export const VALUES_XOR = 1;
export type ValueCoding = "auto" | "decimal" | "xor";

const POW10: number[] = [];
for (let e = 0; e <= 22; e++) POW10.push(10 ** e);
const MAX_EXP = 15;

const scratch = { mant: new Float64Array(256) };

/** Fills scratch.mant with mantissas and returns the exponent, or -1 when DECIMAL cannot hold the values exactly. */
function toDecimal(values: ArrayLike<number>, n: number): number {
  if (scratch.mant.length < n) scratch.mant = new Float64Array(n * 2);
  const mant = scratch.mant;
  // Pass 1: the smallest exponent that fits every value (exact at e implies exact at e + 1).
  let e = 0;
  let p = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v - v !== 0 || (v === 0 && 1 / v < 0)) return -1; // NaN, ±Inf, -0
    while (Math.round(v * p) / p !== v) {
      if (++e > MAX_EXP) return -1;
      p = POW10[e]!;
    }
  }
  // Pass 2: mantissas, checked.
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    const m = Math.round(v * p);
    if (m / p !== v || m >= INT_LIMIT || m <= -INT_LIMIT) return -1;
    mant[i] = m;
  }
  return e;
}

export function writeValues(w: BitWriter, values: ArrayLike<number>, n: number, coding: ValueCoding = "auto"): void {
  const e = coding === "xor" ? -1 : toDecimal(values, n);
  if (e < 0) {
    if (coding === "decimal") throw new RangeError("values cannot be coded as decimals");
    w.align();
    w.writeByte(VALUES_XOR);
    writeXor(w, values, n);
    w.align();
    return;
  }
  w.align();
  const mark = w.mark();
  w.writeByte(VALUES_DECIMAL);
  w.writeByte(e);
  writeInts(w, scratch.mant, n);
  // Wide mantissas (values with many significant digits): XOR may do better.
  if (coding === "auto" && w.mark() - mark > n * 3) {
    const decimalBytes = w.mark() - mark;
    const xw = new BitWriter(n * 8 + 16);
    writeXor(xw, values, n);
    if (xw.bitLength / 8 + 1 < decimalBytes) {
      w.rewind(mark);
      w.writeByte(VALUES_XOR);
      writeXor(w, values, n);
      w.align();
    }
  }
}

export function readValues(r: BitReader, n: number, out: Float64Array | number[]): void {
  r.align();
  const kind = r.readByte();
  if (kind === VALUES_XOR) {
    readXor(r, n, out);
    r.align();
    return;
  }
  if (kind !== VALUES_DECIMAL) throw new RangeError(`unknown value coding ${kind}`);
  const e = r.readByte();
  readInts(r, n, out);
  if (e > 0) {
    const p = POW10[e]!;
    for (let i = 0; i < n; i++) out[i] = out[i]! / p;
  }
}
