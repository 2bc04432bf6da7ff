/**
 * The built-in "Processes" dashboard (uid `processes`): the processes collector's counts by state and
 * its top consumers (`<prefix>.<host>.processes.top.<group>.{cpu_percent,rss_bytes,io_read_bytes,
 * io_write_bytes,count}`), one line per group. Groups enter and leave the top N, so a group's line
 * has gaps where it was in `other`; `other` is drawn like any group. The `host` variable works like
 * the Host overview's (lists `<prefix>.*`, with All: charts repeat per host, stacked vertically).
 */
import { parseDashboard, type Dashboard, type DashboardInput } from "./model.js";

export const PROCESSES_UID = "processes";

export interface ProcessesDashboardOptions {
  /** Host name as it appears in metric paths. */
  readonly host: string;
  /** First path segment(s) ([collectors] path_prefix), e.g. "servers". */
  readonly prefix: string;
}

type PanelIn = NonNullable<DashboardInput["panels"]>[number];
type OptionsIn = NonNullable<PanelIn["options"]>;

export function processesDashboard(o: ProcessesDashboardOptions): Dashboard {
  const p = `${o.prefix}.$host.processes`;
  // <prefix…>.<host>.processes.top.<group>.<metric>: the group is 3 nodes after the host
  const hostNode = o.prefix.split(".").length;
  const groupNode = hostNode + 3;
  const panels: PanelIn[] = [];
  let id = 0;
  const add = (type: PanelIn["type"], title: string, gridPos: PanelIn["gridPos"], targets: string[], options: OptionsIn = {}): void => {
    panels.push({ id: ++id, type, title, gridPos, targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })), options });
  };
  const stat = (title: string, x: number, metric: string, thresholds: OptionsIn["thresholds"] = []): void =>
    add("stat", title, { x, y: 0, w: 6, h: 4 }, [`aliasByNode(${p}.${metric}, ${hostNode})`], { unit: "short", decimals: 0, thresholds });
  stat("Processes", 0, "total");
  stat("Threads", 6, "threads");
  stat("Blocked (D)", 12, "blocked", [{ value: 5, color: "orange" }, { value: 20, color: "red" }]);
  stat("Zombies", 18, "zombie", [{ value: 1, color: "orange" }, { value: 50, color: "red" }]);

  const top = (metric: string): string => `aliasByNode(${p}.top.*.${metric}, ${groupNode})`;
  add("timeseries", "Top CPU (% of one core)", { x: 0, y: 4, w: 12, h: 9 }, [top("cpu_percent")], { unit: "percent", min: 0, legend: ["avg", "max", "last"] });
  add("timeseries", "Top memory (RSS)", { x: 12, y: 4, w: 12, h: 9 }, [top("rss_bytes")], { unit: "bytes", min: 0, legend: ["max", "last"] });
  add("timeseries", "Top disk reads", { x: 0, y: 13, w: 12, h: 8 }, [top("io_read_bytes")], { unit: "Bps", min: 0, legend: ["avg", "max", "last"] });
  add("timeseries", "Top disk writes", { x: 12, y: 13, w: 12, h: 8 }, [top("io_write_bytes")], { unit: "Bps", min: 0, legend: ["avg", "max", "last"] });
  add("timeseries", "Processes per group", { x: 0, y: 21, w: 12, h: 8 }, [top("count")], { unit: "short", min: 0, legend: ["max", "last"] });
  add("timeseries", "Processes by state", { x: 12, y: 21, w: 12, h: 8 }, [`aliasByNode(${p}.{running,blocked,zombie,stopped}, ${hostNode + 2})`], {
    unit: "short",
    min: 0,
    draw: "stacked",
    legend: ["max", "last"],
  });
  for (const panel of panels) if (panel.type === "timeseries") Object.assign(panel, { repeat: "host", repeatDirection: "v" as const });

  return parseDashboard({
    uid: PROCESSES_UID,
    title: "Processes",
    tags: ["host", "processes", "built-in"],
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    variables: [{ name: "host", label: "Host", type: "query", query: `${o.prefix}.*`, multi: false, includeAll: true, current: o.host === "" ? [] : [o.host] }],
    panels,
  } satisfies DashboardInput);
}
