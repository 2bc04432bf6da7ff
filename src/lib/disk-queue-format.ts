/**
 * The disk queue's record format (no I/O): u32 payload length | u32 CRC-32 of the rest | f64 append
 * time (ms) | u32 item count | payload, little-endian. A segment file is records end to end.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";

export const RECORD_HEADER_BYTES = 20;

/** Record header + payload checksum, as written. */
export function encodeRecord(payload: Uint8Array, ts: number, count: number): Buffer {
  const buf = Buffer.allocUnsafe(RECORD_HEADER_BYTES + payload.length);
  buf.writeUInt32LE(payload.length, 0);
  buf.writeDoubleLE(ts, 8);
  buf.writeUInt32LE(count, 16);
  buf.set(payload, RECORD_HEADER_BYTES);
  buf.writeUInt32LE(crc32(buf.subarray(8)), 4);
  return buf;
}

/** Scans a segment's bytes: the valid records' extent; `validBytes < buf.length` means a torn or corrupt tail. */
export function scanSegment(buf: Buffer): { validBytes: number; records: number; items: number; firstTs: number; lastTs: number; ends: number[]; counts: number[] } {
  let off = 0;
  let records = 0;
  let items = 0;
  let firstTs = Infinity;
  let lastTs = -Infinity;
  const ends: number[] = [];
  const counts: number[] = [];
  while (off + RECORD_HEADER_BYTES <= buf.length) {
    const len = buf.readUInt32LE(off);
    const end = off + RECORD_HEADER_BYTES + len;
    if (end > buf.length) break;
    if (crc32(buf.subarray(off + 8, end)) !== buf.readUInt32LE(off + 4)) break;
    const ts = buf.readDoubleLE(off + 8);
    const count = buf.readUInt32LE(off + 16);
    records++;
    items += count;
    if (firstTs === Infinity) firstTs = ts;
    lastTs = ts;
    ends.push(end);
    counts.push(count);
    off = end;
  }
  return { validBytes: off, records, items, firstTs, lastTs, ends, counts };
}

/** The `ack` file: "<seq> <offset> <items>\n", where the unacknowledged records start. */
export function readAckFile(dir: string): { seq: number; offset: number } | undefined {
  const path = join(dir, "ack");
  if (!existsSync(path)) return undefined;
  const m = /^(\d+) (\d+)/.exec(readFileSync(path, "utf8"));
  return m === null ? undefined : { seq: Number(m[1]), offset: Number(m[2]) };
}

/** Replaces the `ack` file atomically (written to ack.tmp, fsynced, renamed over). */
export function writeAckFile(dir: string, text: string, fsync: boolean): void {
  const path = join(dir, "ack");
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, text);
    if (fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
