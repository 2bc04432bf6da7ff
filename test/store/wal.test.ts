import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/lib/logger.js";
import { PointWal, WAL_MAGIC } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-wal-");

function replayAll(walDir: string): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  const wal = new PointWal({ dir: walDir, fsync: "off", flushIntervalMs: 1, log: silentLogger });
  wal.replay((_seg, id, ts, v) => out.push([id, ts, v]));
  void wal.close();
  return out;
}

for (const fsync of ["batch", "always", "off"] as const) {
  test(`records written with fsync = ${fsync} replay in order, bit-exact`, async () => {
    const walDir = join(dir, `order-${fsync}`);
    const wal = new PointWal({ dir: walDir, fsync, flushIntervalMs: 1, log: silentLogger, segmentBytes: 200 });
    wal.replay(() => undefined);
    const writes: Promise<void>[] = [];
    const want: Array<[number, number, number]> = [];
    for (let r = 0; r < 20; r++) {
      const ids = [1, 2, 300000];
      const ts = [1_700_000_000_000 + r, 5 + r, 2 ** 48 - r];
      const vs = [r / 3, -0, r % 2 === 0 ? NaN : Infinity];
      writes.push(wal.write(ids, ts, vs, 3));
      for (let i = 0; i < 3; i++) want.push([ids[i]!, ts[i]!, vs[i]!]);
    }
    await Promise.all(writes);
    await wal.close();
    assert.ok(readdirSync(walDir).length > 1, "small segments rotated");
    const got = replayAll(walDir);
    assert.equal(got.length, want.length);
    got.forEach((g, i) => {
      assert.equal(g[0], want[i]![0]);
      assert.equal(g[1], want[i]![1]);
      assert.ok(Object.is(g[2], want[i]![2]), `value ${i}: ${g[2]} vs ${want[i]![2]}`);
    });
  });
}

test("a torn or corrupt tail is cut off at the last whole record", async () => {
  const walDir = join(dir, "torn");
  const wal = new PointWal({ dir: walDir, fsync: "batch", flushIntervalMs: 1, log: silentLogger });
  wal.replay(() => undefined);
  await wal.write([7], [1000], [1.5], 1);
  await wal.write([7], [2000], [2.5], 1);
  await wal.close();
  const seg = join(walDir, readdirSync(walDir)[0]!);
  const good = statSync(seg).size;
  appendFileSync(seg, Buffer.from([40, 0, 0, 0, 1, 2, 3, 4, 1, 1])); // a header promising more than is there
  assert.deepEqual(replayAll(walDir), [
    [7, 1000, 1.5],
    [7, 2000, 2.5],
  ]);
  assert.equal(statSync(seg).size, good, "the torn bytes were cut");
  // a flipped bit in the last record: its CRC fails, the records before it stay
  const bytes = readFileSync(seg);
  bytes[bytes.length - 2]! ^= 0x10;
  writeFileSync(seg, bytes);
  assert.deepEqual(replayAll(walDir), [[7, 1000, 1.5]]);
  assert.ok(statSync(seg).size > WAL_MAGIC.length);
});

test("the store replays its WAL after a crash: out-of-order points and duplicates as written", async () => {
  const o = await openTestStore(dir, "replay.db");
  const t0 = o.clock.now();
  await o.store.write([
    { name: "r", ts: t0 + 30, value: 3 },
    { name: "r", ts: t0 + 10, value: 1 },
    { name: "r", ts: t0 + 20, value: 2 },
  ]);
  await o.store.write([{ name: "r", ts: t0 + 20, value: 22 }]);
  // a crash: the database is closed without the store flushing its heads
  o.db.close();
  const o2 = await openTestStore(dir, "replay.db");
  const id = o2.store.getSeries("r")!.id;
  assert.deepEqual(o2.store.readRaw(id, t0, t0 + 100), [
    { ts: t0 + 10, value: 1 },
    { ts: t0 + 20, value: 22 },
    { ts: t0 + 30, value: 3 },
  ]);
  await o2.close();
});
