// The WAL's group commit seen from outside: writes that arrive while a group is being flushed form the
// next group and are never lost or reordered; close() and drain() wait for every write made before them;
// records larger than a group's buffer and buffers reused after a flush keep their bytes. (Whether each
// group is fdatasynced before its writers resolve is tested where the file system is injected.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/lib/logger.js";
import { PointWal, type FsyncPolicy } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-walgroups-");
let n = 0;
const fresh = (): string => {
  const d = join(root, `g${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

function replayIds(dir: string): { ids: number[]; values: number[]; records: number } {
  const ids: number[] = [];
  const values: number[] = [];
  const wal = new PointWal({ dir, fsync: "off", flushIntervalMs: 1, log: silentLogger });
  const { records } = wal.replay((_s, id, _t, v) => {
    ids.push(id);
    values.push(v);
  });
  void wal.close();
  return { ids, values, records };
}

const POLICIES: FsyncPolicy[] = ["batch", "always", "off"];

for (const fsync of POLICIES) {
  test(`wal groups (${fsync}): writes made during flushes are all kept, in order, and resolve`, async () => {
    const dir = fresh();
    const wal = new PointWal({ dir, fsync, flushIntervalMs: 1, log: silentLogger, segmentBytes: 4096 });
    wal.replay(() => undefined);
    const pending: Array<Promise<void>> = [];
    let id = 0;
    for (let round = 0; round < 60; round++) {
      const k = 1 + (round % 7);
      for (let j = 0; j < k; j++) {
        const size = 1 + ((id * 13) % 40);
        const ids = Array.from({ length: size }, () => id);
        pending.push(wal.write(ids, ids.map((_, i) => i), ids.map((_, i) => id + i / 100), size));
        id++;
      }
      // let the flush of the current group start (and sometimes finish) before the next writes
      await new Promise((r) => (round % 3 === 0 ? setImmediate(r) : setTimeout(r, round % 2)));
    }
    await Promise.all(pending);
    await wal.close();
    const got = replayIds(dir);
    assert.equal(got.records, id, "one record per write");
    const firstOfEach = [...new Set(got.ids)];
    assert.deepEqual(firstOfEach, Array.from({ length: id }, (_, i) => i), "every write, in write order");
    assert.ok(wal.segments().length > 1, "rotated while writing");
  });

  test(`wal groups (${fsync}): close() and drain() wait for writes nobody awaited`, async () => {
    const dir = fresh();
    const wal = new PointWal({ dir, fsync, flushIntervalMs: 1, log: silentLogger });
    wal.replay(() => undefined);
    for (let i = 0; i < 50; i++) void wal.write([i], [i], [i], 1);
    await wal.drain();
    assert.equal(replayIds(dir).records, 50, "drain: all 50 on disk");
    for (let i = 50; i < 120; i++) {
      void wal.write([i], [i], [i], 1);
      if (i % 10 === 0) await new Promise((r) => setImmediate(r));
    }
    await wal.close();
    const got = replayIds(dir);
    assert.deepEqual(got.ids, Array.from({ length: 120 }, (_, i) => i));
  });
}

test("wal groups: a record bigger than the group buffer, then small ones reusing flushed buffers, keep every byte", async () => {
  const dir = fresh();
  const wal = new PointWal({ dir, fsync: "batch", flushIntervalMs: 1, log: silentLogger });
  wal.replay(() => undefined);
  const sizes = [3, 9000, 1, 2500, 2, 2500, 7, 9000, 1];
  const want: number[] = [];
  for (let round = 0; round < 3; round++) {
    const ps: Array<Promise<void>> = [];
    for (const size of sizes) {
      const base = want.length;
      const ids = Array.from({ length: size }, (_, i) => base + i);
      ps.push(wal.write(ids, ids, ids.map((x) => x * 1.5), size));
      want.push(...ids);
    }
    await Promise.all(ps);
  }
  await wal.close();
  const got = replayIds(dir);
  assert.equal(got.ids.length, want.length);
  assert.deepEqual(got.ids, want);
  assert.ok(got.values.every((v, i) => v === want[i]! * 1.5));
});
