// Property and boundary tests of the chunk encodings (issue 10: "value coding at every word boundary").
// The classes closed here, not single cases:
// - bit streams: every field width 0..53 at 0, 1, 2^w − 1 and random values, interleaved, at every
//   starting bit offset; varints over the whole safe range; bitWidth at every power of two;
// - XOR coding: every (leading, trailing) zero count of the XOR word (0..64 each), the window-reuse
//   and new-window paths, and arbitrary float64 bit patterns (NaN payloads, ±0, subnormals, ±Inf);
// - decimal coding: every exponent 0..15, mantissas up to the 2^50 limit (and refused past it);
// - integer (timestamp) coding: residual widths at every bit-width boundary for orders 0, 1 and 2,
//   and the documented header byte (order | width << 2) for the cases the format promises.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BitReader,
  BitWriter,
  bitWidth,
  chunkLength,
  decodeChunk,
  decodeChunkInto,
  decodeRaw,
  encodeBlock,
  encodeChunk,
  encodeChunkView,
  readInts,
  readValues,
  readXor,
  writeInts,
  writeValues,
  writeXor,
  type ValueCoding,
} from "../../src/store/tsdb/chunkenc/index.js";

// NaN payloads only survive in typed arrays: V8 may canonicalize a NaN stored into a plain JS array of
// doubles, so inputs and outputs here live in Float64Arrays and are compared through their bit views.
const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const fromBits = (b: bigint): number => ((u64[0] = BigInt.asUintN(64, b)), f64[0]!);
const doublesOf = (bits: readonly bigint[]): Float64Array => new Float64Array(BigUint64Array.from(bits, (b) => BigInt.asUintN(64, b)).buffer);

const SEED = 20261203;
const runs = (n: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: n });

const SPECIAL_BITS = [0x7ff8000000000000n, 0x7ff8000000000001n, 0xfff4000000000000n, 0x7ff0000000000001n, 0xfff0000000000abcn, 0x7ff0000000000000n, 0xfff0000000000000n, 0n, 1n << 63n, 1n, (1n << 63n) | 1n, 0x000fffffffffffffn, 0x7fefffffffffffffn, 0xffefffffffffffffn, 0x3ff0000000000000n, 0xbff0000000000000n];
/** Any float64 bit pattern, biased to the interesting ones (NaN payloads, ±0, subnormals, ±Inf, extremes). */
const anyBits = fc.oneof(
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
  fc.constantFrom(...SPECIAL_BITS),
  fc.double().map((d) => ((f64[0] = d), u64[0]!)),
);

function xorRoundTrip(vs: Float64Array): Float64Array {
  const w = new BitWriter(8);
  writeXor(w, vs, vs.length);
  const out = new Float64Array(vs.length).fill(12345);
  readXor(new BitReader(w.finish()), vs.length, out);
  return out;
}

function assertSameBits(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length >= want.length, true);
  const g = new BigUint64Array(got.buffer, got.byteOffset, want.length);
  const w = new BigUint64Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < want.length; i++) assert.equal(g[i], w[i], `${what}: value[${i}] ${want[i]}`);
}

function roundTripChunk(ts: readonly number[], vs: Float64Array, coding: ValueCoding): void {
  const bytes = encodeChunk(ts, vs, ts.length, coding);
  const d = decodeChunk(bytes);
  assert.equal(d.n, ts.length);
  assert.deepEqual(Array.from(d.ts), ts);
  assertSameBits(d.values, vs, coding);
  assert.equal(chunkLength(bytes), ts.length);
}

// ---------- bit streams ----------

test("bits: every width 0..53 round-trips 0, 1, 2^w − 1 and a random value at every starting bit offset", () => {
  for (let off = 0; off < 8; off++) {
    for (let w = 0; w <= 53; w++) {
      const max = 2 ** w - 1;
      const vals = [0, Math.min(1, max), max, Math.floor(max / 3), Math.floor(max * 0.7)];
      const bw = new BitWriter(1);
      bw.writeBits(off === 0 ? 0 : 2 ** off - 1, off);
      for (const v of vals) bw.writeBits(v, w);
      bw.writeBits(5, 3);
      assert.equal(bw.bitLength, off + vals.length * w + 3, `bitLength w=${w} off=${off}`);
      const bytes = bw.finish();
      assert.equal(bytes.length, Math.ceil((off + vals.length * w + 3) / 8));
      const r = new BitReader(bytes);
      assert.equal(r.readBits(off), off === 0 ? 0 : 2 ** off - 1);
      for (const v of vals) assert.equal(r.readBits(w), v, `w=${w} off=${off} v=${v}`);
      assert.equal(r.readBits(3), 5);
    }
  }
});

test("bits: arbitrary interleavings of fields, bytes and varints round-trip (property)", () => {
  const field = fc.integer({ min: 0, max: 53 }).chain((w) => fc.tuple(fc.constant(w), fc.integer({ min: 0, max: 2 ** w - 1 })));
  fc.assert(
    fc.property(fc.array(field, { maxLength: 60 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -(2 ** 51), max: 2 ** 51 }), (fields, u, s) => {
      const w = new BitWriter(1);
      for (const [width, v] of fields) w.writeBits(v, width);
      w.align();
      w.writeUvarint(u);
      w.writeVarint(s);
      w.writeByte(0xa5);
      w.writeBytes(new Uint8Array([1, 2, 3]));
      const bytes = w.finish();
      const r = new BitReader(bytes);
      for (const [width, v] of fields) assert.equal(r.readBits(width), v);
      r.align();
      assert.equal(r.readUvarint(), u);
      assert.equal(r.readVarint(), s);
      assert.equal(r.readByte(), 0xa5);
      assert.deepEqual([r.readByte(), r.readByte(), r.readByte()], [1, 2, 3]);
      assert.equal(r.pos, bytes.length);
      assert.throws(() => r.readByte(), /chunk truncated/);
    }),
    runs(400),
  );
});

test("bits: varints at every 7-bit group boundary have the documented LEB128/zigzag bytes", () => {
  for (let k = 0; k <= 53; k++) {
    for (const v of [2 ** k - 1, 2 ** k, 2 ** k + 1].filter((x) => x <= Number.MAX_SAFE_INTEGER)) {
      const w = new BitWriter(1);
      w.writeUvarint(v);
      const bytes = w.finish();
      assert.equal(bytes.length, Math.max(1, Math.ceil(bitWidth(v) / 7)), `uvarint ${v} length`);
      for (let i = 0; i < bytes.length - 1; i++) assert.ok(bytes[i]! >= 128, "continuation bit");
      assert.ok(bytes[bytes.length - 1]! < 128, "last byte");
      assert.equal(new BitReader(bytes).readUvarint(), v);
    }
  }
  for (const [v, z] of [[0, 0], [-1, 1], [1, 2], [-2, 3], [2, 4], [63, 126], [-64, 127], [64, 128]] as const) {
    const w = new BitWriter(1);
    w.writeVarint(v);
    const a = new BitWriter(1);
    a.writeUvarint(z);
    assert.deepEqual(w.finish(), a.finish(), `zigzag(${v}) = ${z}`);
  }
  assert.deepEqual(Array.from(((w) => (w.writeUvarint(300), w.finish()))(new BitWriter(1))), [0xac, 0x02]);
});

test("bits: a varint longer than 8 groups past 2^56, and a truncated field, are refused", () => {
  assert.throws(() => new BitReader(new Uint8Array(10).fill(0x80)).readUvarint(), /varint too long/);
  assert.equal(new BitReader(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f])).readUvarint(), 2 ** 56 - 1);
  assert.throws(() => new BitReader(new Uint8Array([0x80, 0x80])).readUvarint(), /chunk truncated/);
  assert.throws(() => new BitReader(new Uint8Array([1, 2])).readBits(17), /chunk truncated/);
  assert.throws(() => new BitReader(new Uint8Array([1, 2, 3, 4])).readBits(40), /chunk truncated/);
  const r = new BitReader(new Uint8Array([0xff, 0x01]));
  assert.equal(r.readBits(3), 7);
  r.align();
  assert.equal(r.readBits(8), 1, "align drops the partial byte");
});

test("bits: bitWidth is exact at every power of two up to 2^53", () => {
  assert.equal(bitWidth(0), 0);
  for (let k = 0; k <= 53; k++) {
    assert.equal(bitWidth(2 ** k), k + 1, `2^${k}`);
    if (k > 0) assert.equal(bitWidth(2 ** k - 1), k, `2^${k} - 1`);
  }
});

test("bits: writer grows from a 1-byte buffer; view/finish/mark/rewind", () => {
  const w = new BitWriter(1);
  for (let i = 0; i < 1000; i++) w.writeBits(i % 256, 8);
  assert.equal(w.bitLength, 8000);
  const view = w.view();
  assert.equal(view.length, 1000);
  for (let i = 0; i < 1000; i++) assert.equal(view[i], i % 256);
  w.writeBits(1, 1);
  assert.equal(w.bitLength, 8001);
  w.align();
  const m = w.mark();
  assert.equal(m, 1001);
  w.writeBytes(new Uint8Array(3000).fill(7));
  w.writeBits(3, 5);
  w.rewind(m);
  assert.equal(w.bitLength, m * 8);
  w.writeByte(0x1ff);
  const out = w.finish();
  assert.equal(out.length, 1002);
  assert.equal(out[1000], 1);
  assert.equal(out[1001], 0xff);
  assert.equal(new BitWriter(1).finish().length, 0);
});

// ---------- XOR ----------

/** A 64-bit word with exactly `lz` leading and `tz` trailing zero bits (lz + tz ≤ 63), middle from `mid`. */
function wordWith(lz: number, tz: number, mid: bigint): bigint {
  const sig = 64 - lz - tz;
  const top = 1n << BigInt(63 - lz);
  const bottom = 1n << BigInt(tz);
  const mask = sig > 2 ? ((1n << BigInt(sig - 2)) - 1n) << BigInt(tz + 1) : 0n;
  return top | bottom | (mid & mask);
}

test("xor: every leading/trailing zero count of the XOR word (0..64) round-trips, new window and reused window", () => {
  const bases = [0n, 0x3ff0000000000000n, 0xfff8000000000000n, 0x8000000000000001n, 0x0123456789abcdefn];
  let cases = 0;
  for (let lz = 0; lz <= 63; lz++) {
    for (let tz = 0; tz + lz <= 63; tz++) {
      const base = bases[(lz + tz) % bases.length]!;
      const d = wordWith(lz, tz, 0x5a5a5a5a5a5a5a5an ^ BigInt(lz * 64 + tz));
      // a narrower XOR inside the same window (reuse), then the widest word (new window), then equal
      const inner = wordWith(Math.min(63, lz + 1), Math.min(63 - Math.min(63, lz + 1), tz + 1), 0xffffffffffffffffn);
      const seq = doublesOf([base, base ^ d, base ^ d ^ inner, base ^ d ^ inner, base ^ d ^ inner ^ d, ~base, base]);
      assertSameBits(xorRoundTrip(seq), seq, `lz=${lz} tz=${tz}`);
      roundTripChunk([0, 1, 2, 3, 4, 5, 6], seq, "xor");
      cases++;
    }
  }
  assert.equal(cases, 64 * 65 / 2);
  // 64 zero bits: equal values cost one bit each
  const same = new Float64Array(64).fill(1.5);
  const w = new BitWriter(8);
  writeXor(w, same, 64);
  assert.equal(w.bitLength, 64 + 63);
});

test("xor: the documented layout of the first value, a new window and a reused window", () => {
  const a = fromBits(0x4000000000000000n); // 2
  const b = fromBits(0x4000000000000f00n); // xor 0xf00: lz 52, tz 8, 4 significant bits
  const c = fromBits(0x4000000000000300n); // xor 0xc00 fits the window (lz 52, tz 10)
  const w = new BitWriter(8);
  writeXor(w, [a, b, c], 3);
  const r = new BitReader(w.finish());
  assert.equal(r.readBits(32), 0, "low half first");
  assert.equal(r.readBits(32), 0x40000000, "then the high half");
  assert.equal(r.readBits(1), 1);
  assert.equal(r.readBits(1), 1, "new window");
  assert.equal(r.readBits(6), 52, "leading zeros");
  assert.equal(r.readBits(6), 3, "length − 1");
  assert.equal(r.readBits(4), 0xf);
  assert.equal(r.readBits(1), 1);
  assert.equal(r.readBits(1), 0, "window reused");
  assert.equal(r.readBits(4), 0xc);
  assert.equal(w.bitLength, 64 + 2 + 12 + 4 + 2 + 4);
});

test("xor: arbitrary float64 bit patterns round-trip, through number[] and Float64Array (property)", () => {
  fc.assert(
    fc.property(fc.array(anyBits, { maxLength: 80 }), (bits) => {
      const vs = doublesOf(bits);
      assertSameBits(xorRoundTrip(vs), vs, "xor");
      const ts = bits.map((_, i) => i * 1000);
      roundTripChunk(ts, vs, "xor");
      roundTripChunk(ts, vs, "auto");
    }),
    runs(300),
  );
});

test("xor: a sequence of words with random (leading, trailing) windows round-trips (property)", () => {
  const step = fc.tuple(fc.integer({ min: 0, max: 63 }), fc.integer({ min: 0, max: 63 }), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.boolean());
  fc.assert(
    fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.array(step, { maxLength: 40 }), (start, steps) => {
      let x = start;
      const bits = [x];
      for (const [lz, tz0, mid, repeat] of steps) {
        const tz = Math.min(tz0, 63 - lz);
        if (!repeat) x ^= wordWith(lz, tz, mid);
        bits.push(x);
      }
      const seq = doublesOf(bits);
      assertSameBits(xorRoundTrip(seq), seq, "xor steps");
    }),
    runs(300),
  );
});

// ---------- decimal ----------

function valueKind(bytes: Uint8Array): { kind: number; e: number | undefined } {
  const r = new BitReader(bytes);
  r.readByte();
  const n = r.readUvarint();
  readInts(r, n, new Float64Array(n));
  r.align();
  const kind = r.readByte();
  return { kind, e: kind === 0 ? r.readByte() : undefined };
}

test("decimal: every exponent 0..15 and mantissa widths up to 49 bits are coded as decimals and round-trip", () => {
  for (let e = 0; e <= 15; e++) {
    for (const k of [0, 1, 7, 8, 23, 24, 31, 32, 33, 48, 49]) {
      const m = Math.max(1, 2 ** k - 1);
      // the first value fixes the exponent: its last digit is non-zero
      const first = e === 0 ? 3 : Number(`0.${"0".repeat(e - 1)}3`);
      const vs = Float64Array.of(first, m / 10 ** e, -m / 10 ** e, 0, first);
      for (const coding of ["decimal", "auto"] as const) {
        const bytes = encodeChunk([1, 2, 3, 4, 5], vs, 5, coding);
        const d = decodeChunk(bytes);
        assertSameBits(d.values, vs, `e=${e} k=${k} ${coding}`);
        if (coding === "decimal") assert.deepEqual(valueKind(bytes), { kind: 0, e }, `e=${e} k=${k}`);
      }
    }
  }
});

test("decimal: mantissas at the 2^50 limit, exponents past 15, NaN/±Inf/−0 are refused by 'decimal' and go to XOR in 'auto'", () => {
  const ok = [2 ** 50 - 1, -(2 ** 50 - 1), 1e-15, 0.1, 123.456];
  for (const v of ok) assert.deepEqual(valueKind(encodeChunk([1, 2], [v, 1], 2, "decimal")).kind, 0, String(v));
  for (const v of [2 ** 50, -(2 ** 50), 1e-16, 0.1 + 0.2, NaN, Infinity, -Infinity, -0, 5e-324, 2 ** 60]) {
    assert.throws(() => encodeChunk([1, 2], [1, v], 2, "decimal"), /cannot be coded as decimals/, String(v));
    const bytes = encodeChunk([1, 2], [1, v], 2, "auto");
    assert.equal(valueKind(bytes).kind, 1, `${v} in auto is XOR`);
    assertSameBits(decodeChunk(bytes).values, Float64Array.of(1, v), "auto");
  }
  // 0 is a decimal, -0 is not
  assert.equal(valueKind(encodeChunk([1], [0], 1, "auto")).kind, 0);
});

test("decimal: 'auto' keeps decimal for small mantissas and takes XOR when it is smaller", () => {
  const n = 120;
  const ts = Array.from({ length: n }, (_, i) => i * 10_000);
  const gauge = ts.map((_, i) => Math.round(Math.sin(i) * 10_000) / 100);
  assert.deepEqual(valueKind(encodeChunk(ts, gauge, n, "auto")), { kind: 0, e: 2 });
  // 15 significant digits that repeat: XOR codes repeats in one bit, decimal needs ~50 bits per point
  const wide = ts.map((_, i) => (i % 2 === 0 ? 0.123456789012345 : 0.123456789012345));
  assert.equal(valueKind(encodeChunk(ts, wide, n, "auto")).kind, 0, "constant: width 0 even for wide mantissas");
  const alt = Float64Array.from(ts, (_, i) => (i % 10 === 0 ? 0.987654321098765 : 0.123456789012345));
  const altBytes = encodeChunk(ts, alt, n, "auto");
  assert.equal(valueKind(altBytes).kind, 1, "wide mantissas that rarely change: XOR is smaller");
  assert.ok(altBytes.length < encodeChunk(ts, alt, n, "decimal").length);
  assert.ok(altBytes.length <= encodeChunk(ts, alt, n, "xor").length);
  assertSameBits(decodeChunk(altBytes).values, alt, "alt");
  // mantissas a little over 3 bytes a point: decimal still beats XOR for random counters
  const counter = ts.map((_, i) => 1e9 + i * 7919 + ((i * 104729) % 1000));
  const cb = encodeChunk(ts, counter, n, "auto");
  assert.equal(valueKind(cb).kind, 0);
  assert.ok(cb.length < encodeChunk(ts, counter, n, "xor").length);
});

test("decimal: arbitrary decimals m / 10^e round-trip bit-exactly in every coding (property)", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 15 }), fc.array(fc.integer({ min: -(2 ** 49), max: 2 ** 49 }), { minLength: 1, maxLength: 60 }), (e, ms) => {
      const vs = Float64Array.from(ms, (m) => m / 10 ** e);
      const ts = ms.map((_, i) => 1_700_000_000_000 + i * 15_000);
      for (const coding of ["auto", "xor", "decimal"] as const) {
        let bytes: Uint8Array;
        try {
          bytes = encodeChunk(ts, vs, vs.length, coding);
        } catch (err) {
          assert.equal(coding, "decimal");
          assert.match((err as Error).message, /cannot be coded as decimals/);
          continue;
        }
        assertSameBits(decodeChunk(bytes).values, vs, coding);
      }
    }),
    runs(300),
  );
});

test("values: an unknown value kind is refused", () => {
  assert.throws(() => readValues(new BitReader(new Uint8Array([7, 0])), 1, [0]), /unknown value coding 7/);
  const w = new BitWriter(1);
  writeValues(w, [1.5, 2.5], 2, "decimal");
  const out = [0, 0];
  readValues(new BitReader(w.finish()), 2, out);
  assert.deepEqual(out, [1.5, 2.5]);
});

// ---------- integers (timestamps) ----------

function intHeader(xs: readonly number[]): { order: number; width: number; bytes: Uint8Array } {
  const w = new BitWriter(1);
  writeInts(w, xs, xs.length);
  const bytes = w.finish();
  return { order: bytes[0]! & 3, width: bytes[0]! >>> 2, bytes };
}

function intsRoundTrip(xs: readonly number[]): void {
  const { bytes } = intHeader(xs);
  const out = new Float64Array(xs.length);
  const r = new BitReader(bytes);
  readInts(r, xs.length, out);
  assert.deepEqual(Array.from(out), xs);
  assert.equal(r.pos, bytes.length, "reader ends at the end of the stream");
}

test("ints: the documented header for constant, regular and irregular sequences", () => {
  assert.deepEqual(Array.from(intHeader([]).bytes), [0], "empty: order 0 width 0, no base");
  assert.deepEqual(Array.from(intHeader([5]).bytes), [0, 10], "one value: order 0, base 5 (zigzag 10)");
  assert.deepEqual(Array.from(intHeader([5, 5, 5, 5]).bytes), [0, 10], "constant: width 0, no bits");
  assert.deepEqual(Array.from(intHeader([1000, 2000]).bytes), [0 | (10 << 2), 0xd0, 0x0f, 0, 0xa0, 0x0f], "two values: order 0, base 1000, residuals 0 and 1000 in 10 bits");
  assert.deepEqual(Array.from(intHeader([1000, 2000, 3000]).bytes), [1 | (0 << 2), 0xd0, 0x0f, 0xd0, 0x0f], "three regular: order 1, x0, delta, width 0");
  assert.deepEqual(Array.from(intHeader([1000, 2000, 3001, 4003]).bytes), [1 | (2 << 2), 0xd0, 0x0f, 0xd0, 0x0f, 0b100100], "short: order 1, x0, base 1000, residuals 0, 1, 2 in 2 bits each");
  const regular = Array.from({ length: 100 }, (_, i) => 1_700_000_000_000 + i * 10_000);
  const reg = intHeader(regular);
  assert.equal(reg.order, 1);
  assert.equal(reg.width, 0);
  assert.ok(reg.bytes.length <= 12, `regular timestamps take ${reg.bytes.length} bytes for 100 points`);
  // linear growth of the delta: order 2, width 0
  const accel = Array.from({ length: 50 }, (_, i) => 1000 + i * 10 + (i * (i - 1)) / 2);
  assert.deepEqual([intHeader(accel).order, intHeader(accel).width], [2, 0]);
  // small jitter around regular steps: order 2 or 1 with a few bits, never order 0
  const jit = regular.map((t, i) => t + ((i * 37) % 5));
  const j = intHeader(jit);
  assert.ok(j.order >= 1 && j.width <= 5, `jitter: order ${j.order} width ${j.width}`);
  intsRoundTrip(jit);
  // small random values: order 0
  const small = Array.from({ length: 50 }, (_, i) => (i * 7) % 16);
  assert.deepEqual([intHeader(small).order, intHeader(small).width], [0, 4]);
  intsRoundTrip(small);
});

test("ints: residual widths at every bit-width boundary 0..50, for each order, round-trip with the minimal width", () => {
  for (let k = 0; k <= 49; k++) {
    for (const span of [2 ** k - 1, 2 ** k].filter((s) => s < 2 ** 49)) {
      // order 0: values alternate between 0 and span
      const v0 = [0, span, 0, span, span, 0];
      intsRoundTrip(v0);
      const h0 = intHeader(v0);
      if (h0.order === 0) assert.equal(h0.width, bitWidth(span), `order 0 width for span ${span}`);
      // order 1: deltas alternate between 1 and 1 + span
      const v1: number[] = [7];
      for (let i = 1; i < 7; i++) v1.push(v1[i - 1]! + (i % 2 === 0 ? 1 : 1 + span));
      if (Math.abs(v1[v1.length - 1]!) < 2 ** 50) intsRoundTrip(v1);
      // order 2: second differences alternate between -span and +span (bounded growth)
      const v2: number[] = [1_700_000_000_000, 1_700_000_010_000];
      for (let i = 2; i < 8; i++) v2.push(2 * v2[i - 1]! - v2[i - 2]! + (i % 2 === 0 ? span : -span));
      if (v2.every((x) => Math.abs(x) < 2 ** 50)) intsRoundTrip(v2);
      // negative values and residuals
      intsRoundTrip(v0.map((x) => 0 - x || 0));
      intsRoundTrip(v2.map((x) => 0 - x || 0));
    }
  }
});

test("ints: arbitrary sequences of integers below 2^49 round-trip (property), sorted or not", () => {
  const big = fc.integer({ min: -(2 ** 49) + 1, max: 2 ** 49 - 1 });
  fc.assert(
    fc.property(fc.array(big, { maxLength: 60 }), (xs) => {
      intsRoundTrip(xs);
      intsRoundTrip([...xs].sort((a, b) => a - b));
    }),
    runs(300),
  );
  // timestamps: a start near now or near 0/2^49, deltas drawn at every width
  const delta = fc.integer({ min: 0, max: 40 }).chain((w) => fc.integer({ min: 1, max: 2 ** w }));
  fc.assert(
    fc.property(fc.constantFrom(0, 1_700_000_000_000, 2 ** 48), fc.array(delta, { maxLength: 80 }), (t0, ds) => {
      const ts: number[] = [];
      let t = t0;
      for (const d of ds) ts.push((t += d));
      intsRoundTrip(ts);
      roundTripChunk(ts, Float64Array.from(ts, (_, i) => i), "auto");
    }),
    runs(300),
  );
});

// ---------- chunks and blocks ----------

test("chunks: encodeChunkView equals encodeChunk and is reused; decodeChunkInto at an offset; format checks", () => {
  const ts = [10, 20, 30];
  const vs = Float64Array.of(1.5, NaN, -0);
  const copy = encodeChunk(ts, vs, 3);
  const view = encodeChunkView(ts, vs, 3);
  assert.deepEqual(Array.from(view), Array.from(copy));
  assert.equal(copy[0], 1, "format byte");
  assert.equal(copy[1], 3, "n");
  const t = new Float64Array(5).fill(-1);
  const v = new Float64Array(5).fill(-1);
  assert.equal(decodeChunkInto(copy, t, v, 2), 3);
  assert.deepEqual(Array.from(t), [-1, -1, 10, 20, 30]);
  assertSameBits(v.subarray(2), vs, "into");
  assert.equal(v[1], -1);
  assert.equal(decodeChunkInto(copy, t, v, 0), 3);
  assert.deepEqual(Array.from(t.subarray(0, 3)), ts);
  const bad = Uint8Array.from(copy);
  bad[0] = 2;
  assert.throws(() => decodeChunk(bad), /not a raw chunk \(format 2\)/);
  assert.throws(() => decodeChunkInto(bad, t, v, 0), /not a raw chunk \(format 2\)/);
  assert.throws(() => decodeChunk(copy.subarray(0, copy.length - 3)), /chunk truncated/);
});

test("chunks: blocks of 1..5 chunks decode as their concatenation; a one-chunk block is the chunk itself", () => {
  fc.assert(
    fc.property(fc.array(fc.array(anyBits, { maxLength: 20 }), { minLength: 1, maxLength: 5 }), (partBits) => {
      let t = 0;
      const parts = partBits.map(doublesOf);
      const chunks = parts.map((vs) => encodeChunk(Array.from(vs, () => (t += 1000)), vs, vs.length));
      const block = encodeBlock(chunks);
      if (chunks.length === 1) assert.equal(block, chunks[0]);
      else assert.equal(block[0], 3);
      const d = decodeRaw(block);
      const all = doublesOf(partBits.flat());
      assert.equal(d.n, all.length);
      assert.deepEqual(Array.from(d.ts), Array.from(all, (_, i) => (i + 1) * 1000));
      assertSameBits(d.values, all, "block");
    }),
    runs(150),
  );
});

test("xor: the word-at-a-time reader agrees with the writer on every window shape, and refuses a cut stream", () => {
  // values whose XORs need 1..64 meaningful bits, new and reused windows, equal runs
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  const vs: number[] = [0, 0, 1, -0, NaN, Infinity, 1e-300, 5e-324, Number.MAX_VALUE];
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) >>> 0);
  for (let i = 0; i < 2000; i++) {
    u[0] = rnd();
    u[1] = rnd();
    const keep = rnd() % 65;
    // keep the high `keep` bits of the previous value: meaningful windows of every width
    const prev = vs[vs.length - 1]!;
    const g = new Float64Array([prev]);
    const gu = new Uint32Array(g.buffer);
    if (keep >= 32) {
      gu[0] = keep === 64 ? gu[0]! : (gu[0]! & ~((2 ** (64 - keep)) - 1)) | (u[0]! & ((2 ** (64 - keep)) - 1));
    } else {
      gu[1] = keep === 0 ? u[1]! : (gu[1]! & ~((2 ** (32 - keep)) - 1)) | (u[1]! & ((2 ** (32 - keep)) - 1));
      gu[0] = u[0]!;
    }
    vs.push(i % 5 === 0 ? prev : g[0]!);
  }
  const w = new BitWriter();
  writeXor(w, vs, vs.length);
  const bytes = w.finish();
  const out = new Float64Array(vs.length);
  readXor(new BitReader(bytes), vs.length, out);
  for (let i = 0; i < vs.length; i++) assert.ok(Object.is(out[i], vs[i]) || (Number.isNaN(out[i]) && Number.isNaN(vs[i])), `value ${i}: ${out[i]} != ${vs[i]}`);
  assert.throws(() => readXor(new BitReader(bytes.subarray(0, bytes.length - 9)), vs.length, out), /chunk truncated/);
});
