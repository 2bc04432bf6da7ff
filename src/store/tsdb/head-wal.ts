/**
 * Start: the series index is loaded, each series gets what it needs of its newest raw row (end,
 * last point, spacing) and its hourly builder's watermark, the builder is refilled from raw rows
 * past it, then the point WAL is replayed into the heads within the [store] max_series budget.
 */
import { decodeChunkInto, decodeRaw, FORMAT_RAW } from "./chunkenc/index.js";
import { commitPending, truncateWal } from "./commit.js";
import type { EngineState } from "./engine-state.js";
import { appendOne } from "./head-append.js";
import { feedRollups } from "./head-close.js";
import type { MemSeries } from "./head.js";
import { takeRollupState } from "./rollup-state.js";
import { TIER_1H, TIER_RAW } from "./tiers.js";

export interface StartReport {
  readonly walRecords: number;
  readonly walSamples: number;
  readonly walUnknownSeries: number;
  readonly rollupChunksRebuilt: number;
  readonly rollupBuildersRestored: number;
}

/** Loads the engine's state from the database and the WAL (see the file comment). */
export function loadEngine(e: EngineState): StartReport {
  e.now = e.opts.clock.now(); // replayed heads count as written now (for head_idle)
  for (const { id, key } of e.cdb.loadSeries()) e.newSeries(id, key);
  for (const r of e.cdb.pointsByTier()) {
    e.committedPoints[r.tier] = r.points;
    e.committedChunks += r.chunks;
  }
  const saved = takeRollupState(e.opts.walDir, (why) => e.opts.log.warn("saved rollup state ignored; rebuilding from raw rows", { why }));
  let rebuilt = 0;
  let restored = 0;
  for (const s of e.index.byId.values()) {
    loadLastRow(e, s);
    const b1h = s.builders[TIER_1H];
    if (b1h !== undefined) {
      const lastRollup = e.cdb.lastChunk(s.id, TIER_1H);
      if (lastRollup?.wm != null) b1h.wm = b1h.base = lastRollup.wm;
      // the state saved at the last clean stop, when the database still ends where it did then
      const sv = saved.get(s.id);
      if (sv !== undefined && sv.closedEnd === s.closedEnd && sv.base === b1h.base) {
        b1h.addBuckets(sv.buckets, sv.wm);
        restored++;
      }
    }
    rebuilt += rebuildRollups(e, s);
  }
  const { records, samples, unknown } = replayWal(e);
  commitPending(e);
  truncateWal(e);
  return { walRecords: records, walSamples: samples, walUnknownSeries: unknown, rollupChunksRebuilt: rebuilt, rollupBuildersRestored: restored };
}

/** Decodes a row into the reused scratch arrays when it is one raw chunk (no garbage per row). */
function decodeRow(e: EngineState, data: Uint8Array, points: number): { n: number; ts: Float64Array; values: Float64Array } {
  e.rowScratch(points);
  const got = data[0] === FORMAT_RAW ? decodeChunkInto(data, e.rowTs, e.rowVs, 0) : 0;
  return got === points ? { n: points, ts: e.rowTs, values: e.rowVs } : decodeRaw(data);
}

/** End of the newest raw row (older points are refused), its last point (latest()) and spacing. */
function loadLastRow(e: EngineState, s: MemSeries): void {
  const last = e.cdb.lastChunk(s.id, TIER_RAW);
  if (last === undefined) return;
  s.closedEnd = last.end_ts;
  const d = decodeRow(e, last.data, last.points);
  if (d.n > 0) {
    s.lastTs = d.ts[d.n - 1]!;
    s.lastValue = d.values[d.n - 1]!;
    for (let i = Math.max(1, d.n - 8); i < d.n; i++) s.noteSpacing(d.ts[i]! - d.ts[i - 1]!);
  }
}

/**
 * Replays the WAL into the heads, oldest segment first, within the same series budget as writes
 * (points of series that would need a head beyond [store] max_series are skipped and counted).
 */
function replayWal(e: EngineState): { records: number; samples: number; unknown: number } {
  if (e.index.size > e.budget.maxSeries)
    e.opts.log.warn("the database holds more series than [store] max_series: all stay readable, no new series are accepted, and only max_series of them get a head", { series: e.index.size, max_series: e.budget.maxSeries });
  let unknown = 0;
  e.replaying = true;
  let r: { records: number; samples: number };
  try {
    r = e.wal.replay((seg, id, ts, v) => {
      const s = e.index.byId.get(id);
      if (s === undefined) {
        unknown++;
        return;
      }
      appendOne(e, s, ts, v, seg);
    });
  } finally {
    e.replaying = false;
  }
  if (e.budget.replaySkipped > 0)
    e.opts.log.warn("wal replay skipped points of series beyond [store] max_series (no head budget left)", { skipped_points: e.budget.replaySkipped, max_series: e.budget.maxSeries });
  return { ...r, unknown };
}

/** Refills the 1h builder from raw chunks committed past its watermark (after a crash or a stop). */
function rebuildRollups(e: EngineState, s: MemSeries): number {
  let n = 0;
  const b1h = s.builders[TIER_1H];
  if (b1h !== undefined && s.closedEnd > b1h.wm) {
    for (const row of e.cdb.after(s.id, TIER_RAW, b1h.wm)) {
      const d = decodeRow(e, row.data, row.points);
      feedRollups(e, s, d.ts, d.values, d.n); // skips what is at or before the watermark
      n++;
    }
  }
  return n;
}
