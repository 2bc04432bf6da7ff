-- Alerting: rules made in the UI (provisioned rules live in their YAML files), the state of every
-- alert instance (so a restart neither re-notifies nor forgets a firing alert), the history of
-- state changes (kept [alerting] history), what each notifier last sent for each instance, and
-- silences (expired ones stay as history).

CREATE TABLE alert_rules (
  uid        TEXT PRIMARY KEY,
  group_name TEXT NOT NULL,
  data       TEXT NOT NULL,                   -- rule JSON (src/alerting/model.ts RuleSpec)
  interval   INTEGER,                         -- group interval, ms (NULL: [alerting] default_interval)
  created_at INTEGER NOT NULL,                -- ms
  updated_at INTEGER NOT NULL,                -- ms
  updated_by TEXT
) STRICT;

CREATE TABLE alert_instances (
  rule_uid     TEXT NOT NULL,
  fingerprint  TEXT NOT NULL,                 -- identity of the instance within its rule (series name or "")
  labels       TEXT NOT NULL,                 -- JSON object
  annotations  TEXT NOT NULL,                 -- JSON object (templated at the last evaluation)
  state        TEXT NOT NULL,                 -- pending | firing | resolved | no_data | error
  value        REAL,
  active_at    INTEGER NOT NULL,              -- ms: condition first true (or no_data/error since)
  fired_at     INTEGER,                       -- ms
  resolved_at  INTEGER,                       -- ms
  last_true_at INTEGER,                       -- ms: condition last seen true (keep_firing_for)
  evaluated_at INTEGER NOT NULL,              -- ms
  PRIMARY KEY (rule_uid, fingerprint)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_history (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,               -- ms
  rule_uid    TEXT NOT NULL,
  alertname   TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  labels      TEXT NOT NULL,                  -- JSON object
  from_state  TEXT NOT NULL,                  -- normal | pending | firing | no_data | error
  to_state    TEXT NOT NULL,                  -- normal | pending | firing | no_data | error
  value       REAL
) STRICT;
CREATE INDEX alert_history_at ON alert_history (at);
CREATE INDEX alert_history_rule ON alert_history (rule_uid, at);

-- Per notifier and instance: the last status sent (firing | resolved) and when.
CREATE TABLE alert_notifications (
  notifier TEXT NOT NULL,
  rule_uid TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  status   TEXT NOT NULL,
  sent_at  INTEGER NOT NULL,                  -- ms
  PRIMARY KEY (notifier, rule_uid, fingerprint)
) STRICT, WITHOUT ROWID;

CREATE TABLE alert_silences (
  id         INTEGER PRIMARY KEY,
  matchers   TEXT NOT NULL,                   -- JSON array of { name, op, value }
  starts_at  INTEGER NOT NULL,                -- ms
  ends_at    INTEGER NOT NULL,                -- ms
  comment    TEXT NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL                 -- ms
) STRICT;
CREATE INDEX alert_silences_ends ON alert_silences (ends_at);
