/**
 * The persistence alerting needs, declared here and implemented on SQLite by src/store/alerting/
 * (main.ts wires the two). Tests may use the SQLite implementations on a temp file.
 */
import type { UnixMs } from "../model/index.js";
import type { AlertInstance, HistoryFilter, LabelMatcher, RuleSpec, SentRecord, Silence, StateChange, StoredRule } from "./model.js";

export type { StoredRule, HistoryFilter, SentRecord } from "./model.js";


export interface RuleStore {
  list(): StoredRule[];
  get(uid: string): StoredRule | undefined;
  /** Creates or replaces. */
  save(rule: { readonly uid: string; readonly group: string; readonly interval: number | null; readonly spec: RuleSpec }, by: string | null): StoredRule;
  delete(uid: string): boolean;
}



export interface AlertStateStore {
  /** Every stored instance (pending, firing, resolved not yet forgotten, no_data, error). */
  loadInstances(): AlertInstance[];
  /** Replaces the stored instances of one rule and appends its state changes, in one transaction. */
  saveRule(ruleUid: string, instances: readonly AlertInstance[], changes: readonly StateChange[]): void;
  /** Drops the instances of rules that no longer exist (not their history). */
  deleteInstances(ruleUid: string): void;
  history(filter: HistoryFilter): StateChange[];
  /** Deletes history older than `before`; returns how many. */
  purgeHistory(before: UnixMs): number;
  /** What a notifier last sent for each instance. */
  sent(notifier: string): SentRecord[];
  recordSent(notifier: string, records: readonly SentRecord[]): void;
  /** Forgets what was sent for instances that are gone. */
  forgetSent(ruleUid: string, fingerprint: string): void;
}

export interface SilenceStore {
  /** Silences ending after `since` (active and future), or all with `since` undefined. */
  list(since?: UnixMs): Silence[];
  get(id: number): Silence | undefined;
  add(s: { readonly matchers: readonly LabelMatcher[]; readonly startsAt: UnixMs; readonly endsAt: UnixMs; readonly comment: string }, by: string | null): Silence;
  /** Ends a silence now (kept as history); false when unknown. */
  expire(id: number, now: UnixMs): boolean;
}
