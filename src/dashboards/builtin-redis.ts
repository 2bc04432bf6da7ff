/**
 * The built-in "Redis" dashboard (uid `redis`): the redis collector's Diamond paths
 * `<prefix>.<host>.redis.<instance>.…`; totals are rated with perSecond().
 */
import { parseDashboard, type Dashboard } from "./model.js";
import { allVariable, hostVariable, PanelList, type BuiltinOptions } from "./builtin-kit.js";

export const REDIS_UID = "redis";

export function redisDashboard(o: BuiltinOptions): Dashboard {
  const prefix = o.prefix ?? "servers";
  const p = `${prefix}.$host.redis.$instance`;
  const n = prefix.split(".").length + 2; // instance
  const l = new PanelList();
  l.add("stat", "Commands/s", [`alias(sumSeries(perSecond(${p}.process.commands_processed)), 'commands')`], { unit: "ops", decimals: 1 }, { w: 6, h: 4 });
  l.add("stat", "Clients", [`alias(sumSeries(${p}.clients.connected), 'clients')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Memory used", [`alias(sumSeries(${p}.memory.internal_view), 'used')`], { unit: "bytes", decimals: 1 }, { w: 6, h: 4 });
  l.add("stat", "Hit ratio", [`alias(asPercent(sumSeries(perSecond(${p}.keyspace.hits)), sumSeries(perSecond(${p}.keyspace.{hits,misses}))), 'hits')`], { unit: "percent", decimals: 1 }, { w: 6, h: 4 });
  l.add("timeseries", "Commands", [`aliasByNode(perSecond(${p}.process.commands_processed), ${n})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Clients", [`aliasByNode(${p}.clients.{connected,blocked}, ${n}, ${n + 2})`], { unit: "short", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Memory", [`aliasByNode(${p}.memory.{internal_view,external_view}, ${n}, ${n + 2})`], { unit: "bytes", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Fragmentation ratio", [`aliasByNode(${p}.memory.fragmentation_ratio, ${n})`], { unit: "short", min: 0, legend: ["last"] });
  l.add("timeseries", "Keyspace hits and misses", [`aliasByNode(perSecond(${p}.keyspace.{hits,misses}), ${n}, ${n + 2})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Evicted and expired keys", [`aliasByNode(perSecond(${p}.keys.{evicted,expired}), ${n}, ${n + 2})`], { unit: "ops", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Keys per database", [`aliasByNode(${p}.db*.keys, ${n}, ${n + 1})`], { unit: "short", min: 0, legend: ["last"] });
  l.add("timeseries", "Changes since last save", [`aliasByNode(${p}.last_save.changes_since, ${n})`], { unit: "short", min: 0, legend: ["last"] });
  return parseDashboard({
    uid: REDIS_UID,
    title: "Redis",
    tags: ["redis", "built-in"],
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    variables: [hostVariable(o), allVariable("instance", "Instance", `${prefix}.$host.redis.*`)],
    panels: l.panels,
  });
}
