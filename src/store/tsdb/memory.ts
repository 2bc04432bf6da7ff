/**
 * The store's memory by part (bytes), for `loupe_memory_bytes{part}` on /metrics and the formula
 * in docs/format/memory.md. Typed arrays are counted exactly; the series index (objects, Maps and
 * the name trie on the JS heap) is an estimate: INDEX_BYTES_PER_SERIES per series plus its key.
 */
import type Database from "better-sqlite3";
import type { MemSeries, PendingChunk } from "./head.js";

/**
 * JS heap per series for its index entries (MemSeries object, byKey/byId Map entries, dense slot,
 * trie node of its last name segment, empty pending/builders arrays, the 1h RollupBuilder object),
 * measured with 20,000 series of 5-segment names: ~1,690 bytes of heap each with ~35-byte keys.
 */
export const INDEX_BYTES_PER_SERIES = 1_600;

export type StoreMemory = {
  /** Estimated JS heap of the series index (see INDEX_BYTES_PER_SERIES). */
  readonly series_index: number;
  /** Head arrays (timestamps + values, chunk_points each). */
  readonly heads: number;
  /** Closed raw chunks gathered for a row, per series buffer. */
  readonly blocks: number;
  /** Hourly rollup builders' bucket buffers. */
  readonly rollups: number;
  /** Chunks queued for the next SQLite commit. */
  readonly pending: number;
  /** WAL group-commit buffers. */
  readonly wal_buffers: number;
  /** SQLite page cache ceiling of the store's connection (cache_size). */
  readonly sqlite_cache: number;
};

export function storeMemory(series: Iterable<MemSeries>, pending: readonly PendingChunk[], walBuffered: number, db: Database.Database): StoreMemory {
  let index = 0;
  let heads = 0;
  let blocks = 0;
  let rollups = 0;
  for (const s of series) {
    index += INDEX_BYTES_PER_SERIES + s.key.length + (s.name !== s.key ? s.name.length : 0);
    if (s.ts !== undefined) heads += s.ts.byteLength;
    if (s.vs !== undefined) heads += s.vs.byteLength;
    if (s.blockBuf !== undefined) blocks += s.blockBuf.byteLength;
    for (const b of s.builders) if (b !== undefined) rollups += b.bytes;
  }
  let pend = 0;
  for (const c of pending) pend += c.data.byteLength;
  return { series_index: index, heads, blocks, rollups, pending: pend, wal_buffers: walBuffered, sqlite_cache: sqliteCacheBytes(db) };
}

/** cache_size is pages when positive, KiB when negative. */
function sqliteCacheBytes(db: Database.Database): number {
  try {
    const v = Number(db.pragma("cache_size", { simple: true }));
    if (v < 0) return -v * 1024;
    return v * Number(db.pragma("page_size", { simple: true }));
  } catch {
    return 0;
  }
}
