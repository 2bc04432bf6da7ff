/**
 * `mysql`: MariaDB/MySQL `SHOW GLOBAL STATUS` with Diamond's MySQLCollector semantics: each
 * numeric status under `mysql.[<nickname>.]<Variable_name>`, the levels Diamond lists as gauges
 * as they are and every other value (Com_select, Bytes_received, Questions …) as a per-second
 * rate. `slave = true` adds SHOW SLAVE STATUS (Seconds_Behind_Master …) and `master = true` SHOW
 * MASTER STATUS, under the same names. Diamond's `hosts` connection strings
 * (`user:password@host:port/db[/nickname]`) are accepted as they are.
 * Not supported: Diamond's `innodb` (SHOW ENGINE INNODB STATUS parsing), rejected as an unknown key.
 */
import type { Connection, RowDataPacket } from "mysql2/promise";
import { opt } from "../../config/index.js";
import { defineCollector, MAX_U64, type CollectContext } from "../types.js";
import { instancePoller } from "./instances.js";

/** Diamond's _GAUGE_KEYS that SHOW GLOBAL/SLAVE STATUS can return: published as levels, not rates. */
export const MYSQL_GAUGES: ReadonlySet<string> = new Set([
  "Innodb_buffer_pool_pages_data", "Innodb_buffer_pool_pages_dirty", "Innodb_buffer_pool_pages_free",
  "Innodb_buffer_pool_pages_misc", "Innodb_buffer_pool_pages_total", "Innodb_data_pending_fsyncs",
  "Innodb_data_pending_reads", "Innodb_data_pending_writes", "Innodb_os_log_pending_fsyncs",
  "Innodb_os_log_pending_writes", "Innodb_page_size", "Innodb_row_lock_current_waits", "Innodb_row_lock_time",
  "Innodb_row_lock_time_avg", "Innodb_row_lock_time_max", "Key_blocks_unused", "Last_query_cost",
  "Max_used_connections", "Open_files", "Open_streams", "Open_table_definitions", "Open_tables",
  "Qcache_free_blocks", "Qcache_free_memory", "Qcache_queries_in_cache", "Qcache_total_blocks",
  "Seconds_Behind_Master", "Slave_open_temp_tables", "Threads_cached", "Threads_connected", "Threads_created",
  "Threads_running",
]);

/** Diamond's _IGNORE_KEYS of the master/slave status rows. */
const IGNORED = new Set(["Master_Port", "Master_Server_Id", "Last_Errno", "Last_IO_Errno", "Last_SQL_Errno"]);

export interface MysqlTarget {
  readonly host: string;
  readonly port: number;
  readonly socket: string;
  readonly user: string;
  readonly password: string;
  readonly db: string;
  /** Path segment before the status names; "" for none (Diamond's default). */
  readonly nickname: string;
}

/** Diamond's connection string `user:password@host[:port]/db[/nickname]` (db `None`: no database). */
export function parseMysqlHost(entry: string): MysqlTarget {
  const m = /^([^:]*):([^@]*)@([^:/]*):?([^/]*)\/([^/]*)\/?(.*)$/.exec(entry.trim());
  if (m === null) throw new Error(`mysql hosts entry ${JSON.stringify(entry.replace(/:[^@]*@/, ":***@"))}: expected user:password@host:port/db[/nickname]`);
  const port = /^\d+$/.test(m[4]!) ? Number(m[4]) : 3306;
  return { user: m[1]!, password: m[2]!, host: m[3]!, port, socket: "", db: m[5] === "None" ? "" : m[5]!, nickname: m[6]! };
}

/** Numeric values of status rows (`Variable_name`/`Value` pairs, or one wide row of a SHOW SLAVE STATUS). */
export function numericStatus(rows: readonly Record<string, unknown>[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const row of rows) {
    if ("Variable_name" in row && "Value" in row) {
      const v = toNumber(row["Value"]);
      if (v !== undefined) out.set(String(row["Variable_name"]), v);
      continue;
    }
    for (const [k, raw] of Object.entries(row)) {
      const v = toNumber(raw);
      if (v !== undefined && !IGNORED.has(k)) out.set(k, v);
    }
  }
  return out;
}

function toNumber(raw: unknown): number | undefined {
  if (typeof raw === "number") return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== "string" || !/^\s*-?\d+(\.\d+)?\s*$/.test(raw)) return undefined;
  return Number(raw);
}

function describe(t: MysqlTarget): string {
  return t.socket !== "" ? t.socket : `${t.host}:${t.port}`;
}

async function open(t: MysqlTarget, timeoutMs: number): Promise<Connection> {
  // loaded on first use: mysql2 costs ~200 ms and ~10 MB at start-up, for hosts that never enable this
  const { createConnection } = await import("mysql2/promise");
  try {
    return await createConnection({
      ...(t.socket !== "" ? { socketPath: t.socket } : { host: t.host, port: t.port }),
      user: t.user,
      password: t.password,
      ...(t.db !== "" ? { database: t.db } : {}),
      connectTimeout: timeoutMs,
    });
  } catch (err) {
    const e = err as { code?: string; message?: string };
    throw new Error(`mysql at ${describe(t)} as ${JSON.stringify(t.user)}: ${e.code === "ER_ACCESS_DENIED_ERROR" ? "access denied (user/password)" : (e.code ?? e.message ?? String(err))}`);
  }
}

async function collectOne(ctx: CollectContext, t: MysqlTarget, o: { publish: ReadonlySet<string>; slave: boolean; master: boolean; timeoutMs: number }): Promise<void> {
  const conn = await open(t, o.timeoutMs);
  const onAbort = (): void => conn.destroy();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const prefix = t.nickname !== "" ? `${t.nickname}.` : "";
    const emit = (name: string, v: number): void => {
      if (MYSQL_GAUGES.has(name)) ctx.gauge(prefix + name, v);
      else ctx.counter(prefix + name, v, MAX_U64);
    };
    const [status] = await conn.query<RowDataPacket[]>("SHOW GLOBAL STATUS");
    for (const [k, v] of numericStatus(status)) if (o.publish.size === 0 || o.publish.has(k)) emit(k, v);
    if (o.slave) for (const [k, v] of numericStatus((await conn.query<RowDataPacket[]>("SHOW SLAVE STATUS"))[0])) emit(k, v);
    if (o.master) for (const [k, v] of numericStatus((await conn.query<RowDataPacket[]>("SHOW MASTER STATUS"))[0])) emit(k, v);
  } catch (err) {
    throw new Error(`mysql at ${describe(t)}: ${(err as Error).message}`);
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
    conn.destroy();
  }
}

export const mysqlCollector = defineCollector({
  name: "mysql",
  help: "MariaDB/MySQL SHOW GLOBAL STATUS (Diamond's MySQLCollector paths: mysql.Com_select …, counters as rates)",
  enabledByDefault: false,
  options: {
    host: opt.string("localhost", "server host (when hosts is empty)"),
    port: opt.int(3306, "server port", { min: 1, max: 65535 }),
    socket: opt.string("", "unix socket path (e.g. /run/mysqld/mysqld.sock) instead of host/port"),
    user: opt.string("loupe", "user; needs no privilege for SHOW GLOBAL STATUS, REPLICATION CLIENT for slave/master"),
    password: opt.secret("password of user"),
    db: opt.string("", "database to connect to; empty: none"),
    nickname: opt.string("", "path segment before the status names (mysql.<nickname>.Com_select); empty: none, like Diamond"),
    hosts: opt.list("", "Diamond's connection strings user:password@host:port/db[/nickname], comma-separated; when set, host/port/socket/user/password are not used"),
    publish: opt.list("", "only these SHOW GLOBAL STATUS names (Diamond's `publish`, comma- or space-separated); empty: all"),
    slave: opt.bool(false, "also SHOW SLAVE STATUS (Seconds_Behind_Master …)"),
    master: opt.bool(false, "also SHOW MASTER STATUS"),
    connect_timeout: opt.duration("5s", "connection timeout", { min: 100 }),
  },
  create(options, env) {
    const targets: MysqlTarget[] =
      options.hosts.length > 0
        ? options.hosts.map(parseMysqlHost)
        : [{ host: options.host, port: options.port, socket: options.socket, user: options.user, password: options.password, db: options.db, nickname: options.nickname }];
    const publish = new Set(options.publish.flatMap((p) => p.split(/\s+/)).filter((p) => p !== ""));
    const o = { publish, slave: options.slave, master: options.master, timeoutMs: options.connect_timeout };
    const poller = instancePoller(targets, (t) => (t.nickname !== "" ? t.nickname : describe(t)), env.log);
    return (ctx) => poller.poll((t) => collectOne(ctx, t, o));
  },
});
