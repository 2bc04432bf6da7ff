/**
 * Carbon's whisper file format, read (no I/O here). Everything is big-endian:
 *
 *   header      aggregationType u32 · maxRetention u32 · xFilesFactor f32 · archiveCount u32   (16 bytes)
 *   archive i   offset u32 · secondsPerPoint u32 · points u32                                (12 bytes each)
 *   data        per archive, `points` slots of timestamp u32 · value f64                        (12 bytes each)
 *
 * An archive is a ring: a slot holds the point of the interval its timestamp names (a multiple of
 * secondsPerPoint), or an older one left from a previous lap (or 0, never written). A point is
 * valid when its timestamp lies inside the archive's retention back from now, as whisper's fetch
 * decides. Archives are stored finest first.
 */
import { LoupeError } from "../lib/errors.js";

export const AGGREGATIONS = ["", "average", "sum", "last", "max", "min", "avg_zero", "absmax", "absmin"] as const;

export interface WhisperArchive {
  readonly offset: number;
  readonly secondsPerPoint: number;
  readonly points: number;
  /** secondsPerPoint × points. */
  readonly retention: number;
}

export interface WhisperHeader {
  readonly aggregation: string;
  readonly maxRetention: number;
  readonly xFilesFactor: number;
  readonly archives: readonly WhisperArchive[];
}

const bad = (file: string, msg: string): LoupeError => new LoupeError("whisper_bad_file", `${file}: not a whisper file: ${msg}`);

/** Reads and checks the header of a whisper file's bytes. */
export function parseWhisperHeader(buf: Uint8Array, file: string): WhisperHeader {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteLength < 16) throw bad(file, `${buf.byteLength} bytes, shorter than the 16-byte header`);
  const agg = v.getUint32(0);
  const maxRetention = v.getUint32(4);
  const xff = v.getFloat32(8);
  const count = v.getUint32(12);
  if (count === 0 || count > 64) throw bad(file, `archive count ${count} at byte 12 (1 to 64 expected)`);
  if (buf.byteLength < 16 + count * 12) throw bad(file, `${count} archives announced, but the file ends inside their headers`);
  const archives: WhisperArchive[] = [];
  let expected = 16 + count * 12;
  for (let i = 0; i < count; i++) {
    const at = 16 + i * 12;
    const offset = v.getUint32(at);
    const secondsPerPoint = v.getUint32(at + 4);
    const points = v.getUint32(at + 8);
    if (secondsPerPoint === 0 || points === 0) throw bad(file, `archive ${i} (byte ${at}) has ${secondsPerPoint} seconds per point and ${points} points`);
    if (offset !== expected) throw bad(file, `archive ${i} starts at byte ${offset}, ${expected} expected`);
    if (offset + points * 12 > buf.byteLength) throw bad(file, `archive ${i} (${points} points from byte ${offset}) runs past the end of the file (${buf.byteLength} bytes)`);
    if (i > 0 && secondsPerPoint <= archives[i - 1]!.secondsPerPoint) throw bad(file, `archive ${i} is not coarser than archive ${i - 1}`);
    expected = offset + points * 12;
    archives.push({ offset, secondsPerPoint, points, retention: secondsPerPoint * points });
  }
  return { aggregation: AGGREGATIONS[agg] ?? `unknown (${agg})`, maxRetention, xFilesFactor: xff, archives };
}

/** Valid points of one archive (timestamps in seconds within (now − retention, now]), ascending. */
export function readArchive(buf: Uint8Array, a: WhisperArchive, nowSec: number): { ts: number[]; values: number[] } {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const oldest = nowSec - a.retention;
  const pts: Array<[number, number]> = [];
  for (let i = 0; i < a.points; i++) {
    const at = a.offset + i * 12;
    const t = v.getUint32(at);
    if (t === 0 || t <= oldest || t > nowSec || t % a.secondsPerPoint !== 0) continue;
    const val = v.getFloat64(at + 4);
    if (Number.isFinite(val)) pts.push([t, val]);
  }
  pts.sort((x, y) => x[0] - y[0]);
  return { ts: pts.map((p) => p[0]), values: pts.map((p) => p[1]) };
}

/**
 * Every archive merged, the finest first: an archive contributes only intervals that end before
 * the time its finer neighbour's retention reaches back to, so each moment comes from the finest
 * archive that covers it. Timestamps in milliseconds, ascending.
 */
export function mergeArchives(buf: Uint8Array, h: WhisperHeader, nowSec: number): { ts: number[]; values: number[]; perArchive: number[] } {
  const parts: Array<{ ts: number[]; values: number[] }> = [];
  const perArchive: number[] = [];
  let boundary = Infinity; // seconds: finer archives cover [boundary, now]
  for (const a of h.archives) {
    const r = readArchive(buf, a, nowSec);
    const ts: number[] = [];
    const values: number[] = [];
    for (let i = 0; i < r.ts.length; i++) {
      if (r.ts[i]! + a.secondsPerPoint > boundary) continue;
      ts.push(r.ts[i]! * 1000);
      values.push(r.values[i]!);
    }
    parts.push({ ts, values });
    perArchive.push(ts.length);
    boundary = Math.min(boundary, nowSec - a.retention);
  }
  // coarsest (oldest) first gives ascending time
  parts.reverse();
  return { ts: parts.flatMap((p) => p.ts), values: parts.flatMap((p) => p.values), perArchive };
}
