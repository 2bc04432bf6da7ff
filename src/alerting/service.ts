/**
 * The alerting module at run time: rules from files, the UI and the built-ins; one timer per
 * group; the evaluator; one dispatcher per notifier; silences; history retention; metrics.
 */
import { randomBytes } from "node:crypto";
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import { BadRequestError, ConflictError, errorMessage, NotFoundError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { UnixMs } from "../model/index.js";
import { Dispatcher, type NotifierStatus } from "./dispatch.js";
import { Evaluator } from "./evaluator.js";
import { matches } from "./matchers.js";
import type { AlertInstance, LabelMatcher, Rule, RuleGroup, RuleSpec, Silence, StateChange } from "./model.js";
import type { NotifierConfig } from "./notifier-config.js";
import { createSender, ALERTMANAGER_RESEND_MS, type Sender } from "./notifiers/index.js";
import type { AlertStateStore, HistoryFilter, RuleStore, SilenceStore, StoredRule } from "./ports.js";
import { loadRuleDir, type RuleFileProblem, formatRuleProblem } from "./rule-file.js";
import type { QueryFn } from "./series.js";
import { alertingMetrics } from "./metrics.js";
import { backtest, preview, type BacktestResult, type PreviewRow } from "./backtest.js";

export interface AlertingServiceOptions {
  readonly settings: Config["alerting"];
  readonly notifiers: readonly NotifierConfig[];
  /** [collectors] path_prefix: Diamond paths `<prefix>.<host>.…` give the host label. */
  readonly pathPrefix: string;
  /** [server] root_url, for links in notifications. */
  readonly externalURL: string;
  readonly query: QueryFn;
  readonly states: AlertStateStore;
  readonly rules: RuleStore;
  readonly silences: SilenceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  /** Run group and dispatch timers (default true; tests drive evaluateAll/dispatch by hand). */
  readonly timers?: boolean;
  readonly builtinGroups?: readonly RuleGroup[];
  /** Tests: replace the senders built from the notifier sections. */
  readonly senderFor?: (n: NotifierConfig) => Sender;
  /** State changes, e.g. to write them as annotations. */
  readonly onChanges?: (changes: readonly StateChange[]) => void;
}

/** A UI rule as the API receives it. */
export interface RuleInput {
  readonly uid?: string;
  readonly group: string;
  readonly interval: number | null;
  readonly spec: RuleSpec;
}

const UID_RE = /^[A-Za-z0-9_.:~/-]{1,100}$/;
const DISPATCH_TICK_MS = 1000;

export class AlertingService {
  readonly evaluator: Evaluator;
  private readonly dispatchers: Dispatcher[];
  private readonly senders: Sender[];
  private fileGroups: RuleGroup[] = [];
  private problems: RuleFileProblem[] = [];
  private allGroups: RuleGroup[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<unknown>>();
  private dispatching: Promise<void> | undefined;
  private stopped = false;
  private readonly m: ReturnType<typeof alertingMetrics> | undefined;

  constructor(private readonly o: AlertingServiceOptions) {
    this.m = o.metrics !== undefined ? alertingMetrics(o.metrics, () => this.evaluator.instances()) : undefined;
    this.evaluator = new Evaluator({
      query: o.query,
      states: o.states,
      clock: o.clock,
      log: o.log,
      budgetMs: o.settings.eval_budget,
      maxInstancesPerRule: o.settings.max_instances_per_rule,
      pathPrefix: o.pathPrefix,
      hostLabel: o.settings.path_prefix_label,
      ...(this.m !== undefined ? { counters: this.m.evaluator } : {}),
      onChanges: (c) => this.changed(c),
    });
    this.senders = o.notifiers.map((n) => (o.senderFor ?? createSender)(n));
    this.dispatchers = o.notifiers.map(
      (n, k) =>
        new Dispatcher({
          name: n.name,
          type: n.type,
          route: routeOf(n),
          sender: this.senders[k]!,
          states: o.states,
          log: o.log.child({ notifier: n.name }),
          externalURL: o.externalURL,
          ...(this.m !== undefined ? { counters: this.m.dispatch } : {}),
        }),
    );
    this.reloadFiles();
    if (o.timers !== false) {
      this.schedule();
      const d = setInterval(() => void this.dispatch().catch((err: unknown) => o.log.error("alert dispatch failed", { err: errorMessage(err) })), DISPATCH_TICK_MS);
      const p = setInterval(() => this.purge(), 3_600_000);
      d.unref();
      p.unref();
      this.timers.push(d, p);
      this.purge();
    }
  }

  private changed(changes: readonly StateChange[]): void {
    for (const c of changes) this.o.log.info("alert state", { rule: c.ruleUid, series: c.fingerprint, from: c.from, to: c.to, value: c.value });
    this.o.onChanges?.(changes);
  }

  /** Re-reads `[alerting] rules_path`; problems are logged and kept for the UI. */
  reloadFiles(): void {
    const s = this.o.settings;
    const loaded = loadRuleDir(s.rules_path, { defaultInterval: s.default_interval, minInterval: s.min_interval });
    for (const p of loaded.problems) this.o.log.error("alert rule file skipped", { problem: formatRuleProblem(p) });
    this.fileGroups = loaded.groups;
    this.problems = loaded.problems;
    this.rebuild();
  }

  private rebuild(): void {
    const ui = new Map<string, { interval: number; rules: Rule[] }>();
    for (const r of this.o.rules.list()) {
      let g = ui.get(r.group);
      if (g === undefined) ui.set(r.group, (g = { interval: r.interval ?? this.o.settings.default_interval, rules: [] }));
      if (r.interval !== null) g.interval = Math.min(g.interval, r.interval);
      g.rules.push({ ...r.spec, uid: r.uid, group: r.group, source: { kind: "ui" } });
    }
    this.allGroups = [...(this.o.builtinGroups ?? []), ...this.fileGroups, ...[...ui].map(([name, g]) => ({ name, interval: g.interval, rules: g.rules }))];
    this.evaluator.retain(new Set(this.rules().map((r) => r.uid)));
    if (this.scheduled) this.schedule();
  }

  private groupTimers: NodeJS.Timeout[] = [];
  private scheduled = false;
  private schedule(): void {
    this.scheduled = true;
    for (const t of this.groupTimers) clearInterval(t);
    this.groupTimers = this.allGroups.map((g) => {
      const t = setInterval(() => void this.runGroup(g), g.interval);
      t.unref();
      return t;
    });
  }

  /** Evaluates one group unless its previous evaluation still runs (an overrun, counted). */
  private async runGroup(g: RuleGroup, now?: UnixMs): Promise<void> {
    if (this.stopped) return;
    if (this.running.has(g.name)) {
      this.m?.evaluator.overrun(g.name, g.rules.length);
      return;
    }
    const p = this.evaluator.evaluateGroup(g, now).catch((err: unknown) => this.o.log.error("alert group evaluation failed", { group: g.name, err: errorMessage(err) }));
    this.running.set(g.name, p);
    try {
      await p;
    } finally {
      this.running.delete(g.name);
    }
  }

  groups(): readonly RuleGroup[] {
    return this.allGroups;
  }

  rules(): Rule[] {
    return this.allGroups.flatMap((g) => g.rules);
  }

  rule(uid: string): Rule | undefined {
    return this.rules().find((r) => r.uid === uid);
  }

  fileProblems(): readonly RuleFileProblem[] {
    return this.problems;
  }

  instances(): AlertInstance[] {
    return this.evaluator.instances();
  }

  history(filter: HistoryFilter): StateChange[] {
    return this.o.states.history(filter);
  }

  notifierStatus(): NotifierStatus[] {
    return this.dispatchers.map((d) => d.status());
  }

  /** Evaluates every group now (tests, the first round after start), then dispatches. */
  async evaluateAll(now: UnixMs = this.o.clock.now()): Promise<void> {
    for (const g of this.allGroups) await this.runGroup(g, now);
    await this.dispatch(now);
  }

  /** Runs every notifier's dispatch; resolved instances nobody owes anything are forgotten. */
  async dispatch(now: UnixMs = this.o.clock.now()): Promise<void> {
    if (this.dispatching !== undefined) return this.dispatching;
    const run = async (): Promise<void> => {
      const instances = this.evaluator.instances();
      const silenced = this.silencedAt(now);
      await Promise.all(this.dispatchers.map((d) => d.tick(now, instances, silenced)));
      for (const i of this.evaluator.instances()) {
        if (i.state !== "resolved") continue;
        const expired = now - (i.resolvedAt ?? now) >= this.o.settings.resolved_keep;
        if (!expired && this.dispatchers.some((d) => d.owesResolution(i))) continue;
        this.evaluator.forget(i.ruleUid, i.fingerprint);
        for (const d of this.dispatchers) d.forget(i.ruleUid, i.fingerprint);
        this.o.states.forgetSent(i.ruleUid, i.fingerprint);
      }
    };
    this.dispatching = run().finally(() => (this.dispatching = undefined));
    return this.dispatching;
  }

  // ---- silences ----

  private silencedAt(now: UnixMs): (labels: Readonly<Record<string, string>>) => boolean {
    const active = this.o.silences.list(now).filter((s) => s.startsAt <= now);
    return (labels) => active.some((s) => matches(labels, s.matchers));
  }

  isSilenced(labels: Readonly<Record<string, string>>, now: UnixMs = this.o.clock.now()): boolean {
    return this.silencedAt(now)(labels);
  }

  silences(all: boolean): Silence[] {
    return this.o.silences.list(all ? undefined : this.o.clock.now());
  }

  addSilence(s: { matchers: readonly LabelMatcher[]; startsAt: UnixMs; endsAt: UnixMs; comment: string }, by: string | null): Silence {
    if (s.matchers.length === 0) throw new BadRequestError("matchers: a silence needs at least one matcher", "validation_failed");
    if (s.endsAt <= s.startsAt) throw new BadRequestError("endsAt: must be after startsAt", "validation_failed");
    return this.o.silences.add(s, by);
  }

  expireSilence(id: number): void {
    if (!this.o.silences.expire(id, this.o.clock.now())) throw new NotFoundError(`no silence ${id}`, "silence_not_found");
  }

  // ---- UI rules ----

  storedRule(uid: string): StoredRule | undefined {
    return this.o.rules.get(uid);
  }

  saveRule(input: RuleInput, by: string | null): StoredRule {
    const uid = input.uid ?? `u-${randomBytes(6).toString("hex")}`;
    if (!UID_RE.test(uid)) throw new BadRequestError("uid: letters, digits and _ . : ~ / - (at most 100)", "validation_failed");
    const existing = this.rule(uid);
    if (existing !== undefined && existing.source.kind !== "ui") throw new ConflictError(`rule ${uid} is ${existing.source.kind === "file" ? `provisioned from ${existing.source.file}` : "built in"}: it is read-only here`, "rule_read_only");
    const taken = this.allGroups.find((g) => g.name === input.group && g.rules.some((r) => r.source.kind !== "ui"));
    if (taken !== undefined) throw new ConflictError(`group ${input.group} is provisioned or built in: choose another group name`, "group_read_only");
    if (input.interval !== null && input.interval < this.o.settings.min_interval) throw new BadRequestError(`interval: at least ${this.o.settings.min_interval} ms ([alerting] min_interval)`, "validation_failed");
    const saved = this.o.rules.save({ uid, group: input.group, interval: input.interval, spec: input.spec }, by);
    this.rebuild();
    return saved;
  }

  deleteRule(uid: string): void {
    const existing = this.rule(uid);
    if (existing !== undefined && existing.source.kind !== "ui") throw new ConflictError(`rule ${uid} is read-only here (${existing.source.kind})`, "rule_read_only");
    if (!this.o.rules.delete(uid)) throw new NotFoundError(`no rule ${uid}`, "rule_not_found");
    this.rebuild();
  }

  private asRule(input: RuleInput): Rule {
    return { ...input.spec, uid: input.uid ?? "preview", group: input.group, source: { kind: "ui" } };
  }

  /** A rule (saved or not) evaluated once now (or at `now`): each series' value and whether it matches. */
  preview(input: RuleInput, now: UnixMs = this.o.clock.now()): { rows: PreviewRow[]; truncated: boolean; error?: string } {
    return preview(this.asRule(input), this.o.query, now, { pathPrefix: this.o.pathPrefix, hostLabel: this.o.settings.path_prefix_label, maxSeries: this.o.settings.max_instances_per_rule });
  }

  /** preview, after a store whose points live elsewhere fetched what it reads (src/store/api.ts PrefetchingReads). */
  async previewFetched(input: RuleInput): Promise<ReturnType<AlertingService["preview"]>> {
    const now = this.o.clock.now();
    await this.o.query.prefetchAll?.(() => this.preview(input, now));
    return this.preview(input, now);
  }

  /** backtest, after a store whose points live elsewhere fetched what it reads. */
  async backtestFetched(input: RuleInput, days: number): Promise<BacktestResult> {
    const to = this.o.clock.now();
    await this.o.query.prefetchAll?.(() => this.backtest(input, days, to));
    return this.backtest(input, days, to);
  }

  /** A rule (saved or not) replayed over the last `days` days of stored data (up to `to`, default now). */
  backtest(input: RuleInput, days: number, to: UnixMs = this.o.clock.now()): BacktestResult {
    const step = input.interval ?? this.o.settings.default_interval;
    return backtest(this.asRule(input), this.o.query, { from: to - days * 86_400_000, to, step, maxSeries: this.o.settings.max_instances_per_rule, pathPrefix: this.o.pathPrefix, hostLabel: this.o.settings.path_prefix_label });
  }

  /** Drops history older than [alerting] history. */
  purge(now: UnixMs = this.o.clock.now()): number {
    try {
      return this.o.states.purgeHistory(now - this.o.settings.history);
    } catch (err) {
      this.o.log.warn("alert history purge failed", { err: errorMessage(err) });
      return 0;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [...this.timers, ...this.groupTimers]) clearInterval(t);
    await Promise.allSettled([...this.running.values(), this.dispatching]);
    for (const s of this.senders) s.close?.();
  }
}

function routeOf(n: NotifierConfig) {
  const am = n.type === "alertmanager";
  return {
    matchers: n.matchers,
    // Alertmanager groups itself and forgets alerts not re-sent: every instance alone, at once, re-sent often
    groupBy: am ? ["..."] : n.group_by,
    groupWait: am ? 0 : n.group_wait,
    groupInterval: am ? 0 : n.group_interval,
    repeatInterval: am ? Math.min(n.repeat_interval, ALERTMANAGER_RESEND_MS) : n.repeat_interval,
    sendResolved: n.send_resolved,
    timeout: n.timeout,
    maxRetries: n.max_retries,
    retryBackoff: n.retry_backoff,
  };
}
