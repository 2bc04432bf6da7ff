/**
 * Built-in rules, on for this host and every host sending Diamond paths, tuned not to page for a
 * normal busy host; each can be turned off or re-thresholded in [alerting]. Their reasoning:
 *
 * - DiskWillFillIn24h: "disk > 90 %" pages for big disks that are stable and misses small ones
 *   filling fast. The trend of available bytes over 6 h, extrapolated 24 h, says whether someone
 *   must act today. A log-rotation sawtooth has no linear trend (R² < 0.8) and stays quiet.
 * - FilesystemAlmostFull: below 5 % available (95 % used) things break soon whatever the trend.
 * - HostSilent: a host whose metric stops for 5 of its own intervals (measured from its data, so
 *   a Diamond host sending every 5 min is not compared with Loupe's 10 s) has stopped reporting.
 * - MemoryLow: MemAvailable (what can be had without swapping) below 5 % for 10 min: caches make
 *   "free" memory low on every healthy host, MemAvailable does not.
 * - LoadHigh: load per core above 2 for 15 min: short peaks (builds, backups) are normal.
 * - CollectorFailing: a collector whose errors grow in every 2-minute window for 10 min.
 */
import type { Config } from "../config/index.js";
import { RULE_DEFAULTS, type Rule, type RuleGroup, type RuleSpec } from "./model.js";

export const BUILTIN_GROUP = "builtin";

function make(alert: string, spec: Partial<RuleSpec> & Pick<RuleSpec, "expr" | "op" | "threshold">): Rule {
  return { alert, ...RULE_DEFAULTS, labels: {}, annotations: {}, ...spec, uid: `${BUILTIN_GROUP}/${alert}`, group: BUILTIN_GROUP, source: { kind: "builtin" } };
}

type Settings = Config["alerting"];

/** Each built-in: its switch in [alerting] and its rule (p: the Diamond prefix glob, "servers.*"). */
const BUILTINS: ReadonlyArray<{ readonly on: (a: Settings) => boolean; readonly rule: (a: Settings, p: string) => Rule }> = [
  {
    on: (a) => a.builtin_disk_fill,
    rule: (a, p) =>
      make("DiskWillFillIn24h", {
        expr: `${p}.diskspace.*.byte_avail`,
        reduce: "predict_linear",
        window: a.builtin_disk_fill_lookback,
        predict_for: a.builtin_disk_fill_horizon,
        op: "<",
        threshold: 0,
        for: 10 * 60_000,
        no_data: "ok",
        labels: { severity: "warning" },
        annotations: { summary: "{{ $labels.host }}: {{ $series }} will be full within the next day at its current rate" },
      }),
  },
  {
    on: (a) => a.builtin_fs_full,
    rule: (a, p) =>
      make("FilesystemAlmostFull", {
        // each filesystem's byte_avail as a % of its byte_used + byte_avail (df's view), the byte_used half dropped
        expr: `grep(asPercent(${p}.diskspace.*.{byte_used,byte_avail}, None, 1, 3), "byte_avail,")`,
        window: 5 * 60_000,
        op: "<",
        threshold: a.builtin_fs_full_percent,
        for: 5 * 60_000,
        no_data: "ok",
        labels: { severity: "critical" },
        annotations: { summary: "{{ $labels.host }}: only {{ $value }} % available ({{ $series }})" },
      }),
  },
  {
    on: (a) => a.builtin_host_silent,
    rule: (a, p) =>
      make("HostSilent", {
        expr: `${p}.${a.builtin_host_silent_metric}`,
        reduce: "silent_intervals",
        window: 3_600_000,
        op: ">=",
        threshold: a.builtin_host_silent_intervals,
        no_data: "ok",
        labels: { severity: "critical" },
        annotations: { summary: "{{ $labels.host }} has sent nothing for {{ $value }} of its intervals" },
      }),
  },
  {
    on: (a) => a.builtin_memory_low,
    rule: (a, p) =>
      make("MemoryLow", {
        expr: `asPercent(${p}.memory.MemAvailable, ${p}.memory.MemTotal)`,
        reduce: "avg",
        window: 5 * 60_000,
        op: "<",
        threshold: a.builtin_memory_low_percent,
        for: a.builtin_memory_low_for,
        no_data: "ok",
        labels: { severity: "warning" },
        annotations: { summary: "{{ $labels.host }}: {{ $value }} % of memory available" },
      }),
  },
  {
    on: (a) => a.builtin_load_high,
    rule: (a, p) =>
      make("LoadHigh", {
        expr: `${p}.loadavg.05_normalized`,
        reduce: "avg",
        window: 5 * 60_000,
        op: ">",
        threshold: a.builtin_load_high_per_core,
        for: a.builtin_load_high_for,
        no_data: "ok",
        labels: { severity: "warning" },
        annotations: { summary: "{{ $labels.host }}: load {{ $value }} per core" },
      }),
  },
  {
    on: (a) => a.builtin_collector_failing,
    rule: (a, p) =>
      make("CollectorFailing", {
        expr: "loupe.collector.*.errors",
        reduce: "delta",
        window: 2 * 60_000,
        op: ">",
        threshold: 0,
        for: a.builtin_collector_failing_for,
        no_data: "ok",
        labels: { severity: "warning" },
        annotations: { summary: "collector {{ $series }} keeps failing (see Loupe's log)" },
      }),
  },
];

/** The built-in group as configured; undefined when every built-in is off. */
export function builtinRules(config: Pick<Config, "alerting" | "collectors">): RuleGroup | undefined {
  const a = config.alerting;
  if (!a.builtin_rules) return undefined;
  const p = config.collectors.path_prefix === "" ? "*" : `${config.collectors.path_prefix}.*`;
  const rules = BUILTINS.filter((b) => b.on(a)).map((b) => b.rule(a, p));
  return rules.length === 0 ? undefined : { name: BUILTIN_GROUP, interval: a.builtin_interval, rules };
}
