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
  backend: opt.enum(
    ["local", "victoriametrics"] as const,
    "local",
    "where points live: local = this SQLite file (the embedded default); victoriametrics = a VictoriaMetrics single node or cluster (write_url, read_url; README \"Outgrowing one machine\"). Dashboards, users and rules stay in the SQLite file either way",
  ),
  write_url: opt.string("", "victoriametrics: remote_write URL, e.g. http://vm:8428/api/v1/write, or vminsert's http://vminsert:8480/insert/<tenant>/prometheus/api/v1/write"),
  read_url: opt.string("", "victoriametrics: Prometheus API root, e.g. http://vm:8428, or vmselect's http://vmselect:8481/select/<tenant>/prometheus (/api/v1/… is added)"),
  username: opt.string("", "victoriametrics: user for basic auth (write and read)"),
  password: opt.secret("victoriametrics: password for basic auth"),
  bearer_token: opt.secret("victoriametrics: Authorization: Bearer token (instead of username/password)"),
  headers: opt.list("", "victoriametrics: extra HTTP headers on every request, comma separated `Name: value`"),
  timeout: opt.duration("10s", "victoriametrics: longest one write or read request may take", { min: 100 }),
  batch_size: opt.int(5000, "victoriametrics: most points in one remote_write request", { min: 1, max: 1_000_000 }),
  batch_max_wait: opt.duration("1s", "victoriametrics: longest a point waits for its batch to fill before it is sent anyway"),
  queue_max_bytes: opt.size("1GB", "victoriametrics: disk queue bound (<paths.data>/forward/store/) while the engine is unreachable: beyond it the oldest points are dropped and counted (loupe_forward_dropped_points_total{forwarder=store,reason=max_bytes})"),
  queue_max_age: opt.duration("7d", "victoriametrics: points older than this in the queue are dropped and counted (reason=max_age); 0 keeps them whatever their age"),
  retry_min: opt.duration("500ms", "victoriametrics: wait before the first retry of a write; doubles with each failure, with full jitter", { min: 10 }),
  retry_max: opt.duration("30s", "victoriametrics: longest wait between write retries", { min: 10 }),
  index_refresh: opt.duration("1m", "victoriametrics: how often the in-memory series index (find, tags, globs) is reloaded from the engine's series API", { min: 1000 }),
  index_lookback: opt.duration("30d", "victoriametrics: series with a point in this window are loaded into the index (bounded by max_series)", { min: 60_000 }),
  max_query_series: opt.int(
    5000,
    "victoriametrics: most series one read request to the engine may name; a larger read is refused with an error naming this key (loupe_store_remote_refused_total)",
    { min: 1, max: 1_000_000 },
  ),
  max_cached_points: opt.int(
    5_000_000,
    "victoriametrics: points fetched for queries kept in memory between the fetch and the evaluation (and briefly for the next request); the oldest fetches are evicted beyond it",
    { min: 10_000, max: 500_000_000 },
  ),
} as const;

export const retentionSection = {
  raw: opt.duration("15d", "how long full-resolution data is kept"),
  rollup_1m: opt.duration("90d", "how long 1-minute rollups are kept (0 disables the tier)"),
  rollup_1h: opt.duration("2y", "how long 1-hour rollups are kept (0 disables the tier)"),
} as const;
