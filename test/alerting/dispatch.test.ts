import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../src/lib/logger.js";
import { Dispatcher, type AlertInstance, type AlertStateStore, type Notification, type Route, type Sender } from "../../src/alerting/index.js";
import { openStateDb, T0 } from "./helpers.js";

const S = 1000;
const ROUTE: Route = { matchers: [], groupBy: ["alertname"], groupWait: 30 * S, groupInterval: 60 * S, repeatInterval: 3600 * S, sendResolved: true, timeout: 1000, maxRetries: 2, retryBackoff: 5 * S };

function inst(fp: string, state: AlertInstance["state"], over: Partial<AlertInstance> = {}): AlertInstance {
  return { ruleUid: "r", fingerprint: fp, labels: { alertname: "High", host: fp }, annotations: { summary: `${fp} high` }, state, value: 20, activeAt: T0, firedAt: T0, resolvedAt: state === "resolved" ? T0 + 600 * S : null, lastTrueAt: T0, evaluatedAt: T0, ...over };
}

function recorder(failures = 0): Sender & { got: Notification[] } {
  let left = failures;
  const got: Notification[] = [];
  return {
    got,
    send: async (n) => {
      if (left-- > 0) throw new Error("connection refused");
      got.push(n);
    },
  };
}

const dispatcher = (states: AlertStateStore, sender: Sender, route: Partial<Route> = {}) => new Dispatcher({ name: "ops", type: "webhook", route: { ...ROUTE, ...route }, sender, states, log: silentLogger, externalURL: "http://loupe/" });
const none = (): boolean => false;

test("group_wait, then one firing message per group; nothing more until repeat_interval; one resolved message", async () => {
  const { states } = openStateDb();
  const s = recorder();
  const d = dispatcher(states, s);
  const firing = [inst("web1", "firing"), inst("web2", "firing")];
  await d.tick(T0, firing, none);
  assert.equal(s.got.length, 0, "group_wait");
  await d.tick(T0 + 30 * S, firing, none);
  assert.equal(s.got.length, 1);
  assert.equal(s.got[0]!.status, "firing");
  assert.deepEqual(s.got[0]!.alerts.map((a) => a.labels["host"]), ["web1", "web2"]);
  assert.deepEqual(s.got[0]!.groupLabels, { alertname: "High" });
  assert.deepEqual(s.got[0]!.commonLabels, { alertname: "High" });
  for (let t = 31; t < 3600; t += 60) await d.tick(T0 + t * S, firing, none);
  assert.equal(s.got.length, 1, "unchanged: no message before repeat_interval");
  await d.tick(T0 + 3630 * S, firing, none);
  assert.equal(s.got.length, 2, "repeated after repeat_interval");
  const resolved = [inst("web1", "resolved"), inst("web2", "resolved")];
  await d.tick(T0 + 3700 * S, resolved, none);
  assert.equal(s.got.length, 3);
  assert.equal(s.got[2]!.status, "resolved");
  assert.ok(s.got[2]!.alerts.every((a) => a.status === "resolved" && a.endsAt === T0 + 600 * S));
  await d.tick(T0 + 4000 * S, resolved, none);
  assert.equal(s.got.length, 3, "a resolution is sent once");
  assert.equal(d.owesResolution(resolved[0]!), false);
});

test("a new alert in a group that was sent waits group_interval; a restart resends nothing already sent", async () => {
  const { states } = openStateDb();
  const s = recorder();
  const d = dispatcher(states, s, { groupWait: 0 });
  await d.tick(T0, [inst("web1", "firing")], none);
  await d.tick(T0 + 10 * S, [inst("web1", "firing"), inst("web2", "firing")], none);
  assert.equal(s.got.length, 1);
  await d.tick(T0 + 60 * S, [inst("web1", "firing"), inst("web2", "firing")], none);
  assert.equal(s.got.length, 2);
  const s2 = recorder();
  const d2 = dispatcher(states, s2, { groupWait: 0 }); // restart
  await d2.tick(T0 + 120 * S, [inst("web1", "firing"), inst("web2", "firing")], none);
  assert.equal(s2.got.length, 0, "already sent before the restart");
  assert.equal(d2.owesResolution(inst("web1", "resolved")), true, "remembers it owes the resolution");
  await d2.tick(T0 + 200 * S, [inst("web1", "resolved"), inst("web2", "firing")], none);
  assert.equal(s2.got.length, 1);
  assert.deepEqual(s2.got[0]!.alerts.map((a) => `${a.labels["host"]}:${a.status}`), ["web2:firing", "web1:resolved"]);
});

test("retries with a doubling backoff, then success; failures counted", async () => {
  const { states } = openStateDb();
  const s = recorder(2);
  const counts = { sent: 0, attemptFailed: 0, dropped: 0 };
  const d = new Dispatcher({ name: "ops", type: "webhook", route: { ...ROUTE, groupWait: 0 }, sender: s, states, log: silentLogger, externalURL: "http://loupe/", counters: { sent: () => void counts.sent++, attemptFailed: () => void counts.attemptFailed++, dropped: () => void counts.dropped++ } });
  const a = [inst("web1", "firing")];
  await d.tick(T0, a, none); // fails
  await d.tick(T0 + 4 * S, a, none); // before the 5 s backoff
  assert.equal(counts.attemptFailed, 1);
  await d.tick(T0 + 5 * S, a, none); // fails again; next wait 10 s
  await d.tick(T0 + 14 * S, a, none);
  assert.equal(counts.attemptFailed, 2);
  await d.tick(T0 + 15 * S, a, none);
  assert.deepEqual(counts, { sent: 1, attemptFailed: 2, dropped: 0 });
  assert.equal(s.got.length, 1);
  assert.equal(d.status().lastError, "connection refused");
});

test("after max_retries the message is dropped and counted, and tried again after group_interval", async () => {
  const { states } = openStateDb();
  const s = recorder(100);
  let dropped = 0;
  const d = new Dispatcher({ name: "ops", type: "webhook", route: { ...ROUTE, groupWait: 0, maxRetries: 1 }, sender: s, states, log: silentLogger, externalURL: "http://loupe/", counters: { sent: () => undefined, attemptFailed: () => undefined, dropped: () => void dropped++ } });
  const a = [inst("web1", "firing")];
  await d.tick(T0, a, none);
  await d.tick(T0 + 5 * S, a, none);
  assert.equal(dropped, 1);
  assert.equal(d.status().dropped, 1);
  await d.tick(T0 + 30 * S, a, none);
  assert.equal(d.status().failedAttempts, 2, "waits group_interval after giving up");
  await d.tick(T0 + 65 * S, a, none);
  assert.equal(d.status().failedAttempts, 3);
});

test("silenced firing alerts are held back; route matchers select alerts", async () => {
  const { states } = openStateDb();
  const s = recorder();
  const d = dispatcher(states, s, { groupWait: 0, matchers: [{ name: "host", op: "=~", value: "web.*" }] });
  await d.tick(T0, [inst("web1", "firing"), inst("db1", "firing"), inst("web2", "firing")], (l) => l["host"] === "web2");
  assert.equal(s.got.length, 1);
  assert.deepEqual(s.got[0]!.alerts.map((a) => a.labels["host"]), ["web1"]);
});

test("a resolution is only sent for an alert whose firing was sent", async () => {
  const { states } = openStateDb();
  const s = recorder();
  const d = dispatcher(states, s);
  await d.tick(T0, [inst("web1", "firing")], none); // in group_wait
  await d.tick(T0 + 10 * S, [inst("web1", "resolved")], none);
  await d.tick(T0 + 100 * S, [inst("web1", "resolved")], none);
  assert.equal(s.got.length, 0);
});
