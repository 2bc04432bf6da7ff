/**
 * The hourly rollup builders' state, saved at a clean stop so the next start does not rebuild it
 * from raw rows (format: docs/format/rollup-state.md). The file is read and deleted at start: a
 * later crash rebuilds from raw rows as before. A series whose newest raw row or rollup watermark
 * differs from what was saved (the database changed in between) is rebuilt from raw rows too.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { MemSeries } from "./head.js";
import type { Buckets } from "./rollup.js";
import { TIER_1H } from "./tiers.js";

export const ROLLUP_STATE_FILE = "rollup-state.bin";
const MAGIC = Buffer.from("LOUPERS1", "latin1");
/** Bytes of an entry's fixed part: id, closedEnd, base, wm (f64 each), n (u32). */
const ENTRY = 36;

export interface SavedBuilder {
  readonly closedEnd: number;
  /** The builder's base (watermark of the rollup chunk before its buckets). */
  readonly base: number;
  readonly wm: number;
  readonly buckets: Buckets;
}

/** Writes the non-empty hourly builders (atomically: temporary file, fsync, rename). */
export function saveRollupState(dir: string, series: Iterable<MemSeries>): number {
  const parts: Buffer[] = [MAGIC];
  let count = 0;
  for (const s of series) {
    const b = s.builders[TIER_1H];
    if (b === undefined || b.n === 0) continue;
    const head = Buffer.allocUnsafe(ENTRY);
    head.writeDoubleLE(s.id, 0);
    head.writeDoubleLE(s.closedEnd, 8);
    head.writeDoubleLE(b.base, 16);
    head.writeDoubleLE(b.wm, 24);
    head.writeUInt32LE(b.n, 32);
    parts.push(head);
    for (const f of [b.ts, b.count, b.min, b.max, b.sum, b.last]) parts.push(Buffer.from(f.buffer, f.byteOffset, b.n * 8));
    count++;
  }
  const body = Buffer.concat(parts);
  const crc = Buffer.allocUnsafe(4);
  crc.writeUInt32LE(crc32(body), 0);
  const tmp = join(dir, `${ROLLUP_STATE_FILE}.tmp`);
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, body);
    writeSync(fd, crc);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, ROLLUP_STATE_FILE));
  return count;
}

/**
 * Reads and deletes the saved state: series id → builder. Empty when there is none; an unreadable
 * file (torn, foreign) is reported through `onBad` and ignored (the builders are rebuilt from raw rows).
 */
export function takeRollupState(dir: string, onBad: (why: string) => void): Map<number, SavedBuilder> {
  const out = new Map<number, SavedBuilder>();
  const path = join(dir, ROLLUP_STATE_FILE);
  if (!existsSync(path)) return out;
  const buf = readFileSync(path);
  unlinkSync(path);
  if (buf.length < MAGIC.length + 4 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) {
    onBad("no LOUPERS1 header");
    return out;
  }
  const body = buf.subarray(0, buf.length - 4);
  if (crc32(body) !== buf.readUInt32LE(buf.length - 4)) {
    onBad("checksum mismatch");
    return out;
  }
  let p = MAGIC.length;
  while (p + ENTRY <= body.length) {
    const id = body.readDoubleLE(p);
    const closedEnd = body.readDoubleLE(p + 8);
    const base = body.readDoubleLE(p + 16);
    const wm = body.readDoubleLE(p + 24);
    const n = body.readUInt32LE(p + 32);
    p += ENTRY;
    if (p + n * 48 > body.length) {
      onBad(`entry of series ${id} runs past the end`);
      return new Map();
    }
    // copied out of the file buffer (aligned, and the buffer is not kept)
    const f = new Float64Array(n * 6);
    Buffer.from(f.buffer).set(body.subarray(p, p + n * 48));
    p += n * 48;
    const at = (k: number): Float64Array => f.subarray(k * n, (k + 1) * n);
    out.set(id, { closedEnd, base, wm, buckets: { n, ts: at(0), count: at(1), min: at(2), max: at(3), sum: at(4), last: at(5) } });
  }
  return out;
}
