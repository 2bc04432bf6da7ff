/**
 * `postgres`: PostgreSQL statistics with Diamond's PostgresqlCollector paths. Like Diamond the
 * values are published as the server reports them (totals such as xact_commit stay totals; the
 * PostgreSQL dashboard rates them with perSecond()):
 *   postgres.database.<datname>.{numbackends,xact_commit,xact_rollback,blks_read,blks_hit,tup_*,conflicts,size}
 *     (Diamond leaves out template0, template1 and postgres)
 *   postgres.database.<datname>.connections     backends per database (pg_stat_activity)
 *   postgres.bgwriter.<column>                  pg_stat_bgwriter (Diamond: extended only; here always)
 *   postgres.transactions.{commit,rollback}     over all databases
 * `extended = true` adds Diamond's `<datname>.connections.<state>` and `<datname>.locks.<mode>`
 * (on the connected database). `underscore = true` turns `_` in database names into `.` (Diamond).
 */
import type pg from "pg";
import { opt } from "../../config/index.js";
import { pathSegment } from "../publisher.js";
import { defineCollector, type CollectContext } from "../types.js";

export const DATABASE_COLUMNS = ["numbackends", "xact_commit", "xact_rollback", "blks_read", "blks_hit", "tup_returned", "tup_fetched", "tup_inserted", "tup_updated", "tup_deleted", "conflicts", "size"] as const;

const DATABASE_SQL = `
  SELECT d.datname, s.numbackends, s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit, s.tup_returned,
         s.tup_fetched, s.tup_inserted, s.tup_updated, s.tup_deleted, s.conflicts, pg_database_size(d.datname) AS size
  FROM pg_database d JOIN pg_stat_database s ON d.datname = s.datname
  WHERE s.datname NOT IN ('template0', 'template1', 'postgres')`;
const CONNECTIONS_SQL = "SELECT datname, count(*) AS connections FROM pg_stat_activity WHERE datname IS NOT NULL GROUP BY datname";
const BGWRITER_SQL = "SELECT * FROM pg_stat_bgwriter";
const TRANSACTIONS_SQL = "SELECT sum(xact_commit) AS commit, sum(xact_rollback) AS rollback FROM pg_stat_database";
const STATES_SQL = `
  SELECT t.state AS key, COALESCE(c.n, 0) AS value
  FROM (VALUES ('active'), ('waiting'), ('idle'), ('idletransaction'), ('unknown')) AS t(state)
  LEFT JOIN (
    SELECT CASE WHEN wait_event_type = 'Lock' THEN 'waiting' WHEN state = 'idle' THEN 'idle'
                WHEN state LIKE 'idle in transaction%' THEN 'idletransaction' WHEN state = 'active' THEN 'active'
                ELSE 'unknown' END AS state, count(*) AS n
    FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() AND datname = current_database()
    GROUP BY 1) c ON t.state = c.state`;
const LOCKS_SQL = "SELECT lower(mode) AS key, count(*) AS value FROM pg_locks WHERE database IS NOT NULL GROUP BY mode";

/** A bigint/numeric column as pg returns it (string), or a number; undefined for null/non-numeric. */
export function pgNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === "string" && /^-?\d+(\.\d+)?$/.test(raw)) return Number(raw);
  return undefined;
}

/** Rows of pg_stat_database (+ size) → `database.<datname>.<column>` values. */
export function databaseMetrics(rows: readonly Record<string, unknown>[], underscore: boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    const db = datnameSegment(String(row["datname"]), underscore);
    for (const c of DATABASE_COLUMNS) {
      const v = pgNumber(row[c]);
      if (v !== undefined) out.set(`database.${db}.${c}`, v);
    }
  }
  return out;
}

function datnameSegment(name: string, underscore: boolean): string {
  // Diamond's underscore: `app_db` → `app.db` (two path nodes); any other dot or space still → _
  return underscore ? name.split("_").map(pathSegment).join(".") : pathSegment(name);
}

export interface PostgresOptions {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  readonly extended: boolean;
  readonly underscore: boolean;
  readonly timeoutMs: number;
}

async function query(client: pg.Client, sql: string): Promise<Record<string, unknown>[]> {
  return (await client.query(sql)).rows as Record<string, unknown>[];
}

async function collectAll(ctx: CollectContext, client: pg.Client, o: PostgresOptions): Promise<void> {
  for (const [k, v] of databaseMetrics(await query(client, DATABASE_SQL), o.underscore)) ctx.gauge(k, v);
  for (const row of await query(client, CONNECTIONS_SQL)) {
    const v = pgNumber(row["connections"]);
    if (v !== undefined) ctx.gauge(`database.${datnameSegment(String(row["datname"]), o.underscore)}.connections`, v);
  }
  for (const row of await query(client, BGWRITER_SQL)) {
    for (const [k, raw] of Object.entries(row)) {
      const v = pgNumber(raw);
      if (v !== undefined) ctx.gauge(`bgwriter.${k}`, v);
    }
  }
  const [tx] = await query(client, TRANSACTIONS_SQL);
  for (const k of ["commit", "rollback"]) {
    const v = pgNumber(tx?.[k]);
    if (v !== undefined) ctx.gauge(`transactions.${k}`, v);
  }
  if (!o.extended) return;
  const db = datnameSegment(o.database, o.underscore);
  for (const [sql, group] of [[STATES_SQL, "connections"], [LOCKS_SQL, "locks"]] as const) {
    for (const row of await query(client, sql)) {
      const v = pgNumber(row["value"]);
      if (v !== undefined) ctx.gauge(`${db}.${group}.${pathSegment(String(row["key"]))}`, v);
    }
  }
}

function describeError(err: unknown, where: string, user: string): Error {
  const e = err as { code?: string; message?: string };
  const reason = e.code === "28P01" || e.code === "28000" ? `authentication failed for user ${JSON.stringify(user)}` : (e.code !== undefined && /^[A-Z]+$/.test(e.code) ? e.code : e.message ?? String(err));
  return new Error(`postgres at ${where}: ${reason}`);
}

export const postgresCollector = defineCollector({
  name: "postgres",
  help: "PostgreSQL pg_stat_database, pg_stat_bgwriter (Diamond's PostgresqlCollector paths: postgres.database.<db>.xact_commit …)",
  enabledByDefault: false,
  options: {
    host: opt.string("localhost", "server host, or the folder of its unix socket (/var/run/postgresql)"),
    port: opt.int(5432, "server port (also names the socket file .s.PGSQL.<port>)", { min: 1, max: 65535 }),
    user: opt.string("postgres", "user (pg_monitor role is enough)"),
    password: opt.secret("password of user; empty: none (peer/trust authentication)"),
    database: opt.string("postgres", "database to connect to"),
    extended: opt.bool(false, "also connection states and lock counts of the connected database (Diamond's extended)"),
    underscore: opt.bool(false, "turn _ in database names into . (Diamond's underscore)"),
    connect_timeout: opt.duration("5s", "connection timeout", { min: 100 }),
  },
  create(options) {
    const o: PostgresOptions = { ...options, timeoutMs: options.connect_timeout };
    const where = o.host.startsWith("/") ? `${o.host}/.s.PGSQL.${o.port}` : `${o.host}:${o.port}`;
    return async (ctx) => {
      // loaded on first use: pg costs ~170 ms and ~10 MB at start-up, for hosts that never enable this
      const { default: pgModule } = await import("pg");
      const client = new pgModule.Client({
        host: o.host,
        port: o.port,
        user: o.user,
        database: o.database,
        ...(o.password !== "" ? { password: o.password } : {}),
        connectionTimeoutMillis: o.timeoutMs,
        application_name: "loupe",
      });
      client.on("error", () => undefined); // a connection lost between runs: the next query reports it
      const onAbort = (): void => void client.end().catch(() => undefined);
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      try {
        await client.connect();
        await collectAll(ctx, client, o);
      } catch (err) {
        throw describeError(err, where, o.user);
      } finally {
        ctx.signal.removeEventListener("abort", onAbort);
        await client.end().catch(() => undefined);
      }
    };
  },
});
