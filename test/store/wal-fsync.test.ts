import { test } from "node:test";
import assert from "node:assert/strict";
import { basename, join } from "node:path";
import { silentLogger } from "../../src/lib/logger.js";
import { nodeWalFs, PointWal, type FsyncPolicy, type WalFs } from "../../src/store/tsdb/wal.js";
import { tempDir } from "../helpers/tmp.js";
import { openTestStore } from "./helpers.js";

const dir = tempDir("loupe-wal-fsync-");

/**
 * The real file system with every call the WAL makes recorded in order. fdatasync calls are held
 * until release() so a test can see that nothing is acknowledged before the sync completes.
 */
function recordingFs(): { fs: WalFs; log: string[]; held: number; release(): void } {
  const log: string[] = [];
  const waiting: Array<() => void> = [];
  const fs: WalFs = {
    ...nodeWalFs,
    openAppend: (p) => {
      log.push(`create ${basename(p)}`);
      return nodeWalFs.openAppend(p);
    },
    write: (fd, buf, off, len, cb) => {
      log.push("write");
      nodeWalFs.write(fd, buf, off, len, cb);
    },
    fdatasync: (fd, cb) => {
      log.push("fdatasync called");
      waiting.push(() =>
        nodeWalFs.fdatasync(fd, (err) => {
          log.push("fdatasync done");
          cb(err);
        }),
      );
    },
    unlinkSync: (p) => {
      log.push(`remove ${basename(p)}`);
      nodeWalFs.unlinkSync(p);
    },
    fsyncDir: (d) => {
      log.push("fsync dir");
      nodeWalFs.fsyncDir(d);
    },
  };
  return {
    fs,
    log,
    get held() {
      return waiting.length;
    },
    release: () => {
      for (const w of waiting.splice(0)) w();
    },
  };
}

/** Waits until the WAL has called fdatasync (held), however slow the machine: no timing assumption. */
async function untilHeld(rec: { held: number }): Promise<void> {
  while (rec.held === 0) await new Promise((r) => setTimeout(r, 5));
}

for (const fsync of ["batch", "always"] as const satisfies FsyncPolicy[]) {
  test(`fsync = ${fsync}: a write is acknowledged only after its fdatasync completed`, async () => {
    const rec = recordingFs();
    const wal = new PointWal({ dir: join(dir, `ack-${fsync}`), fsync, flushIntervalMs: 1, log: silentLogger, fs: rec.fs });
    wal.replay(() => undefined);
    let acked = false;
    const p = wal.write([1], [1000], [1.5], 1).then(() => {
      rec.log.push("ack");
      acked = true;
    });
    await untilHeld(rec);
    await new Promise((r) => setTimeout(r, 20)); // give a wrong implementation the chance to acknowledge early
    assert.equal(rec.held, 1, "fdatasync was called");
    assert.equal(acked, false, "not acknowledged while fdatasync is pending");
    rec.release();
    await p;
    assert.deepEqual(rec.log, ["create 00000001.wal", "fsync dir", "write", "write", "fdatasync called", "fdatasync done", "ack"]);
    const closing = wal.close();
    rec.release();
    await closing;
  });
}

test("fsync = off acknowledges after the write, with no fdatasync and no folder fsync", async () => {
  const rec = recordingFs();
  const wal = new PointWal({ dir: join(dir, "off"), fsync: "off", flushIntervalMs: 1, log: silentLogger, fs: rec.fs });
  wal.replay(() => undefined);
  await wal.write([1], [1000], [1.5], 1).then(() => rec.log.push("ack"));
  assert.deepEqual(rec.log, ["create 00000001.wal", "write", "write", "ack"]);
  await wal.close();
});

test("a new segment's folder entry is fsynced before any record in it is acknowledged; removal fsyncs the folder", async () => {
  const rec = recordingFs();
  const wal = new PointWal({ dir: join(dir, "rotate"), fsync: "batch", flushIntervalMs: 1, log: silentLogger, fs: rec.fs, segmentBytes: 64 });
  wal.replay(() => undefined);
  const first = wal.write([1, 2, 3], [1000, 2000, 3000], [1, 2, 3], 3).then(() => rec.log.push("ack 1"));
  await untilHeld(rec);
  rec.release();
  await first;
  // the record filled segment 1: segment 2 was created and its folder entry synced
  const second = wal.write([1], [4000], [4], 1).then(() => rec.log.push("ack 2"));
  await untilHeld(rec);
  rec.release();
  await second;
  const i2 = rec.log.indexOf("create 00000002.wal");
  assert.ok(i2 >= 0, rec.log.join(", "));
  assert.equal(rec.log[i2 + 1], "fsync dir");
  assert.ok(rec.log.indexOf("ack 2") > rec.log.lastIndexOf("fdatasync done"));
  assert.ok(rec.log.indexOf("ack 2") > i2 + 1);
  rec.log.length = 0;
  assert.equal(wal.truncateBefore(wal.segment), 1);
  assert.deepEqual(rec.log, ["remove 00000001.wal", "fsync dir"]);
  const closing = wal.close();
  rec.release();
  await closing;
});

test("store.write() resolves only after the WAL's fdatasync", async () => {
  const rec = recordingFs();
  const o = await openTestStore(dir, "store-ack.db", { tuning: { walFs: rec.fs } });
  let acked = false;
  const p = o.store.write([{ name: "a.b", ts: o.clock.now(), value: 1 }]).then(() => (acked = true));
  await untilHeld(rec);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(acked, false);
  assert.ok(rec.log.includes("fdatasync called"));
  rec.release();
  await p;
  assert.equal(acked, true);
  const closing = o.close();
  rec.release();
  await closing;
});
