/**
 * The built-in "Host overview" dashboard (uid `host-overview`): this host's CPU, memory, load,
 * disk space, disk I/O and network from Diamond's metric paths, plus an nginx row when that
 * collector is on. The `host` variable lists `<prefix>.*`, so it also shows other hosts that send
 * Diamond-style metrics, and has an "All" choice (Grafana's includeAll: `$host` becomes `{a,b,…}`):
 * the headline figures then show one value per host (applyByNode, named by host) and every chart
 * repeats per host, the copies stacked below each other (repeatDirection "v"), so a stacked CPU chart
 * never adds up different machines. A last text panel links to the built-in Processes, Containers,
 * MySQL, PostgreSQL and Redis dashboards for this host.
 */
import { parseDashboard, type Dashboard, type DashboardInput } from "./model.js";

export const HOST_OVERVIEW_UID = "host-overview";

/** uid and title of the built-in dashboards the Host overview links to. */
export const RELATED_DASHBOARDS: ReadonlyArray<readonly [string, string]> = [
  ["processes", "Processes"],
  ["containers", "Containers"],
  ["mysql", "MySQL"],
  ["postgres", "PostgreSQL"],
  ["redis", "Redis"],
];

export interface HostOverviewOptions {
  /** Host name as it appears in metric paths (the collectors' derived host name). */
  readonly host: string;
  /** First path segment ([collectors] path_prefix), "servers" by default. */
  readonly prefix?: string;
  /** Adds the nginx row. */
  readonly nginx?: boolean;
}

type PanelIn = NonNullable<DashboardInput["panels"]>[number];
type OptionsIn = NonNullable<PanelIn["options"]>;

export function hostOverviewDashboard(o: HostOverviewOptions): Dashboard {
  const prefix = o.prefix ?? "servers";
  const p = `${prefix}.$host`;
  // the host's node in a path, and one series per host named by it: `template` has `%` for `<prefix>.<host>`
  const node = prefix.split(".").length;
  const perHost = (seed: string, template: string): string => `aliasByNode(applyByNode(${p}.${seed}, ${node}, "${template}", "%"), ${node})`;
  const panels: PanelIn[] = [];
  let id = 0;
  const add = (type: PanelIn["type"], title: string, gridPos: PanelIn["gridPos"], targets: string[], options: OptionsIn = {}): void => {
    panels.push({
      id: ++id,
      type,
      title,
      gridPos,
      targets: targets.map((target, i) => ({ refId: String.fromCharCode(65 + i), target })),
      options,
    });
  };
  // Diamond's cpu.total.* are jiffies per second (100 per busy core): shown as a share of all
  // jiffies (guest time is already inside user), so 100 % means the whole machine is busy.
  const busyStates = "{user,nice,system,iowait,irq,softirq,steal}";
  const allStates = "{user,nice,system,idle,iowait,irq,softirq,steal}";
  const cpuBusy = `${p}.cpu.total.${busyStates}`;
  const cpuAll = `sumSeries(${p}.cpu.total.${allStates})`;
  const memUsed = `diffSeries(${p}.memory.MemTotal, ${p}.memory.MemAvailable)`;

  // Headline numbers.
  add("stat", "CPU busy", { x: 0, y: 0, w: 6, h: 4 }, [perHost("cpu.total.idle", `asPercent(sumSeries(%.cpu.total.${busyStates}), sumSeries(%.cpu.total.${allStates}))`)], {
    unit: "percent",
    decimals: 1,
    thresholds: [
      { value: 70, color: "orange" },
      { value: 90, color: "red" },
    ],
  });
  add("stat", "Load (1m)", { x: 6, y: 0, w: 6, h: 4 }, [`aliasByNode(${p}.loadavg.01, ${node})`], { unit: "short", decimals: 2 });
  add("stat", "Memory used", { x: 12, y: 0, w: 6, h: 4 }, [perHost("memory.MemTotal", "asPercent(diffSeries(%.memory.MemTotal, %.memory.MemAvailable), %.memory.MemTotal)")], {
    unit: "percent",
    decimals: 1,
    min: 0,
    max: 100,
    thresholds: [
      { value: 80, color: "orange" },
      { value: 95, color: "red" },
    ],
  });
  // Like df's Use%: used / (used + available to unprivileged users).
  add("gauge", "Root disk used", { x: 18, y: 0, w: 6, h: 4 }, [perHost("diskspace.root.byte_used", "asPercent(%.diskspace.root.byte_used, sumSeries(%.diskspace.root.{byte_used,byte_avail}))")], {
    unit: "percent",
    decimals: 0,
    min: 0,
    max: 100,
    thresholds: [
      { value: 80, color: "orange" },
      { value: 90, color: "red" },
    ],
  });

  // CPU and load.
  add("timeseries", "CPU", { x: 0, y: 4, w: 12, h: 8 }, [`aliasByNode(asPercent(${cpuBusy}, ${cpuAll}), 4)`], {
    draw: "stacked",
    unit: "percent",
    min: 0,
    legend: ["avg", "max", "last"],
  });
  add("timeseries", "Load average", { x: 12, y: 4, w: 12, h: 8 }, [`aliasByNode(${p}.loadavg.{01,05,15}, 3)`], {
    unit: "short",
    min: 0,
    legend: ["max", "last"],
  });

  // Memory and disk space.
  add(
    "timeseries",
    "Memory",
    { x: 0, y: 12, w: 12, h: 8 },
    [`alias(${memUsed}, 'used')`, `aliasByNode(${p}.memory.{Cached,Buffers,MemFree}, 3)`, `alias(${p}.memory.MemTotal, 'total')`],
    { unit: "bytes", min: 0, legend: ["min", "max", "last"] },
  );
  add("timeseries", "Disk space available", { x: 12, y: 12, w: 12, h: 8 }, [`aliasByNode(${p}.diskspace.*.byte_avail, 3)`], {
    unit: "bytes",
    min: 0,
    legend: ["min", "last"],
  });

  // Disk I/O.
  add(
    "timeseries",
    "Disk throughput",
    { x: 0, y: 20, w: 12, h: 8 },
    [`aliasByNode(${p}.iostat.*.{read_byte_per_second,write_byte_per_second}, 3, 4)`],
    { unit: "Bps", min: 0, legend: ["avg", "max"] },
  );
  add("timeseries", "Disk utilisation", { x: 12, y: 20, w: 12, h: 8 }, [`aliasByNode(${p}.iostat.*.util_percentage, 3)`], {
    unit: "percent",
    min: 0,
    legend: ["avg", "max"],
  });

  // Network.
  add("timeseries", "Network traffic", { x: 0, y: 28, w: 12, h: 8 }, [`aliasByNode(${p}.network.*.{rx_byte,tx_byte}, 3, 4)`], {
    unit: "Bps",
    min: 0,
    legend: ["avg", "max"],
  });
  add(
    "timeseries",
    "Network packets and errors",
    { x: 12, y: 28, w: 12, h: 8 },
    [`aliasByNode(${p}.network.*.{rx_packets,tx_packets}, 3, 4)`, `aliasByNode(${p}.network.*.{rx_errors,tx_errors,rx_drop,tx_drop}, 3, 4)`],
    { unit: "short", min: 0, legend: ["avg", "max"] },
  );

  if (o.nginx === true) {
    panels.push({ id: ++id, type: "text", title: "", gridPos: { x: 0, y: 36, w: 24, h: 2 }, content: "### nginx" });
    add("timeseries", "nginx requests", { x: 0, y: 38, w: 12, h: 8 }, [`alias(${p}.nginx.req_handled, 'requests')`, `alias(${p}.nginx.conn_accepted, 'connections accepted')`], {
      unit: "reqps",
      min: 0,
      legend: ["avg", "max", "last"],
    });
    add(
      "timeseries",
      "nginx connections",
      { x: 12, y: 38, w: 12, h: 8 },
      [`aliasByNode(${p}.nginx.{active_connections,act_reads,act_writes,act_waits}, 3)`],
      { unit: "short", min: 0, legend: ["max", "last"] },
    );
  }

  // Links to the other built-in dashboards (a text panel's Markdown is not interpolated: the
  // installed host is put in the links; each dashboard's own host picker changes it there).
  const bottom = Math.max(...panels.map((q) => q.gridPos.y + q.gridPos.h));
  const q = o.host === "" ? "" : `?var-host=${encodeURIComponent(o.host)}`;
  const links = RELATED_DASHBOARDS.map(([uid, title]) => `[${title}](/d/${uid}${q})`).join(" · ");
  panels.push({ id: ++id, type: "text", title: "Related dashboards", gridPos: { x: 0, y: bottom, w: 24, h: 3 }, content: links });

  // "All" (or several hosts): each chart once per host, the copies below each other
  for (const panel of panels) if (panel.type === "timeseries") Object.assign(panel, { repeat: "host", repeatDirection: "v" as const });

  return parseDashboard({
    uid: HOST_OVERVIEW_UID,
    title: "Host overview",
    tags: ["host", "built-in"],
    time: { from: "now-1h", to: "now" },
    refresh: "30s",
    variables: [
      {
        name: "host",
        label: "Host",
        type: "query",
        query: `${o.prefix ?? "servers"}.*`,
        multi: false,
        includeAll: true,
        current: o.host === "" ? [] : [o.host],
      },
    ],
    panels,
  } satisfies DashboardInput);
}
