/**
 * The built-in "PostgreSQL" dashboard (uid `postgres`): the postgres collector's Diamond paths.
 * Totals (xact_commit, blks_hit …) are published as the server reports them; charts rate them
 * with perSecond().
 */
import { parseDashboard, type Dashboard } from "./model.js";
import { hostVariable, PanelList, type BuiltinOptions } from "./builtin-kit.js";

export const POSTGRES_UID = "postgres";

export function postgresDashboard(o: BuiltinOptions): Dashboard {
  const prefix = o.prefix ?? "servers";
  const p = `${prefix}.$host.postgres`;
  const d = `${p}.database.$db`;
  const n = prefix.split(".").length + 3; // database name
  const l = new PanelList();
  l.add("stat", "Commits/s", [`alias(sumSeries(perSecond(${d}.xact_commit)), 'commits')`], { unit: "ops", decimals: 1 }, { w: 6, h: 4 });
  l.add("stat", "Backends", [`alias(sumSeries(${d}.numbackends), 'backends')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Cache hit ratio", [`alias(asPercent(sumSeries(perSecond(${d}.blks_hit)), sumSeries(perSecond(${d}.{blks_hit,blks_read}))), 'hit')`], { unit: "percent", decimals: 1, thresholds: [{ value: 0, color: "red" }, { value: 90, color: "orange" }, { value: 99, color: "green" }] }, { w: 6, h: 4 });
  l.add("stat", "Size", [`alias(sumSeries(${d}.size), 'size')`], { unit: "bytes", decimals: 1 }, { w: 6, h: 4 });
  l.add("timeseries", "Transactions", [`aliasByNode(perSecond(${d}.{xact_commit,xact_rollback}), ${n}, ${n + 1})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Backends", [`aliasByNode(${d}.numbackends, ${n})`], { unit: "short", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Tuples", [`aliasByNode(perSecond(${d}.{tup_returned,tup_fetched,tup_inserted,tup_updated,tup_deleted}), ${n}, ${n + 1})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Blocks read from disk vs cache", [`aliasByNode(perSecond(${d}.{blks_read,blks_hit}), ${n}, ${n + 1})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Database size", [`aliasByNode(${d}.size, ${n})`], { unit: "bytes", min: 0, legend: ["last"] });
  l.add("timeseries", "Conflicts", [`aliasByNode(perSecond(${d}.conflicts), ${n})`], { unit: "ops", min: 0, legend: ["max"] });
  l.add("timeseries", "Checkpoints", [`aliasByNode(perSecond(${p}.bgwriter.{checkpoints_timed,checkpoints_req}), ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Buffers written", [`aliasByNode(perSecond(${p}.bgwriter.{buffers_checkpoint,buffers_clean,buffers_backend,buffers_alloc}), ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  return parseDashboard({
    uid: POSTGRES_UID,
    title: "PostgreSQL",
    tags: ["postgres", "built-in"],
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    variables: [hostVariable(o), { name: "db", label: "Database", type: "query", query: `${p}.database.*`, multi: true, includeAll: true, current: ["$__all"] }],
    panels: l.panels,
  });
}
