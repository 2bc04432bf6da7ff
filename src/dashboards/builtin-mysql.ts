/**
 * The built-in "MySQL" dashboard (uid `mysql`): the mysql collector's Diamond paths
 * (`<prefix>.<host>.mysql.<Variable_name>`; counters are already per-second rates).
 */
import { parseDashboard, type Dashboard } from "./model.js";
import { hostVariable, PanelList, type BuiltinOptions } from "./builtin-kit.js";

export const MYSQL_UID = "mysql";

export function mysqlDashboard(o: BuiltinOptions): Dashboard {
  const prefix = o.prefix ?? "servers";
  const p = `${prefix}.$host.mysql`;
  const n = prefix.split(".").length + 2; // the status name
  const l = new PanelList();
  l.add("stat", "Queries/s", [`alias(${p}.Questions, 'queries')`], { unit: "ops", decimals: 1 }, { w: 6, h: 4 });
  l.add("stat", "Connected", [`alias(${p}.Threads_connected, 'connected')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Running", [`alias(${p}.Threads_running, 'running')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Slow queries/s", [`alias(${p}.Slow_queries, 'slow')`], { unit: "ops", decimals: 2, thresholds: [{ value: 1, color: "orange" }] }, { w: 6, h: 4 });
  l.add("timeseries", "Statements", [`aliasByNode(${p}.{Com_select,Com_insert,Com_update,Com_delete,Com_replace,Com_commit,Com_rollback}, ${n})`], { unit: "ops", min: 0, draw: "stacked", legend: ["avg", "max"] });
  l.add("timeseries", "Threads", [`aliasByNode(${p}.{Threads_connected,Threads_running,Threads_cached,Max_used_connections}, ${n})`], { unit: "short", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Connections", [`aliasByNode(${p}.{Connections,Aborted_connects,Aborted_clients}, ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Network", [`alias(${p}.Bytes_received, 'received')`, `alias(${p}.Bytes_sent, 'sent')`], { unit: "Bps", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Row operations (handlers)", [`aliasByNode(${p}.{Handler_read_rnd_next,Handler_read_next,Handler_write,Handler_update,Handler_delete}, ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "InnoDB buffer pool pages", [`aliasByNode(${p}.{Innodb_buffer_pool_pages_data,Innodb_buffer_pool_pages_dirty,Innodb_buffer_pool_pages_free}, ${n})`], { unit: "short", min: 0, draw: "stacked", legend: ["last"] });
  l.add("timeseries", "Buffer pool reads from disk vs requests", [`aliasByNode(${p}.{Innodb_buffer_pool_reads,Innodb_buffer_pool_read_requests}, ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Temporary tables and sorts", [`aliasByNode(${p}.{Created_tmp_tables,Created_tmp_disk_tables,Sort_merge_passes,Select_full_join}, ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Locks", [`aliasByNode(${p}.{Table_locks_waited,Innodb_row_lock_waits}, ${n})`, `aliasByNode(${p}.Innodb_row_lock_current_waits, ${n})`], { unit: "short", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Open tables and files", [`aliasByNode(${p}.{Open_tables,Open_files,Open_table_definitions}, ${n})`], { unit: "short", min: 0, legend: ["last"] });
  return parseDashboard({ uid: MYSQL_UID, title: "MySQL", tags: ["mysql", "mariadb", "built-in"], time: { from: "now-1h", to: "now" }, refresh: "30s", variables: [hostVariable(o)], panels: l.panels });
}
