/**
 * Admin → Status (`/admin/status`): the status report as a page, server-rendered (it works without
 * script); web/status.ts refreshes the `#status` section every 15 s. Admin only.
 */
import { Router } from "express";
import { access } from "../../access.js";
import { html, type SafeHtml } from "../../views/html.js";
import { sendPage } from "../../views/layout.js";
import { formatBytes, formatDuration, formatFill, formatRetention, formatTime } from "../../status/format.js";
import type { StatusReport } from "../../status/model.js";
import type { StatusSource } from "../api/status.js";

const table = (id: string, head: readonly string[], rows: readonly SafeHtml[]): SafeHtml =>
  html`<div class="table-wrap"><table class="list" id="${id}"><thead><tr>${head.map((h) => html`<th>${h}</th>`)}</tr></thead><tbody>${rows}</tbody></table></div>`;

function databaseSection(r: StatusReport): SafeHtml {
  const d = r.database;
  const f = d.files;
  const disk = r.disk;
  return html`<h2>Database</h2>
<p id="db-summary"><code>${d.path}</code>: <strong data-field="total-bytes">${formatBytes(f.totalBytes)}</strong> — file ${formatBytes(f.dbFileBytes)}, SQLite WAL <span data-field="sqlite-wal">${formatBytes(f.sqliteWalBytes)}</span>, point WAL <span data-field="point-wal">${formatBytes(f.pointWalBytes)}</span>; ${d.pageCount} pages of ${formatBytes(d.pageSize)}, ${d.freePages} free.</p>
<p id="disk">${disk === null ? "Free disk: unknown." : html`Free disk on <code>${disk.path}</code>: <strong>${formatBytes(disk.freeBytes)}</strong> of ${formatBytes(disk.totalBytes)}. Full: <span data-field="fill">${formatFill(disk.fill)}</span>.`}</p>
<p id="series">Series: <strong data-field="series">${r.series.total}</strong>${r.series.max !== null ? html` of ${r.series.max}` : ""}; ${r.series.createdLast24h} created in the last 24 h (${r.series.perHour}/h)${r.series.refused ? html`; ${r.series.refused} refused` : ""}${r.series.headPoints !== null ? html`; <span data-field="head-points">${r.series.headPoints}</span> points in open chunks (not in the tiers yet)` : ""}.</p>
<h3>Tiers</h3>
${table("tiers", ["Tier", "Retention", "Chunks", "Points", "Data", "Oldest point", "Horizon"], r.tiers.map((t) => html`<tr data-tier="${t.tier}"><td>${t.tier}</td><td>${formatRetention(t.retentionMs, t.tier)}</td><td>${t.chunks}</td><td>${t.points}</td><td>${formatBytes(t.bytes)}</td><td>${formatTime(t.oldestTs)}</td><td>${formatDuration(t.horizonMs)}</td></tr>`))}
<h3>Tables and indexes</h3>
<p class="muted">${d.method === "dbstat" ? "Measured with SQLite's dbstat" : "This SQLite has no dbstat: row counts only"}, ${formatTime(d.readAt)} (${d.elapsedMs} ms; cached for a minute).</p>
${table("tables", ["Name", "Kind", "Size", "Pages", "Rows"], d.tables.map((t) => html`<tr><td>${t.name}</td><td>${t.kind}</td><td>${formatBytes(t.bytes)}</td><td>${t.pages ?? "–"}</td><td>${t.rows ?? "–"}</td></tr>`))}`;
}

function liveSection(r: StatusReport): SafeHtml {
  const a = r.alerting;
  const fw = r.forwarders ?? [];
  return html`<h2>Ingest</h2>
${(r.ingest ?? []).length === 0 ? html`<p class="empty" id="ingest">No ingest yet.</p>` : table("ingest", ["Protocol", "Points since start", "Last minute", "Last 5 minutes"], (r.ingest ?? []).map((i) => html`<tr data-protocol="${i.protocol}"><td>${i.protocol}</td><td>${i.total}</td><td>${i.lastMinute.perSecond}/s</td><td>${i.last5Minutes.perSecond}/s</td></tr>`))}
<h2>Collectors</h2>
${(r.collectors ?? []).length === 0 ? html`<p class="empty" id="collectors">No collector runs.</p>` : table("collectors", ["Collector", "Runs", "Errors", "Errors (5 min)", "Skipped", "Last run", "Duration", "Samples"], (r.collectors ?? []).map((c) => html`<tr data-collector="${c.name}"><td>${c.name}</td><td>${c.runs}</td><td>${c.errors}</td><td>${c.errorsLast5Minutes}</td><td>${c.skipped}</td><td>${formatTime(c.lastRunAt)}</td><td>${c.lastDurationMs === null ? "–" : `${c.lastDurationMs} ms`}</td><td>${c.samplesPerRun ?? "–"}</td></tr>`))}
<h2>Alert evaluation</h2>
<p id="alerting">${a === null ? "Alerting is off." : html`${a.evaluations} evaluations (${a.failures} failed, ${a.overruns} overruns); ${a.evaluationsPerMinute}/min over the last 5 minutes, ${a.avgEvaluationMs ?? "–"} ms each, ${(a.busy * 100).toFixed(2)}% of the time.`}</p>
<h2>Forwarders</h2>
${fw.length === 0 ? html`<p class="empty" id="forwarders">No forwarders.</p>` : table("forwarders", ["Name", "Type", "Target", "Queue", "Records", "Lag", "Sent", "Retried", "Dropped", "Last error"], fw.map((f) => html`<tr data-forwarder="${f.name}"><td>${f.name}</td><td>${f.type}</td><td>${f.target}</td><td>${formatBytes(f.queuedBytes)}</td><td>${f.queuedRecords}</td><td>${formatDuration(f.lagSeconds * 1000)}</td><td>${f.sent}</td><td>${f.retried}</td><td>${f.dropped}</td><td>${f.lastError ?? ""}</td></tr>`))}`;
}

/** The `#status` section (also what web/status.ts swaps in on refresh). */
export function statusBody(r: StatusReport): SafeHtml {
  return html`<section id="status" data-generated="${r.generatedAt}">
<p class="muted">Loupe ${r.version ?? ""}, up ${formatDuration((r.uptimeS ?? 0) * 1000)}; ${formatTime(r.generatedAt)}. <a href="/api/status">JSON</a></p>
${databaseSection(r)}
${liveSection(r)}
</section>`;
}

export function statusPages(deps: { readonly status: StatusSource }): Router {
  const router = Router();
  router.get("/admin/status", access("admin"), async (req, res) => {
    const report = await deps.status.report();
    const body = html`<div class="page-head"><h1>Status</h1><a class="btn" href="/admin/users">Users</a><a class="btn" href="/admin/tokens">API tokens</a></div>
${statusBody(report)}`;
    sendPage(req, res, { title: "Status", body, nav: "admin", scripts: ["status.js"] });
  });
  return router;
}
