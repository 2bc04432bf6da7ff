/**
 * The status report as text: number formatting shared by the page and `loupe status`, and the
 * CLI's plain-text tables.
 */
import type { FillEstimate } from "./fill.js";
import type { StatusReport } from "./model.js";

export function formatBytes(n: number | null): string {
  if (n === null) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return "–";
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  const one = (v: number): string => v.toFixed(1).replace(/\.0$/, "");
  if (s < 172_800) return `${one(s / 3600)}h`;
  return `${one(s / 86_400)}d`;
}

export function formatTime(ms: number | null): string {
  return ms === null ? "–" : new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

export function formatRetention(ms: number, tier: string): string {
  if (ms === 0) return tier === "raw" ? "forever" : "off";
  return formatDuration(ms);
}

export function formatFill(f: FillEstimate): string {
  switch (f.state) {
    case "not_enough_data":
      return `not enough data (growth measured over ${formatDuration(f.spanMs)}, needs ${formatDuration(f.needMs)})`;
    case "not_growing":
      return `not growing (${formatBytes(f.bytesPerDay)}/day)`;
    case "fills":
      return `${formatTime(f.fillsAt)} at ${formatBytes(f.bytesPerDay)}/day`;
  }
}

/** Left-aligned columns, two spaces apart. */
export function textTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

/** Tables and indexes printed (largest first); --json has them all. */
const TABLES_SHOWN = 10;

function databaseText(r: StatusReport): string[] {
  const d = r.database;
  const f = d.files;
  const out = [
    `Database ${d.path}: ${formatBytes(f.totalBytes)} (file ${formatBytes(f.dbFileBytes)}, SQLite WAL ${formatBytes(f.sqliteWalBytes)}, point WAL ${formatBytes(f.pointWalBytes)}); ${d.pageCount} pages of ${formatBytes(d.pageSize)}, ${d.freePages} free`,
    "",
    textTable(
      ["Tier", "Retention", "Chunks", "Points", "Data", "Oldest point", "Horizon"],
      r.tiers.map((t) => [t.tier, formatRetention(t.retentionMs, t.tier), String(t.chunks), String(t.points), formatBytes(t.bytes), formatTime(t.oldestTs), formatDuration(t.horizonMs)]),
    ),
    "",
    `Tables and indexes (${d.method === "dbstat" ? "dbstat" : "row counts: this SQLite has no dbstat"}):`,
    textTable(
      ["Name", "Kind", "Size", "Pages", "Rows"],
      d.tables.slice(0, TABLES_SHOWN).map((t) => [t.name, t.kind, formatBytes(t.bytes), t.pages === null ? "–" : String(t.pages), t.rows === null ? "–" : String(t.rows)]),
    ),
    ...(d.tables.length > TABLES_SHOWN ? [`… and ${d.tables.length - TABLES_SHOWN} smaller (${formatBytes(d.tables.slice(TABLES_SHOWN).reduce((s, t) => s + (t.bytes ?? 0), 0))}; --json lists all)`] : []),
    "",
    `Series: ${r.series.total}${r.series.max !== null ? ` of ${r.series.max}` : ""}; ${r.series.createdLast24h} created in the last 24 h (${r.series.perHour}/h)${r.series.refused ? `; ${r.series.refused} refused` : ""}${r.series.headPoints !== null ? `; ${r.series.headPoints} points in open chunks (not in the tiers yet)` : ""}`,
  ];
  return out;
}

function liveText(r: StatusReport): string[] {
  if (r.ingest === null) return ["", "Ingest rates, collectors, alerting, forwarders: only a running Loupe knows them (Admin → Status, or /api/status as an Admin)."];
  const out = ["", "Ingest:"];
  out.push(r.ingest.length === 0 ? "  none yet" : textTable(["Protocol", "Total", "Last minute", "Last 5 min"], r.ingest.map((i) => [i.protocol, String(i.total), `${i.lastMinute.perSecond}/s`, `${i.last5Minutes.perSecond}/s`])));
  out.push("", "Collectors:");
  const cs = r.collectors ?? [];
  out.push(cs.length === 0 ? "  none running" : textTable(["Collector", "Runs", "Errors", "Errors 5m", "Last run", "Duration", "Samples"], cs.map((c) => [c.name, String(c.runs), String(c.errors), String(c.errorsLast5Minutes), formatTime(c.lastRunAt), c.lastDurationMs === null ? "–" : `${c.lastDurationMs} ms`, c.samplesPerRun === null ? "–" : String(c.samplesPerRun)])));
  const a = r.alerting;
  out.push("", a === null ? "Alerting: off" : `Alerting: ${a.evaluations} evaluations (${a.failures} failed, ${a.overruns} overruns), ${a.evaluationsPerMinute}/min, ${a.avgEvaluationMs ?? "–"} ms each, ${(a.busy * 100).toFixed(2)}% busy`);
  out.push("", "Forwarders:");
  const fw = r.forwarders ?? [];
  out.push(fw.length === 0 ? "  no forwarders" : textTable(["Name", "Type", "Target", "Queue", "Lag", "Sent", "Retried", "Dropped", "Last error"], fw.map((f) => [f.name, f.type, f.target, formatBytes(f.queuedBytes), `${f.lagSeconds}s`, String(f.sent), String(f.retried), String(f.dropped), f.lastError ?? ""])));
  return out;
}

/** The whole report as text (`loupe status`). */
export function formatStatusText(r: StatusReport): string {
  const head =
    r.source === "live"
      ? `Loupe ${r.version ?? ""} status (live, up ${formatDuration((r.uptimeS ?? 0) * 1000)}) at ${formatTime(r.generatedAt)}`
      : r.source === "offline"
        ? `Loupe status (offline: read from the data dir, no Loupe running) at ${formatTime(r.generatedAt)}`
        : `Loupe status (read from the data dir read-only: the running Loupe's /api/status needs an Admin) at ${formatTime(r.generatedAt)}`;
  const disk = r.disk === null ? "Disk: unknown" : `Disk ${r.disk.path}: ${formatBytes(r.disk.freeBytes)} free of ${formatBytes(r.disk.totalBytes)}; full: ${formatFill(r.disk.fill)}`;
  return [head, "", ...databaseText(r), "", disk, ...liveText(r), ""].join("\n");
}
