-- Loupe's first migration: a key/value table for instance-wide settings.
-- schema_migrations itself is created by the migration runner.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
