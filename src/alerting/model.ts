/** The alert rule model lives in src/model/alerting.ts, shared with the store that persists it. */
export { REDUCERS, OPS, NO_DATA_POLICIES, ERROR_POLICIES, RULE_DEFAULTS } from "../model/index.js";
import type { Op } from "../model/index.js";
export type { Reducer, Op, NoDataPolicy, ErrorPolicy, RuleSpec, RuleSource, Rule, RuleGroup, AlertState, AlertInstance, StateChange, LabelMatcher, Silence, StoredRule, HistoryFilter, SentRecord } from "../model/index.js";

export function compare(value: number, op: Op, threshold: number): boolean {
  switch (op) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
  }
}
