// WAL edges the mutation run showed untested: a torn tail at the very end of a segment (a short header,
// exactly a header, a zero length), a segment holding only its header, look-alike file names, the
// dropped byte count in the log, and rotation when a segment reaches exactly segmentBytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { encodeRecord, PointWal, WAL_MAGIC } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-waledges-");
let n = 0;
const fresh = (): string => {
  const d = join(root, `e${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

function replay(dir: string, logs: string[] = []): { ids: number[]; wal: PointWal } {
  const ids: number[] = [];
  const wal = new PointWal({ dir, fsync: "batch", flushIntervalMs: 1, log: createLogger({ level: "debug", sink: { write: (l) => void logs.push(l) } }) });
  wal.replay((_s, id) => ids.push(id));
  return { ids, wal };
}

async function twoRecords(dir: string): Promise<string> {
  const w = new PointWal({ dir, fsync: "batch", flushIntervalMs: 1, log: silentLogger });
  w.replay(() => undefined);
  await w.write([1], [1], [1], 1);
  await w.write([2], [2], [2], 1);
  await w.close();
  return join(dir, "00000001.wal");
}

test("wal edges: a torn tail at the very end of the segment is cut at the last whole record, and logged with its size", async () => {
  const rec = Buffer.alloc(64);
  const recLen = encodeRecord(rec, 0, [3], [3], [3], 1);
  for (const [what, tail] of [
    ["1 byte", Buffer.from([7])],
    ["7 bytes (short header)", Buffer.from([1, 0, 0, 0, 0, 0, 0])],
    ["exactly a header", Buffer.from([12, 0, 0, 0, 1, 2, 3, 4])],
    ["a zero-length record", Buffer.from([0, 0, 0, 0, 0, 0, 0, 0])],
    ["a record missing its last byte", rec.subarray(0, recLen - 1)],
  ] as const) {
    const dir = fresh();
    const seg = await twoRecords(dir);
    const good = statSync(seg).size;
    writeFileSync(seg, Buffer.concat([readFileSync(seg), tail]));
    const logs: string[] = [];
    const r = replay(dir, logs);
    assert.deepEqual(r.ids, [1, 2], what);
    assert.equal(statSync(seg).size, good, what);
    const cut = logs.find((l) => l.includes("wal tail cut"));
    assert.ok(cut !== undefined, what);
    assert.match(cut, new RegExp(`\\bat=${good}\\b`), what);
    assert.match(cut, new RegExp(`\\bdropped_bytes=${tail.length}\\b`), what);
    await r.wal.close();
  }
});

test("wal edges: a segment of exactly the header is valid and silent; look-alike names are not segments", async () => {
  const dir = fresh();
  await twoRecords(dir);
  writeFileSync(join(dir, "00000002.wal"), WAL_MAGIC);
  for (const name of ["00000003.wal.tmp", "00000004.walx", "x00000005.wal", "0000006.wal"]) writeFileSync(join(dir, name), WAL_MAGIC);
  const logs: string[] = [];
  const r = replay(dir, logs);
  assert.deepEqual(r.ids, [1, 2]);
  assert.deepEqual(logs.filter((l) => /wal segment without header|wal tail cut/.test(l)), []);
  assert.deepEqual(r.wal.segments(), [1, 2, 3]);
  assert.equal(r.wal.segment, 3);
  await r.wal.close();
});

test("wal edges: a segment that reaches exactly segmentBytes is closed; one byte less stays open", async () => {
  // one record of one sample with id 1, ts delta 1: 8 header + 1 type + 1 count + 1 id + 1 delta + 8 value
  const oneRecord = 8 + 12;
  for (const [segmentBytes, segments] of [[WAL_MAGIC.length + oneRecord, 4], [WAL_MAGIC.length + oneRecord + 1, 2]] as const) {
    const dir = fresh();
    const w = new PointWal({ dir, fsync: "batch", flushIntervalMs: 1, log: silentLogger, segmentBytes });
    w.replay(() => undefined);
    for (let i = 0; i < 3; i++) await w.write([1], [0], [i], 1);
    assert.equal(w.segments().length, segments, `segmentBytes ${segmentBytes}`);
    await w.close();
    assert.deepEqual(replay(dir).ids, [1, 1, 1]);
  }
});
