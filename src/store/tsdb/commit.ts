/**
 * Commit: queued chunks go to SQLite in one transaction (when enough gathered, each tick, at
 * retention and at stop); after each commit, WAL segments whose points are all committed are
 * deleted. A failed commit is remembered and writes are refused until a retry succeeds.
 */
import { statSync } from "node:fs";
import { errorMessage } from "../../lib/errors.js";
import type { EngineState } from "./engine-state.js";
import { closeBuilder, closeHead, closeIdleHeads, sealRow } from "./head-close.js";
import { applyRetention } from "./retention.js";
import { COMPACT_SOON_ROWS, compact1m } from "./compact.js";
import type { MemSeries } from "./head.js";
import { TIER_1H, TIER_1M, TIER_5M, tierEnabled } from "./tiers.js";
import { refreshCounts } from "./stats.js";

/** Hourly buckets a builder must hold to be written at close (fewer are rebuilt from raw rows at start). */
const CLOSE_MIN_BUCKETS = 12;

/** Default `[store] head_idle`. */
export const HEAD_IDLE_MS = 30_000;

/** Work of a compaction started by tick (ms), and the least time between two. */
const COMPACT_SOON_BUDGET_MS = 200;
const COMPACT_SOON_EVERY_MS = 2000;

/** The series with COMPACT_SOON_ROWS level rows or more that compaction has not looked at. */
function* dueSeries(e: EngineState): Generator<MemSeries> {
  for (const s of e.index.byId.values()) if (s.newLevelRows >= COMPACT_SOON_ROWS) yield s;
}

export function tick(e: EngineState): void {
  if (e.closed) return;
  if (e.pending.length > 0 || e.failure !== undefined) tryCommit(e);
  const idle = e.opts.headIdleMs ?? HEAD_IDLE_MS;
  const now = e.opts.clock.now();
  if (now - e.lastSweep >= Math.min(15_000, Math.max(1000, idle / 4))) sweepIdle(e, now);
  if (e.compactDue && e.failure === undefined && Date.now() - e.lastCompactRun >= COMPACT_SOON_EVERY_MS) {
    e.compactDue = false;
    e.lastCompactRun = Date.now();
    try {
      const stats = { left: 0 };
      // any run may rewrite rows (days compacted, open days merged, block rows)
      compact1m(e.cdb, dueSeries(e), now, e.chunkSpan, e.opts.log, COMPACT_SOON_BUDGET_MS, stats);
      e.compactShrink = true;
      if (stats.left > 0) e.compactDue = true;
      else if (e.compactShrink) {
        // the backlog is done: the rows it replaced leave free pages and SQLite's WAL holds the new
        // ones; give both back now rather than at the next retention run (disk while running)
        e.compactShrink = false;
        e.cdb.shrink();
      }
    } catch (err) {
      e.opts.log.error("compaction failed", { err: errorMessage(err) });
    }
  }
}

/**
 * Bounded WAL while running: closes idle heads, commits them, and starts a new WAL segment when
 * nothing pins the current one (every head and row closed) or it is 10 × head_idle old, so that
 * segments whose points are all committed are deleted continuously rather than at a stop.
 */
export function sweepIdle(e: EngineState, now: number): void {
  e.lastSweep = now;
  const idle = e.opts.headIdleMs ?? HEAD_IDLE_MS;
  const { closed, open } = closeIdleHeads(e, now, idle);
  if (closed > 0 && !tryCommit(e)) return;
  if (closed > 0 || sqliteWalBytes(e) > SQLITE_WAL_MAX) checkpointSqlite(e);
  if (e.wal.segment !== e.segSeen) {
    e.segSeen = e.wal.segment;
    e.segSeenAt = now;
  }
  if (open > 0 && now - e.segSeenAt < 10 * idle) return;
  try {
    if (e.wal.rotateIfQuiet()) truncateWal(e);
  } catch (err) {
    e.opts.log.error("wal segment rotation failed", { err: errorMessage(err) });
  }
}

/** Commits queued chunks; on failure remembers the error (writes are refused) and keeps them queued. */
export function tryCommit(e: EngineState): boolean {
  try {
    commitPending(e);
    if (e.failure !== undefined) e.opts.log.info("store writes accepted again");
    e.failure = undefined;
    return true;
  } catch (err) {
    if (e.failure === undefined) e.opts.log.error("store commit failed; refusing writes", { err: errorMessage(err) });
    e.failure = err as Error;
    return false;
  }
}

export function commitPending(e: EngineState): void {
  e.lastCommit = e.opts.clock.now();
  const batch = e.pending;
  if (batch.length === 0) return;
  e.cdb.insertChunks(batch);
  e.pending = [];
  for (const c of batch) {
    c.series.pending = [];
    // the 1m tier's levels (tiers 3 and 4) are not counted as points (tsdb_tier_stats has no row for them)
    if (c.tier <= TIER_1H) e.committedPoints[c.tier]! += c.points;
    else if (c.tier === TIER_5M && ++c.series.newLevelRows >= COMPACT_SOON_ROWS && tierEnabled(e.tiers, TIER_1M)) e.compactDue = true;
  }
  e.committedChunks += batch.length;
  truncateWal(e);
}

/** Deletes WAL segments whose points are all in committed chunks; closes heads that pin old segments. */
export function truncateWal(e: EngineState): void {
  let min = e.wal.segment;
  for (const c of e.pending) if (c.seg < min) min = c.seg;
  // a head or row pinning a segment with 3 segments' worth of log after it (an idle series, a
  // slow one) would keep the WAL growing: it is closed
  const tooOld = e.wal.segmentHolding(3 * e.wal.segmentBytes);
  let pinning = 0;
  for (const s of e.index.byId.values()) {
    let pin = s.n > 0 ? s.headSeg : Infinity;
    if (s.blockSeg < pin) pin = s.blockSeg;
    if (pin < min) {
      if (pin <= tooOld) {
        closeHead(e, s);
        sealRow(e, s);
        pinning++;
      } else min = pin;
    }
  }
  if (pinning > 0) return; // their chunks commit with the next batch, then the segments go
  e.wal.truncateBefore(min);
}

/** SQLite's WAL file size beyond which the sweep checkpoints it even while writes go on. */
const SQLITE_WAL_MAX = 64 * 1024 * 1024;

function sqliteWalBytes(e: EngineState): number {
  try {
    return statSync(`${e.db.name}-wal`).size;
  } catch {
    return 0; // in-memory database, or no WAL file yet
  }
}

/**
 * Copies SQLite's WAL into the database file and truncates it: the WAL file otherwise keeps its
 * largest size (up to the 1000-page autocheckpoint plus the last transaction, ~16 MiB and more)
 * until a stop, counted on disk twice with the database pages it holds.
 */
function checkpointSqlite(e: EngineState): void {
  try {
    e.db.pragma("wal_checkpoint(TRUNCATE)");
  } catch (err) {
    e.opts.log.warn("sqlite wal checkpoint failed", { err: errorMessage(err) });
  }
}

export function runRetention(e: EngineState): void {
  if (e.closed) return;
  tryCommit(e);
  sweepIdle(e, e.opts.clock.now());
  applyRetention(e.cdb, e.tiers, e.opts.maxSize, e.opts.clock.now(), e.opts.log, e.wal.bytes());
  if (tierEnabled(e.tiers, TIER_1M)) {
    // what this run leaves (a backlog) goes on in short runs from the commit tick
    const stats = { left: 0 };
    compact1m(e.cdb, e.index.byId.values(), e.opts.clock.now(), e.chunkSpan, e.opts.log, undefined, stats);
    if (stats.left > 0) e.compactDue = true;
  }
  truncateWal(e);
  refreshCounts(e);
}

/**
 * Closes every head and builder and commits them. At close (`atClose`), an hourly builder holding
 * fewer than CLOSE_MIN_BUCKETS buckets is not written: every stop would otherwise leave one tiny
 * rollup row per series (~150 bytes with its index entry, for a few buckets). Its buckets are
 * rebuilt at the next start from the raw rows past its watermark (rebuildRollups, as after a
 * crash), which costs at most that many hours of raw data per series to decode.
 */
export function flushAll(e: EngineState, atClose: boolean): void {
  for (const s of e.index.byId.values()) {
    closeHead(e, s);
    sealRow(e, s);
    if (!atClose || (s.builders[TIER_1H]?.n ?? 0) >= CLOSE_MIN_BUCKETS) closeBuilder(e, s, TIER_1H);
  }
  commitPending(e);
}
