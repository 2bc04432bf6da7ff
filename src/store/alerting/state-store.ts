/** Implements src/alerting/ports.ts structurally (main.ts hands it over), so the store imports nothing of src/alerting.
 * AlertStateStore on SQLite: `alert_instances`, `alert_history`, `alert_notifications`. */
import type { Db } from "../db.js";
import type { AlertInstance, HistoryFilter, SentRecord, StateChange } from "../../model/index.js";
import type { UnixMs } from "../../model/index.js";

interface InstanceRow {
  rule_uid: string;
  fingerprint: string;
  labels: string;
  annotations: string;
  state: string;
  value: number | null;
  active_at: number;
  fired_at: number | null;
  resolved_at: number | null;
  last_true_at: number | null;
  evaluated_at: number;
}

interface HistoryRow {
  at: number;
  rule_uid: string;
  alertname: string;
  fingerprint: string;
  labels: string;
  from_state: string;
  to_state: string;
  value: number | null;
}

export const HISTORY_LIST_LIMIT = 10_000;

export class SqliteAlertStateStore {
  constructor(private readonly db: Db) {}

  loadInstances(): AlertInstance[] {
    const rows = this.db.prepare("SELECT * FROM alert_instances ORDER BY rule_uid, fingerprint").all() as InstanceRow[];
    return rows.map((r) => ({
      ruleUid: r.rule_uid,
      fingerprint: r.fingerprint,
      labels: JSON.parse(r.labels) as Record<string, string>,
      annotations: JSON.parse(r.annotations) as Record<string, string>,
      state: r.state as AlertInstance["state"],
      value: r.value,
      activeAt: r.active_at,
      firedAt: r.fired_at,
      resolvedAt: r.resolved_at,
      lastTrueAt: r.last_true_at,
      evaluatedAt: r.evaluated_at,
    }));
  }

  saveRule(ruleUid: string, instances: readonly AlertInstance[], changes: readonly StateChange[]): void {
    const del = this.db.prepare("DELETE FROM alert_instances WHERE rule_uid = ?");
    const ins = this.db.prepare(
      `INSERT INTO alert_instances (rule_uid, fingerprint, labels, annotations, state, value, active_at, fired_at, resolved_at, last_true_at, evaluated_at)
       VALUES (@rule_uid, @fingerprint, @labels, @annotations, @state, @value, @active_at, @fired_at, @resolved_at, @last_true_at, @evaluated_at)`,
    );
    const hist = this.db.prepare(
      `INSERT INTO alert_history (at, rule_uid, alertname, fingerprint, labels, from_state, to_state, value) VALUES (@at, @rule_uid, @alertname, @fingerprint, @labels, @from_state, @to_state, @value)`,
    );
    this.db.transaction(() => {
      del.run(ruleUid);
      for (const i of instances)
        ins.run({
          rule_uid: ruleUid,
          fingerprint: i.fingerprint,
          labels: JSON.stringify(i.labels),
          annotations: JSON.stringify(i.annotations),
          state: i.state,
          value: finite(i.value),
          active_at: i.activeAt,
          fired_at: i.firedAt,
          resolved_at: i.resolvedAt,
          last_true_at: i.lastTrueAt,
          evaluated_at: i.evaluatedAt,
        });
      for (const c of changes)
        hist.run({ at: c.at, rule_uid: c.ruleUid, alertname: c.alertname, fingerprint: c.fingerprint, labels: JSON.stringify(c.labels), from_state: c.from, to_state: c.to, value: finite(c.value) });
    })();
  }

  deleteInstances(ruleUid: string): void {
    this.db.prepare("DELETE FROM alert_instances WHERE rule_uid = ?").run(ruleUid);
  }

  history(filter: HistoryFilter): StateChange[] {
    const limit = Math.min(HISTORY_LIST_LIMIT, Math.max(1, filter.limit ?? 1000));
    const rows = this.db
      .prepare(`SELECT at, rule_uid, alertname, fingerprint, labels, from_state, to_state, value FROM alert_history WHERE at >= @from AND at <= @to ${filter.ruleUid !== undefined ? "AND rule_uid = @rule" : ""} ORDER BY at DESC, id DESC LIMIT @limit`)
      .all({ from: filter.from, to: filter.to, limit, ...(filter.ruleUid !== undefined ? { rule: filter.ruleUid } : {}) }) as HistoryRow[];
    return rows.map((r) => ({
      at: r.at,
      ruleUid: r.rule_uid,
      alertname: r.alertname,
      fingerprint: r.fingerprint,
      labels: JSON.parse(r.labels) as Record<string, string>,
      from: r.from_state as StateChange["from"],
      to: r.to_state as StateChange["to"],
      value: r.value,
    }));
  }

  purgeHistory(before: UnixMs): number {
    return this.db.prepare("DELETE FROM alert_history WHERE at < ?").run(before).changes;
  }

  sent(notifier: string): SentRecord[] {
    const rows = this.db.prepare("SELECT rule_uid, fingerprint, status, sent_at FROM alert_notifications WHERE notifier = ?").all(notifier) as Array<{ rule_uid: string; fingerprint: string; status: string; sent_at: number }>;
    return rows.map((r) => ({ ruleUid: r.rule_uid, fingerprint: r.fingerprint, status: r.status === "resolved" ? "resolved" : "firing", sentAt: r.sent_at }));
  }

  recordSent(notifier: string, records: readonly SentRecord[]): void {
    const up = this.db.prepare(
      "INSERT INTO alert_notifications (notifier, rule_uid, fingerprint, status, sent_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (notifier, rule_uid, fingerprint) DO UPDATE SET status = excluded.status, sent_at = excluded.sent_at",
    );
    this.db.transaction(() => {
      for (const r of records) up.run(notifier, r.ruleUid, r.fingerprint, r.status, r.sentAt);
    })();
  }

  forgetSent(ruleUid: string, fingerprint: string): void {
    this.db.prepare("DELETE FROM alert_notifications WHERE rule_uid = ? AND fingerprint = ?").run(ruleUid, fingerprint);
  }
}

/** Implements src/alerting/ports.ts structurally (main.ts hands it over), so the store imports nothing of src/alerting.
 * SQLite REAL holds no NaN/Infinity meaningfully: store them as NULL. */
function finite(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}
