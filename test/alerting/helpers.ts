/** Shared by the alerting tests: a migrated SQLite file, rules from partial specs, a scripted query. */
import { join } from "node:path";
import { openDatabase, type Db } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrate.js";
import { SqliteAlertStateStore } from "../../src/store/alerting/index.js";
import { RULE_DEFAULTS, type QueryFn, type Rule, type SeriesData } from "../../src/alerting/index.js";
import { tempDir } from "../helpers/tmp.js";

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export function openStateDb(dir = tempDir("loupe-alert-")): { db: Db; states: SqliteAlertStateStore; path: string } {
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  return { db, states: new SqliteAlertStateStore(db), path };
}

export function rule(over: Partial<Rule> = {}): Rule {
  return {
    alert: "High",
    expr: "servers.*.loadavg.01",
    ...RULE_DEFAULTS,
    op: ">",
    threshold: 10,
    labels: {},
    annotations: {},
    uid: "g/High",
    group: "g",
    source: { kind: "ui" },
    ...over,
  };
}

/** A series with one value per 10 s ending just before `now`. */
export function series(name: string, values: ReadonlyArray<number | null>, now: number, tags: Record<string, string> = { name }): SeriesData {
  const step = 10_000;
  return { name, tags, start: now - values.length * step, step, values };
}

/** A query function answering from a mutable table: target → series at `now` (or an error). */
export function scripted(): { query: QueryFn; set(target: string, f: (now: number) => SeriesData[] | Error): void; calls: number } {
  const table = new Map<string, (now: number) => SeriesData[] | Error>();
  const self = {
    calls: 0,
    set(target: string, f: (now: number) => SeriesData[] | Error) {
      table.set(target, f);
    },
    query: ((target, _from, _to, now) => {
      self.calls++;
      const r = table.get(target)?.(now) ?? [];
      return r instanceof Error ? { series: [], error: r.message } : { series: r };
    }) as QueryFn,
  };
  return self;
}
