// The WAL's bookkeeping the store relies on (segmentHolding, rotateIfQuiet, bufferedBytes, segments(),
// close), group commit seen through the injected file system (how many fdatasyncs, which group a write
// joins), and replay of crafted segments (no header, a length past the end with a matching CRC).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { createLogger, silentLogger } from "../../src/lib/logger.js";
import { encodeRecord, nodeWalFs, PointWal, WAL_MAGIC, type FsyncPolicy, type WalFs } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-walapi-");
let n = 0;
const fresh = (): string => {
  const d = join(root, `a${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

/** Real fs; counts calls; holds fdatasync until release(); closeSync only forwards fds it opened. */
function recording(): { fs: WalFs; count: Map<string, number>; closed: number[]; held: () => number; release: () => void } {
  const count = new Map<string, number>();
  const bump = (k: string): void => void count.set(k, (count.get(k) ?? 0) + 1);
  const opened = new Set<number>();
  const closed: number[] = [];
  const waiting: Array<() => void> = [];
  const fs: WalFs = {
    ...nodeWalFs,
    openAppend: (p) => {
      const fd = nodeWalFs.openAppend(p);
      opened.add(fd);
      return fd;
    },
    closeSync: (fd) => {
      closed.push(fd);
      if (opened.delete(fd)) nodeWalFs.closeSync(fd);
    },
    write: (fd, buf, off, len, cb) => {
      bump("write");
      nodeWalFs.write(fd, buf, off, len, cb);
    },
    fdatasync: (fd, cb) => {
      bump("fdatasync");
      waiting.push(() => nodeWalFs.fdatasync(fd, cb));
    },
    fsyncDir: (d) => {
      bump("fsyncDir");
      nodeWalFs.fsyncDir(d);
    },
  };
  return { fs, count, closed, held: () => waiting.length, release: () => waiting.splice(0).forEach((w) => w()) };
}

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 2));
async function until(cond: () => boolean): Promise<void> {
  while (!cond()) await tick();
}

function wal(dir: string, fs: WalFs = nodeWalFs, fsync: FsyncPolicy = "batch", segmentBytes?: number): PointWal {
  return new PointWal({ dir, fsync, flushIntervalMs: 1, log: silentLogger, fs, ...(segmentBytes === undefined ? {} : { segmentBytes }) });
}

test("wal api: the default segment size is 64 MiB; nothing is buffered before the first write", () => {
  const w = wal(fresh());
  assert.equal(w.segmentBytes, 64 * 1024 * 1024);
  assert.equal(w.bufferedBytes(), 0);
});

test("wal api: close() before replay closes nothing; a second close() closes nothing more", async () => {
  const rec = recording();
  const w = wal(fresh(), rec.fs);
  await w.close();
  assert.deepEqual(rec.closed, []);
  const w2 = wal(fresh(), rec.fs);
  w2.replay(() => undefined);
  await w2.close();
  await w2.close();
  assert.equal(rec.closed.length, 1);
});

test("wal api: segments() is ascending whatever order the folder lists them in", () => {
  const dir = fresh();
  for (const s of [3, 10, 1, 2]) writeFileSync(join(dir, `${String(s).padStart(8, "0")}.wal`), WAL_MAGIC);
  const fs: WalFs = { ...nodeWalFs, readdirSync: (d) => nodeWalFs.readdirSync(d).sort().reverse() };
  assert.deepEqual(wal(dir, fs).segments(), [1, 2, 3, 10]);
});

test("wal api: bufferedBytes counts the open group (64 KiB at least) and at most four spare buffers", async () => {
  const rec = recording();
  const w = wal(fresh(), rec.fs, "always");
  w.replay(() => undefined);
  const first = w.write([1], [1], [1], 1);
  assert.equal(w.bufferedBytes(), 1 << 16, "one group of 64 KiB");
  await until(() => rec.held() === 1);
  // fsync = always: every write its own group, each with its own fdatasync
  const more = [2, 3, 4, 5, 6].map((i) => w.write([i], [i], [i], 1));
  assert.equal(w.bufferedBytes(), 6 << 16);
  while (rec.held() > 0 || (rec.count.get("fdatasync") ?? 0) < 6) {
    rec.release();
    await tick();
  }
  await Promise.all([first, ...more]);
  assert.equal(rec.count.get("fdatasync"), 6);
  assert.equal(w.bufferedBytes(), 4 << 16, "four spares kept, the rest dropped");
  const closing = w.close();
  rec.release();
  await closing;
});

test("wal api: a big spare is reused by the next group, a group grows to twice its size or to fit", async () => {
  const rec = recording();
  const w = wal(fresh(), rec.fs, "batch");
  w.replay(() => undefined);
  const N = 5000; // one record > 64 KiB
  const ids = Array.from({ length: N }, (_, i) => i);
  const big = w.write(ids, ids, ids, N);
  const bigSize = w.bufferedBytes();
  assert.ok(bigSize > 1 << 16 && bigSize <= 8 + 11 + 27 * N, `${bigSize}`);
  await until(() => rec.held() === 1);
  rec.release();
  await big;
  assert.equal(w.bufferedBytes(), bigSize, "kept as a spare");
  const small = w.write([1], [1], [1], 1);
  assert.equal(w.bufferedBytes(), bigSize, "the spare became the new group");
  await until(() => rec.held() === 1);
  rec.release();
  await small;
  // a group of 64 KiB that fills up doubles; a record bigger than double the group makes it fit exactly
  const dir2 = fresh();
  const w2 = wal(dir2, rec.fs, "off");
  w2.replay(() => undefined);
  const ps = [w2.write([1], [1], [1], 1)];
  while (w2.bufferedBytes() === 1 << 16) ps.push(w2.write([1, 2], [1, 2], [1, 2], 2));
  assert.equal(w2.bufferedBytes(), 2 << 16);
  const huge = 20_000;
  const hugeIds = Array.from({ length: huge }, () => 1);
  ps.push(w2.write(hugeIds, hugeIds, hugeIds, huge));
  const grown = w2.bufferedBytes();
  assert.ok(grown > 2 << 16 && grown < (2 << 16) + 8 + 11 + 27 * huge, `${grown}`);
  await Promise.all(ps);
  let got = 0;
  await w2.close();
  const r = wal(dir2, nodeWalFs, "off");
  r.replay(() => void got++);
  assert.equal(got, 1 + 2 * (ps.length - 2) + huge);
  await r.close();
  await w.close();
});

test("wal api: batch — writes made while a group is being synced form one group: two fdatasyncs in all", async () => {
  const rec = recording();
  const dir = fresh();
  const w = wal(dir, rec.fs, "batch");
  w.replay(() => undefined);
  const first = w.write([1], [1], [1], 1);
  await until(() => rec.held() === 1);
  const during = [2, 3, 4, 5].map((i) => w.write([i], [i], [i], 1));
  assert.equal(w.bufferedBytes(), 2 << 16, "the synced group and one open group");
  await tick();
  assert.equal(rec.count.get("fdatasync"), 1, "nothing else synced while the first sync is pending");
  rec.release();
  await first;
  await until(() => rec.held() === 1);
  assert.equal(rec.count.get("fdatasync"), 2);
  rec.release();
  await Promise.all(during);
  assert.equal(rec.count.get("fdatasync"), 2);
  await w.close();
  const ids: number[] = [];
  wal(dir).replay((_s, id) => ids.push(id));
  assert.deepEqual(ids, [1, 2, 3, 4, 5]);
});

test("wal api: segmentHolding names the newest segment from which the log holds the bytes asked", async () => {
  const dir = fresh();
  const w = wal(dir, nodeWalFs, "off", 40);
  w.replay(() => undefined);
  // each write: 8 header + 1 + 1 + 1 + 1 + 8 = 20 bytes; segment 1 = magic + 2 records = 48 ≥ 40 → rotate
  for (let i = 0; i < 5; i++) await w.write([i], [0], [i], 1);
  // segments 1, 2 hold 48 bytes each (closed), segment 3 holds magic + 1 record = 28
  assert.equal(w.segment, 3);
  assert.equal(w.bytes(), 48 + 48 + 28);
  assert.equal(w.segmentHolding(0), 3);
  assert.equal(w.segmentHolding(28), 3);
  assert.equal(w.segmentHolding(29), 2);
  assert.equal(w.segmentHolding(76), 2);
  assert.equal(w.segmentHolding(77), 1);
  assert.equal(w.segmentHolding(124), 1);
  assert.equal(w.segmentHolding(125), -1);
  assert.equal(w.truncateBefore(2), 1);
  assert.equal(w.segmentHolding(77), -1);
  await w.close();
});

test("wal api: rotateIfQuiet rotates only a segment holding records, with no write pending, not after close", async () => {
  const rec = recording();
  const w = wal(fresh(), rec.fs, "batch");
  w.replay(() => undefined);
  assert.equal(w.rotateIfQuiet(), false, "an empty segment stays");
  const p = w.write([1], [1], [1], 1);
  assert.equal(w.rotateIfQuiet(), false, "a write waits for its flush");
  await until(() => rec.held() === 1);
  assert.equal(w.rotateIfQuiet(), false, "a flush is running");
  rec.release();
  await p;
  assert.equal(w.segment, 1);
  assert.equal(w.rotateIfQuiet(), true);
  assert.equal(w.segment, 2);
  assert.equal(w.rotateIfQuiet(), false, "the new segment is empty");
  const q = w.write([2], [2], [2], 1);
  assert.equal(w.rotateIfQuiet(), false, "segment 2 holds nothing yet");
  await until(() => rec.held() === 1);
  rec.release();
  await q;
  const r = w.write([3], [3], [3], 1);
  assert.equal(w.rotateIfQuiet(), false, "a write is waiting, in a segment that holds records");
  await until(() => rec.held() === 1);
  rec.release();
  await r;
  await w.close();
  assert.equal(w.rotateIfQuiet(), false, "closed");
  assert.equal(w.segment, 2);
});

test("wal api: folder fsyncs only when a segment was really created or removed", async () => {
  const rec = recording();
  const dir = fresh();
  const w = wal(dir, rec.fs, "batch", 1 << 20);
  w.removeAll();
  assert.equal(rec.count.get("fsyncDir") ?? 0, 0, "removeAll of nothing");
  w.replay(() => undefined);
  assert.equal(rec.count.get("fsyncDir"), 1, "segment 1 created");
  assert.equal(w.truncateBefore(5), 0);
  assert.equal(rec.count.get("fsyncDir"), 1, "nothing removed");
  const p = w.write([1], [1], [1], 1);
  await until(() => rec.held() === 1);
  rec.release();
  await p;
  await w.close();
  w.removeAll();
  assert.equal(rec.count.get("fsyncDir"), 2, "segment 1 removed");
  assert.deepEqual(w.segments(), []);
});

test("wal api: a segment without the header is left as it is (not cut) and logged; one with it replays", () => {
  const dir = fresh();
  const junk = Buffer.from("NOTAWAL!0123456789abcdef0123456789");
  writeFileSync(join(dir, "00000001.wal"), junk);
  const logs: string[] = [];
  const w = new PointWal({ dir, fsync: "off", flushIntervalMs: 1, log: createLogger({ level: "debug", sink: { write: (l) => void logs.push(l) } }) });
  assert.deepEqual(w.replay(() => assert.fail("no samples")), { records: 0, samples: 0 });
  assert.deepEqual(readFileSync(join(dir, "00000001.wal")), junk);
  assert.ok(logs.some((l) => l.includes("wal segment without header")), logs.join("\n"));
  assert.ok(!logs.some((l) => l.includes("wal tail cut")));
});

test("wal api: a record whose length runs past the end is cut even when its CRC matches what is there", () => {
  const dir = fresh();
  const rec = Buffer.alloc(64);
  const end = encodeRecord(rec, 0, [7], [1000], [1.5], 1);
  const good = rec.subarray(0, end);
  // a second record header claiming 100 bytes, with the CRC of the 30 bytes that follow it
  const rest = Buffer.alloc(30, 1);
  rest[0] = 1; // type "samples"
  rest[1] = 0; // zero samples: would decode cleanly
  const hdr = Buffer.alloc(8);
  hdr.writeUInt32LE(100, 0);
  hdr.writeUInt32LE(crc32(rest), 4);
  const file = Buffer.concat([WAL_MAGIC, good, hdr, rest]);
  writeFileSync(join(dir, "00000001.wal"), file);
  const w = wal(dir);
  const got: number[] = [];
  assert.deepEqual(w.replay((_s, id) => got.push(id)), { records: 1, samples: 1 });
  assert.deepEqual(got, [7]);
  assert.equal(readFileSync(join(dir, "00000001.wal")).length, WAL_MAGIC.length + good.length);
});

test("wal api: drain() also waits for writes made while it waits", async () => {
  const rec = recording();
  const w = wal(fresh(), rec.fs, "batch");
  w.replay(() => undefined);
  const p1 = w.write([1], [1], [1], 1);
  await until(() => rec.held() === 1);
  let drained = false;
  const d = w.drain().then(() => (drained = true));
  const p2 = w.write([2], [2], [2], 1); // joins the next group while drain() waits for the first
  rec.release();
  await p1;
  await until(() => rec.held() === 1);
  await tick();
  assert.equal(drained, false, "the second group is still being synced");
  rec.release();
  await p2;
  await d;
  assert.equal(drained, true);
  await w.close();
});
