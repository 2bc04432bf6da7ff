import { test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { createApp, startHttpServer, type Principal, type Role } from "../../src/http/index.js";
import { alertRoutes } from "../../src/http/routes/api/alerts.js";
import { alertPages } from "../../src/http/routes/pages/alerts.js";
import { silentLogger } from "../../src/lib/logger.js";
import { FakeClock } from "../../src/lib/clock.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { defaultConfig } from "../../src/config/index.js";
import { AlertingService, readNotifiers } from "../../src/alerting/index.js";
import { SqliteRuleStore, SqliteSilenceStore } from "../../src/store/alerting/index.js";
import { openStateDb, scripted, series, T0 } from "./helpers.js";
import { tempDir } from "../helpers/tmp.js";

const testPrincipal: RequestHandler = (req, res, next) => {
  const role = req.get("x-test-role") as Role | undefined;
  if (role === "Viewer" || role === "Editor" || role === "Admin") res.locals["principal"] = { kind: "user", role, login: role.toLowerCase() } satisfies Principal;
  next();
};

async function harness() {
  const dir = tempDir("loupe-alert-api-");
  mkdirSync(join(dir, "rules"));
  writeFileSync(join(dir, "rules", "host.yml"), `groups:\n  - name: host\n    interval: 30s\n    rules:\n      - alert: LoadHigh\n        expr: servers.*.loadavg.01\n        op: ">"\n        threshold: 10\n        for: 1m\n`);
  const { db, states } = openStateDb(dir);
  const clock = new FakeClock(T0);
  const config = defaultConfig(`[alerting]\nrules_path = ${join(dir, "rules")}\n[notifier.ops]\nurl = http://127.0.0.1:1/secret-hook\nbearer_token = tok3n\n`);
  const q = scripted();
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [20], now), series("servers.web2.loadavg.01", [1], now)]);
  const metrics = new MetricsRegistry();
  const notifiers = readNotifiers(config);
  const alerting = new AlertingService({ settings: config.alerting, notifiers, pathPrefix: "servers", externalURL: "http://loupe/", query: q.query, states, rules: new SqliteRuleStore(db, clock), silences: new SqliteSilenceStore(db, clock), clock, log: silentLogger, metrics, timers: false, senderFor: () => ({ send: async () => undefined }) });
  const app = createApp({ log: silentLogger, before: [testPrincipal], routers: [alertRoutes({ alerting, notifiers, clock }), alertPages({ alerting, clock })] });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  after(() => http.close());
  const call = async (role: Role | "none", method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = role === "none" ? {} : { "x-test-role": role };
    if (body !== undefined) headers["content-type"] = "application/json";
    const res = await fetch(`http://127.0.0.1:${http.port}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, json: text === "" || !(res.headers.get("content-type") ?? "").includes("json") ? undefined : (JSON.parse(text) as unknown), text };
  };
  return { alerting, clock, call, metrics, q };
}

test("GET /api/alerts and /api/v1/alerts: instances with state, value, labels, since; Prometheus' shape", async () => {
  const h = await harness();
  await h.alerting.evaluateAll(T0);
  let r = await h.call("Viewer", "GET", "/api/alerts");
  assert.equal(r.status, 200);
  const list = r.json as Array<Record<string, unknown>>;
  assert.equal(list.length, 1);
  assert.deepEqual({ state: list[0]!["state"], value: list[0]!["value"], since: list[0]!["since"], rule: list[0]!["rule"] }, { state: "pending", value: 20, since: T0, rule: "host/LoadHigh" });
  await h.alerting.evaluateAll(T0 + 60_000);
  r = await h.call("Viewer", "GET", "/api/v1/alerts");
  assert.deepEqual(r.json, {
    status: "success",
    data: { alerts: [{ labels: { alertname: "LoadHigh", host: "web1", series: "servers.web1.loadavg.01" }, annotations: {}, state: "firing", activeAt: new Date(T0).toISOString(), value: "20" }] },
  });
  const m = h.metrics.expose();
  assert.match(m, /loupe_alerts\{alertname="LoadHigh",state="firing"\} 1/);
  assert.match(m, /loupe_alerting_evaluations_total 2/);
});

test("GET /api/v1/rules in Prometheus' shape (groups, interval in seconds, state, health)", async () => {
  const h = await harness();
  await h.alerting.evaluateAll(T0);
  const r = await h.call("Viewer", "GET", "/api/v1/rules");
  const body = r.json as { status: string; data: { groups: Array<{ name: string; interval: number; file: string; rules: Array<Record<string, unknown>> }> } };
  assert.equal(body.status, "success");
  const g = body.data.groups[0]!;
  assert.equal(g.name, "host");
  assert.equal(g.interval, 30);
  assert.match(g.file, /host\.yml$/);
  assert.deepEqual({ name: g.rules[0]!["name"], type: g.rules[0]!["type"], query: g.rules[0]!["query"], duration: g.rules[0]!["duration"], state: g.rules[0]!["state"], health: g.rules[0]!["health"] }, { name: "LoadHigh", type: "alerting", query: "servers.*.loadavg.01", duration: 60, state: "pending", health: "ok" });
});

test("rules CRUD: Editors create, edit and delete UI rules; provisioned rules are read-only; Viewers cannot write", async () => {
  const h = await harness();
  const body = { group: "mine", interval: "1m", alert: "DiskLow", expr: "servers.*.diskspace.root.byte_percentfree", op: "<", threshold: 5, for: "5m", annotations: { summary: "{{ $labels.host }}" } };
  assert.equal((await h.call("Viewer", "POST", "/api/alert-rules", body)).status, 403);
  const created = await h.call("Editor", "POST", "/api/alert-rules", body);
  assert.equal(created.status, 201, created.text);
  const uid = (created.json as { uid: string }).uid;
  assert.deepEqual({ ...(created.json as Record<string, unknown>), uid: "x", lastError: null }, {
    uid: "x", group: "mine", interval: 60_000, source: { kind: "ui" }, readOnly: false, alert: "DiskLow", expr: body.expr, reduce: "last", window: 300_000, op: "<", threshold: 5, for: 300_000, keep_firing_for: 0,
    no_data: "no_data", error: "error", labels: {}, annotations: body.annotations, lastError: null, firing: 0, pending: 0,
  });
  const bad = await h.call("Editor", "POST", "/api/alert-rules", { ...body, threshold: "five", reduce: "avgg" });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /threshold: expected a number/);
  assert.match(bad.text, /reduce: .*did you mean \\"avg\\"/);
  const put = await h.call("Editor", "PUT", `/api/alert-rules/${uid}`, { ...body, threshold: 3 });
  assert.equal(put.status, 200, put.text);
  assert.equal((put.json as { threshold: number }).threshold, 3);
  const ro = await h.call("Editor", "PUT", `/api/alert-rules/${encodeURIComponent("host/LoadHigh")}`, body);
  assert.equal(ro.status, 409);
  assert.match(ro.text, /provisioned from .*host\.yml/);
  assert.equal((await h.call("Editor", "DELETE", `/api/alert-rules/${encodeURIComponent("host/LoadHigh")}`)).status, 409);
  assert.equal((await h.call("Editor", "POST", "/api/alert-rules", { ...body, group: "host" })).status, 409, "a provisioned group is not extended from the UI");
  const list = (await h.call("Viewer", "GET", "/api/alert-rules")).json as { rules: Array<{ uid: string; readOnly: boolean }> };
  assert.deepEqual(list.rules.map((r) => [r.uid, r.readOnly]), [["host/LoadHigh", true], [uid, false]]);
  assert.equal((await h.call("Editor", "DELETE", `/api/alert-rules/${uid}`)).status, 204);
  assert.equal((await h.call("Editor", "DELETE", `/api/alert-rules/${uid}`)).status, 404);
});

test("silences: Editors add and expire them; a silenced firing alert is marked; expired silences stay listed with all=true", async () => {
  const h = await harness();
  await h.alerting.evaluateAll(T0);
  await h.alerting.evaluateAll(T0 + 60_000);
  h.clock.set(T0 + 60_000);
  assert.equal((await h.call("Viewer", "POST", "/api/silences", { matchers: [{ name: "host", op: "=", value: "web1" }], duration: "2h", comment: "maintenance" })).status, 403);
  const bad = await h.call("Editor", "POST", "/api/silences", { matchers: [{ name: "host", op: "=~", value: "(" }], duration: "2h", comment: "x" });
  assert.equal(bad.status, 400);
  const s = await h.call("Editor", "POST", "/api/silences", { matchers: [{ name: "host", op: "=", value: "web1" }], duration: "2h", comment: "maintenance" });
  assert.equal(s.status, 201, s.text);
  const sil = s.json as { id: number; createdBy: string; endsAt: number };
  assert.equal(sil.createdBy, "editor");
  assert.equal(sil.endsAt, T0 + 60_000 + 7_200_000);
  const alerts = (await h.call("Viewer", "GET", "/api/alerts")).json as Array<{ silenced: boolean }>;
  assert.deepEqual(alerts.map((a) => a.silenced), [true]);
  h.clock.advance(1000);
  assert.equal((await h.call("Editor", "DELETE", `/api/silences/${sil.id}`)).status, 204);
  assert.deepEqual((await h.call("Viewer", "GET", "/api/silences")).json, []);
  const all = (await h.call("Viewer", "GET", "/api/silences?all=true")).json as Array<{ state: string; comment: string }>;
  assert.deepEqual(all.map((x) => [x.state, x.comment]), [["expired", "maintenance"]]);
});

test("notifiers: health for Viewers; destinations only for Admins, secrets masked", async () => {
  const h = await harness();
  const st = await h.call("Viewer", "GET", "/api/alert-notifiers");
  assert.equal(st.status, 200);
  assert.doesNotMatch(st.text, /secret-hook/);
  assert.equal((st.json as Array<{ name: string }>)[0]!.name, "ops");
  assert.equal((await h.call("Editor", "GET", "/api/alert-notifiers/config")).status, 403);
  const cfg = await h.call("Admin", "GET", "/api/alert-notifiers/config");
  assert.equal(cfg.status, 200);
  assert.match(cfg.text, /secret-hook/);
  assert.doesNotMatch(cfg.text, /tok3n/);
});

test("history: state changes of the last 7 days, newest first, by rule", async () => {
  const h = await harness();
  await h.alerting.evaluateAll(T0);
  await h.alerting.evaluateAll(T0 + 60_000);
  h.clock.set(T0 + 120_000);
  const r = (await h.call("Viewer", "GET", "/api/alert-history?rule=host%2FLoadHigh")).json as Array<{ from: string; to: string }>;
  assert.deepEqual(r.map((c) => `${c.from}>${c.to}`), ["pending>firing", "normal>pending"]);
});

test("POST /api/alert-rules/preview and /backtest: Editors try a rule before saving it; bad input is a 400 naming the field", async () => {
  const h = await harness();
  h.clock.set(T0);
  const body = { group: "mine", alert: "X", expr: "servers.*.loadavg.01", op: ">", threshold: 10 };
  assert.equal((await h.call("Viewer", "POST", "/api/alert-rules/preview", body)).status, 403);
  const p = await h.call("Editor", "POST", "/api/alert-rules/preview", body);
  assert.equal(p.status, 200, p.text);
  assert.deepEqual((p.json as { rows: Array<{ series: string; value: number; matches: boolean }> }).rows.map((r) => [r.series, r.value, r.matches]), [
    ["servers.web1.loadavg.01", 20, true],
    ["servers.web2.loadavg.01", 1, false],
  ]);
  const b = await h.call("Editor", "POST", "/api/alert-rules/backtest", { ...body, days: 1 });
  assert.equal(b.status, 200, b.text);
  const bt = b.json as { evaluations: number; series: number };
  assert.equal(bt.series, 2);
  assert.ok(bt.evaluations > 0);
  const bad = await h.call("Editor", "POST", "/api/alert-rules/backtest", { ...body, days: 99 });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /days/);
  const badRule = await h.call("Editor", "POST", "/api/alert-rules/preview", { ...body, window: "soon" });
  assert.equal(badRule.status, 400);
  assert.match(badRule.text, /window: expected a duration/);
});

test("the Alerts page lists instances, rules with their source, silences, notifiers and history; the rule editor is for Editors", async () => {
  const h = await harness();
  await h.alerting.evaluateAll(T0);
  h.clock.set(T0);
  const page = await h.call("Viewer", "GET", "/alerts");
  assert.equal(page.status, 200);
  assert.match(page.text, /<tr data-rule="host\/LoadHigh" data-state="pending">/);
  assert.match(page.text, /servers\.web1\.loadavg\.01/);
  assert.match(page.text, /host\.yml:5/);
  assert.match(page.text, /normal → pending/);
  assert.match(page.text, /data-notifier="ops"/);
  assert.doesNotMatch(page.text, /New rule/, "no editing for Viewers");
  assert.doesNotMatch(page.text, /secret-hook/);
  assert.match((await h.call("Editor", "GET", "/alerts")).text, /New rule/);
  assert.equal((await h.call("Viewer", "GET", "/alerts/rules/new")).status, 403);
  const editor = await h.call("Editor", "GET", "/alerts/rules/new");
  assert.equal(editor.status, 200);
  assert.match(editor.text, /id="rule-backtest"/);
  const created = await h.call("Editor", "POST", "/api/alert-rules", { group: "mine", alert: "Mine", expr: "servers.*.loadavg.01", op: ">", threshold: 3, window: "10m", labels: { team: "db" } });
  const uid = (created.json as { uid: string }).uid;
  const edit = await h.call("Editor", "GET", `/alerts/rules/${uid}/edit`);
  assert.equal(edit.status, 200);
  assert.match(edit.text, /name="window" value="10m"/);
  assert.match(edit.text, /name="labels" value="team=db"/);
  assert.equal((await h.call("Editor", "GET", "/alerts/rules/host%2FLoadHigh/edit")).status, 404, "provisioned rules have no editor");
});
