// WAL behaviour under a misbehaving file system (the injected WalFs): short writes, a failed write,
// a failed fdatasync, a failed truncate or close, unlink errors. Each case checks what a caller sees
// (which promise rejects, with what) and what a replay gives back afterwards.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { silentLogger } from "../../src/lib/logger.js";
import { nodeWalFs, PointWal, type FsyncPolicy, type WalFs } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";

const root = tempDir("loupe-walfaults-");
let n = 0;
const fresh = (): string => {
  const d = join(root, `f${n++}`);
  mkdirSync(d, { recursive: true });
  return d;
};

const eio = (): NodeJS.ErrnoException => Object.assign(new Error("EIO: injected"), { code: "EIO" });

function open(dir: string, fs: WalFs, fsync: FsyncPolicy = "batch", segmentBytes?: number): PointWal {
  const wal = new PointWal({ dir, fsync, flushIntervalMs: 1, log: silentLogger, fs, ...(segmentBytes === undefined ? {} : { segmentBytes }) });
  wal.replay(() => undefined);
  return wal;
}

function replayIds(dir: string): Array<[number, number, number]> {
  const got: Array<[number, number, number]> = [];
  const wal = new PointWal({ dir, fsync: "off", flushIntervalMs: 1, log: silentLogger });
  wal.replay((_s, id, ts, v) => got.push([id, ts, v]));
  void wal.close();
  return got;
}

test("wal faults: short writes (3 bytes per call) are continued until every byte is written", async () => {
  const dir = fresh();
  const sizes: number[] = [];
  const fs: WalFs = {
    ...nodeWalFs,
    write: (fd, buf, off, len, cb) => {
      sizes.push(len);
      nodeWalFs.write(fd, buf, off, Math.min(len, 3), cb);
    },
  };
  const wal = open(dir, fs);
  await wal.write([1, 2], [1000, 2000], [1.5, -2], 2);
  await wal.write([300], [3000], [3], 1);
  await wal.close();
  assert.ok(sizes.length > 10, `many short writes (${sizes.length})`);
  assert.deepEqual(sizes.slice(0, 4), [8, 5, 2, sizes[3]], "the 8-byte header: what is left after each short write");
  assert.deepEqual(replayIds(dir), [
    [1, 1000, 1.5],
    [2, 2000, -2],
    [300, 3000, 3],
  ]);
});

test("wal faults: a failed write rejects that write only; the torn bytes are cut and later writes replay", async () => {
  const dir = fresh();
  let calls = 0;
  const truncs: number[] = [];
  const fs: WalFs = {
    ...nodeWalFs,
    write: (fd, buf, off, len, cb) => {
      calls++;
      // call 1 = header, 2 = first record, 3 = half of the second record, 4 = fails
      if (calls === 3) return nodeWalFs.write(fd, buf, off, Math.ceil(len / 2), cb);
      if (calls === 4) return cb(eio(), 0);
      nodeWalFs.write(fd, buf, off, len, cb);
    },
    ftruncateSync: (fd, len) => {
      truncs.push(len);
      nodeWalFs.ftruncateSync(fd, len);
    },
  };
  const wal = open(dir, fs);
  await wal.write([1], [1000], [1], 1);
  await assert.rejects(wal.write([2], [2000], [2], 1), /EIO: injected/);
  await wal.write([3], [3000], [3], 1);
  await wal.close();
  assert.equal(truncs.length, 1);
  assert.ok(truncs[0]! > 8, "cut at the end of the first record, after the header");
  assert.deepEqual(replayIds(dir), [
    [1, 1000, 1],
    [3, 3000, 3],
  ]);
});

test("wal faults: a failed fdatasync rejects the write with its error; fsync = off never calls it", async () => {
  for (const [fsync, expectSync] of [["batch", true], ["always", true], ["off", false]] as const) {
    let syncs = 0;
    const fs: WalFs = {
      ...nodeWalFs,
      fdatasync: (_fd, cb) => {
        syncs++;
        cb(eio());
      },
    };
    const wal = open(fresh(), fs, fsync);
    const p = wal.write([1], [1000], [1], 1);
    if (expectSync) await assert.rejects(p, /EIO: injected/, fsync);
    else await p;
    assert.equal(syncs > 0, expectSync, fsync);
    await wal.close();
  }
});

test("wal faults: a device that cannot be truncated still rejects the write with the write's own error", async () => {
  const fs: WalFs = {
    ...nodeWalFs,
    write: (_fd, _buf, _off, _len, cb) => cb(eio(), 0),
    ftruncateSync: () => {
      throw new Error("EINVAL: cannot truncate");
    },
  };
  const wal = open(fresh(), fs);
  await assert.rejects(wal.write([1], [1000], [1], 1), /EIO: injected/);
  await assert.rejects(wal.write([2], [2000], [2], 1), /EIO: injected/);
  await wal.close();
});

test("wal faults: a segment whose close fails is still rotated, and the next records land in the new one", async () => {
  const dir = fresh();
  const closed: number[] = [];
  const fs: WalFs = {
    ...nodeWalFs,
    closeSync: (fd) => {
      closed.push(fd);
      nodeWalFs.closeSync(fd);
      if (closed.length === 1) throw new Error("EBADF: injected");
    },
  };
  const wal = open(dir, fs, "batch", 32);
  await wal.write([1, 2, 3], [1, 2, 3], [1, 2, 3], 3);
  assert.equal(wal.segment, 2);
  await wal.write([4], [4], [4], 1);
  await wal.close();
  assert.equal(closed.length, 2, "the old segment and, at close, the new one");
  assert.deepEqual(wal.segments(), [1, 2]);
  assert.deepEqual(
    replayIds(dir).map((r) => r[0]),
    [1, 2, 3, 4],
  );
});

test("wal faults: truncateBefore ignores a segment already gone (ENOENT) but throws any other unlink error", async () => {
  const dir = fresh();
  let failWith: string | undefined;
  const fs: WalFs = {
    ...nodeWalFs,
    unlinkSync: (p) => {
      if (failWith !== undefined) throw Object.assign(new Error(`${failWith}: injected`), { code: failWith });
      nodeWalFs.unlinkSync(p);
    },
  };
  const wal = open(dir, fs, "batch", 16);
  await wal.write([1], [1], [1], 1); // fills segment 1 → 2
  await wal.write([2], [2], [2], 1); // fills segment 2 → 3
  assert.equal(wal.segment, 3);
  failWith = "ENOENT";
  assert.equal(wal.truncateBefore(2), 1, "segment 1 counted as removed");
  failWith = "EACCES";
  assert.throws(() => wal.truncateBefore(3), /EACCES: injected/);
  failWith = undefined;
  assert.equal(wal.truncateBefore(3), 1, "segment 2 is still known and removed on retry");
  assert.equal(wal.truncateBefore(3), 0);
  await wal.close();
});

test("wal faults: after close() a write is refused and the file is closed once", async () => {
  const dir = fresh();
  const closed: number[] = [];
  const fs: WalFs = { ...nodeWalFs, closeSync: (fd) => void (closed.push(fd), nodeWalFs.closeSync(fd)) };
  const wal = open(dir, fs);
  await wal.write([1], [1], [1], 1);
  await wal.close();
  assert.equal(closed.length, 1);
  await assert.rejects(wal.write([2], [2], [2], 1), /wal closed/);
  assert.equal(wal.rotateIfQuiet(), false, "no rotation after close");
  assert.deepEqual(replayIds(dir).map((r) => r[0]), [1]);
});
