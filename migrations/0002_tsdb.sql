-- The time-series store (src/store/tsdb/). Points live in compressed chunks, never one row per point.
-- tsdb_series: one row per series (canonical key `name` or `name;k=v;…`). AUTOINCREMENT so a deleted
-- series' id is never reused (the point WAL refers to series by id).
CREATE TABLE tsdb_series (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  key        TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;

-- tsdb_chunks: one encoded chunk (docs/format/chunk.md) of one series and tier.
--   tier 0 = raw points, 1 = 1-minute rollup, 2 = 1-hour rollup.
--   start_ts/end_ts: first and last timestamp (bucket start for rollups), inclusive.
--   points: samples (raw) or buckets (rollups) in the chunk.
--   wm: for rollups, the last raw timestamp folded into this and earlier chunks (rebuild watermark).
-- Rows are appended in commit order (rowid), so the table grows at its end; reads go through the index.
CREATE TABLE tsdb_chunks (
  id        INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  tier      INTEGER NOT NULL,
  start_ts  INTEGER NOT NULL,
  end_ts    INTEGER NOT NULL,
  points    INTEGER NOT NULL,
  wm        INTEGER,
  data      BLOB NOT NULL
) STRICT;
CREATE INDEX tsdb_chunks_series ON tsdb_chunks (series_id, tier, start_ts);

-- Points and chunks per tier, kept by triggers (stats at start without scanning every chunk).
CREATE TABLE tsdb_tier_stats (
  tier   INTEGER PRIMARY KEY,
  points INTEGER NOT NULL,
  chunks INTEGER NOT NULL
) STRICT;
INSERT INTO tsdb_tier_stats (tier, points, chunks) VALUES (0, 0, 0), (1, 0, 0), (2, 0, 0);
CREATE TRIGGER tsdb_chunks_count_insert AFTER INSERT ON tsdb_chunks BEGIN
  UPDATE tsdb_tier_stats SET points = points + NEW.points, chunks = chunks + 1 WHERE tier = NEW.tier;
END;
CREATE TRIGGER tsdb_chunks_count_delete AFTER DELETE ON tsdb_chunks BEGIN
  UPDATE tsdb_tier_stats SET points = points - OLD.points, chunks = chunks - 1 WHERE tier = OLD.tier;
END;
