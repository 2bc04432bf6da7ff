// The point WAL's documented format and segment lifecycle (docs/format/wal.md), through its public API
// only (so the tests survive changes to how it reaches the file system): the exact record bytes,
// varints and zigzag deltas at their boundaries, round trips of arbitrary records (property),
// what replay keeps and cuts, segment numbering and rotation, truncation and sizes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import fc from "fast-check";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { decodeRecord, encodeRecord, PointWal, RECORD_SAMPLES, WAL_MAGIC } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-walfmt-");
let n = 0;
const fresh = (): string => {
  const d = join(root, `w${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

function encode(ids: number[], ts: number[], vs: number[]): Buffer {
  const buf = Buffer.alloc(8 + 11 + ids.length * 27);
  const end = encodeRecord(buf, 0, ids, ts, vs, ids.length);
  return buf.subarray(0, end);
}

function decode(payload: Buffer): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const count = decodeRecord(payload, (id, t, v) => out.push([id, t, v]));
  assert.equal(count, out.length);
  return out;
}

test("wal record: the documented bytes (length, CRC-32, type, count, id, zigzag delta, f64 LE)", () => {
  const rec = encode([5, 200], [1000, 900], [1.5, -0]);
  const payload = rec.subarray(8);
  assert.equal(rec.readUInt32LE(0), payload.length);
  assert.equal(rec.readUInt32LE(4), crc32(payload));
  const f = (v: number): number[] => [...((b) => (b.writeDoubleLE(v), b))(Buffer.alloc(8))];
  assert.deepEqual([...payload], [
    RECORD_SAMPLES, 2,
    5, 0xd0, 0x0f, ...f(1.5), // id 5, delta +1000 → zigzag 2000 = 0xd0 0x0f
    0xc8, 0x01, 0xc7, 0x01, ...f(-0), // id 200 = 0xc8 0x01, delta −100 → zigzag 199 = 0xc7 0x01
  ]);
  assert.equal(RECORD_SAMPLES, 1);
  assert.equal(WAL_MAGIC.toString("latin1"), "LOUPEWL1");
});

test("wal record: encodes at an offset inside a larger buffer, leaving the bytes before it alone", () => {
  const buf = Buffer.alloc(200, 0xee);
  const end = encodeRecord(buf, 17, [1], [2], [3], 1);
  assert.equal(buf[16], 0xee);
  assert.deepEqual(decode(buf.subarray(17 + 8, end)), [[1, 2, 3]]);
  assert.equal(buf.readUInt32LE(17), end - 17 - 8);
});

test("wal record: ids and deltas at every 7-bit varint boundary, negative deltas, NaN and ±Inf round-trip (property)", () => {
  const boundary = fc.integer({ min: 0, max: 7 }).chain((k) => fc.constantFrom(2 ** (7 * k) - 1, 2 ** (7 * k), 2 ** (7 * k) + 1));
  const id = fc.oneof(boundary, fc.integer({ min: 0, max: 2 ** 40 }));
  const ts = fc.oneof(boundary, fc.integer({ min: -(2 ** 48), max: 2 ** 48 }), fc.constantFrom(0, 1_700_000_000_000));
  const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 5e-324));
  fc.assert(
    fc.property(fc.array(fc.tuple(id, ts, value), { maxLength: 40 }), (rows) => {
      const rec = encode(rows.map((r) => r[0]), rows.map((r) => r[1]), rows.map((r) => r[2]));
      const got = decode(rec.subarray(8));
      assert.equal(got.length, rows.length);
      got.forEach((g, i) => {
        assert.equal(g[0], rows[i]![0]);
        assert.equal(g[1], rows[i]![1]);
        assert.ok(Object.is(g[2], rows[i]![2]), `value ${i}`);
      });
      assert.equal(rec.readUInt32LE(4), crc32(rec.subarray(8)));
    }),
    { seed: 20261203, numRuns: 400 },
  );
});

test("wal record: an unknown type holds no samples; a truncated varint is refused", () => {
  assert.equal(decodeRecord(Buffer.from([2, 1, 1, 0]), () => assert.fail("no sample")), 0);
  assert.throws(() => decodeRecord(Buffer.from([1, 0x80]), () => undefined), /wal record truncated/);
  assert.throws(() => decodeRecord(Buffer.from([1, 1, 0x81]), () => undefined), /wal record truncated/);
  assert.equal(decodeRecord(Buffer.from([1, 0]), () => assert.fail("no sample")), 0);
});

function open(dir: string, segmentBytes?: number, logs?: string[]): PointWal {
  const log = logs === undefined ? silentLogger : createLogger({ level: "debug", sink: { write: (l) => void logs.push(l) } });
  return new PointWal({ dir, fsync: "batch", flushIntervalMs: 1, log, ...(segmentBytes === undefined ? {} : { segmentBytes }) });
}

function replay(dir: string, logs?: string[]): { rows: Array<[number, number, number, number]>; stats: { records: number; samples: number }; wal: PointWal } {
  const rows: Array<[number, number, number, number]> = [];
  const wal = open(dir, undefined, logs);
  const stats = wal.replay((seg, id, t, v) => rows.push([seg, id, t, v]));
  return { rows, stats, wal };
}

test("wal segments: numbered from 1, a new one at each start, only NNNNNNNN.wal files count, in numeric order", async () => {
  const dir = fresh();
  const a = open(dir);
  assert.deepEqual(a.replay(() => assert.fail("empty")), { records: 0, samples: 0 });
  assert.equal(a.segment, 1);
  await a.write([1], [10], [1], 1);
  await a.close();
  writeFileSync(join(dir, "notes.txt"), "x");
  writeFileSync(join(dir, "123.wal"), "x");
  writeFileSync(join(dir, "000000001.wal"), "x");
  const b = replay(dir);
  assert.deepEqual(b.rows, [[1, 1, 10, 1]]);
  assert.deepEqual(b.stats, { records: 1, samples: 1 });
  assert.equal(b.wal.segment, 2);
  await b.wal.write([2, 3], [20, 30], [2, 3], 2);
  await b.wal.close();
  // segment 10 sorts after 9 (numerically, not as text)
  const c = replay(dir);
  await c.wal.write([4], [40], [4], 1);
  await c.wal.close();
  for (let s = 4; s <= 9; s++) writeFileSync(join(dir, `${String(s).padStart(8, "0")}.wal`), WAL_MAGIC);
  const d = replay(dir);
  assert.equal(d.wal.segment, 10);
  await d.wal.write([5], [50], [5], 1);
  await d.wal.close();
  const e = replay(dir);
  assert.deepEqual(e.rows, [[1, 1, 10, 1], [2, 2, 20, 2], [2, 3, 30, 3], [3, 4, 40, 4], [10, 5, 50, 5]]);
  assert.deepEqual(e.stats, { records: 4, samples: 5 });
  assert.deepEqual(e.wal.segments(), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  await e.wal.close();
});

test("wal replay: a segment without the header is skipped with a warning; empty segments are fine", async () => {
  const dir = fresh();
  const w = open(dir);
  w.replay(() => undefined);
  await w.write([1], [1], [1], 1);
  await w.close();
  writeFileSync(join(dir, "00000002.wal"), Buffer.concat([Buffer.from("LOUPEWL0"), encode([9], [9], [9])]));
  writeFileSync(join(dir, "00000003.wal"), Buffer.alloc(0));
  writeFileSync(join(dir, "00000004.wal"), Buffer.from("LOUP"));
  const logs: string[] = [];
  const r = replay(dir, logs);
  assert.deepEqual(r.rows, [[1, 1, 1, 1]]);
  assert.equal(logs.filter((l) => l.includes("wal segment without header ignored")).length, 2, logs.join(""));
  assert.ok(logs.some((l) => l.includes("00000002.wal")));
  assert.ok(!logs.some((l) => l.includes("wal tail cut")), "skipped segments are not cut");
  assert.equal(statSync(join(dir, "00000002.wal")).size, 8 + encode([9], [9], [9]).length, "left as found");
  await r.wal.close();
});

test("wal replay: a zero-length record, a short header and a bad CRC each end the segment there (cut, logged)", async () => {
  for (const [what, tail] of [
    ["zero length", Buffer.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3])],
    ["short header", Buffer.from([1, 0, 0])],
    ["exactly a header", Buffer.from([9, 0, 0, 0, 1, 2, 3, 4])],
    ["bad crc", ((b) => (b.writeUInt32LE(b.readUInt32LE(4) ^ 1, 4), b))(encode([3], [3], [3]))],
  ] as const) {
    const dir = fresh();
    const w = open(dir);
    w.replay(() => undefined);
    await w.write([1], [1], [1], 1);
    await w.write([2], [2], [2], 1);
    await w.close();
    const seg = join(dir, "00000001.wal");
    const good = statSync(seg).size;
    writeFileSync(seg, Buffer.concat([readFileSync(seg), tail, encode([4], [4], [4])]));
    const logs: string[] = [];
    const r = replay(dir, logs);
    assert.deepEqual(r.rows.map((x) => x[1]), [1, 2], what);
    assert.equal(statSync(seg).size, good, `${what}: cut at the last whole record`);
    assert.ok(logs.some((l) => l.includes("wal tail cut") && l.includes(String(good))), `${what}: ${logs.join("")}`);
    assert.equal(r.wal.bytes(), good, "bytes() counts the kept part");
    await r.wal.close();
  }
});

test("wal rotation, truncateBefore, segments, bytes and removeAll", async () => {
  const dir = fresh();
  const w = open(dir, 100);
  w.replay(() => undefined);
  assert.equal(w.bytes(), 0);
  for (let i = 0; i < 10; i++) await w.write([i], [i * 1000], [i], 1);
  const segs = w.segments();
  assert.ok(segs.length >= 3, `rotated into ${segs.length} segments`);
  assert.equal(w.segment, segs[segs.length - 1]);
  assert.equal(w.segments().length - 1, segs.length - 1);
  const onDisk = segs.reduce((a, s) => a + statSync(join(dir, `${String(s).padStart(8, "0")}.wal`)).size, 0);
  assert.equal(w.bytes(), onDisk);
  for (const s of segs.slice(0, -1)) assert.ok(statSync(join(dir, `${String(s).padStart(8, "0")}.wal`)).size >= 100, "rotated only past segmentBytes");
  assert.equal(w.truncateBefore(segs[0]!), 0, "nothing below the first");
  assert.equal(w.truncateBefore(segs[1]!), 1);
  assert.deepEqual(w.segments(), segs.slice(1));
  assert.equal(w.segments().length - 1, segs.length - 2);
  assert.equal(w.truncateBefore(Number.MAX_SAFE_INTEGER), segs.length - 2, "never the current segment");
  assert.deepEqual(w.segments(), [w.segment]);
  assert.equal(w.segments().length - 1, 0);
  await w.write([99], [99], [99], 1);
  await w.close();
  await assert.rejects(w.write([1], [1], [1], 1), /wal closed/);
  const r = replay(dir);
  assert.deepEqual(r.rows.map((x) => x[1]).slice(-1), [99]);
  r.wal.removeAll();
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith(".wal")), []);
  assert.equal(r.wal.bytes(), 0);
  await r.wal.close();
});

test("wal: many concurrent writers all resolve, and replay gives every record once, in write order", async () => {
  for (const fsync of ["batch", "always", "off"] as const) {
    const dir = fresh();
    const w = new PointWal({ dir, fsync, flushIntervalMs: 1, log: silentLogger });
    w.replay(() => undefined);
    const ps: Array<Promise<void>> = [];
    for (let i = 0; i < 300; i++) ps.push(w.write([i], [i], [i], 1));
    // a big record that needs a bigger group buffer
    const big = 5000;
    ps.push(w.write(Array.from({ length: big }, (_, i) => i), Array.from({ length: big }, (_, i) => i), Array.from({ length: big }, (_, i) => i / 7), big));
    await Promise.all(ps);
    await w.drain();
    await w.close();
    const r = replay(dir);
    assert.equal(r.stats.records, 301, fsync);
    assert.deepEqual(r.rows.slice(0, 300).map((x) => x[1]), Array.from({ length: 300 }, (_, i) => i));
    assert.equal(r.rows.length, 300 + big);
    assert.equal(r.rows[300 + big - 1]![3], (big - 1) / 7);
    await r.wal.close();
  }
});
