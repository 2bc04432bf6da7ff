// One conformance suite every chunk encoding runs: random timestamp/value sequences must round-trip
// bit-exactly (NaN payloads, ±Inf, -0, subnormals, huge and tiny values, repeats, counters,
// irregular spacing).
import { test } from "node:test";
import assert from "node:assert/strict";
import { DecimalXorChunk, decodeChunk, decodeRaw, encodeBlock, encodeChunk, type ValueCoding } from "../../src/store/tsdb/chunkenc/index.js";
import { decodeRollup, encodeRollup } from "../../src/store/tsdb/rollup.js";
import { seededRandom } from "../helpers/rng.js";

const rng = seededRandom;

const bits = new Float64Array(1);
const words = new BigUint64Array(bits.buffer);
function bitsOf(v: number): bigint {
  bits[0] = v;
  return words[0]!;
}
function fromBits(b: bigint): number {
  words[0] = b;
  return bits[0]!;
}

const SPECIAL = [NaN, fromBits(0x7ff8000000000001n), fromBits(0xfff0000000000abcn), Infinity, -Infinity, -0, 0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1.7976931348623157e308, 1e-300, 1e300, 0.1, 1 / 3, 2 ** 53, -(2 ** 53) - 2, 123456789.123];

type Gen = (r: () => number, n: number) => { ts: number[]; vs: number[] };
const T0 = Date.UTC(2026, 10, 25);

function regular(n: number, step = 10_000): number[] {
  return Array.from({ length: n }, (_, i) => T0 + i * step);
}

const generators: Record<string, Gen> = {
  "counter with random increments": (r, n) => {
    let c = Math.floor(r() * 1e12);
    return { ts: regular(n), vs: regular(n).map(() => (c += Math.floor(r() * 5000))) };
  },
  "gauge with 2 decimals": (r, n) => {
    let g = 50;
    return { ts: regular(n), vs: regular(n).map(() => (g = Math.round((g + r() - 0.5) * 100) / 100)) };
  },
  "gauge with 4 decimals, negative": (r, n) => {
    let g = -3;
    return { ts: regular(n), vs: regular(n).map(() => (g = Math.round((g + (r() - 0.5) / 10) * 1e4) / 1e4)) };
  },
  "constant": (_r, n) => ({ ts: regular(n), vs: regular(n).map(() => 42) }),
  "repeats and zeros": (r, n) => ({ ts: regular(n), vs: regular(n).map(() => (r() < 0.7 ? 0 : r() < 0.5 ? 1 : 0.5)) }),
  "random doubles": (r, n) => ({ ts: regular(n), vs: regular(n).map(() => (r() - 0.5) * 10 ** Math.floor(r() * 40 - 20)) }),
  "random bit patterns (NaN payloads, subnormals)": (r, n) => ({
    ts: regular(n),
    vs: regular(n).map(() => fromBits((BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)))),
  }),
  "special values mixed in": (r, n) => ({ ts: regular(n), vs: regular(n).map((_, i) => (r() < 0.3 ? SPECIAL[i % SPECIAL.length]! : Math.round(r() * 1000) / 10)) }),
  "huge and tiny": (r, n) => ({ ts: regular(n), vs: regular(n).map(() => (r() < 0.5 ? 1e300 * r() : 1e-300 * r())) }),
  "irregular spacing (ms jitter, gaps)": (r, n) => {
    let t = T0;
    const ts = Array.from({ length: n }, () => (t += 1 + Math.floor(r() < 0.1 ? r() * 3_600_000 : r() * 20_000)));
    return { ts, vs: ts.map(() => Math.floor(r() * 100)) };
  },
  "first timestamps near zero and near 2^49": (r, n) => {
    const base = r() < 0.5 ? 0 : 2 ** 49 - n * 1000 - 1;
    const ts = Array.from({ length: n }, (_, i) => base + i * 1000);
    return { ts, vs: ts.map((_, i) => i) };
  },
  "big mantissas": (r, n) => ({ ts: regular(n), vs: regular(n).map(() => Math.floor(r() * 2 ** 52) * (r() < 0.5 ? -1 : 1)) }),
};

const LENGTHS = [0, 1, 2, 3, 7, 120, 500];
const CODINGS: ValueCoding[] = ["auto", "xor", "decimal"];

for (const coding of CODINGS) {
  for (const [name, gen] of Object.entries(generators)) {
    test(`chunk ${coding}: ${name} round-trips bit-exactly`, () => {
      for (let seed = 1; seed <= 5; seed++) {
        const r = rng(seed * 7919 + name.length);
        for (const n of LENGTHS) {
          const { ts, vs } = gen(r, n);
          let bytes: Uint8Array;
          try {
            bytes = encodeChunk(ts, vs, n, coding);
          } catch (err) {
            // "decimal" refuses values it cannot hold exactly: that is its contract, never a lossy encoding
            assert.equal(coding, "decimal");
            assert.match((err as Error).message, /cannot be coded as decimals/);
            continue;
          }
          const d = decodeChunk(bytes);
          assert.equal(d.n, n);
          for (let i = 0; i < n; i++) {
            assert.equal(d.ts[i], ts[i], `ts[${i}] seed ${seed} n ${n}`);
            assert.equal(bitsOf(d.values[i]!), bitsOf(vs[i]!), `value[${i}] = ${vs[i]} seed ${seed} n ${n}`);
          }
        }
      }
    });
  }
}

test("the Chunk interface: appender, iterator, bytes", () => {
  const c = new DecimalXorChunk();
  const app = c.appender();
  for (let i = 0; i < 10; i++) app.append(T0 + i * 1000, i / 10);
  assert.throws(() => app.append(T0, 1), /out of order/);
  const again = new DecimalXorChunk("auto", c.bytes());
  const it = again.iterator();
  const got: Array<[number, number]> = [];
  while (it.next()) got.push([it.ts, it.value]);
  assert.deepEqual(got, Array.from({ length: 10 }, (_, i) => [T0 + i * 1000, i / 10]));
  assert.equal(again.numSamples(), 10);
});

test("decimal coding is what makes counters and gauges small", () => {
  const r = rng(3);
  const { ts, vs } = generators["counter with random increments"]!(r, 120);
  const auto = encodeChunk(ts, vs, 120, "auto").length;
  const xor = encodeChunk(ts, vs, 120, "xor").length;
  assert.ok(auto < xor, `auto ${auto} bytes should beat xor ${xor} bytes`);
  const constant = encodeChunk(regular(120), regular(120).map(() => 7.25), 120).length;
  assert.ok(constant < 24, `a constant regular chunk takes ${constant} bytes`);
});

test("rollup chunks round-trip every field bit-exactly", () => {
  const r = rng(11);
  for (const n of [0, 1, 5, 120]) {
    const ts = regular(n, 60_000);
    const b = {
      n,
      ts,
      count: ts.map(() => 1 + Math.floor(r() * 6)),
      min: ts.map((_, i) => SPECIAL[i % SPECIAL.length]!),
      max: ts.map(() => r() * 100),
      sum: ts.map(() => Math.round(r() * 1e6) / 100),
      last: ts.map(() => -0),
    };
    const d = decodeRollup(encodeRollup(b), ["count", "min", "max", "sum", "last"]);
    assert.equal(d.n, n);
    for (const f of ["count", "min", "max", "sum", "last"] as const) {
      for (let i = 0; i < n; i++) assert.equal(bitsOf(d[f]![i]!), bitsOf(b[f][i]!), `${f}[${i}]`);
    }
    for (let i = 0; i < n; i++) assert.equal(d.ts[i], ts[i]);
    const only = decodeRollup(encodeRollup(b), ["sum"]);
    assert.equal(only.min, undefined);
    for (let i = 0; i < n; i++) assert.equal(only.sum![i], b.sum[i]);
  }
});

test("a block of several chunks decodes as their concatenation", () => {
  const r = rng(5);
  const parts = [3, 120, 1, 57].map((n, k) => {
    const { ts, vs } = generators["special values mixed in"]!(r, n);
    return { ts: ts.map((t) => t + k * 10_000_000), vs };
  });
  const block = encodeBlock(parts.map((p) => encodeChunk(p.ts, p.vs, p.ts.length)));
  const d = decodeRaw(block);
  // compare part by part (flattening into a new array could canonicalize NaN payloads)
  let i = 0;
  for (const p of parts) {
    for (let k = 0; k < p.ts.length; k++, i++) {
      assert.equal(d.ts[i], p.ts[k]);
      assert.equal(bitsOf(d.values[i]!), bitsOf(p.vs[k]!));
    }
  }
  assert.equal(d.n, i);
  const ts = parts[0]!.ts;
  const vs = parts[0]!.vs;
  const single = encodeChunk(ts.slice(0, 3), vs.slice(0, 3), 3);
  assert.equal(encodeBlock([single]), single, "a one-chunk block is the chunk itself");
});
