-- Migrations are immutable: each applied migration's SHA-256 (of its text, CRLF read as LF) is
-- recorded, and src/store/migrate.ts refuses to start when a file no longer matches what was applied.
-- Rows applied before this migration get the checksum of the file this Loupe ships (filled in by
-- migrate.ts in the same transaction).
ALTER TABLE schema_migrations ADD COLUMN checksum TEXT;

-- 0002_tsdb.sql was amended after the first release (35e2efa) had applied it: the amendment added
-- tsdb_tier_stats and its triggers. A database written by that release has 0002 recorded but not
-- these; create them here, idempotently, with the counts of the chunks it already holds.
CREATE TABLE IF NOT EXISTS tsdb_tier_stats (
  tier   INTEGER PRIMARY KEY,
  points INTEGER NOT NULL,
  chunks INTEGER NOT NULL
) STRICT;
INSERT OR IGNORE INTO tsdb_tier_stats (tier, points, chunks)
  SELECT t.tier,
         (SELECT coalesce(sum(points), 0) FROM tsdb_chunks WHERE tier = t.tier),
         (SELECT count(*) FROM tsdb_chunks WHERE tier = t.tier)
  FROM (SELECT 0 AS tier UNION ALL SELECT 1 UNION ALL SELECT 2) AS t;
CREATE TRIGGER IF NOT EXISTS tsdb_chunks_count_insert AFTER INSERT ON tsdb_chunks BEGIN
  UPDATE tsdb_tier_stats SET points = points + NEW.points, chunks = chunks + 1 WHERE tier = NEW.tier;
END;
CREATE TRIGGER IF NOT EXISTS tsdb_chunks_count_delete AFTER DELETE ON tsdb_chunks BEGIN
  UPDATE tsdb_tier_stats SET points = points - OLD.points, chunks = chunks - 1 WHERE tier = OLD.tier;
END;
