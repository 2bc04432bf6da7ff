/**
 * The write path: each sample is validated, appended to its series' head (closing the head when
 * it is full or would span too long) and recorded in the batch's WAL record; new series are
 * created in one transaction within the [store] max_series budget.
 */
import { StoreWriteError } from "../../lib/errors.js";
import { seriesKey, type Sample, type Tags } from "../../model/index.js";
import { tryCommit } from "./commit.js";
import type { EngineState } from "./engine-state.js";
import { closeHead } from "./head-close.js";
import { APPENDED, TOO_OLD, type MemSeries } from "./head.js";

/** A rejection when writes are refused now (closed, or a failed commit that fails again), else undefined. */
export function refuseNow(e: EngineState): Promise<void> | undefined {
  if (e.closed) return Promise.reject(new StoreWriteError("the store is closed", undefined, "store_closed"));
  if (e.failure !== undefined) {
    // retry the commit that failed; refuse while it keeps failing
    if (!tryCommit(e)) {
      e.writesRefused++;
      return Promise.reject(refusal(e.failure));
    }
  }
  return undefined;
}

/** Makes the scratch columns of a batch's WAL record hold n points. */
function scratch(e: EngineState, n: number): void {
  if (e.bIds.length < n) {
    const size = Math.max(n, e.bIds.length * 2);
    e.bIds = new Float64Array(size);
    e.bTs = new Float64Array(size);
    e.bVs = new Float64Array(size);
  }
}

/** Commits when enough chunks are queued, then logs the batch's m accepted points in the WAL. */
function finishWrite(e: EngineState, m: number): Promise<void> {
  if (e.pending.length >= (e.opts.commitChunks ?? 4096)) tryCommit(e);
  if (m === 0) return Promise.resolve();
  return e.wal.write(e.bIds, e.bTs, e.bVs, m).catch((err: unknown) => {
    e.writesRefused++;
    throw refusal(err as Error);
  });
}

/** The columnar fast path (ResolvedWrites): like write() for series that exist, found by id. */
export function writeResolved(e: EngineState, ids: Float64Array, ts: Float64Array, values: Float64Array, n: number): Promise<void> {
  const refused = refuseNow(e);
  if (refused !== undefined) return refused;
  if (n === 0) return Promise.resolve();
  scratch(e, n);
  e.now = e.opts.clock.now();
  const index = e.index;
  const seg = e.wal.segment;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const s = index.get(ids[i]!);
    if (s !== undefined) m = takePoint(e, s, ts[i]!, values[i]!, seg, m);
  }
  return finishWrite(e, m);
}

export function writeSamples(e: EngineState, batch: readonly Sample[]): Promise<void> {
  const refused = refuseNow(e);
  if (refused !== undefined) return refused;
  const n = batch.length;
  if (n === 0) return Promise.resolve();
  scratch(e, n);
  e.now = e.opts.clock.now();
  const byKey = e.index.byKey;
  const seg = e.wal.segment;
  let m = 0;
  let missing: number[] | undefined;
  for (let i = 0; i < n; i++) {
    const smp = batch[i]!;
    const s = smp.tags === undefined ? byKey.get(smp.name) : taggedSeries(e, smp.name, smp.tags);
    if (s === undefined) {
      if (smp.name !== "") (missing ??= []).push(i);
      continue;
    }
    m = takePoint(e, s, smp.ts, +smp.value, seg, m);
  }
  if (missing !== undefined) {
    // new series: created in one transaction, then their samples (in order)
    const keyOf = (smp: Sample): string => (smp.tags === undefined ? smp.name : seriesKey(smp.name, smp.tags));
    try {
      createSeries(e, missing.map((i) => keyOf(batch[i]!)));
    } catch (err) {
      e.writesRefused++;
      return Promise.reject(refusal(err as Error));
    }
    for (const i of missing) {
      const smp = batch[i]!;
      const s = byKey.get(keyOf(smp));
      if (s !== undefined) m = takePoint(e, s, smp.ts, +smp.value, seg, m);
      else e.budget.pointsRefused++; // its series was refused ([store] max_series)
    }
  }
  return finishWrite(e, m);
}

/**
 * The series of a tagged sample. Ingest hands out one frozen tags object per tag set (parsers
 * cache them), so series are cached per frozen tags object and name: two Map lookups instead of
 * building the canonical key (sorting the tag keys, concatenating) for every sample. Tags objects
 * that are not frozen could change between writes and always go through the key.
 */
function taggedSeries(e: EngineState, name: string, tags: Tags): MemSeries | undefined {
  if (!Object.isFrozen(tags)) return e.index.byKey.get(seriesKey(name, tags));
  let byName = e.tagCache.get(tags);
  let s = byName?.get(name);
  if (s !== undefined) return s;
  s = e.index.byKey.get(seriesKey(name, tags));
  if (s !== undefined) {
    if (byName === undefined) e.tagCache.set(tags, (byName = new Map()));
    byName.set(name, s);
  }
  return s;
}

/** Validates and appends one point, recording it for the WAL record at position m; returns the next m. */
function takePoint(e: EngineState, s: MemSeries, ts: number, v: number, seg: number, m: number): number {
  let t = ts;
  if (!Number.isSafeInteger(t)) {
    if (!Number.isFinite(t)) return m;
    t = Math.round(t);
  }
  if (t < 0 || t >= 2 ** 49) return m;
  if (!appendOne(e, s, t, v, seg)) return m;
  e.bIds[m] = s.id;
  e.bTs[m] = t;
  e.bVs[m] = v;
  return m + 1;
}

export function refusal(err: Error): StoreWriteError {
  if (err instanceof StoreWriteError) return err;
  const code = (err as { code?: string }).code;
  const full = code === "ENOSPC" || code === "SQLITE_FULL" || /disk is full|no space/i.test(err.message);
  return new StoreWriteError(
    full ? `cannot store the write: disk full (${err.message}); data stored before stays readable` : `cannot store the write: ${err.message}`,
    err,
    full ? "store_full" : "store_write_failed",
  );
}

function createSeries(e: EngineState, keys: string[]): void {
  let uniq = [...new Set(keys)].filter((k) => !e.index.byKey.has(k));
  const room = e.budget.room(e.index.size);
  if (uniq.length > room) {
    e.budget.refuseSeries(uniq.slice(room));
    uniq = uniq.slice(0, room);
  }
  if (uniq.length === 0) return;
  const ids = e.cdb.insertSeries(uniq, e.opts.clock.now());
  for (let i = 0; i < uniq.length; i++) e.newSeries(ids[i]!, uniq[i]!);
}

/** Appends one point (closing the head when needed); false when it was too old to keep. */
export function appendOne(e: EngineState, s: MemSeries, t: number, v: number, seg: number): boolean {
  if (s.ts === undefined) {
    // a series' first head comes out of the [store] max_series budget (a too-old point takes none)
    if (t <= s.closedEnd) {
      e.droppedTooOld++;
      return false;
    }
    if (!e.budget.takeHead(e.replaying)) return false;
  }
  if (s.n > 0) {
    const span = e.chunkSpan;
    if (t - s.headFirst >= span || s.headLast - t >= span) {
      if (t > s.closedEnd) closeHead(e, s);
    }
  }
  const cap = e.chunkPoints;
  if (s.n === 0) s.headAt = e.now;
  s.touched = e.now;
  const r = s.append(t, v, cap, seg);
  if (r === TOO_OLD) {
    e.droppedTooOld++;
    return false;
  }
  if (r === APPENDED && s.n >= cap) closeHead(e, s);
  return true;
}
