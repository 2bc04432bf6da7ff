/**
 * The built-in "Containers" dashboard (uid `containers`): per container and per systemd unit CPU,
 * memory, disk I/O and pressure from the cgroups collector, and unit state counts from the
 * systemd collector.
 */
import { parseDashboard, type Dashboard } from "./model.js";
import { allVariable, hostVariable, PanelList, type BuiltinOptions } from "./builtin-kit.js";

export const CONTAINERS_UID = "containers";

export function containersDashboard(o: BuiltinOptions): Dashboard {
  const prefix = o.prefix ?? "servers";
  const p = `${prefix}.$host.cgroups`;
  const name = prefix.split(".").length + 3; // <prefix>.<host>.cgroups.<kind>.<name>
  const l = new PanelList();
  l.add("stat", "Containers", [`alias(${p}.containers.count, 'containers')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Services", [`alias(${p}.units.count, 'services')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.add("stat", "Failed units", [`alias(${prefix}.$host.systemd.units.failed, 'failed')`], { unit: "short", decimals: 0, thresholds: [{ value: 1, color: "red" }] }, { w: 6, h: 4 });
  l.add("stat", "Active units", [`alias(${prefix}.$host.systemd.units.active, 'active')`], { unit: "short", decimals: 0 }, { w: 6, h: 4 });
  l.heading("### Containers");
  const c = `${p}.container.$container`;
  l.add("timeseries", "Container CPU (% of one CPU)", [`aliasByNode(${c}.cpu_percent, ${name})`], { unit: "percent", min: 0, legend: ["avg", "max", "last"] });
  l.add("timeseries", "Container memory", [`aliasByNode(${c}.memory_bytes, ${name})`], { unit: "bytes", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Container disk I/O", [`aliasByNode(${c}.{io_read_bytes,io_write_bytes}, ${name}, ${name + 1})`], { unit: "Bps", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Container CPU throttled", [`aliasByNode(${c}.cpu_throttled_percent, ${name})`], { unit: "percent", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Container pressure (some, avg10)", [`aliasByNode(${c}.pressure.{cpu,memory,io}.some_avg10, ${name}, ${name + 2})`], { unit: "percent", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Container memory limit used", [`aliasByNode(asPercent(${c}.memory_bytes, ${c}.memory_max_bytes), ${name})`], { unit: "percent", min: 0, max: 100, legend: ["max", "last"] });
  l.heading("### systemd services");
  const u = `${p}.unit.$unit`;
  l.add("timeseries", "Service CPU (% of one CPU)", [`aliasByNode(${u}.cpu_percent, ${name})`], { unit: "percent", min: 0, legend: ["avg", "max", "last"] });
  l.add("timeseries", "Service memory", [`aliasByNode(${u}.memory_bytes, ${name})`], { unit: "bytes", min: 0, legend: ["max", "last"] });
  l.add("timeseries", "Service disk I/O", [`aliasByNode(${u}.{io_read_bytes,io_write_bytes}, ${name}, ${name + 1})`], { unit: "Bps", min: 0, legend: ["avg", "max"] });
  l.add("timeseries", "Unit states", [`aliasByNode(${prefix}.$host.systemd.units.{active,failed,activating,deactivating}, ${name})`], { unit: "short", min: 0, legend: ["last"] });
  return parseDashboard({
    uid: CONTAINERS_UID,
    title: "Containers",
    tags: ["containers", "systemd", "built-in"],
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    variables: [hostVariable(o), allVariable("container", "Container", `${p}.container.*`), allVariable("unit", "Service", `${p}.unit.*`)],
    panels: l.panels,
  });
}
