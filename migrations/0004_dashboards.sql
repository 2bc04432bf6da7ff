-- Dashboards with version history, recently viewed per user, annotations with tags, snapshots.
-- Dashboard JSON is stored whole (the model in src/dashboards/model.ts); title and tags are
-- copied into columns and a tag table so listing and search never parse JSON.

CREATE TABLE dashboards (
  uid              TEXT PRIMARY KEY,
  title            TEXT NOT NULL,
  data             TEXT NOT NULL,            -- dashboard JSON (current version)
  version          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,         -- ms
  updated_at       INTEGER NOT NULL,         -- ms
  updated_by       TEXT,
  provisioned_from TEXT                      -- file it was provisioned from, NULL when not provisioned
) STRICT;
CREATE INDEX dashboards_title ON dashboards (title COLLATE NOCASE);

CREATE TABLE dashboard_tags (
  uid TEXT NOT NULL REFERENCES dashboards (uid) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (uid, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX dashboard_tags_tag ON dashboard_tags (tag);

-- The last [dashboards] versions_to_keep versions of each dashboard, current one included.
CREATE TABLE dashboard_versions (
  uid      TEXT NOT NULL REFERENCES dashboards (uid) ON DELETE CASCADE,
  version  INTEGER NOT NULL,
  data     TEXT NOT NULL,
  saved_at INTEGER NOT NULL,
  saved_by TEXT,
  message  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (uid, version)
) STRICT;

CREATE TABLE dashboard_views (
  user      TEXT NOT NULL,
  uid       TEXT NOT NULL REFERENCES dashboards (uid) ON DELETE CASCADE,
  viewed_at INTEGER NOT NULL,
  PRIMARY KEY (user, uid)
) STRICT;
CREATE INDEX dashboard_views_recent ON dashboard_views (user, viewed_at DESC);

-- A NULL dashboard_uid is a global annotation (deploy markers posted by scripts), shown everywhere.
CREATE TABLE annotations (
  id            INTEGER PRIMARY KEY,
  time          INTEGER NOT NULL,            -- ms
  time_end      INTEGER NOT NULL,            -- ms, = time for a point
  text          TEXT NOT NULL,
  dashboard_uid TEXT REFERENCES dashboards (uid) ON DELETE CASCADE,
  created_at    INTEGER NOT NULL,
  created_by    TEXT
) STRICT;
CREATE INDEX annotations_time ON annotations (time);
CREATE INDEX annotations_dashboard ON annotations (dashboard_uid, time);

CREATE TABLE annotation_tags (
  annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
  tag           TEXT NOT NULL,
  PRIMARY KEY (annotation_id, tag)
) STRICT, WITHOUT ROWID;
CREATE INDEX annotation_tags_tag ON annotation_tags (tag);

CREATE TABLE snapshots (
  key        TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  dashboard  TEXT NOT NULL,                  -- dashboard JSON as it was
  range_from INTEGER NOT NULL,               -- ms
  range_to   INTEGER NOT NULL,               -- ms
  data       TEXT NOT NULL,                  -- JSON: "<panelId>-<refId>" → /api/query result
  created_at INTEGER NOT NULL,
  expires_at INTEGER,                        -- ms, NULL = never
  created_by TEXT
) STRICT;
CREATE INDEX snapshots_expires ON snapshots (expires_at) WHERE expires_at IS NOT NULL;
