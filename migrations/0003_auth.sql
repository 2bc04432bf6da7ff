-- Auth: users (GitHub and local), sessions, API tokens.
-- Session ids and API tokens are stored only as SHA-256 hashes: a copy of the database file does
-- not let anyone in. Passwords are scrypt hashes ("scrypt$N$r$p$salt$hash").
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  provider      TEXT NOT NULL CHECK (provider IN ('github', 'local')),
  external_id   TEXT,
  login         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name          TEXT NOT NULL DEFAULT '',
  email         TEXT NOT NULL DEFAULT '',
  avatar_url    TEXT NOT NULL DEFAULT '',
  role          TEXT NOT NULL CHECK (role IN ('Viewer', 'Editor', 'Admin')),
  disabled      INTEGER NOT NULL DEFAULT 0,
  password_hash TEXT,
  created_at    INTEGER NOT NULL,
  last_seen_at  INTEGER
) STRICT;
CREATE UNIQUE INDEX users_external ON users (provider, external_id) WHERE external_id IS NOT NULL;

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL
) STRICT;
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  token_hash   TEXT NOT NULL UNIQUE,
  scope        TEXT NOT NULL CHECK (scope IN ('read', 'write')),
  created_by   INTEGER REFERENCES users (id) ON DELETE SET NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER
) STRICT;
