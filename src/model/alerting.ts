/**
 * Shared with src/store/alerting (which persists them without importing src/alerting).
 * The alert rule model (what a YAML rule file and the UI describe) and the states of its
 * instances. One rule evaluates one Graphite target; every series it returns is one instance.
 */
import type { UnixMs } from "./time.js";

/**
 * How a series' values over the window become one number. Beyond the usual ones:
 * `predict_linear` is the least-squares line through the window extrapolated `predict_for` past
 * its end (the last value when the window shows no clear linear trend, R² < 0.8), and
 * `silent_intervals` is how many of the series' own sending intervals have passed since its last value.
 */
export const REDUCERS = ["last", "avg", "min", "max", "sum", "count", "delta", "predict_linear", "silent_intervals"] as const;
export type Reducer = (typeof REDUCERS)[number];

export const OPS = [">", ">=", "<", "<=", "==", "!="] as const;
export type Op = (typeof OPS)[number];

/** What an instance becomes when its series has no value in the window (or the target returns none). */
export const NO_DATA_POLICIES = ["no_data", "ok", "alerting"] as const;
export type NoDataPolicy = (typeof NO_DATA_POLICIES)[number];

/** What the rule becomes when its target fails to evaluate. */
export const ERROR_POLICIES = ["error", "ok", "alerting"] as const;
export type ErrorPolicy = (typeof ERROR_POLICIES)[number];

/** A rule as written (YAML) or saved (UI), durations in ms. */
export interface RuleSpec {
  readonly alert: string;
  readonly expr: string;
  readonly reduce: Reducer;
  readonly window: number;
  readonly op: Op;
  readonly threshold: number;
  readonly for: number;
  readonly keep_firing_for: number;
  /** predict_linear only: how far past the window's end the line is extrapolated, ms. */
  readonly predict_for: number;
  readonly no_data: NoDataPolicy;
  readonly error: ErrorPolicy;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export const RULE_DEFAULTS = {
  reduce: "last",
  window: 5 * 60_000,
  for: 0,
  keep_firing_for: 0,
  predict_for: 24 * 3_600_000,
  no_data: "no_data",
  error: "error",
} as const satisfies Partial<RuleSpec>;

/** Where a rule comes from: a provisioned file (read-only in the UI), the UI (SQLite) or Loupe itself. */
export type RuleSource = { readonly kind: "file"; readonly file: string; readonly line: number } | { readonly kind: "ui" } | { readonly kind: "builtin" };

/** A rule with its identity and group. `uid` is unique over all rules. */
export interface Rule extends RuleSpec {
  readonly uid: string;
  readonly group: string;
  readonly source: RuleSource;
}

export interface RuleGroup {
  readonly name: string;
  /** Evaluation interval, ms. */
  readonly interval: number;
  readonly rules: readonly Rule[];
}

/** The states an instance goes through; "normal" instances are not stored. */
export type AlertState = "normal" | "pending" | "firing" | "no_data" | "error";

/** One alert instance: a rule applied to one series (or the rule itself for no_data/error). */
export interface AlertInstance {
  readonly ruleUid: string;
  /** Identity within the rule: the series name, or "" for the rule-level no_data/error instance. */
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: Exclude<AlertState, "normal"> | "resolved";
  readonly value: number | null;
  /** When the current state began (condition first true for pending/firing). */
  readonly activeAt: UnixMs;
  readonly firedAt: UnixMs | null;
  readonly resolvedAt: UnixMs | null;
  readonly lastTrueAt: UnixMs | null;
  readonly evaluatedAt: UnixMs;
}

/** One state change, kept [alerting] history. */
export interface StateChange {
  readonly at: UnixMs;
  readonly ruleUid: string;
  readonly alertname: string;
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly from: AlertState;
  readonly to: AlertState;
  readonly value: number | null;
}

/** A label matcher (silences, notifier routes): Alertmanager's four operators. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: "=" | "!=" | "=~" | "!~";
  readonly value: string;
}

export interface Silence {
  readonly id: number;
  readonly matchers: readonly LabelMatcher[];
  readonly startsAt: UnixMs;
  readonly endsAt: UnixMs;
  readonly comment: string;
  readonly createdBy: string | null;
  readonly createdAt: UnixMs;
}


// ---- records the alerting persistence stores (src/alerting/ports.ts declares the stores) ----

/** A rule made in the UI, as saved. */
export interface StoredRule {
  readonly uid: string;
  readonly group: string;
  /** Group interval, ms; null: [alerting] default_interval. */
  readonly interval: number | null;
  readonly spec: RuleSpec;
  readonly updatedAt: UnixMs;
  readonly updatedBy: string | null;
}

export interface HistoryFilter {
  readonly from: UnixMs;
  readonly to: UnixMs;
  readonly ruleUid?: string;
  readonly limit?: number;
}

export interface SentRecord {
  readonly ruleUid: string;
  readonly fingerprint: string;
  readonly status: "firing" | "resolved";
  readonly sentAt: UnixMs;
}
