import { opt } from "../options.js";

/** `[alerting]`: rule evaluation, history, built-in rules. */
export const alertingSection = {
  enabled: opt.bool(true, "evaluate alert rules and send notifications"),
  rules_path: opt.string("", "folder of Prometheus-style YAML rule files (*.yml, *.yaml) provisioned at start (empty: none); they are read-only in the UI"),
  default_interval: opt.duration("1m", "evaluation interval of a rule group that sets none", { min: 1000 }),
  min_interval: opt.duration("10s", "shortest evaluation interval a group may ask for", { min: 1000 }),
  eval_budget: opt.duration("5s", "longest one group evaluation may take; the rules left are skipped that round and counted (loupe_alerting_eval_overruns_total)", { min: 10 }),
  max_instances_per_rule: opt.int(1000, "alert instances (series) one rule may produce; more are dropped and counted (loupe_alerting_instances_dropped_total)", { min: 1 }),
  history: opt.duration("30d", "how long state changes are kept in the alert history"),
  resolved_keep: opt.duration("1h", "how long a resolved instance is kept for notifiers to send its resolution before it is forgotten"),
  path_prefix_label: opt.string("host", "label given to the host segment of Diamond paths (<collectors.path_prefix>.<host>.…)"),
  builtin_rules: opt.bool(true, "evaluate the built-in rules below (for this host and every host sending Diamond paths); false turns them all off"),
  builtin_interval: opt.duration("1m", "evaluation interval of the built-in rules", { min: 1000 }),
  builtin_disk_fill: opt.bool(true, "DiskWillFillIn24h: a filesystem's available bytes, extrapolated linearly, reach 0 within builtin_disk_fill_horizon"),
  builtin_disk_fill_lookback: opt.duration("6h", "history the disk-fill trend is fitted on (a clear linear trend is needed: log-rotation sawtooths stay quiet)", { min: 60_000 }),
  builtin_disk_fill_horizon: opt.duration("24h", "how far ahead the disk-fill trend is extrapolated", { min: 60_000 }),
  builtin_fs_full: opt.bool(true, "FilesystemAlmostFull: less than builtin_fs_full_percent % of a filesystem is available"),
  builtin_fs_full_percent: opt.number(5, "FilesystemAlmostFull fires below this % available (95 % used)", { min: 0, max: 100 }),
  builtin_host_silent: opt.bool(true, "HostSilent: a host's builtin_host_silent_metric stops arriving for builtin_host_silent_intervals of its own intervals"),
  builtin_host_silent_metric: opt.string("cpu.total.user", "metric (below <path_prefix>.<host>.) every host sends, watched by HostSilent"),
  builtin_host_silent_intervals: opt.number(5, "HostSilent fires after this many of a host's sending intervals without data", { min: 1 }),
  builtin_memory_low: opt.bool(true, "MemoryLow: MemAvailable below builtin_memory_low_percent % of MemTotal for builtin_memory_low_for"),
  builtin_memory_low_percent: opt.number(5, "MemoryLow threshold, % of MemTotal available", { min: 0, max: 100 }),
  builtin_memory_low_for: opt.duration("10m", "how long memory must stay low before MemoryLow fires"),
  builtin_load_high: opt.bool(true, "LoadHigh: the 5-minute load average per core above builtin_load_high_per_core for builtin_load_high_for"),
  builtin_load_high_per_core: opt.number(2, "LoadHigh threshold: load per core (2 = twice the cores)", { min: 0 }),
  builtin_load_high_for: opt.duration("15m", "how long the load must stay high before LoadHigh fires"),
  builtin_collector_failing: opt.bool(true, "CollectorFailing: one of Loupe's collectors fails on every run for builtin_collector_failing_for"),
  builtin_collector_failing_for: opt.duration("10m", "how long a collector must keep failing before CollectorFailing fires"),
} as const;

/**
 * `[notifier.<name>]`: one destination. Only the options of its `type` are used; unknown keys are
 * errors. Validated with validateSection() by the alerting module.
 */
export const notifierSection = {
  type: opt.enum(["webhook", "slack", "email", "alertmanager"] as const, "webhook", "webhook (Alertmanager webhook JSON) | slack (Slack/Mattermost incoming webhook) | email (SMTP) | alertmanager (POST /api/v2/alerts)"),
  url: opt.string("", "webhook, slack: URL to POST to; alertmanager: base URL of Alertmanager (http://127.0.0.1:9093)"),
  match: opt.list("", "only alerts whose labels match every matcher (k=v, k!=v, k=~re, k!~re), comma separated; empty: every alert"),
  group_by: opt.list("alertname", "labels alerts are grouped by into one message; '...' groups by every label (one message per instance)"),
  group_wait: opt.duration("30s", "how long a new group waits for more alerts before its first message"),
  group_interval: opt.duration("5m", "how long to wait before sending a group's changes (new or resolved alerts)"),
  repeat_interval: opt.duration("4h", "how long before a still-firing group is sent again"),
  send_resolved: opt.bool(true, "also send a message when alerts resolve"),
  timeout: opt.duration("10s", "timeout of one delivery attempt", { min: 100 }),
  max_retries: opt.int(5, "delivery attempts after the first before a message is dropped and counted (loupe_alerting_notifications_failed_total)", { min: 0, max: 100 }),
  retry_backoff: opt.duration("5s", "wait before the first retry; doubles each retry (at most 5m)", { min: 10 }),
  bearer_token: opt.secret("webhook, alertmanager: Authorization: Bearer token"),
  smtp_host: opt.string("127.0.0.1", "email: SMTP server"),
  smtp_port: opt.int(25, "email: SMTP port", { min: 1, max: 65535 }),
  smtp_secure: opt.bool(false, "email: TLS from the start (port 465); otherwise STARTTLS when offered"),
  smtp_require_tls: opt.bool(false, "email: refuse to send without STARTTLS"),
  smtp_user: opt.string("", "email: SMTP login (empty: no auth)"),
  smtp_password: opt.secret("email: SMTP password"),
  from: opt.string("loupe@localhost", "email: From address"),
  to: opt.list("", "email: recipients, comma separated"),
  subject: opt.string("[{{ $status }}] {{ $labels.alertname }}", "email, slack: subject/title template ({{ $status }}, {{ $labels.x }}, {{ $count }})"),
} as const;
