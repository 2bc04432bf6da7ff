/**
 * GET /hosts (Viewers): every host Loupe knows with its status, last point and vital figures, each
 * linking to its Host overview. web/hosts.ts refreshes it from /api/hosts about once per interval
 * of the fastest host (between 1 s and 30 s).
 */
import { Router } from "express";
import type { HostRow, HostsReport } from "../../../query/index.js";
import { access } from "../../access.js";
import { html, jsonScript, type SafeHtml } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";

const iso = (ms: number): string => new Date(ms).toISOString().replace("T", " ").slice(0, 19);

/** "3 s", "5 min", "2 h", "4 d". */
export function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86_400)} d`;
}

const fixed = (v: number | null, digits: number, unit = ""): string => (v === null ? "–" : `${v.toFixed(digits)}${unit}`);

function row(h: HostRow, now: number): SafeHtml {
  const status = h.status === "up" ? "up" : `silent since ${iso(h.silentSince ?? h.lastSeen)}`;
  return html`<tr data-host="${h.name}" data-status="${h.status}">
  <td><a href="${h.link}" class="host-link">${h.name}</a></td>
  <td><span class="host-status ${h.status}">${status}</span></td>
  <td title="${iso(h.lastSeen)} UTC">${ageText(now - h.lastSeen)} ago</td>
  <td title="${h.intervalFrom === "points" ? "measured from its points" : "[collectors] interval"}">${ageText(h.intervalMs)}</td>
  <td class="num">${fixed(h.vitals.cpuPercent, 1, " %")}</td>
  <td class="num">${fixed(h.vitals.memoryPercent, 1, " %")}</td>
  <td class="num">${fixed(h.vitals.load1, 2)}</td>
  <td class="num">${fixed(h.vitals.diskPercent, 0, " %")}</td>
  <td>${h.sources.join(", ")}</td>
  <td class="num">${h.series}</td>
</tr>`;
}

export function hostsBody(r: HostsReport): SafeHtml {
  const up = r.hosts.filter((h) => h.status === "up").length;
  return html`<h1>Hosts</h1>
<p class="muted" id="hosts-summary">${r.known} host${r.known === 1 ? "" : "s"}, ${up} up, ${r.hosts.length - up} silent. A host is silent after ${r.silentIntervals} of its intervals without a point ([hosts] silent_intervals).</p>
<p class="error-text" id="hosts-truncated"${r.truncated ? "" : html` hidden`}>Only the first ${r.maxHosts} of ${r.known} hosts (by name) are listed: [hosts] max_hosts.</p>
${r.hosts.length === 0 ? html`<div class="empty" id="hosts-empty">No host has sent points yet: Loupe's collectors, Diamond or collectd (Graphite), or series tagged host= (Influx) show up here.</div>` : ""}
<table class="list" id="hosts-table"><thead><tr><th>Host</th><th>Status</th><th>Last point</th><th>Interval</th><th>CPU</th><th>Memory</th><th>Load</th><th>Disk /</th><th>Source</th><th>Series</th></tr></thead>
<tbody>${r.hosts.map((h) => row(h, r.now))}</tbody></table>
${jsonScript("loupe-page", r)}`;
}

export function hostsPages(report: () => HostsReport): Router {
  const router = Router();
  router.get("/hosts", access("viewer"), (req, res) => {
    sendPage(req, res, { title: "Hosts", body: hostsBody(report()), nav: "hosts", scripts: ["hosts.js"] });
  });
  return router;
}
