import { opt } from "../options.js";

export const storeSection = {
  fsync: opt.enum(
    ["batch", "always", "off"] as const,
    "batch",
    "WAL durability: batch = fsync once per flush before acknowledging writes; always = fsync every write; off = leave it to the OS",
  ),
  wal_flush_interval: opt.duration("50ms", "longest time a write waits for its WAL group commit"),
  chunk_points: opt.int(120, "points per closed chunk", { min: 8, max: 10000 }),
  chunk_span: opt.duration("2h", "longest time span of one chunk", { min: 60_000 }),
  head_idle: opt.duration(
    "30s",
    "an open chunk that received no point for this long (or for 3 of its series' intervals, if longer) is closed and committed, and so is one open for chunk_span of wall-clock time: the point WAL is then truncated while running instead of growing until a stop",
    { min: 1000 },
  ),
  max_size: opt.size("0", "size guard for the database file plus the point WAL; the oldest raw data is dropped beyond it (0 = no limit)"),
  max_series: opt.int(
    20_000,
    "most series the store holds; new series beyond it are refused and counted (loupe_store_series_refused_total), existing ones keep being written, and the WAL replay at start stays within it. Budget ~16 KiB of RSS per series (docs/format/memory.md): 20,000 series is ~320 MiB on top of ~130 MiB for the process, well inside a 1 GiB VM",
    { min: 1, max: 100_000_000 },
  ),
  retention_interval: opt.duration("10m", "how often retention and the size guard run", { min: 1000 }),
} as const;

export const retentionSection = {
  raw: opt.duration("15d", "how long full-resolution data is kept"),
  rollup_1m: opt.duration("90d", "how long 1-minute rollups are kept (0 disables the tier)"),
  rollup_1h: opt.duration("2y", "how long 1-hour rollups are kept (0 disables the tier)"),
} as const;
