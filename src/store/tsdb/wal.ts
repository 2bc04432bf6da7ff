/**
 * Write-ahead log of head points (format: docs/format/wal.md). Knows nothing of series or chunks:
 * it appends sample records to numbered segment files with group commit, replays them at start and
 * deletes segments the caller no longer needs.
 *
 * Group commit: write() encodes its record into the open group and returns that group's promise;
 * one flush at a time writes a group and (fsync = batch) fdatasyncs it, then resolves every writer
 * in it. Writes arriving during a flush form the next group. fsync = always gives every write its
 * own group and fdatasync; off resolves once the bytes are handed to the OS.
 */
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Logger } from "../../lib/logger.js";
import { nodeWalFs, type WalFs } from "./wal-fs.js";

export { nodeWalFs, type WalFs } from "./wal-fs.js";

export const WAL_MAGIC = Buffer.from("LOUPEWL1");
export const RECORD_SAMPLES = 1;
const HEADER = 8; // u32 length + u32 crc

export type FsyncPolicy = "batch" | "always" | "off";

export interface WalOptions {
  readonly dir: string;
  readonly fsync: FsyncPolicy;
  /** Longest wait before a group is flushed (a flush normally starts at once when none is running). */
  readonly flushIntervalMs: number;
  /** Size after which a new segment file is started. */
  readonly segmentBytes?: number;
  readonly log: Logger;
  /** File-system layer (tests); the real one by default. */
  readonly fs?: WalFs;
}

interface Group {
  buf: Buffer;
  len: number;
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: Error) => void;
}

function newGroup(size: number, spare: Buffer | undefined): Group {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined);
  // a spare smaller than `size` is grown by write() like any full group
  return { buf: spare ?? Buffer.allocUnsafe(size), len: 0, promise, resolve, reject };
}

function segName(n: number): string {
  return `${String(n).padStart(8, "0")}.wal`;
}

export class PointWal {
  private fd = -1;
  private seg = 0;
  private segSize = 0;
  private readonly groups: Group[] = [];
  private flushing = false;
  private timer: NodeJS.Immediate | undefined;
  private closed = false;
  readonly segmentBytes: number;
  /** Bytes of the segments before the current one. */
  private olderBytes = new Map<number, number>();
  /** Buffers of flushed groups, reused (fewer large allocations). */
  private readonly spare: Buffer[] = [];
  private readonly fs: WalFs;

  constructor(private readonly opts: WalOptions) {
    this.segmentBytes = opts.segmentBytes ?? 64 * 1024 * 1024;
    this.fs = opts.fs ?? nodeWalFs;
    this.fs.mkdirSync(opts.dir);
  }

  /** Makes a segment's creation or removal durable (skipped with fsync = off, like every fsync). */
  private syncDir(): void {
    if (this.opts.fsync !== "off") this.fs.fsyncDir(this.opts.dir);
  }

  /** Segment numbers present on disk, ascending. */
  segments(): number[] {
    return this.fs
      .readdirSync(this.opts.dir)
      .map((f) => /^(\d{8})\.wal$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
  }

  /**
   * Reads every segment, calling `onSample` for each sample in order. A torn or corrupt tail is cut
   * off (logged). Then opens a fresh segment for new writes.
   */
  replay(onSample: (seg: number, id: number, ts: number, value: number) => void): { records: number; samples: number } {
    let records = 0;
    let samples = 0;
    const segs = this.segments();
    for (const s of segs) {
      const path = join(this.opts.dir, segName(s));
      const buf = this.fs.readFileSync(path);
      this.olderBytes.set(s, buf.length);
      let off = 0;
      if (buf.length >= WAL_MAGIC.length && buf.subarray(0, WAL_MAGIC.length).equals(WAL_MAGIC)) off = WAL_MAGIC.length;
      else if (buf.length > 0) {
        this.opts.log.warn("wal segment without header ignored", { segment: path });
        continue;
      }
      while (off < buf.length) {
        if (off + HEADER > buf.length) break;
        const len = buf.readUInt32LE(off);
        const crc = buf.readUInt32LE(off + 4);
        if (len === 0 || off + HEADER + len > buf.length) break;
        const payload = buf.subarray(off + HEADER, off + HEADER + len);
        if (crc32(payload) !== crc) break;
        samples += decodeRecord(payload, (id, ts, v) => onSample(s, id, ts, v));
        records++;
        off += HEADER + len;
      }
      if (off < buf.length) {
        this.opts.log.warn("wal tail cut", { segment: path, at: off, dropped_bytes: buf.length - off });
        this.fs.truncateSync(path, off);
        this.olderBytes.set(s, off);
      }
    }
    this.seg = (segs[segs.length - 1] ?? 0) + 1;
    this.openSegment();
    return { records, samples };
  }

  /** Creates the next segment; its folder entry is fsynced before any record in it is acknowledged. */
  private openSegment(): void {
    this.fd = this.fs.openAppend(join(this.opts.dir, segName(this.seg)));
    this.segSize = 0;
    this.syncDir();
  }

  /** Current segment number: every sample written now lands in it or a later one. */
  get segment(): number {
    return this.seg;
  }

  /** Appends one record of samples; resolves when durable per the fsync policy. */
  write(ids: ArrayLike<number>, ts: ArrayLike<number>, values: ArrayLike<number>, n: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("wal closed"));
    const need = HEADER + 11 + n * 27;
    let g = this.groups[this.groups.length - 1];
    // The group being flushed is groups[0] while flushing: never append to it.
    const open = !(this.flushing && this.groups.length === 1) && this.opts.fsync !== "always";
    if (!open || g === undefined) {
      g = newGroup(Math.max(need, 1 << 16), this.spare.pop());
      this.groups.push(g);
    }
    if (g.len + need > g.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(g.buf.length * 2, g.len + need));
      g.buf.copy(bigger, 0, 0, g.len);
      g.buf = bigger;
    }
    g.len = encodeRecord(g.buf, g.len, ids, ts, values, n);
    this.schedule();
    return g.promise;
  }

  /** A flush soon (one that finds one running returns at once: the running one takes every group). */
  private schedule(): void {
    if (this.timer === undefined) {
      this.timer = setImmediate(() => {
        this.timer = undefined;
        void this.flush();
      });
    }
  }

  /** Writes and syncs the groups in order. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.groups.length > 0) {
        const g = this.groups[0]!;
        try {
          if (this.segSize === 0) {
            await writeAll(this.fs, this.fd, WAL_MAGIC, WAL_MAGIC.length);
            this.segSize = WAL_MAGIC.length;
          }
          await writeAll(this.fs, this.fd, g.buf, g.len);
          this.segSize += g.len;
          if (this.opts.fsync !== "off") await datasync(this.fs, this.fd);
          this.groups.shift();
          if (this.spare.length < 4) this.spare.push(g.buf);
          g.resolve();
        } catch (err) {
          // cut a partly written record off, so later records are not stranded behind it
          try {
            this.fs.ftruncateSync(this.fd, this.segSize);
          } catch {
            // a device that cannot be truncated: the replay stops at the torn record
          }
          this.groups.shift();
          g.reject(err as Error);
        }
        if (this.segSize >= this.segmentBytes) this.rotate();
      }
    } finally {
      this.flushing = false;
    }
  }

  private rotate(): void {
    try {
      this.fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    this.olderBytes.set(this.seg, this.segSize);
    this.seg++;
    this.openSegment();
  }

  /** Deletes whole segments below `seg` (never the current one). */
  truncateBefore(seg: number): number {
    let removed = 0;
    for (const s of [...this.olderBytes.keys()]) {
      if (s >= seg) continue; // the current segment is never in olderBytes
      try {
        this.fs.unlinkSync(join(this.opts.dir, segName(s)));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
      }
      this.olderBytes.delete(s);
      removed++;
    }
    if (removed > 0) this.syncDir();
    return removed;
  }

  /**
   * The newest segment from which the log (that segment to the current one) holds at least
   * `bytes`; -1 when the whole log is smaller.
   */
  segmentHolding(bytes: number): number {
    let b = this.segSize;
    if (b >= bytes) return this.seg;
    const older = [...this.olderBytes.keys()].sort((x, y) => y - x);
    for (const s of older) {
      b += this.olderBytes.get(s)!;
      if (b >= bytes) return s;
    }
    return -1;
  }

  /**
   * Starts a new segment when the current one holds records and no write is in flight, so that
   * the current one can be deleted once its points are committed. False when it did not.
   */
  rotateIfQuiet(): boolean {
    // not while writes wait or are being written (a timer left over from a finished flush is harmless)
    if (this.closed || this.flushing || this.groups.length > 0) return false;
    if (this.segSize === 0) return false; // nothing written (the header goes out with the first group)
    this.rotate();
    return true;
  }

  /** Bytes of the group buffers held (written-but-unsynced records and reused spares). */
  bufferedBytes(): number {
    let b = 0;
    for (const g of this.groups) b += g.buf.length;
    for (const x of this.spare) b += x.length;
    return b;
  }

  bytes(): number {
    let b = this.segSize;
    for (const v of this.olderBytes.values()) b += v;
    return b;
  }

  /** Resolves when everything written so far is flushed. */
  async drain(): Promise<void> {
    // groups settle in order, so the last one settling means all have; writes made meanwhile add more
    for (let last = this.groups.at(-1); last !== undefined; last = this.groups.at(-1)) await last.promise.catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
    if (this.fd !== -1) this.fs.closeSync(this.fd);
    this.fd = -1;
  }

  /** Removes every segment (after all head data was committed elsewhere). */
  removeAll(): void {
    const segs = this.segments();
    for (const s of segs) this.fs.unlinkSync(join(this.opts.dir, segName(s)));
    if (segs.length > 0) this.syncDir();
    this.olderBytes.clear();
    this.segSize = 0;
  }
}

function writeAll(fs: WalFs, fd: number, buf: Buffer, len: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let off = 0;
    const step = (): void => {
      fs.write(fd, buf, off, len - off, (err, n) => {
        if (err) return reject(err);
        off += n;
        if (off < len) step();
        else resolve();
      });
    };
    step();
  });
}

function datasync(fs: WalFs, fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Encodes one samples record at `off`; returns the new end. */
export function encodeRecord(buf: Buffer, off: number, ids: ArrayLike<number>, ts: ArrayLike<number>, values: ArrayLike<number>, n: number): number {
  const start = off;
  let p = off + HEADER;
  buf[p++] = RECORD_SAMPLES;
  p = putUvarint(buf, p, n);
  let prev = 0;
  for (let i = 0; i < n; i++) {
    p = putUvarint(buf, p, ids[i]!);
    const t = ts[i]!;
    const d = t - prev;
    prev = t;
    p = putUvarint(buf, p, d >= 0 ? d * 2 : -d * 2 - 1);
    buf.writeDoubleLE(values[i]!, p);
    p += 8;
  }
  const len = p - start - HEADER;
  buf.writeUInt32LE(len, start);
  buf.writeUInt32LE(crc32(buf.subarray(start + HEADER, p)), start + 4);
  return p;
}

function putUvarint(buf: Buffer, p: number, v: number): number {
  while (v >= 128) {
    buf[p++] = (v % 128) | 128;
    v = Math.floor(v / 128);
  }
  buf[p++] = v;
  return p;
}

/** Calls `on` per sample of a record payload; returns the sample count. */
export function decodeRecord(payload: Buffer, on: (id: number, ts: number, value: number) => void): number {
  let p = 0;
  const type = payload[p++];
  if (type !== RECORD_SAMPLES) return 0;
  const rd = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const b = payload[p++];
      if (b === undefined) throw new RangeError("wal record truncated");
      v += (b & 127) * mul;
      if (b < 128) return v;
      mul *= 128;
    }
  };
  const n = rd();
  let prev = 0;
  for (let i = 0; i < n; i++) {
    const id = rd();
    const z = rd();
    prev += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
    const v = payload.readDoubleLE(p);
    p += 8;
    on(id, prev, v);
  }
  return n;
}
