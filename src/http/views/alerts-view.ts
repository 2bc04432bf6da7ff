/** Server-side views of the Alerts page and the rule editor (behaviour in web/alerts.ts). */
import { formatDuration } from "../../config/index.js";
import { formatValue, type AlertInstance, type NotifierStatus, type Rule, type RuleFileProblem, type Silence, type StateChange, formatMatcher } from "../../alerting/index.js";
import { html, jsonScript, type SafeHtml } from "./html.js";

const iso = (ms: number | null): string => (ms === null ? "" : new Date(ms).toISOString().replace("T", " ").slice(0, 19));
const dur = (ms: number): string => (ms === 0 ? "0" : formatDuration(ms));

export interface AlertsView {
  readonly now: number;
  readonly instances: readonly AlertInstance[];
  readonly rules: ReadonlyArray<{ rule: Rule; interval: number; lastError: string | undefined }>;
  readonly silences: readonly Silence[];
  readonly notifiers: readonly NotifierStatus[];
  readonly history: readonly StateChange[];
  readonly problems: readonly RuleFileProblem[];
  readonly editable: boolean;
  readonly silenced: (labels: Readonly<Record<string, string>>) => boolean;
}

export function conditionText(r: Pick<Rule, "reduce" | "window" | "op" | "threshold" | "for">): string {
  return `${r.reduce}(${dur(r.window)}) ${r.op} ${r.threshold}${r.for > 0 ? ` for ${dur(r.for)}` : ""}`;
}

function exploreLink(expr: string, i: AlertInstance, now: number): string {
  const from = i.activeAt - 3_600_000;
  const to = Math.min(now, (i.resolvedAt ?? now) + 3_600_000);
  return `/explore?target=${encodeURIComponent(i.fingerprint !== "" ? i.fingerprint : expr)}&from=${from}&to=${to}`;
}

function instancesTable(v: AlertsView): SafeHtml {
  const rows = [...v.instances].filter((i) => i.state !== "resolved").sort((a, b) => rank(a.state) - rank(b.state) || a.activeAt - b.activeAt);
  if (rows.length === 0) return html`<div class="empty" id="no-alerts">Nothing is firing, pending or without data.</div>`;
  const exprOf = new Map(v.rules.map((r) => [r.rule.uid, r.rule.expr]));
  return html`<table class="list" id="alert-list"><thead><tr><th>State</th><th>Alert</th><th>Series</th><th>Value</th><th>Since (UTC)</th><th>Summary</th><th></th></tr></thead><tbody>
${rows.map((i) => {
  const silenced = i.state === "firing" && v.silenced(i.labels);
  return html`<tr data-rule="${i.ruleUid}" data-state="${i.state}"><td><span class="alert-state ${i.state}">${i.state}${silenced ? " (silenced)" : ""}</span></td><td>${i.labels["alertname"] ?? ""}</td><td class="muted">${i.labels["host"] !== undefined ? html`<b>${i.labels["host"]}</b> ` : ""}${i.fingerprint}</td><td>${formatValue(i.value)}</td><td class="muted">${iso(i.activeAt)}</td><td>${i.annotations["summary"] ?? ""}</td><td><a href="${exploreLink(exprOf.get(i.ruleUid) ?? "", i, v.now)}">Explore</a>${
    v.editable ? html` <button type="button" class="btn link silence-this" data-matchers="${JSON.stringify(Object.entries(i.labels).filter(([k]) => k === "alertname" || k === "host" || k === "series").map(([name, value]) => ({ name, op: "=", value })))}">Silence</button>` : ""
  }</td></tr>`;
})}</tbody></table>`;
}

const rank = (s: string): number => ["firing", "pending", "error", "no_data"].indexOf(s);

function rulesTable(v: AlertsView): SafeHtml {
  return html`<table class="list" id="rule-list"><thead><tr><th>Rule</th><th>Group</th><th>Target</th><th>Condition</th><th>Source</th><th>State</th><th></th></tr></thead><tbody>
${v.rules.map(({ rule: r, interval, lastError }) => {
  const inst = v.instances.filter((i) => i.ruleUid === r.uid && i.state !== "resolved");
  const state = inst.some((i) => i.state === "firing") ? "firing" : inst.some((i) => i.state === "pending") ? "pending" : lastError !== undefined ? "error" : "ok";
  const src = r.source.kind === "file" ? `${r.source.file}:${r.source.line}` : r.source.kind === "builtin" ? "built in" : "UI";
  return html`<tr data-uid="${r.uid}"><td>${r.alert}</td><td class="muted">${r.group} (every ${dur(interval)})</td><td><code>${r.expr}</code></td><td>${conditionText(r)}</td><td class="muted">${src}</td><td><span class="alert-state ${state}" title="${lastError ?? ""}">${state}</span></td><td>${
    v.editable && r.source.kind === "ui"
      ? html`<a href="/alerts/rules/${encodeURIComponent(r.uid)}/edit">Edit</a> <button type="button" class="btn link danger rule-delete" data-uid="${r.uid}">Delete</button>`
      : html`<span class="muted">read-only</span>`
  }</td></tr>`;
})}</tbody></table>`;
}

function silencesCard(v: AlertsView): SafeHtml {
  return html`<div class="card" id="silences"><h4>Silences</h4>
${v.silences.length === 0 ? html`<div class="empty">No active silence.</div>` : html`<table class="list"><thead><tr><th>Matchers</th><th>From</th><th>Until</th><th>By</th><th>Why</th><th></th></tr></thead><tbody>
${v.silences.map((s) => html`<tr data-id="${s.id}"><td><code>${s.matchers.map(formatMatcher).join(", ")}</code></td><td class="muted">${iso(s.startsAt)}</td><td class="muted">${iso(s.endsAt)}</td><td>${s.createdBy ?? ""}</td><td>${s.comment}</td><td>${v.editable ? html`<button type="button" class="btn link danger silence-expire" data-id="${s.id}">Expire</button>` : ""}</td></tr>`)}</tbody></table>`}
${v.editable ? html`<form id="silence-form" class="search" autocomplete="off"><input type="text" name="matchers" placeholder="host=web1, alertname=~Disk.*" required><input type="text" name="duration" value="2h" title="Duration" size="6"><input type="text" name="comment" placeholder="Why" required><button class="btn primary" type="submit">Silence</button></form>` : ""}
</div>`;
}

function notifiersCard(v: AlertsView): SafeHtml {
  return html`<div class="card" id="notifiers"><h4>Notifiers</h4>${
    v.notifiers.length === 0
      ? html`<div class="empty">No notifier: add a <code>[notifier.&lt;name&gt;]</code> section to the configuration.</div>`
      : html`<table class="list"><thead><tr><th>Name</th><th>Type</th><th>Last sent</th><th>Failed attempts</th><th>Given up</th><th>Last error</th></tr></thead><tbody>${v.notifiers.map(
          (n) => html`<tr data-notifier="${n.name}"><td>${n.name}</td><td>${n.type}</td><td class="muted">${iso(n.lastSuccessAt)}</td><td>${n.failedAttempts}</td><td>${n.dropped}</td><td class="${n.lastError !== null ? "alert-error" : "muted"}">${n.lastError ?? ""}${n.lastErrorAt !== null ? html` <span class="muted">(${iso(n.lastErrorAt)})</span>` : ""}</td></tr>`,
        )}</tbody></table>`
  }</div>`;
}

export function alertsBody(v: AlertsView): SafeHtml {
  return html`
<div class="page-head"><h1>Alerts</h1><span class="spacer"></span>${v.editable ? html`<a class="btn primary" href="/alerts/rules/new">New rule</a>` : ""}</div>
${v.problems.length > 0 ? html`<div class="card alert-error" id="rule-problems"><h4>Rule files with problems (skipped)</h4>${v.problems.map((p) => html`<div><code>${p.file}${p.line !== undefined ? `:${p.line}` : ""}</code> ${p.field ?? ""}: ${p.message}</div>`)}</div>` : ""}
<div class="card">${instancesTable(v)}</div>
<h3>Rules</h3>
<div class="card">${rulesTable(v)}</div>
<div class="alert-grid">${silencesCard(v)}${notifiersCard(v)}</div>
<h3>History</h3>
<div class="card" id="alert-history">${
    v.history.length === 0
      ? html`<div class="empty">No state change yet.</div>`
      : html`<table class="list"><thead><tr><th>Time (UTC)</th><th>Alert</th><th>Series</th><th>Change</th><th>Value</th></tr></thead><tbody>${v.history.map(
          (c) => html`<tr><td class="muted">${iso(c.at)}</td><td>${c.alertname}</td><td class="muted">${c.fingerprint}</td><td>${c.from} → ${c.to}</td><td>${formatValue(c.value)}</td></tr>`,
        )}</tbody></table>`
  }</div>`;
}

export interface RuleEditorView {
  readonly uid: string | null;
  readonly rule: Record<string, unknown>;
}

/** The rule editor: YAML-like fields, preview and 7-day backtest before saving. */
export function ruleEditorBody(v: RuleEditorView): SafeHtml {
  const f = (name: string, label: string, placeholder = ""): SafeHtml => html`<label>${label}<input type="text" name="${name}" value="${String(v.rule[name] ?? "")}" placeholder="${placeholder}" spellcheck="false"></label>`;
  return html`
<div class="page-head"><h1>${v.uid === null ? "New alert rule" : `Edit ${String(v.rule["alert"] ?? "")}`}</h1></div>
<form id="rule-form" class="card rule-form" autocomplete="off">
  <div class="rule-row">${f("alert", "Name", "DiskAlmostFull")}${f("group", "Group", "mine")}${f("interval", "Interval", "1m")}</div>
  <label>Target (Graphite)<input type="text" name="expr" value="${String(v.rule["expr"] ?? "")}" placeholder="servers.*.diskspace.root.byte_avail" spellcheck="false" required></label>
  <div class="rule-row">
    <label>Reduce<select name="reduce">${["last", "avg", "min", "max", "sum", "count", "delta", "predict_linear", "silent_intervals"].map((r) => html`<option value="${r}" ${v.rule["reduce"] === r ? "selected" : ""}>${r}</option>`)}</select></label>
    ${f("window", "Over", "5m")}
    <label>Op<select name="op">${[">", ">=", "<", "<=", "==", "!="].map((o) => html`<option value="${o}" ${v.rule["op"] === o ? "selected" : ""}>${o}</option>`)}</select></label>
    ${f("threshold", "Threshold", "90")}${f("for", "For", "0")}${f("keep_firing_for", "Keep firing for", "0")}
    <label>No data<select name="no_data">${["no_data", "ok", "alerting"].map((o) => html`<option value="${o}" ${v.rule["no_data"] === o ? "selected" : ""}>${o}</option>`)}</select></label>
  </div>
  ${f("labels", "Labels (k=v, comma separated)", "severity=page")}
  ${f("summary", "Summary", "{{ $labels.host }}: {{ $value }}")}
  <div class="rule-actions"><button type="button" class="btn" id="rule-preview">Preview</button><button type="button" class="btn" id="rule-backtest">Backtest 7 days</button><span class="spacer"></span><a class="btn" href="/alerts">Cancel</a><button type="submit" class="btn primary">Save</button></div>
</form>
<div class="card" id="rule-result"><div class="empty">Preview shows each series' value now; Backtest replays the rule over the last 7 days of stored data and counts how often it would have fired and notified.</div></div>
${jsonScript("loupe-page", { uid: v.uid })}`;
}
