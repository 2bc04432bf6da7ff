/**
 * Samples ↔ one disk-queue record (no I/O). Layout, little-endian:
 *   u32 count, then per sample: u16 name bytes, name (UTF-8), u8 tag count,
 *   per tag u16 key bytes, key, u16 value bytes, value, f64 ts (ms), f64 value.
 * Names and tags are bounded by ingest's limits (≤ 65,535 bytes, ≤ 255 tags); longer ones throw.
 */
import type { Sample, Tags } from "../model/index.js";

/** Bytes `encodeSamples` needs for one sample. */
function sampleSize(s: Sample): number {
  let n = 2 + Buffer.byteLength(s.name) + 1 + 16;
  if (s.tags !== undefined) for (const k in s.tags) n += 4 + Buffer.byteLength(k) + Buffer.byteLength(s.tags[k]!);
  return n;
}

export function encodeSamples(samples: readonly Sample[]): Buffer {
  let size = 4;
  for (const s of samples) size += sampleSize(s);
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(samples.length, 0);
  let off = 4;
  const str = (text: string): void => {
    const len = buf.write(text, off + 2, "utf8");
    if (len > 0xffff) throw new RangeError(`name or tag longer than 65535 bytes: ${text.slice(0, 60)}…`);
    buf.writeUInt16LE(len, off);
    off += 2 + len;
  };
  for (const s of samples) {
    str(s.name);
    const keys = s.tags === undefined ? [] : Object.keys(s.tags);
    if (keys.length > 255) throw new RangeError(`more than 255 tags on ${s.name}`);
    buf.writeUInt8(keys.length, off++);
    for (const k of keys) {
      str(k);
      str(s.tags![k]!);
    }
    buf.writeDoubleLE(s.ts, off);
    buf.writeDoubleLE(s.value, off + 8);
    off += 16;
  }
  return buf;
}

/** Inverse of encodeSamples; throws on a record that is not one (the queue's CRC makes that a bug). */
export function decodeSamples(buf: Buffer, out: Sample[] = []): Sample[] {
  const n = buf.readUInt32LE(0);
  let off = 4;
  const str = (): string => {
    const len = buf.readUInt16LE(off);
    const s = buf.toString("utf8", off + 2, off + 2 + len);
    off += 2 + len;
    return s;
  };
  for (let i = 0; i < n; i++) {
    const name = str();
    const nt = buf.readUInt8(off++);
    let tags: Record<string, string> | undefined;
    if (nt > 0) {
      tags = {};
      for (let t = 0; t < nt; t++) {
        const k = str();
        tags[k] = str();
      }
    }
    const ts = buf.readDoubleLE(off);
    const value = buf.readDoubleLE(off + 8);
    off += 16;
    out.push(tags === undefined ? { name, ts, value } : { name, tags: tags as Tags, ts, value });
  }
  if (off !== buf.length) throw new RangeError(`forward record: ${buf.length - off} bytes left after ${n} samples`);
  return out;
}
