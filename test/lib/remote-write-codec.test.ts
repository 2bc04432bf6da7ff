import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeLabels, encodeWriteRequest, encodeWriteRequestColumns, encodeWriteRequestEncoded, sortLabels } from "../../src/lib/remote-write/encode.js";
import { decodeLabels, decodeWriteRequest } from "../../src/lib/remote-write/decode.js";
import { DEFAULT_DECODE_LIMITS, RemoteWriteDecodeError, type RwSeries } from "../../src/lib/remote-write/types.js";
import { seededRandom } from "../helpers/rng.js";

function roundTrip(series: readonly RwSeries[]): RwSeries[] {
  const d = decodeWriteRequest(encodeWriteRequest(series), DEFAULT_DECODE_LIMITS);
  const out: RwSeries[] = [];
  for (let i = 0; i < d.seriesCount; i++) {
    const a = d.sampleStart[i]!;
    const b = d.sampleStart[i + 1]!;
    out.push({ labels: decodeLabels(d.labelKeys[i]!), timestamps: [...d.timestamps.subarray(a, b)], values: [...d.values.subarray(a, b)] });
  }
  return out;
}

test("a WriteRequest survives encode → decode: labels, ms timestamps (0, negative, 2^53-1), values (NaN, ±Infinity, -0)", () => {
  const series: RwSeries[] = [
    { labels: [["__name__", "up"], ["instance", "localhost:9090"], ["job", "prometheus"]], timestamps: [1_764_800_000_000, 1_764_800_001_000], values: [1, 0] },
    { labels: [["__name__", "odd"], ["é", "日本語 ; = \" \\n"], ["empty", ""]], timestamps: [0, -1, -1_764_800_000_000, Number.MAX_SAFE_INTEGER], values: [NaN, Infinity, -Infinity, -0] },
    { labels: [["__name__", "no_samples"]], timestamps: [], values: [] },
  ];
  assert.deepEqual(roundTrip(series), series);
});

test("sortLabels puts __name__ first, then names in byte order", () => {
  assert.deepEqual(sortLabels([["job", "a"], ["__name__", "m"], ["Zed", "z"], ["_x", "y"]]), [["__name__", "m"], ["Zed", "z"], ["_x", "y"], ["job", "a"]]);
});

test("property: any series round-trips; the encoded-labels and columns encoders write the same bytes", () => {
  const label = fc.tuple(fc.string({ unit: "grapheme", maxLength: 20 }), fc.string({ unit: "binary", maxLength: 40 }));
  const sample = fc.tuple(fc.integer({ min: -(2 ** 53) + 1, max: 2 ** 53 - 1 }), fc.double());
  const seriesArb = fc.record({ labels: fc.array(label, { maxLength: 6 }), samples: fc.array(sample, { maxLength: 5 }) });
  fc.assert(
    fc.property(fc.array(seriesArb, { maxLength: 8 }), (raw) => {
      const series = raw.map((s) => ({ labels: s.labels, timestamps: s.samples.map((x) => x[0]), values: s.samples.map((x) => x[1]) }));
      // strings with lone surrogates become U+FFFD in UTF-8: compare with what UTF-8 can carry
      const wellFormed = series.map((s) => ({ ...s, labels: s.labels.map(([k, v]) => [Buffer.from(k).toString(), Buffer.from(v).toString()] as [string, string]) }));
      assert.deepEqual(roundTrip(series), wellFormed);
      const pre = encodeWriteRequestEncoded(series.map((s) => ({ labels: encodeLabels(s.labels), timestamps: s.timestamps, values: s.values })));
      assert.deepEqual(pre, encodeWriteRequest(series));
      const start = [0];
      for (const s of series) start.push(start[start.length - 1]! + s.timestamps.length);
      const cols = encodeWriteRequestColumns(series.map((s) => encodeLabels(s.labels)), start, series.flatMap((s) => s.timestamps), series.flatMap((s) => s.values));
      assert.deepEqual(cols, pre);
    }),
    { numRuns: 300, seed: 15 },
  );
});

test("staleness markers (NaN 0x7ff0000000000002) are counted and left out; other NaNs are kept", () => {
  const body = encodeWriteRequest([{ labels: [["__name__", "x"]], timestamps: [1, 2, 3], values: [1, 2, 3] }]);
  // the second sample's value is at a known place: patch in the stale bit pattern
  const stale = Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]);
  const at = body.indexOf(Buffer.from(new Float64Array([2]).buffer));
  stale.copy(body, at);
  const d = decodeWriteRequest(body, DEFAULT_DECODE_LIMITS);
  assert.equal(d.staleMarkers, 1);
  assert.deepEqual([...d.timestamps], [1, 3]);
  assert.deepEqual([...d.values], [1, 3]);
  assert.deepEqual([...d.sampleStart], [0, 2]);
});

test("unknown fields (metadata, exemplars, fixed32, varints) are skipped", () => {
  const series = encodeWriteRequest([{ labels: [["__name__", "x"]], timestamps: [5], values: [7] }]);
  // WriteRequest field 3 (metadata, bytes), field 4 varint, field 5 fixed32, field 6 fixed64
  const extra = Buffer.from([0x1a, 0x02, 0x08, 0x01, 0x20, 0x96, 0x01, 0x2d, 1, 2, 3, 4, 0x31, 1, 2, 3, 4, 5, 6, 7, 8]);
  const d = decodeWriteRequest(Buffer.concat([extra, series, extra]), DEFAULT_DECODE_LIMITS);
  assert.equal(d.seriesCount, 1);
  assert.deepEqual([...d.values], [7]);
});

const limitCases: [string, Partial<typeof DEFAULT_DECODE_LIMITS>, RwSeries[], string][] = [
  ["series", { maxSeries: 2 }, [1, 2, 3].map((i) => ({ labels: [["__name__", `m${i}`]], timestamps: [1], values: [1] })), "max_series_per_request"],
  ["labels", { maxLabels: 2 }, [{ labels: [["__name__", "m"], ["a", "1"], ["b", "2"]], timestamps: [1], values: [1] }], "max_labels"],
  ["label length", { maxLabelBytes: 8 }, [{ labels: [["__name__", "m"], ["a", "123456789"]], timestamps: [1], values: [1] }], "max_label_length"],
  ["samples", { maxSamples: 3 }, [{ labels: [["__name__", "m"]], timestamps: [1, 2, 3, 4], values: [1, 2, 3, 4] }], "max_samples_per_request"],
];
for (const [what, limit, series, key] of limitCases) {
  test(`a request over the ${what} limit is refused naming ${key}`, () => {
    const body = encodeWriteRequest(series);
    assert.throws(
      () => decodeWriteRequest(body, { ...DEFAULT_DECODE_LIMITS, ...limit }),
      (e: unknown) => e instanceof RemoteWriteDecodeError && e.limit === key && e.message.includes(key),
    );
  });
}

test("malformed bodies: only RemoteWriteDecodeError, naming the byte offset", () => {
  const cases: [string, Buffer][] = [
    ["truncated varint", Buffer.from([0x0a, 0x80])],
    ["length past the end", Buffer.from([0x0a, 0x05, 0x0a])],
    ["field number 0", Buffer.from([0x00])],
    ["bad wire type", Buffer.from([0x0f])],
    ["truncated value", Buffer.from([0x0a, 0x04, 0x12, 0x02, 0x09, 0x00])],
    ["10+ byte varint", Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
  ];
  for (const [what, body] of cases) {
    assert.throws(
      () => decodeWriteRequest(body, DEFAULT_DECODE_LIMITS),
      (e: unknown) => e instanceof RemoteWriteDecodeError && /at byte \d+/.test(e.message),
      what,
    );
  }
});

test("fuzz: random and mutated bodies decode or throw RemoteWriteDecodeError, nothing else", () => {
  const rnd = seededRandom(1515);
  const valid = encodeWriteRequest([
    { labels: [["__name__", "node_load1"], ["host", "web1"]], timestamps: [1_764_800_000_000, 1_764_800_010_000], values: [0.5, 0.25] },
    { labels: [["__name__", "up"], ["job", "x"]], timestamps: [1], values: [1] },
  ]);
  for (let i = 0; i < 5000; i++) {
    let body: Buffer;
    if (i % 2 === 0) {
      body = Buffer.from(valid);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) body[Math.floor(rnd() * body.length)] = Math.floor(rnd() * 256);
      if (rnd() < 0.3) body = body.subarray(0, Math.floor(rnd() * body.length));
    } else body = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
    try {
      const d = decodeWriteRequest(body, DEFAULT_DECODE_LIMITS);
      for (const k of d.labelKeys) decodeLabels(k);
    } catch (e) {
      assert.ok(e instanceof RemoteWriteDecodeError, `case ${i}: ${String(e)}`);
    }
  }
});
