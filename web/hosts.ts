/**
 * Hosts page: the server renders the table; this refreshes it from /api/hosts about once per interval
 * of the fastest host (1 s to 30 s), so a host that goes quiet turns "silent" without a reload.
 */
import { initCommon } from "./lib/theme.js";
import { getJson } from "./lib/api.js";
import { byId, clear, h, pageData } from "./lib/dom.js";

initCommon();

interface HostRow {
  name: string;
  sources: string[];
  series: number;
  lastSeen: number;
  intervalMs: number;
  intervalFrom: "points" | "collectors";
  status: "up" | "silent";
  silentSince: number | null;
  vitals: { cpuPercent: number | null; memoryPercent: number | null; load1: number | null; diskPercent: number | null };
  link: string;
}

interface HostsReport {
  now: number;
  hosts: HostRow[];
  known: number;
  truncated: boolean;
  maxHosts: number;
  silentIntervals: number;
  elapsedMs: number;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const fixed = (v: number | null, digits: number, unit = ""): string => (v === null ? "–" : `${v.toFixed(digits)}${unit}`);

/** Same wording as the server's view (src/http/routes/pages/hosts.ts). */
function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

function row(r: HostRow, now: number): HTMLTableRowElement {
  const status = r.status === "up" ? "up" : `silent since ${iso(r.silentSince ?? r.lastSeen)}`;
  return h(
    "tr",
    { "data-host": r.name, "data-status": r.status },
    h("td", {}, h("a", { href: r.link, class: "host-link" }, r.name)),
    h("td", {}, h("span", { class: `host-status ${r.status}` }, status)),
    h("td", { title: `${iso(r.lastSeen)} UTC` }, `${ageText(now - r.lastSeen)} ago`),
    h("td", { title: r.intervalFrom === "points" ? "measured from its points" : "[collectors] interval" }, ageText(r.intervalMs)),
    h("td", { class: "num" }, fixed(r.vitals.cpuPercent, 1, " %")),
    h("td", { class: "num" }, fixed(r.vitals.memoryPercent, 1, " %")),
    h("td", { class: "num" }, fixed(r.vitals.load1, 2)),
    h("td", { class: "num" }, fixed(r.vitals.diskPercent, 0, " %")),
    h("td", {}, r.sources.join(", ")),
    h("td", { class: "num" }, String(r.series)),
  );
}

function render(r: HostsReport): void {
  const body = document.querySelector<HTMLTableSectionElement>("#hosts-table tbody");
  if (body === null) return;
  clear(body);
  for (const host of r.hosts) body.append(row(host, r.now));
  const up = r.hosts.filter((x) => x.status === "up").length;
  const summary = byId("hosts-summary");
  if (summary !== null) summary.textContent = `${r.known} host${r.known === 1 ? "" : "s"}, ${up} up, ${r.hosts.length - up} silent. A host is silent after ${r.silentIntervals} of its intervals without a point ([hosts] silent_intervals).`;
  const cut = byId("hosts-truncated");
  if (cut !== null) {
    cut.hidden = !r.truncated;
    cut.textContent = `Only the first ${r.maxHosts} of ${r.known} hosts (by name) are listed: [hosts] max_hosts.`;
  }
  const empty = byId("hosts-empty");
  if (empty !== null) empty.hidden = r.hosts.length > 0;
}

/**
 * About one interval of the fastest host, between 1 s and 30 s (10 s with no host yet); at least 5
 * times what the server took to compute the report, so an open page keeps the server busy at most a
 * fifth of the time on a store with very many series. (20× made one slow first report, computed while
 * the machine was busy, hold the next refresh back 10 s: a silent host showed late.)
 */
function refreshDelay(r: HostsReport): number {
  const fastest = r.hosts.length === 0 ? 10_000 : Math.min(...r.hosts.map((x) => x.intervalMs));
  return Math.min(30_000, Math.max(1_000, fastest, 5 * r.elapsedMs));
}

function schedule(r: HostsReport): void {
  setTimeout(() => {
    getJson<HostsReport>("/api/hosts")
      .then((next) => {
        render(next);
        schedule(next);
      })
      .catch(() => schedule(r)); // keep the last table; try again later
  }, refreshDelay(r));
}

schedule(pageData<HostsReport>());
