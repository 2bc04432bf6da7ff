/**
 * Evaluates rules: runs the target over the window, reduces each series to one value, compares it
 * with the threshold and moves each instance through the state machine. State lives in memory
 * and is written through to the AlertStateStore after each rule, so a restart resumes it.
 */
import type { Clock } from "../lib/clock.js";
import { errorMessage } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { UnixMs } from "../model/index.js";
import { compare, type AlertInstance, type Rule, type RuleGroup, type StateChange } from "./model.js";
import type { AlertStateStore } from "./ports.js";
import { reduceValues, seriesLabels, valuesIn, type LabelOptions, type QueryFn, type QueryResult } from "./series.js";
import { transition, type Identity, type Outcome } from "./state.js";
import { renderTemplate } from "./template.js";

export interface EvaluatorCounters {
  evaluation(rule: Rule, ms: number, failed: boolean): void;
  overrun(group: string, skipped: number): void;
  dropped(rule: Rule, n: number): void;
}

export interface EvaluatorOptions extends LabelOptions {
  readonly query: QueryFn;
  readonly states: AlertStateStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Longest one group evaluation may take (ms); rules left are skipped that round. */
  readonly budgetMs: number;
  readonly maxInstancesPerRule: number;
  readonly counters?: EvaluatorCounters;
  /** Called after each rule evaluation with its state changes (dispatch, annotations). */
  readonly onChanges?: (changes: readonly StateChange[]) => void;
  /** Wall time for budgets (tests of the budget pass a fake). */
  readonly wallClock?: () => number;
}

/** One instance's outcome of this evaluation. */
interface Planned {
  readonly id: Identity;
  readonly outcome: Outcome;
}

export class Evaluator {
  private readonly byRule = new Map<string, Map<string, AlertInstance>>();
  private readonly lastError = new Map<string, string>();

  constructor(private readonly o: EvaluatorOptions) {
    for (const i of o.states.loadInstances()) this.rule(i.ruleUid).set(i.fingerprint, i);
  }

  private rule(uid: string): Map<string, AlertInstance> {
    let m = this.byRule.get(uid);
    if (m === undefined) this.byRule.set(uid, (m = new Map()));
    return m;
  }

  /** Every current instance (resolved ones until forgotten). */
  instances(): AlertInstance[] {
    return [...this.byRule.values()].flatMap((m) => [...m.values()]);
  }

  instancesOf(ruleUid: string): AlertInstance[] {
    return [...(this.byRule.get(ruleUid)?.values() ?? [])];
  }

  /** The last evaluation error of a rule, if its last evaluation failed. */
  errorOf(ruleUid: string): string | undefined {
    return this.lastError.get(ruleUid);
  }

  /** Drops instances of rules no longer configured. */
  retain(ruleUids: ReadonlySet<string>): void {
    for (const uid of [...this.byRule.keys()]) {
      if (ruleUids.has(uid)) continue;
      this.byRule.delete(uid);
      this.o.states.deleteInstances(uid);
    }
  }

  /** Replaces one instance (the dispatcher forgets resolved instances once sent). */
  forget(ruleUid: string, fingerprint: string): void {
    const m = this.byRule.get(ruleUid);
    if (m?.delete(fingerprint) === true) this.o.states.saveRule(ruleUid, [...m.values()], []);
  }

  /**
   * Evaluates a group's rules in turn, yielding to the event loop between rules. Rules left when
   * the budget is spent are skipped this round (counted). Returns how many were skipped.
   */
  async evaluateGroup(group: RuleGroup, now: UnixMs = this.o.clock.now()): Promise<number> {
    const wall = this.o.wallClock ?? (() => performance.now());
    const t0 = wall();
    for (let i = 0; i < group.rules.length; i++) {
      if (i > 0) {
        await new Promise<void>((r) => setImmediate(r));
        if (wall() - t0 > this.o.budgetMs) {
          const skipped = group.rules.length - i;
          this.o.counters?.overrun(group.name, skipped);
          this.o.log.warn("alert group evaluation over [alerting] eval_budget: rules skipped this round", { group: group.name, skipped, budget_ms: this.o.budgetMs });
          return skipped;
        }
      }
      const rule = group.rules[i]!;
      let fetchError: string | undefined;
      try {
        // a store whose points live elsewhere fetches what the rule reads first
        await this.o.query.prefetch?.(rule.expr, now - rule.window, now, now);
      } catch (err) {
        fetchError = errorMessage(err);
      }
      this.evaluateRule(rule, now, fetchError);
    }
    return 0;
  }

  /** Evaluates one rule at `now` and persists its instances and state changes. */
  evaluateRule(rule: Rule, now: UnixMs, fetchError?: string): StateChange[] {
    const wall = this.o.wallClock ?? (() => performance.now());
    const t0 = wall();
    let result: QueryResult;
    try {
      result = fetchError !== undefined ? { series: [], error: fetchError } : this.o.query(rule.expr, now - rule.window, now, now);
    } catch (err) {
      result = { series: [], error: errorMessage(err) };
    }
    if (result.error !== undefined) this.lastError.set(rule.uid, result.error);
    else this.lastError.delete(rule.uid);
    const planned = this.plan(rule, result, now);
    const changes = this.apply(rule, planned, result.error !== undefined, now);
    this.o.counters?.evaluation(rule, wall() - t0, result.error !== undefined);
    if (changes.length > 0) this.o.onChanges?.(changes);
    return changes;
  }

  private ruleLevel(rule: Rule, value: number | null): Identity {
    const labels = { alertname: rule.alert, ...rule.labels };
    return { fingerprint: "", labels, annotations: templated(rule, labels, value, "") };
  }

  private plan(rule: Rule, result: QueryResult, now: UnixMs): Planned[] {
    if (result.error !== undefined) {
      if (rule.error === "ok") return [];
      const outcome: Outcome = rule.error === "alerting" ? { kind: "true", value: null } : { kind: "error", message: result.error };
      return [{ id: this.ruleLevel(rule, null), outcome }];
    }
    const series = [...result.series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (series.length > this.o.maxInstancesPerRule) {
      this.o.counters?.dropped(rule, series.length - this.o.maxInstancesPerRule);
      this.o.log.warn("alert rule returns more series than [alerting] max_instances_per_rule: the rest are not evaluated", { rule: rule.uid, series: series.length, limit: this.o.maxInstancesPerRule });
      series.length = this.o.maxInstancesPerRule;
    }
    const out: Planned[] = [];
    let withData = 0;
    for (const s of series) {
      const value = reduceValues(valuesIn(s, now - rule.window, now), rule.reduce, s.step, rule.predict_for);
      const labels = { alertname: rule.alert, ...seriesLabels(s, this.o), ...rule.labels };
      const id: Identity = { fingerprint: s.name, labels, annotations: templated(rule, labels, value, s.name) };
      if (value !== null) withData++;
      const outcome: Outcome =
        value === null
          ? rule.no_data === "alerting"
            ? { kind: "true", value }
            : { kind: "false", value }
          : compare(value, rule.op, rule.threshold)
            ? { kind: "true", value }
            : { kind: "false", value };
      out.push({ id, outcome });
    }
    if (withData === 0 && rule.no_data !== "ok") {
      out.push({ id: this.ruleLevel(rule, null), outcome: rule.no_data === "alerting" && series.length === 0 ? { kind: "true", value: null } : rule.no_data === "no_data" ? { kind: "no_data" } : { kind: "false", value: null } });
    }
    return out;
  }

  private apply(rule: Rule, planned: readonly Planned[], failed: boolean, now: UnixMs): StateChange[] {
    const current = this.rule(rule.uid);
    const next = new Map<string, AlertInstance>();
    const changes: StateChange[] = [];
    const record = (prevState: string, to: string, i: AlertInstance | undefined, id: Identity, value: number | null): void => {
      if (prevState === to) return;
      changes.push({ at: now, ruleUid: rule.uid, alertname: rule.alert, fingerprint: id.fingerprint, labels: i?.labels ?? id.labels, from: prevState as StateChange["from"], to: to as StateChange["to"], value });
    };
    for (const p of planned) {
      const prev = current.get(p.id.fingerprint);
      const t = transition(rule, prev, p.outcome, p.id, now);
      if (t.next !== undefined) next.set(p.id.fingerprint, t.next);
      record(t.from, t.to, t.next, p.id, "value" in p.outcome ? p.outcome.value : null);
    }
    for (const [fp, prev] of current) {
      if (next.has(fp)) continue;
      // a failed evaluation leaves the series' instances as they were
      if (failed && fp !== "") {
        next.set(fp, prev);
        continue;
      }
      // the series is gone (or the rule-level state is over): as if its condition were false
      const t = transition(rule, prev, { kind: "false", value: null }, { fingerprint: fp, labels: prev.labels, annotations: prev.annotations }, now);
      if (t.next !== undefined) next.set(fp, t.next);
      record(t.from, t.to, t.next, { fingerprint: fp, labels: prev.labels, annotations: prev.annotations }, null);
    }
    this.byRule.set(rule.uid, next);
    try {
      this.o.states.saveRule(rule.uid, [...next.values()], changes);
    } catch (err) {
      this.o.log.error("alert state not saved", { rule: rule.uid, err: errorMessage(err) });
    }
    return changes;
  }
}

function templated(rule: Rule, labels: Readonly<Record<string, string>>, value: number | null, series: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, t] of Object.entries(rule.annotations)) out[k] = renderTemplate(t, { value, labels, series });
  return out;
}
