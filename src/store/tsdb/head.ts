/**
 * A series in memory: its identity, its head (the open chunk, points in two typed arrays kept in
 * timestamp order), its closed-but-uncommitted chunks and its rollup builders.
 */
import { MERGE_OPEN_DAY_ROWS } from "./compact.js";
import type { Tags } from "../../model/index.js";
import type { RollupBuilder } from "./rollup.js";

export interface PendingChunk {
  readonly series: MemSeries;
  readonly tier: number;
  readonly start: number;
  readonly end: number;
  readonly points: number;
  readonly wm: number | null;
  readonly data: Uint8Array;
  /** Oldest WAL segment holding one of its points (raw chunks); Infinity for rollups. */
  readonly seg: number;
}

/**
 * Head arrays are views into shared slabs (64 KiB each) rather than two buffers of their own per
 * series: with 10,000 series that is 20,000 fewer ArrayBuffers (each a JS object plus a malloc
 * block) and a faster first write. A series keeps its views for its life (a deleted series' share
 * of a slab is not reused; deleting series is rare).
 */
class HeadPool {
  private slab = new Float64Array(0);
  private used = 0;
  /** First heads given back when their series grew, handed to new series. */
  private readonly small: Float64Array[] = [];

  /** A first head (FIRST_HEAD points). */
  takeSmall(): Float64Array {
    return this.small.pop() ?? this.take(FIRST_HEAD);
  }

  giveSmall(v: Float64Array): void {
    if (v.length === FIRST_HEAD) this.small.push(v);
  }

  take(n: number): Float64Array {
    if (this.used + n > this.slab.length) {
      if (n > 8192 / 2) return new Float64Array(n);
      this.slab = new Float64Array(8192);
      this.used = 0;
    }
    const v = this.slab.subarray(this.used, this.used + n);
    this.used += n;
    return v;
  }
}

/**
 * A new series' head holds this many points; at its 17th it grows once to chunk_points (its first
 * views go back to the pool for the next new series). Most series of a wide, short workload never
 * grow: 100,000 series of 10 points hold 256 bytes of head each instead of 1,920 (chunk_points 120).
 */
export const FIRST_HEAD = 16;

const headPool = new HeadPool();

export const APPENDED = 0;
export const REPLACED = 1;
export const TOO_OLD = 2;

export class MemSeries {
  ts: Float64Array | undefined;
  vs: Float64Array | undefined;
  n = 0;
  /** First and last timestamp of the head (valid when n > 0): kept here to spare array reads. */
  headFirst = 0;
  headLast = 0;
  /** Oldest WAL segment holding a head point. */
  headSeg = Infinity;
  /** Wall-clock time (ms) of the head's first point and of the series' last point (idle heads close). */
  headAt = 0;
  touched = 0;
  /** Last timestamp of the closed chunks: older points are refused. */
  closedEnd = -Infinity;
  lastTs = -Infinity;
  lastValue = NaN;
  /**
   * Raw resolution estimate (ms), 0 when unknown: the shortest recent spacing. One long gap (an
   * agent restarting, a late single point) must not turn a 60 s series into a 5-minute one, so a
   * longer spacing is adopted only after it was seen three times in a row (resolution got coarser).
   */
  interval = 0;
  private longerSpacings = 0;
  /**
   * Closed raw chunks not yet sealed into a row (memory + WAL): their bytes, each behind a u32
   * length, in one buffer per series (reused row after row), and what the row needs of them in
   * fields — no object per chunk (60,000 of them with 10,000 series cost ~6 MiB of heap).
   */
  blockBuf: Uint8Array | undefined;
  blockLen = 0;
  blockCount = 0;
  blockPoints = 0;
  /** First timestamp of the block's first chunk and last of its last (valid when blockCount > 0). */
  blockStart = 0;
  blockEnd = 0;
  /** Oldest WAL segment holding a point of the block. */
  blockSeg = Infinity;
  pending: PendingChunk[] = [];
  /**
   * End of the newest committed raw row no 5-minute chunk holds (wm null: sparse, or written before
   * the level was built as data arrives); undefined until a level read asks the database once.
   */
  unrolledEnd: number | undefined = undefined;
  /** Start of the first UTC day whose 5-minute chunks are not yet compacted (compact.ts). */
  compacted1m = -Infinity;
  /**
   * 5-minute chunks committed since compaction last looked at the series' open days (a backfill
   * triggers a run); starts as if there were enough, so the first run after a start looks once.
   */
  newLevelRows = MERGE_OPEN_DAY_ROWS;
  /** Rollup builders by tier (index 2 = 1h; the 1m tier's level is made per row), undefined when the tier is disabled. */
  builders: Array<RollupBuilder | undefined> = [];

  /** Feeds one spacing between consecutive points into the resolution estimate. */
  noteSpacing(d: number): void {
    if (!(d > 0)) return;
    if (this.interval === 0 || d <= this.interval) {
      this.interval = d;
      this.longerSpacings = 0;
    } else if (++this.longerSpacings >= 3) {
      this.interval = d;
      this.longerSpacings = 0;
    }
  }

  constructor(
    readonly id: number,
    readonly key: string,
    readonly name: string,
    readonly tags: Tags,
  ) {}

  /** Copies an encoded chunk (points start..end, n of them) into the block. */
  keepChunk(bytes: Uint8Array, start: number, end: number, n: number, seg: number, rowChunks: number): void {
    const off = this.blockLen;
    const need = off + 4 + bytes.length;
    let buf = this.blockBuf;
    if (buf === undefined || need > buf.length) {
      // first sized for a row of chunks like this one, with 15 % to spare; then grown by 1.25×
      const size = buf === undefined ? Math.ceil((4 + bytes.length) * rowChunks * 1.15) : Math.ceil(need * 1.25);
      const bigger = new Uint8Array(Math.max(64, need, size));
      if (buf !== undefined) bigger.set(buf.subarray(0, off));
      buf = this.blockBuf = bigger;
    }
    const len = bytes.length;
    buf[off] = len & 0xff;
    buf[off + 1] = (len >>> 8) & 0xff;
    buf[off + 2] = (len >>> 16) & 0xff;
    buf[off + 3] = len >>> 24;
    buf.set(bytes, off + 4);
    this.blockLen = need;
    if (this.blockCount === 0) this.blockStart = start;
    this.blockEnd = end;
    this.blockCount++;
    this.blockPoints += n;
    if (seg < this.blockSeg) this.blockSeg = seg;
  }

  /** The encoded chunks of the block, oldest first. */
  blockChunks(): Uint8Array[] {
    const out: Uint8Array[] = [];
    const buf = this.blockBuf;
    if (buf === undefined) return out;
    let p = 0;
    while (p < this.blockLen) {
      const len = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
      out.push(buf.subarray(p + 4, p + 4 + len));
      p += 4 + len;
    }
    return out;
  }

  /** Empties the block (keeps its buffer). */
  clearBlock(): void {
    this.blockLen = 0;
    this.blockCount = 0;
    this.blockPoints = 0;
    this.blockSeg = Infinity;
  }

  /**
   * Puts a point in the head. The caller closes the head first when the point would make it span
   * too long, and after when it is full. Returns APPENDED, REPLACED (same timestamp: last value
   * wins) or TOO_OLD (at or before the closed chunks).
   */
  append(t: number, v: number, cap: number, seg: number): number {
    if (t <= this.closedEnd) return TOO_OLD;
    const prev = this.lastTs;
    if (t >= prev) {
      this.lastTs = t;
      this.lastValue = v;
    }
    const n = this.n;
    let ts = this.ts;
    let vs = this.vs;
    if (ts === undefined || vs === undefined) {
      const small = cap > FIRST_HEAD;
      ts = this.ts = small ? headPool.takeSmall() : headPool.take(cap);
      vs = this.vs = small ? headPool.takeSmall() : headPool.take(cap);
    } else if (n >= ts.length && n < cap) {
      // the first head is full: grow once to chunk_points
      const nts = headPool.take(cap);
      const nvs = headPool.take(cap);
      nts.set(ts.subarray(0, n));
      nvs.set(vs.subarray(0, n));
      headPool.giveSmall(ts);
      headPool.giveSmall(vs);
      ts = this.ts = nts;
      vs = this.vs = nvs;
    }
    if (n === 0) {
      // a head's first point: the spacing from the series' previous point (in a closed chunk)
      if (t > prev && prev > -Infinity) this.noteSpacing(t - prev);
      ts[0] = t;
      vs[0] = v;
      this.n = 1;
      this.headSeg = seg;
      this.headFirst = t;
      this.headLast = t;
      return APPENDED;
    }
    if (seg < this.headSeg) this.headSeg = seg;
    const last = this.headLast;
    if (t > last) {
      ts[n] = t;
      vs[n] = v;
      this.n = n + 1;
      this.noteSpacing(t - last);
      this.headLast = t;
      return APPENDED;
    }
    // out of order within the head: binary search
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ts[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    if (ts[lo] === t) {
      vs[lo] = v;
      return REPLACED;
    }
    ts.copyWithin(lo + 1, lo, n);
    vs.copyWithin(lo + 1, lo, n);
    ts[lo] = t;
    vs[lo] = v;
    this.n = n + 1;
    if (lo === 0) this.headFirst = t;
    return APPENDED;
  }
}
