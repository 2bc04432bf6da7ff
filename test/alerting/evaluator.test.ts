import { test } from "node:test";
import assert from "node:assert/strict";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { Evaluator, type AlertStateStore, type QueryFn } from "../../src/alerting/index.js";
import { openStateDb, rule, scripted, series, T0 } from "./helpers.js";

const MIN = 60_000;

function evaluator(states: AlertStateStore, query: QueryFn, extra: Partial<ConstructorParameters<typeof Evaluator>[0]> = {}) {
  return new Evaluator({ query, states, clock: new FakeClock(T0), log: silentLogger, budgetMs: 5000, maxInstancesPerRule: 100, pathPrefix: "servers", hostLabel: "host", ...extra });
}

test("for: pending until the condition has held `for`, then firing; resolved when it stops; history records each change", () => {
  const { states } = openStateDb();
  const q = scripted();
  let load = 20;
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [load], now)]);
  const r = rule({ for: 2 * MIN, annotations: { summary: "{{ $labels.host }} load {{ $value }} ({{ $series }})" } });
  const ev = evaluator(states, q.query);
  const stateAt = (): string => ev.instancesOf(r.uid).map((i) => i.state).join(",");
  ev.evaluateRule(r, T0);
  assert.equal(stateAt(), "pending");
  ev.evaluateRule(r, T0 + MIN);
  assert.equal(stateAt(), "pending", "1 min < for");
  ev.evaluateRule(r, T0 + 2 * MIN);
  assert.equal(stateAt(), "firing");
  const i = ev.instancesOf(r.uid)[0]!;
  assert.deepEqual(i.labels, { alertname: "High", host: "web1", series: "servers.web1.loadavg.01" });
  assert.equal(i.annotations["summary"], "web1 load 20 (servers.web1.loadavg.01)");
  assert.equal(i.activeAt, T0);
  assert.equal(i.firedAt, T0 + 2 * MIN);
  load = 1;
  ev.evaluateRule(r, T0 + 3 * MIN);
  assert.equal(stateAt(), "resolved");
  assert.equal(ev.instancesOf(r.uid)[0]!.resolvedAt, T0 + 3 * MIN);
  const h = states.history({ from: 0, to: T0 * 2 }).reverse();
  assert.deepEqual(h.map((c) => `${c.from}>${c.to}@${(c.at - T0) / MIN}`), ["normal>pending@0", "pending>firing@2", "firing>normal@3"]);
});

test("for: a condition that stops while pending returns to normal without firing", () => {
  const { states } = openStateDb();
  const q = scripted();
  const loads = [20, 1, 20];
  let k = 0;
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [loads[k++]!], now)]);
  const r = rule({ for: MIN });
  const ev = evaluator(states, q.query);
  ev.evaluateRule(r, T0);
  ev.evaluateRule(r, T0 + MIN);
  assert.deepEqual(ev.instancesOf(r.uid), []);
  ev.evaluateRule(r, T0 + 2 * MIN);
  assert.equal(ev.instancesOf(r.uid)[0]!.state, "pending", "the for period starts again");
  assert.equal(ev.instancesOf(r.uid)[0]!.activeAt, T0 + 2 * MIN);
});

test("keep_firing_for keeps a firing instance through a short dip", () => {
  const { states } = openStateDb();
  const q = scripted();
  const loads = [20, 1, 1, 1];
  let k = 0;
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [loads[k++]!], now)]);
  const r = rule({ keep_firing_for: 2 * MIN });
  const ev = evaluator(states, q.query);
  ev.evaluateRule(r, T0);
  assert.equal(ev.instancesOf(r.uid)[0]!.state, "firing", "for = 0 fires at once");
  ev.evaluateRule(r, T0 + MIN);
  assert.equal(ev.instancesOf(r.uid)[0]!.state, "firing");
  ev.evaluateRule(r, T0 + 2 * MIN);
  assert.equal(ev.instancesOf(r.uid)[0]!.state, "resolved");
});

test("a restart resumes: a firing instance stays firing with its start, pending keeps its for clock, no new state change", () => {
  const dir = openStateDb();
  const q = scripted();
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [20], now), series("servers.web2.loadavg.01", [30], now)]);
  const fast = rule({ uid: "g/Fast", alert: "Fast" });
  const slow = rule({ uid: "g/Slow", alert: "Slow", for: 5 * MIN });
  const ev1 = evaluator(dir.states, q.query);
  ev1.evaluateRule(fast, T0);
  ev1.evaluateRule(slow, T0);
  const ev2 = evaluator(dir.states, q.query); // "restart": a new evaluator over the same database
  assert.deepEqual(ev2.instancesOf(fast.uid).map((i) => i.state), ["firing", "firing"]);
  assert.deepEqual(ev2.evaluateRule(fast, T0 + MIN), [], "no state change after the restart");
  assert.equal(ev2.instancesOf(fast.uid)[0]!.firedAt, T0);
  ev2.evaluateRule(slow, T0 + 5 * MIN);
  assert.deepEqual(ev2.instancesOf(slow.uid).map((i) => i.state), ["firing", "firing"], "for counted from before the restart");
});

test("one instance per series: labels from Graphite tags and the Diamond host, rule labels on top", () => {
  const { states } = openStateDb();
  const q = scripted();
  q.set("seriesByTag('name=disk')", (now) => [
    series("disk;dc=par;mount=root", [99], now, { name: "disk", dc: "par", mount: "root" }),
    series("disk;dc=ams;mount=root", [98], now, { name: "disk", dc: "ams", mount: "root" }),
    series("disk;dc=ams;mount=var", [50], now, { name: "disk", dc: "ams", mount: "var" }),
  ]);
  const r = rule({ expr: "seriesByTag('name=disk')", threshold: 95, labels: { severity: "page" } });
  const ev = evaluator(states, q.query);
  ev.evaluateRule(r, T0);
  const got = ev.instancesOf(r.uid).map((i) => i.labels);
  assert.deepEqual(got, [
    { alertname: "High", dc: "ams", mount: "root", series: "disk;dc=ams;mount=root", severity: "page" },
    { alertname: "High", dc: "par", mount: "root", series: "disk;dc=par;mount=root", severity: "page" },
  ]);
});

const REDUCE_CASES: ReadonlyArray<[string, number]> = [
  ["last", 4],
  ["avg", 2.5],
  ["min", 1],
  ["max", 4],
  ["sum", 10],
  ["count", 4],
  ["delta", 3],
];
for (const [reduce, expected] of REDUCE_CASES) {
  test(`reduce ${reduce} over the window (nulls skipped, points before the window ignored)`, () => {
    const { states } = openStateDb();
    const q = scripted();
    // 100 is older than the 1 min window
    q.set("x", (now) => [series("x", [100, null, 1, 2, null, 3, 4], now)]);
    const r = rule({ expr: "x", reduce: reduce as "last", window: 60_000, threshold: -1000 });
    const ev = evaluator(states, q.query);
    ev.evaluateRule(r, T0);
    assert.equal(ev.instancesOf(r.uid)[0]!.value, expected);
  });
}

test("no data: the rule-level no_data state by default, nothing with no_data: ok, firing with no_data: alerting", () => {
  const { states } = openStateDb();
  const q = scripted();
  q.set("gone.*", () => []);
  q.set("nulls.*", (now) => [series("nulls.a", [null, null], now)]);
  const ev = evaluator(states, q.query);
  const a = rule({ uid: "a", expr: "gone.*" });
  const b = rule({ uid: "b", expr: "gone.*", no_data: "ok" });
  const c = rule({ uid: "c", expr: "gone.*", no_data: "alerting", labels: { team: "x" } });
  const d = rule({ uid: "d", expr: "nulls.*" });
  for (const r of [a, b, c, d]) ev.evaluateRule(r, T0);
  assert.deepEqual(ev.instancesOf("a").map((i) => [i.state, i.fingerprint]), [["no_data", ""]]);
  assert.deepEqual(ev.instancesOf("b"), []);
  assert.deepEqual(ev.instancesOf("c").map((i) => [i.state, i.labels]), [["firing", { alertname: "High", team: "x" }]]);
  assert.deepEqual(ev.instancesOf("d").map((i) => [i.state, i.fingerprint]), [["no_data", ""]], "a series without values in the window is no data");
});

test("a series that disappears resolves its firing instance; data coming back ends no_data", () => {
  const { states } = openStateDb();
  const q = scripted();
  let present = true;
  q.set("x.*", (now) => (present ? [series("x.a", [20], now)] : []));
  const r = rule({ expr: "x.*" });
  const ev = evaluator(states, q.query);
  ev.evaluateRule(r, T0);
  present = false;
  ev.evaluateRule(r, T0 + MIN);
  assert.deepEqual(ev.instancesOf(r.uid).map((i) => `${i.fingerprint}:${i.state}`).sort(), [":no_data", "x.a:resolved"]);
  present = true;
  ev.evaluateRule(r, T0 + 2 * MIN);
  assert.deepEqual(ev.instancesOf(r.uid).map((i) => `${i.fingerprint}:${i.state}`), ["x.a:firing"]);
});

test("an evaluation error: the rule-level error state, firing instances left as they were, error policies", () => {
  const { states } = openStateDb();
  const q = scripted();
  let fail = false;
  q.set("x.*", (now) => (fail ? new Error("boom") : [series("x.a", [20], now)]));
  const r = rule({ expr: "x.*" });
  const ev = evaluator(states, q.query);
  ev.evaluateRule(r, T0);
  fail = true;
  ev.evaluateRule(r, T0 + MIN);
  assert.deepEqual(ev.instancesOf(r.uid).map((i) => `${i.fingerprint}:${i.state}`).sort(), [":error", "x.a:firing"]);
  assert.equal(ev.errorOf(r.uid), "boom");
  const ok = rule({ uid: "ok", expr: "x.*", error: "ok" });
  ev.evaluateRule(ok, T0 + MIN);
  assert.deepEqual(ev.instancesOf("ok"), []);
  const thrown: QueryFn = () => {
    throw new Error("crash");
  };
  const ev2 = evaluator(openStateDb().states, thrown);
  ev2.evaluateRule(r, T0);
  assert.deepEqual(ev2.instancesOf(r.uid).map((i) => i.state), ["error"], "a throwing query is an error, not a crash");
});

test("max_instances_per_rule: series beyond the limit are dropped and counted", () => {
  const { states } = openStateDb();
  const q = scripted();
  q.set("x.*", (now) => Array.from({ length: 5 }, (_, i) => series(`x.${i}`, [20], now)));
  let dropped = 0;
  const ev = evaluator(states, q.query, { maxInstancesPerRule: 3, counters: { evaluation: () => undefined, overrun: () => undefined, dropped: (_r, n) => void (dropped += n) } });
  ev.evaluateRule(rule({ expr: "x.*" }), T0);
  assert.equal(ev.instances().length, 3);
  assert.equal(dropped, 2);
});

test("evaluation budget: rules left when a group's budget is spent are skipped and counted", async () => {
  const { states } = openStateDb();
  const q = scripted();
  let wall = 0;
  const slowQuery: QueryFn = (...a) => {
    wall += 400; // each rule "takes" 400 ms
    return q.query(...a);
  };
  const overruns: Array<[string, number]> = [];
  const ev = evaluator(states, slowQuery, { budgetMs: 1000, wallClock: () => wall, counters: { evaluation: () => undefined, overrun: (g, n) => void overruns.push([g, n]), dropped: () => undefined } });
  const rules = Array.from({ length: 5 }, (_, i) => rule({ uid: `r${i}`, expr: "x" }));
  const skipped = await ev.evaluateGroup({ name: "g", interval: 60_000, rules }, T0);
  assert.equal(skipped, 2, "3 rules take 1.2 s > 1 s");
  assert.deepEqual(overruns, [["g", 2]]);
});

test("history is kept [alerting] history: older state changes are purged, newer kept", async () => {
  const { AlertingService } = await import("../../src/alerting/index.js");
  const { SqliteRuleStore, SqliteSilenceStore } = await import("../../src/store/alerting/index.js");
  const { defaultConfig } = await import("../../src/config/index.js");
  const { db, states } = openStateDb();
  const clock = new FakeClock(T0);
  const q = scripted();
  let v = 20;
  q.set("x.*", (now) => [series("x.a", [v], now)]);
  const config = defaultConfig("[alerting]\nhistory = 1d\nbuiltin_rules = false");
  const svc = new AlertingService({ settings: config.alerting, notifiers: [], pathPrefix: "servers", externalURL: "http://l/", query: q.query, states, rules: new SqliteRuleStore(db, clock), silences: new SqliteSilenceStore(db, clock), clock, log: silentLogger, timers: false });
  svc.saveRule({ uid: "r", group: "g", interval: null, spec: { ...rule({ expr: "x.*" }) } }, null);
  await svc.evaluateAll(T0); // normal > firing
  v = 1;
  await svc.evaluateAll(T0 + 2 * 86_400_000); // firing > normal, two days later
  assert.equal(svc.history({ from: 0, to: T0 * 2 }).length, 2);
  assert.equal(svc.purge(T0 + 2 * 86_400_000 + MIN), 1, "the change older than 1 d");
  assert.deepEqual(svc.history({ from: 0, to: T0 * 2 }).map((c) => c.to), ["normal"]);
  assert.deepEqual(svc.instances(), [], "the resolved instance is forgotten when no notifier owes its resolution");
});
