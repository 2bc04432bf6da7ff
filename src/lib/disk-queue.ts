/**
 * A crash-safe FIFO of byte records on disk (a forwarder's queue; later the VictoriaMetrics store
 * backend's). Knows nothing of what the bytes mean.
 *
 * Layout of its folder:
 *   <seq:16 digits>.seg   segment files, appended to; a new one when the current passes segmentBytes
 *   ack                   "<seq> <offset> <count>\n": where the unacknowledged records start (and how
 *                         many items of that segment were acknowledged), replaced atomically (tmp + rename)
 * Record: u32 payload length | u32 CRC-32 of the rest | f64 append time (ms) | u32 item count | payload.
 *
 * At open every segment is scanned: a record cut short or failing its CRC (kill -9 mid-write, a torn
 * sector) ends its segment there: the file is truncated and the loss counted, never a crash.
 * `append` returns once the records are written and fsynced. Bounds: past `maxBytes` unacknowledged
 * bytes, or for records older than `maxAgeMs`, the oldest whole segments are dropped and counted.
 */
import { closeSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, readdirSync, unlinkSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { RECORD_HEADER_BYTES, encodeRecord, readAckFile, scanSegment, writeAckFile } from "./disk-queue-format.js";

export { RECORD_HEADER_BYTES, encodeRecord, scanSegment };

export interface DiskQueueOptions {
  readonly dir: string;
  /** Most unacknowledged bytes kept (headers included); the oldest segments beyond are dropped. */
  readonly maxBytes: number;
  /** Records older than this are dropped (whole segments); 0 keeps them regardless of age. */
  readonly maxAgeMs: number;
  /** Size at which a new segment file is started; default maxBytes / 16 within [64 KiB, 16 MiB]. */
  readonly segmentBytes?: number;
  /** false: no fsync (tests, benchmarks of the rest). */
  readonly fsync?: boolean;
  readonly now?: () => number;
  /** Told of every drop (bound reached, corrupted tail cut at open). */
  readonly onDrop?: (reason: DropReason, records: number, items: number) => void;
}

export type DropReason = "max_bytes" | "max_age" | "corrupt";

export interface AppendRecord {
  readonly payload: Uint8Array;
  /** Items the payload holds (points of a batch): summed in stats and drop counts. Default 1. */
  readonly count?: number;
}

export interface QueueRecord {
  readonly payload: Buffer;
  /** When it was appended (ms). */
  readonly ts: number;
  readonly count: number;
}

export interface DiskQueueStats {
  readonly bytes: number;
  readonly records: number;
  readonly items: number;
  /** Append time of the oldest unacknowledged record, undefined when empty. */
  readonly oldestTs: number | undefined;
  readonly segments: number;
}

interface Segment {
  readonly seq: number;
  readonly path: string;
  size: number;
  records: number;
  items: number;
  firstTs: number;
  lastTs: number;
}

interface Position {
  readonly seq: number;
  readonly offset: number;
}

/** Where each peeked record ends, so ack(n) needs no second read. */
interface Peeked extends Position {
  readonly count: number;
  readonly bytes: number;
}

const SEGMENT_RE = /^(\d{16})\.seg$/;
const segName = (seq: number): string => `${String(seq).padStart(16, "0")}.seg`;

export class DiskQueue {
  private readonly segments: Segment[] = [];
  private head: Position = { seq: 0, offset: 0 };
  /** Records and items of the head segment before `head.offset` (acknowledged or dropped). */
  private headSkipped = { records: 0, items: 0 };
  private activeFd = -1;
  private readFd: { seq: number; fd: number } | undefined;
  private peeked: Peeked[] = [];
  private readonly segmentBytes: number;
  private readonly now: () => number;
  private closed = false;

  private constructor(private readonly opts: DiskQueueOptions) {
    this.segmentBytes = opts.segmentBytes ?? Math.min(16 << 20, Math.max(64 << 10, Math.floor(opts.maxBytes / 16)));
    this.now = opts.now ?? Date.now;
  }

  /** Opens (or creates) the queue in `dir`, cutting any torn tail. */
  static open(opts: DiskQueueOptions): DiskQueue {
    const q = new DiskQueue(opts);
    q.load();
    return q;
  }

  private load(): void {
    mkdirSync(this.opts.dir, { recursive: true });
    const seqs = readdirSync(this.opts.dir)
      .map((f) => SEGMENT_RE.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const ack = readAckFile(this.opts.dir);
    let placed = false;
    for (const seq of seqs) {
      const path = join(this.opts.dir, segName(seq));
      if (ack !== undefined && seq < ack.seq) {
        unlinkSync(path); // fully acknowledged before a crash
        continue;
      }
      const buf = readFileSync(path);
      const s = scanSegment(buf);
      if (s.validBytes < buf.length) this.cutTail(path, s.validBytes);
      this.segments.push({ seq, path, size: s.validBytes, records: s.records, items: s.items, firstTs: s.firstTs, lastTs: s.lastTs });
      if (ack !== undefined && seq === ack.seq) {
        this.placeHead(seq, ack.offset, s.ends, s.counts);
        placed = true;
      }
    }
    if (this.segments.length === 0 || (ack !== undefined && ack.seq > this.segments[this.segments.length - 1]!.seq)) {
      this.startSegment(Math.max(ack?.seq ?? 0, (this.segments[this.segments.length - 1]?.seq ?? -1) + 1));
    } else {
      this.activeFd = openSync(this.last().path, "a");
    }
    if (!placed) this.setHead({ seq: this.segments[0]!.seq, offset: 0 }, { records: 0, items: 0 });
    this.trimHead();
    this.deleteBeforeHead();
  }

  private cutTail(path: string, valid: number): void {
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, valid);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    this.opts.onDrop?.("corrupt", 1, 0); // a torn tail: its items are unknown
  }

  /** The ack position inside a scanned segment, moved to the next record boundary (a cut tail may end before it). */
  private placeHead(seq: number, offset: number, ends: readonly number[], counts: readonly number[]): void {
    let records = 0;
    let items = 0;
    let at = 0;
    for (let i = 0; i < ends.length && at < offset; i++) {
      at = ends[i]!;
      records++;
      items += counts[i]!;
    }
    this.setHead({ seq, offset: at }, { records, items });
  }

  private last(): Segment {
    return this.segments[this.segments.length - 1]!;
  }

  private startSegment(seq: number): void {
    if (this.activeFd >= 0) closeSync(this.activeFd);
    const path = join(this.opts.dir, segName(seq));
    writeFileSync(path, "");
    this.activeFd = openSync(path, "a");
    this.segments.push({ seq, path, size: 0, records: 0, items: 0, firstTs: Infinity, lastTs: -Infinity });
  }

  private setHead(pos: Position, skipped: { records: number; items: number }): void {
    this.head = pos;
    this.headSkipped = skipped;
  }

  /** Appends records; durable (fsynced) when it returns. */
  append(records: readonly AppendRecord[]): void {
    this.checkOpen();
    const ts = this.now();
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      const buf = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
      writeAll(this.activeFd, buf);
      pending = [];
      pendingBytes = 0;
    };
    for (const r of records) {
      const rec = encodeRecord(r.payload, ts, r.count ?? 1);
      const seg = this.last();
      if (seg.size > 0 && seg.size + rec.length > this.segmentBytes) {
        flush();
        if (this.opts.fsync !== false) fsyncSync(this.activeFd);
        this.startSegment(seg.seq + 1);
      }
      const cur = this.last();
      pending.push(rec);
      pendingBytes += rec.length;
      cur.size += rec.length;
      cur.records++;
      cur.items += r.count ?? 1;
      if (cur.firstTs === Infinity) cur.firstTs = ts;
      cur.lastTs = ts;
    }
    flush();
    if (this.opts.fsync !== false) fsyncSync(this.activeFd);
    this.enforceBounds();
  }

  /** The oldest unacknowledged records (at least one when any, whatever maxBytes), without removing them. */
  peek(limits: { maxRecords?: number; maxBytes?: number; maxItems?: number } = {}): QueueRecord[] {
    this.checkOpen();
    this.enforceBounds();
    const maxRecords = limits.maxRecords ?? Infinity;
    const maxBytes = limits.maxBytes ?? Infinity;
    const maxItems = limits.maxItems ?? Infinity;
    const out: QueueRecord[] = [];
    this.peeked = [];
    let bytes = 0;
    let items = 0;
    let pos = this.head;
    while (out.length < maxRecords) {
      const seg = this.segments.find((s) => s.seq === pos.seq);
      if (seg === undefined) break;
      if (pos.offset >= seg.size) {
        const next = this.segments.find((s) => s.seq > pos.seq);
        if (next === undefined) break;
        pos = { seq: next.seq, offset: 0 };
        continue;
      }
      const header = this.read(seg, pos.offset, RECORD_HEADER_BYTES);
      const len = header.readUInt32LE(0);
      const count = header.readUInt32LE(16);
      const size = RECORD_HEADER_BYTES + len;
      if (out.length > 0 && (bytes + size > maxBytes || items + count > maxItems)) break;
      const payload = this.read(seg, pos.offset + RECORD_HEADER_BYTES, len);
      out.push({ payload, ts: header.readDoubleLE(8), count });
      bytes += size;
      items += count;
      pos = { seq: seg.seq, offset: pos.offset + size };
      this.peeked.push({ ...pos, count, bytes: size });
    }
    return out;
  }

  /**
   * Acknowledges the `n` oldest records (those the last peek returned): they are gone, also after a
   * restart. Records dropped by a bound meanwhile are not counted twice.
   */
  ack(n: number): void {
    this.checkOpen();
    if (n <= 0) return;
    if (n > this.peeked.length) this.peek({ maxRecords: n });
    const done = this.peeked.slice(0, Math.min(n, this.peeked.length));
    this.peeked = [];
    const target = done[done.length - 1];
    if (target === undefined || target.seq < this.head.seq || (target.seq === this.head.seq && target.offset <= this.head.offset)) return;
    let records = target.seq === this.head.seq ? this.headSkipped.records : 0;
    let items = target.seq === this.head.seq ? this.headSkipped.items : 0;
    for (const p of done) {
      if (p.seq === target.seq && (p.seq !== this.head.seq || p.offset > this.head.offset)) {
        records++;
        items += p.count;
      }
    }
    this.setHead({ seq: target.seq, offset: target.offset }, { records, items });
    this.trimHead();
    writeAckFile(this.opts.dir, `${this.head.seq} ${this.head.offset} ${this.headSkipped.items}\n`, this.opts.fsync !== false);
    this.deleteBeforeHead();
  }

  /** Moves the head past fully read segments that are not the one being appended to. */
  private trimHead(): void {
    for (;;) {
      const seg = this.segments.find((s) => s.seq === this.head.seq);
      if (seg === undefined || seg === this.last() || this.head.offset < seg.size) return;
      const next = this.segments.find((s) => s.seq > seg.seq)!;
      this.setHead({ seq: next.seq, offset: 0 }, { records: 0, items: 0 });
    }
  }

  private deleteBeforeHead(): void {
    while (this.segments.length > 1 && this.segments[0]!.seq < this.head.seq) this.removeFirst();
  }

  private removeFirst(): void {
    const seg = this.segments.shift()!;
    if (this.readFd?.seq === seg.seq) {
      closeSync(this.readFd.fd);
      this.readFd = undefined;
    }
    try {
      unlinkSync(seg.path);
    } catch {
      // already gone
    }
  }

  /** Drops the oldest segments while over maxBytes or older than maxAgeMs. */
  private enforceBounds(): void {
    const tooOld = (s: Segment): boolean => this.opts.maxAgeMs > 0 && s.records > 0 && s.lastTs < this.now() - this.opts.maxAgeMs;
    this.deleteBeforeHead();
    while (this.totals().records > 0) {
      const first = this.segments[0]!;
      const reason: DropReason | undefined = this.totals().bytes > this.opts.maxBytes ? "max_bytes" : tooOld(first) ? "max_age" : undefined;
      if (reason === undefined) return;
      const lostRecords = first.records - (first.seq === this.head.seq ? this.headSkipped.records : 0);
      const lostItems = first.items - (first.seq === this.head.seq ? this.headSkipped.items : 0);
      if (first === this.last()) this.startSegment(first.seq + 1);
      this.removeFirst();
      // `peeked` is kept: ack(n) of a batch whose records were dropped meanwhile finds them behind the head
      this.setHead({ seq: this.segments[0]!.seq, offset: 0 }, { records: 0, items: 0 });
      if (lostRecords > 0) this.opts.onDrop?.(reason, lostRecords, lostItems);
    }
  }

  private read(seg: Segment, offset: number, length: number): Buffer {
    if (this.readFd?.seq !== seg.seq) {
      if (this.readFd !== undefined) closeSync(this.readFd.fd);
      this.readFd = { seq: seg.seq, fd: openSync(seg.path, "r") };
    }
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.readFd.fd, buf, got, length - got, offset + got);
      if (n === 0) throw new Error(`disk queue ${this.opts.dir}: ${seg.path} ended at ${offset + got} (expected ${offset + length})`);
      got += n;
    }
    return buf;
  }

  stats(): DiskQueueStats {
    const t = this.totals();
    return { ...t, oldestTs: t.records > 0 ? this.oldestTs() : undefined, segments: this.segments.length };
  }

  /** Unacknowledged bytes, records and items. */
  private totals(): { bytes: number; records: number; items: number } {
    let bytes = 0;
    let records = 0;
    let items = 0;
    for (const s of this.segments) {
      bytes += s.size;
      records += s.records;
      items += s.items;
    }
    bytes -= this.head.offset;
    records -= this.headSkipped.records;
    items -= this.headSkipped.items;
    return { bytes, records, items };
  }

  private oldestTs(): number | undefined {
    for (const s of this.segments) {
      if (s.seq < this.head.seq) continue;
      const offset = s.seq === this.head.seq ? this.head.offset : 0;
      if (offset < s.size) return this.read(s, offset, RECORD_HEADER_BYTES).readDoubleLE(8);
    }
    return undefined;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.activeFd >= 0) closeSync(this.activeFd);
    if (this.readFd !== undefined) closeSync(this.readFd.fd);
    this.activeFd = -1;
    this.readFd = undefined;
  }

  private checkOpen(): void {
    if (this.closed) throw new Error(`disk queue ${this.opts.dir} is closed`);
  }
}

function writeAll(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
