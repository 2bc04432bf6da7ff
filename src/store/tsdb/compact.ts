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
import { TIER_30M, TIER_5M, TIER_RAW, TIER_RES } from "./tiers.js";

const DAY = 86_400_000;
const ALL_FIELDS = ["count", "min", "max", "sum", "last"] as const;

export interface CompactTarget {
  readonly id: number;
  /** Start of the first UTC day not yet compacted (-Infinity: unknown, after a start). */
  compacted1m: number;
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

/**
 * Merges one day's 5-minute chunks (when more than one) and (re)writes its 30-minute level from
 * them and from the day's raw rows no 5-minute chunk holds (wm null), in one transaction.
 */
function compactDay(cdb: ChunkDb, id: number, day: number): number {
  const rows = cdb.chunksStartingIn(id, TIER_5M, day, day + DAY);
  const five = mergeBuckets(rows.map(decoded), TIER_RES[TIER_5M]!);
  const raw = new RollupBuilder(TIER_RES[TIER_30M]!);
  for (const row of cdb.unrolledStartingIn(id, day, day + DAY)) {
    const d = decodeRaw(row.data);
    raw.addPoints(d.ts, d.values, d.n);
  }
  const half = mergeBuckets([foldBuckets(five, TIER_RES[TIER_5M]!, TIER_RES[TIER_30M]! / TIER_RES[TIER_5M]!), raw], TIER_RES[TIER_30M]!);
  let wm: number | null = null;
  for (const row of rows) if (row.wm !== null && (wm === null || row.wm > wm)) wm = row.wm;
  if (raw.wm > (wm ?? -Infinity)) wm = raw.wm;
  const chunk = (tier: number, b: Buckets): NewChunk => ({ series: { id }, tier, start: b.ts[0]!, end: b.ts[b.n - 1]!, points: b.n, wm, data: encodeRollup(b) });
  const add: NewChunk[] = [];
  if (rows.length > 1) add.push(chunk(TIER_5M, five));
  if (half.n > 0) add.push(chunk(TIER_30M, half));
  cdb.replaceChunks(id, rows.length > 1 ? rows.map((r) => r.id!) : [], { tiers: [TIER_30M], from: day, to: day + DAY }, add);
  return Math.max(0, rows.length - 1);
}

/**
 * Work of one compaction run, ms: it runs on the event loop (with retention), so a backlog (the
 * first start after an upgrade: every day of 1m chunks made by retention) is spread over runs.
 */
export const COMPACT_BUDGET_MS = 500;

/**
 * Compacts the complete days of every series that have more than one 1m chunk or no levels yet,
 * for about `budgetMs` of wall-clock time (at least one day; the series and days not reached go
 * at the next run); returns how many days were compacted.
 */
export function compact1m(cdb: ChunkDb, series: Iterable<CompactTarget>, now: number, chunkSpan: number, log: Logger, budgetMs = COMPACT_BUDGET_MS): number {
  const cut = Math.floor((now - 2 * chunkSpan) / DAY) * DAY;
  const deadline = performance.now() + budgetMs;
  let merged = 0;
  let days = 0;
  let left = 0;
  for (const s of series) {
    if (s.compacted1m >= cut) continue;
    if (days > 0 && performance.now() > deadline) {
      left++;
      continue;
    }
    // two days back from where it stopped: a late row's 1m chunk in a compacted day is merged too
    const from = s.compacted1m === -Infinity ? -(2 ** 62) : s.compacted1m - 2 * DAY;
    // the days holding data: 5-minute chunks or raw rows (index only)
    const starts = [...cdb.startsBetween(s.id, TIER_5M, from, cut), ...cdb.startsBetween(s.id, TIER_RAW, from, cut)].sort((x, y) => x - y);
    const halves = new Set(cdb.startsBetween(s.id, TIER_30M, from, cut).map((t) => Math.floor(t / DAY)));
    const fives = new Map<number, number>();
    for (const t of cdb.startsBetween(s.id, TIER_5M, from, cut)) fives.set(Math.floor(t / DAY), (fives.get(Math.floor(t / DAY)) ?? 0) + 1);
    let i = 0;
    while (i < starts.length) {
      const day = Math.floor(starts[i]! / DAY) * DAY;
      let j = i + 1;
      while (j < starts.length && starts[j]! < day + DAY) j++;
      const todo = !halves.has(day / DAY) || (fives.get(day / DAY) ?? 0) > 1;
      if (todo) {
        merged += compactDay(cdb, s.id, day);
        days++;
      }
      i = j;
      // a long backlog of one series stops at a day boundary and goes on at the next run
      if (todo && performance.now() > deadline && i < starts.length) break;
    }
    s.compacted1m = i < starts.length ? Math.floor(starts[i]! / DAY) * DAY : cut;
  }
  if (days > 0 || left > 0) log.info("1m rollups compacted: one chunk and its 5- and 30-minute levels a day", { days, chunks_merged: merged, series_left_for_next_run: left });
  return days;
}
