import { test } from "node:test";
import assert from "node:assert/strict";
import { appendFileSync, readdirSync, statSync, truncateSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DiskQueue, RECORD_HEADER_BYTES, type DiskQueueOptions, type DropReason } from "../../src/lib/disk-queue.js";
import { tempDir } from "../helpers/tmp.js";

const rec = (s: string, count = 1) => ({ payload: Buffer.from(s), count });
const texts = (q: DiskQueue, n = 1000): string[] => q.peek({ maxRecords: n }).map((r) => r.payload.toString());

function open(dir: string, extra: Partial<DiskQueueOptions> = {}): { q: DiskQueue; drops: Array<[DropReason, number, number]> } {
  const drops: Array<[DropReason, number, number]> = [];
  const q = DiskQueue.open({ dir, maxBytes: 1 << 20, maxAgeMs: 0, onDrop: (r, n, i) => drops.push([r, n, i]), ...extra });
  return { q, drops };
}

test("disk queue: FIFO order, peek does not remove, ack does; stats follow", () => {
  const { q } = open(tempDir());
  assert.deepEqual(q.stats(), { bytes: 0, records: 0, items: 0, oldestTs: undefined, segments: 1 });
  q.append([rec("a", 2), rec("bb", 3)]);
  q.append([rec("ccc")]);
  assert.deepEqual(texts(q), ["a", "bb", "ccc"]);
  assert.deepEqual(texts(q), ["a", "bb", "ccc"], "peek twice gives the same records");
  const s = q.stats();
  assert.equal(s.records, 3);
  assert.equal(s.items, 6);
  assert.equal(s.bytes, 3 * RECORD_HEADER_BYTES + 6);
  assert.deepEqual(q.peek({ maxRecords: 2 }).map((r) => r.count), [2, 3]);
  q.ack(2);
  assert.deepEqual(texts(q), ["ccc"]);
  assert.equal(q.stats().items, 1);
  q.ack(1);
  assert.deepEqual(texts(q), []);
  assert.equal(q.stats().bytes, 0);
  q.close();
});

test("disk queue: peek limits by bytes and items but always returns one record", () => {
  const { q } = open(tempDir());
  q.append([rec("x".repeat(100), 10), rec("y", 10), rec("z", 10)]);
  assert.equal(q.peek({ maxBytes: 10 }).length, 1, "a record larger than maxBytes still comes alone");
  assert.equal(q.peek({ maxItems: 25 }).length, 2);
  assert.equal(q.peek({ maxBytes: 100 + 2 * RECORD_HEADER_BYTES + 1 }).length, 2);
  q.close();
});

test("disk queue: survives a restart (acked records stay gone, the rest comes back in order)", () => {
  const dir = tempDir();
  let { q } = open(dir, { segmentBytes: 64 });
  for (let i = 0; i < 20; i++) q.append([rec(`r${i}`, i)]);
  assert.ok(q.stats().segments > 3, "several segments");
  q.peek({ maxRecords: 7 });
  q.ack(7);
  q.close();
  ({ q } = open(dir, { segmentBytes: 64 }));
  assert.deepEqual(texts(q), Array.from({ length: 13 }, (_, i) => `r${i + 7}`));
  assert.equal(q.stats().items, Array.from({ length: 13 }, (_, i) => i + 7).reduce((a, b) => a + b));
  q.append([rec("new")]);
  assert.equal(texts(q).at(-1), "new");
  q.ack(14);
  q.close();
  ({ q } = open(dir, { segmentBytes: 64 }));
  assert.deepEqual(texts(q), []);
  assert.equal(readdirSync(dir).filter((f) => f.endsWith(".seg")).length, 1, "acknowledged segments are deleted");
  q.close();
});

test("disk queue: a torn tail (kill -9 mid-write) is cut at open, earlier records kept, appends continue", () => {
  const dir = tempDir();
  let { q } = open(dir);
  q.append([rec("one"), rec("two")]);
  q.close();
  const seg = join(dir, readdirSync(dir).find((f) => f.endsWith(".seg"))!);
  const full = statSync(seg).size;
  // half a header, then a whole record with a bad checksum, as a crash can leave
  appendFileSync(seg, Buffer.from([9, 0, 0]));
  let d: Array<[DropReason, number, number]>;
  ({ q, drops: d } = open(dir));
  assert.deepEqual(texts(q), ["one", "two"]);
  assert.deepEqual(d, [["corrupt", 1, 0]]);
  assert.equal(statSync(seg).size, full, "the torn bytes are gone from the file");
  q.append([rec("three")]);
  assert.deepEqual(texts(q), ["one", "two", "three"]);
  q.close();
  // a record whose payload is cut short, and one whose bytes were damaged
  truncateSync(seg, statSync(seg).size - 2);
  ({ q, drops: d } = open(dir));
  assert.deepEqual(texts(q), ["one", "two"]);
  q.close();
  const bytes = readFileSync(seg);
  bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0xff;
  writeFileSync(seg, bytes);
  ({ q, drops: d } = open(dir));
  assert.deepEqual(texts(q), ["one"]);
  assert.equal(d.length, 1);
  q.close();
});

test("disk queue: a damaged ack file position moves to a record boundary, never inside a record", () => {
  const dir = tempDir();
  let { q } = open(dir);
  q.append([rec("aaaa"), rec("bbbb"), rec("cccc")]);
  q.close();
  const seq = readdirSync(dir).find((f) => f.endsWith(".seg"))!.slice(0, 16);
  writeFileSync(join(dir, "ack"), `${Number(seq)} 5 0\n`);
  ({ q } = open(dir));
  assert.deepEqual(texts(q), ["bbbb", "cccc"]);
  q.close();
});

test("disk queue: over maxBytes the oldest segments are dropped and counted", () => {
  const dir = tempDir();
  const { q, drops } = open(dir, { maxBytes: 1000, segmentBytes: 200 });
  for (let i = 0; i < 100; i++) q.append([rec(`p${String(i).padStart(3, "0")}`.padEnd(30, "."), 5)]);
  const s = q.stats();
  assert.ok(s.bytes <= 1000, `bytes ${s.bytes}`);
  const kept = texts(q);
  assert.equal(kept.at(-1)!.slice(0, 4), "p099", "the newest are kept");
  const dropped = drops.filter((d) => d[0] === "max_bytes").reduce((a, d) => a + d[1], 0);
  assert.equal(dropped + kept.length, 100, "every record is either kept or counted as dropped");
  assert.equal(drops.reduce((a, d) => a + d[2], 0), dropped * 5, "items dropped are counted");
  q.close();
});

test("disk queue: records older than maxAgeMs are dropped and counted; a peeked batch acked after its drop is not counted twice", () => {
  let now = 1_000_000;
  const { q, drops } = open(tempDir(), { maxAgeMs: 60_000, segmentBytes: 64, now: () => now });
  q.append([rec("old1".padEnd(40, "."), 2)]);
  q.append([rec("old2".padEnd(40, "."), 2)]);
  const batch = q.peek({ maxRecords: 1 });
  assert.equal(batch.length, 1);
  now += 30_000;
  q.append([rec("new".padEnd(40, "."), 2)]);
  now += 40_000;
  q.append([]); // bounds are enforced on append and peek
  assert.deepEqual(drops, [["max_age", 1, 2], ["max_age", 1, 2]]);
  assert.equal(q.stats().records, 1);
  q.ack(1); // the batch peeked before the drop
  assert.deepEqual(texts(q).map((t) => t.slice(0, 4)), ["new."], "ack of dropped records does not remove newer ones");
  assert.equal(q.stats().oldestTs, 1_030_000);
  q.close();
});

test("disk queue: a closed queue refuses use with a clear error", () => {
  const { q } = open(tempDir());
  q.close();
  assert.throws(() => q.append([rec("x")]), /closed/);
});
