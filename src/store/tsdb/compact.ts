/**
 * Compaction of the 1m tier's levels: 5-minute chunks are made one per sealed raw row (~2 hours,
 * head-close.ts); a long read would fetch a dozen rows a day per series (SQLite costs ~5 µs a row
 * plus ~3 µs a KiB). Once a UTC day is complete (it ended 2 × chunk_span ago, so its rows are
 * sealed), a series' 5-minute chunks starting in that day are merged into one, and the day's
 * 30-minute level (tier 4) is written from them and from the day's raw rows no 5-minute chunk
 * holds, in one transaction: a crash leaves either the rows or the merged chunk with its level.
 * A day compacted again (a late row arrived) has its level replaced. Each series remembers the day
 * it was compacted up to, in memory; after a start one index scan per series finds what is left.
 */
import type { Logger } from "../../lib/logger.js";
import type { ChunkDb, ChunkRow, NewChunk } from "./chunk-db.js";
import { decodeRaw } from "./chunkenc/index.js";
import { decodeRollup, encodeRollup, foldBuckets, RollupBuilder, type Buckets } from "./rollup.js";
import { LEVEL_BLOCK, TIER_30M, TIER_30M_BLOCK, TIER_5M, TIER_RAW, TIER_RES } from "./tiers.js";

const DAY = 86_400_000;
const ALL_FIELDS = ["count", "min", "max", "sum", "last"] as const;

export interface CompactTarget {
  readonly id: number;
  /** Start of the first UTC day not yet compacted (-Infinity: unknown, after a start). */
  compacted1m: number;
  /** 5-minute chunks committed since compaction last looked at the series (reset here). */
  newLevelRows?: number;
}

/** Buckets merged in time order (a bucket split between two chunks is folded into one). */
function mergeBuckets(parts: readonly Buckets[], res: number): Buckets {
  let total = 0;
  for (const d of parts) total += d.n;
  const cols = { ts: new Float64Array(total), count: new Float64Array(total), min: new Float64Array(total), max: new Float64Array(total), sum: new Float64Array(total), last: new Float64Array(total) };
  let k = 0;
  for (const d of parts)
    for (let i = 0; i < d.n; i++, k++) {
      cols.ts[k] = d.ts[i]!;
      cols.count[k] = d.count[i]!;
      cols.min[k] = d.min[i]!;
      cols.max[k] = d.max[i]!;
      cols.sum[k] = d.sum[i]!;
      cols.last[k] = d.last[i]!;
    }
  // chunks do not overlap in time but may come out of start order: a stable sort by bucket start
  // keeps the later `last` after the earlier one
  const order = Array.from({ length: total }, (_, i) => i).sort((x, y) => cols.ts[x]! - cols.ts[y]! || x - y);
  const pick = (f: Float64Array): Float64Array => Float64Array.from(order, (i) => f[i]!);
  const b = new RollupBuilder(res);
  b.addBuckets({ n: total, ts: pick(cols.ts), count: pick(cols.count), min: pick(cols.min), max: pick(cols.max), sum: pick(cols.sum), last: pick(cols.last) }, -Infinity);
  return { n: b.n, ts: b.ts, count: b.count, min: b.min, max: b.max, sum: b.sum, last: b.last };
}

function decoded(row: ChunkRow): Buckets {
  const d = decodeRollup(row.data, ALL_FIELDS);
  return { n: d.n, ts: d.ts, count: d.count!, min: d.min!, max: d.max!, sum: d.sum!, last: d.last! };
}

/** The day's 30-minute buckets: its 5-minute ones folded, and its raw rows no 5-minute chunk holds. */
function halfHours(cdb: ChunkDb, id: number, from: number, to: number, five: Buckets): { half: Buckets; rawWm: number } {
  const raw = new RollupBuilder(TIER_RES[TIER_30M]!);
  for (const row of cdb.unrolledStartingIn(id, from, to)) {
    const d = decodeRaw(row.data);
    raw.addPoints(d.ts, d.values, d.n);
  }
  const half = mergeBuckets([foldBuckets(five, TIER_RES[TIER_5M]!, TIER_RES[TIER_30M]! / TIER_RES[TIER_5M]!), raw], TIER_RES[TIER_30M]!);
  return { half, rawWm: raw.wm };
}

function maxWm(rows: readonly ChunkRow[], other = -Infinity): number | null {
  let wm = other === -Infinity ? null : other;
  for (const row of rows) if (row.wm !== null && (wm === null || row.wm > wm)) wm = row.wm;
  return wm;
}

function levelChunk(id: number, tier: number, b: Buckets, wm: number | null): NewChunk {
  return { series: { id }, tier, start: b.ts[0]!, end: b.ts[b.n - 1]!, points: b.n, wm, data: encodeRollup(b) };
}

/**
 * Merges one day's 5-minute chunks (when more than one) and (re)writes its 30-minute level from
 * them and from the day's raw rows no 5-minute chunk holds (wm null), in one transaction.
 */
function compactDay(cdb: ChunkDb, id: number, day: number): number {
  const rows = cdb.chunksStartingIn(id, TIER_5M, day, day + DAY);
  const five = mergeBuckets(rows.map(decoded), TIER_RES[TIER_5M]!);
  const { half, rawWm } = halfHours(cdb, id, day, day + DAY, five);
  const wm = maxWm(rows, rawWm);
  const add: NewChunk[] = [];
  if (rows.length > 1) add.push(levelChunk(id, TIER_5M, five, wm));
  if (half.n > 0) add.push(levelChunk(id, TIER_30M, half, wm));
  cdb.replaceChunks(id, rows.length > 1 ? rows.map((r) => r.id!) : [], { tiers: [TIER_30M], from: day, to: day + DAY }, add);
  return Math.max(0, rows.length - 1);
}

/**
 * Rewrites a complete block's levels as one row each: its 5-minute chunks merged into one, and its
 * 30-minute level (TIER_30M_BLOCK) from them and the block's unrolled raw rows, replacing its daily
 * 30-minute rows and any older block row (one transaction).
 */
function writeBlock(cdb: ChunkDb, id: number, block: number): void {
  const end = block + LEVEL_BLOCK;
  const rows = cdb.chunksStartingIn(id, TIER_5M, block, end);
  const five = mergeBuckets(rows.map(decoded), TIER_RES[TIER_5M]!);
  const { half, rawWm } = halfHours(cdb, id, block, end, five);
  const wm = maxWm(rows, rawWm);
  const add: NewChunk[] = [];
  if (rows.length > 1) add.push(levelChunk(id, TIER_5M, five, maxWm(rows)));
  if (half.n > 0) add.push(levelChunk(id, TIER_30M_BLOCK, half, wm));
  cdb.replaceChunks(id, rows.length > 1 ? rows.map((r) => r.id!) : [], { tiers: [TIER_30M, TIER_30M_BLOCK], from: block, to: end }, add);
}

/**
 * Merges the 5-minute chunks of a day not yet complete into one once it has MERGE_OPEN_DAY_ROWS of
 * them (one is made per sealed raw row, ~12 a day): a read of the last days fetches a few rows a
 * series instead of a dozen. No 30-minute level is written for such a day. A series' open days are
 * looked at when it has MERGE_OPEN_DAY_ROWS − 1 new chunks since the last look (and once after a
 * start), so an open day holds at most about twice that many rows.
 */
export const MERGE_OPEN_DAY_ROWS = 4;

function mergeOpenDays(cdb: ChunkDb, id: number, cut: number): number {
  const perDay = new Map<number, number>();
  for (const t of cdb.startsBetween(id, TIER_5M, cut, 2 ** 62)) {
    const day = Math.floor(t / DAY) * DAY;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  let merged = 0;
  for (const [day, n] of perDay) {
    if (n < MERGE_OPEN_DAY_ROWS) continue;
    const rows = cdb.chunksStartingIn(id, TIER_5M, day, day + DAY);
    const five = mergeBuckets(rows.map(decoded), TIER_RES[TIER_5M]!);
    cdb.replaceChunks(id, rows.map((r) => r.id!), { tiers: [], from: day, to: day }, [levelChunk(id, TIER_5M, five, maxWm(rows))]);
    merged += rows.length - 1;
  }
  return merged;
}

/**
 * Work of one compaction run, ms: it runs on the event loop (with retention), so a backlog (the
 * first start after an upgrade: every day of 1m chunks made by retention) is spread over runs.
 */
export const COMPACT_BUDGET_MS = 500;

interface SeriesDays {
  /** Start of each 5-minute chunk and raw row from the scan's start to the cut, ascending. */
  readonly starts: number[];
  /** Days (index) with a 30-minute level: a daily row or a block row. */
  readonly halves: Set<number>;
  /** Blocks (start) with a block row. */
  readonly blocks: Set<number>;
  /** 5-minute chunks per day (index). */
  readonly fives: Map<number, number>;
}

/** What one series holds from `from` to `cut`, from the index alone. */
function scanSeries(cdb: ChunkDb, id: number, from: number, cut: number): SeriesDays {
  const fiveStarts = cdb.startsBetween(id, TIER_5M, from, cut);
  const starts = [...fiveStarts, ...cdb.startsBetween(id, TIER_RAW, from, cut)].sort((x, y) => x - y);
  const halves = new Set(cdb.startsBetween(id, TIER_30M, from, cut).map((t) => Math.floor(t / DAY)));
  const blocks = new Set<number>();
  for (const t of cdb.startsBetween(id, TIER_30M_BLOCK, Math.floor(from / LEVEL_BLOCK) * LEVEL_BLOCK, cut)) {
    const b = Math.floor(t / LEVEL_BLOCK) * LEVEL_BLOCK;
    blocks.add(b);
    for (let d = b; d < b + LEVEL_BLOCK; d += DAY) halves.add(d / DAY);
  }
  const fives = new Map<number, number>();
  for (const t of fiveStarts) fives.set(Math.floor(t / DAY), (fives.get(Math.floor(t / DAY)) ?? 0) + 1);
  return { starts, halves, blocks, fives };
}

/**
 * One series' complete days from `from` to `cut`, until `deadline`: each day with more than one
 * 5-minute chunk or no 30-minute level is compacted, and each complete block whose days changed or
 * that has no block row yet gets one (in the same transaction as the day that changed it, so a read
 * never sees a day both in its daily and its block row). Returns where the next run goes on.
 */
function compactSeries(cdb: ChunkDb, id: number, from: number, cut: number, deadline: number, out: { days: number; merged: number }): number {
  const { starts, halves, blocks, fives } = scanSeries(cdb, id, from, cut);
  const blockCut = Math.floor(cut / LEVEL_BLOCK) * LEVEL_BLOCK;
  let i = 0;
  while (i < starts.length) {
    const day = Math.floor(starts[i]! / DAY) * DAY;
    const block = Math.floor(day / LEVEL_BLOCK) * LEVEL_BLOCK;
    let j = i + 1;
    while (j < starts.length && starts[j]! < day + DAY) j++;
    const todo = !halves.has(day / DAY) || (fives.get(day / DAY) ?? 0) > 1;
    if (todo)
      cdb.transaction(() => {
        out.merged += compactDay(cdb, id, day);
        out.days++;
        if (blocks.has(block)) writeBlock(cdb, id, block);
      });
    i = j;
    const next = i < starts.length ? Math.floor(starts[i]! / DAY) * DAY : cut;
    // a complete block whose last day is done gets its rows; one that has them is written again
    // when a late row added a 5-minute chunk to it
    if (block + LEVEL_BLOCK <= blockCut && next >= block + LEVEL_BLOCK) {
      if (!blocks.has(block) || (!todo && cdb.startsBetween(id, TIER_5M, block, block + LEVEL_BLOCK).length > 1)) writeBlock(cdb, id, block);
      blocks.add(block);
    }
    // a long backlog of one series stops at a day boundary and goes on at the next run
    if (todo && performance.now() > deadline && i < starts.length) break;
  }
  return i < starts.length ? Math.floor(starts[i]! / DAY) * DAY : cut;
}

/**
 * Compacts the complete days of every series that have more than one 5-minute chunk or no levels
 * yet, writes the block rows of complete blocks, and merges the 5-minute chunks of days not yet
 * complete, for about `budgetMs` of wall-clock time (at least one day; the series and days not
 * reached go at the next run); returns how many days were compacted.
 */
/**
 * 5-minute chunks one series may gather uncompacted before the commit tick starts a short
 * compaction of such series (a backfill of days seals a dozen rows a day per series within minutes;
 * the retention run, every `retention_interval`, would leave reads of those days to fetch them row
 * by row until then). A series left unfinished by a run stays due.
 */
export const COMPACT_SOON_ROWS = 8;

export function compact1m(cdb: ChunkDb, series: Iterable<CompactTarget>, now: number, chunkSpan: number, log: Logger, budgetMs = COMPACT_BUDGET_MS, stats?: { left: number }): number {
  const cut = Math.floor((now - 2 * chunkSpan) / DAY) * DAY;
  const deadline = performance.now() + budgetMs;
  const out = { days: 0, merged: 0 };
  let left = 0;
  let open = 0;
  let looked = 0;
  for (const s of series) {
    if ((out.days > 0 || open > 0 || looked > 0) && performance.now() > deadline) {
      // not reached: due for the commit tick's short runs (commit.ts)
      if (s.compacted1m < cut) s.newLevelRows = Math.max(s.newLevelRows ?? 0, COMPACT_SOON_ROWS);
      left++;
      continue;
    }
    // the open days of a series are looked at once it has new 5-minute chunks enough to merge (an
    // index query each: with 500,000 series, every series every run would take seconds)
    if (s.newLevelRows === undefined || s.newLevelRows >= MERGE_OPEN_DAY_ROWS - 1) {
      open += mergeOpenDays(cdb, s.id, cut);
      s.newLevelRows = 0;
      looked++;
    }
    if (s.compacted1m >= cut) continue;
    // two days back from where it stopped: a late row's 1m chunk in a compacted day is merged too
    const from = s.compacted1m === -Infinity ? -(2 ** 62) : s.compacted1m - 2 * DAY;
    s.compacted1m = compactSeries(cdb, s.id, from, cut, deadline, out);
    if (s.compacted1m < cut) {
      s.newLevelRows = COMPACT_SOON_ROWS;
      left++;
    }
  }
  if (stats !== undefined) stats.left = left;
  if (out.days > 0 || left > 0 || open > 0)
    log.info("1m rollups compacted: one chunk and its 5- and 30-minute levels a day", { days: out.days, chunks_merged: out.merged, open_day_chunks_merged: open, series_left_for_next_run: left });
  return out.days;
}
