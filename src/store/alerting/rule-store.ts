/** Implements src/alerting/ports.ts structurally (main.ts hands it over), so the store imports nothing of src/alerting.
 * RuleStore and SilenceStore on SQLite: `alert_rules` (rules made in the UI) and `alert_silences`. */
import type { Db } from "../db.js";
import type { Clock } from "../../lib/clock.js";
import type { LabelMatcher, RuleSpec, Silence, StoredRule } from "../../model/index.js";
import type { UnixMs } from "../../model/index.js";

interface RuleRow {
  uid: string;
  group_name: string;
  data: string;
  interval: number | null;
  updated_at: number;
  updated_by: string | null;
}

const fromRow = (r: RuleRow): StoredRule => ({ uid: r.uid, group: r.group_name, interval: r.interval, spec: JSON.parse(r.data) as RuleSpec, updatedAt: r.updated_at, updatedBy: r.updated_by });

export class SqliteRuleStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  list(): StoredRule[] {
    return (this.db.prepare("SELECT uid, group_name, data, interval, updated_at, updated_by FROM alert_rules ORDER BY group_name, uid").all() as RuleRow[]).map(fromRow);
  }

  get(uid: string): StoredRule | undefined {
    const r = this.db.prepare("SELECT uid, group_name, data, interval, updated_at, updated_by FROM alert_rules WHERE uid = ?").get(uid) as RuleRow | undefined;
    return r === undefined ? undefined : fromRow(r);
  }

  save(rule: { readonly uid: string; readonly group: string; readonly interval: number | null; readonly spec: RuleSpec }, by: string | null): StoredRule {
    const now = this.clock.now();
    this.db
      .prepare(
        `INSERT INTO alert_rules (uid, group_name, data, interval, created_at, updated_at, updated_by) VALUES (@uid, @group, @data, @interval, @now, @now, @by)
         ON CONFLICT (uid) DO UPDATE SET group_name = excluded.group_name, data = excluded.data, interval = excluded.interval, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run({ uid: rule.uid, group: rule.group, data: JSON.stringify(rule.spec), interval: rule.interval, now, by });
    return this.get(rule.uid)!;
  }

  delete(uid: string): boolean {
    return this.db.prepare("DELETE FROM alert_rules WHERE uid = ?").run(uid).changes > 0;
  }
}

interface SilenceRow {
  id: number;
  matchers: string;
  starts_at: number;
  ends_at: number;
  comment: string;
  created_by: string | null;
  created_at: number;
}

const silenceFromRow = (r: SilenceRow): Silence => ({
  id: r.id,
  matchers: JSON.parse(r.matchers) as LabelMatcher[],
  startsAt: r.starts_at,
  endsAt: r.ends_at,
  comment: r.comment,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

export class SqliteSilenceStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  list(since?: UnixMs): Silence[] {
    const rows = (
      since === undefined
        ? this.db.prepare("SELECT * FROM alert_silences ORDER BY ends_at DESC, id DESC LIMIT 1000").all()
        : this.db.prepare("SELECT * FROM alert_silences WHERE ends_at > ? ORDER BY ends_at, id").all(since)
    ) as SilenceRow[];
    return rows.map(silenceFromRow);
  }

  get(id: number): Silence | undefined {
    const r = this.db.prepare("SELECT * FROM alert_silences WHERE id = ?").get(id) as SilenceRow | undefined;
    return r === undefined ? undefined : silenceFromRow(r);
  }

  add(s: { readonly matchers: readonly LabelMatcher[]; readonly startsAt: UnixMs; readonly endsAt: UnixMs; readonly comment: string }, by: string | null): Silence {
    const id = this.db
      .prepare("INSERT INTO alert_silences (matchers, starts_at, ends_at, comment, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .run(JSON.stringify(s.matchers), s.startsAt, s.endsAt, s.comment, by, this.clock.now()).lastInsertRowid;
    return this.get(Number(id))!;
  }

  expire(id: number, now: UnixMs): boolean {
    return this.db.prepare("UPDATE alert_silences SET ends_at = MIN(ends_at, ?) WHERE id = ?").run(now, id).changes > 0;
  }
}
