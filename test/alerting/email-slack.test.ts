/**
 * email against a real SMTP server on loopback (npm smtp-server, started and stopped by the test):
 * exactly one firing and one resolved mail with the templated subject. slack against a loopback
 * receiver: the incoming-webhook JSON.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SMTPServer } from "smtp-server";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { defaultConfig } from "../../src/config/index.js";
import { AlertingService, readNotifiers, type Rule } from "../../src/alerting/index.js";
import { SqliteRuleStore, SqliteSilenceStore } from "../../src/store/alerting/index.js";
import { openStateDb, scripted, series, T0 } from "./helpers.js";
import { startReceiver } from "./receiver.js";

interface Mail {
  from: string;
  to: string[];
  data: string;
}

async function startSmtp(): Promise<{ port: number; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        mails.push({ from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString("utf8") });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}

function service(ini: string, load: { v: number }) {
  const config = defaultConfig(`[alerting]\nbuiltin_rules = false\n${ini}`);
  const { db, states } = openStateDb();
  const clock = new FakeClock(T0);
  const q = scripted();
  q.set("servers.*.loadavg.01", (now) => [series("servers.web1.loadavg.01", [load.v], now)]);
  const ruleStore = new SqliteRuleStore(db, clock);
  const alerting = new AlertingService({ settings: config.alerting, notifiers: readNotifiers(config), pathPrefix: "servers", externalURL: "http://loupe.test/", query: q.query, states, rules: ruleStore, silences: new SqliteSilenceStore(db, clock), clock, log: silentLogger, timers: false });
  const spec: Omit<Rule, "uid" | "group" | "source"> = { alert: "LoadHigh", expr: "servers.*.loadavg.01", reduce: "last", window: 300_000, op: ">", threshold: 10, for: 0, keep_firing_for: 0, predict_for: 0, no_data: "ok", error: "error", labels: { severity: "page" }, annotations: { summary: "{{ $labels.host }} load {{ $value }}" } };
  alerting.saveRule({ uid: "r1", group: "g", interval: null, spec }, "test");
  return { alerting, clock };
}

test("email: exactly one firing and one resolved mail over SMTP, with the templated subject", async () => {
  const smtp = await startSmtp();
  try {
    const load = { v: 20 };
    const { alerting } = service(`[notifier.mail]\ntype = email\nsmtp_host = 127.0.0.1\nsmtp_port = ${smtp.port}\nfrom = loupe@example.com\nto = ops@example.com, oncall@example.com\ngroup_wait = 0s\ngroup_interval = 1m\nsubject = [{{ $status }}] {{ $labels.alertname }} on {{ $labels.host }}`, load);
    await alerting.evaluateAll(T0);
    await alerting.evaluateAll(T0 + 60_000);
    await alerting.evaluateAll(T0 + 120_000);
    assert.equal(smtp.mails.length, 1, alerting.notifierStatus()[0]!.lastError ?? "");
    load.v = 1;
    await alerting.evaluateAll(T0 + 180_000);
    await alerting.evaluateAll(T0 + 240_000);
    assert.equal(smtp.mails.length, 2);
    const [firing, resolved] = smtp.mails as [Mail, Mail];
    assert.equal(firing.from, "loupe@example.com");
    assert.deepEqual(firing.to, ["ops@example.com", "oncall@example.com"]);
    assert.match(firing.data, /^Subject: \[firing\] LoadHigh on web1\r?$/m);
    assert.match(firing.data, /summary: web1 load 20/);
    assert.match(resolved.data, /^Subject: \[resolved\] LoadHigh on web1\r?$/m);
    assert.match(resolved.data, /\[RESOLVED\] LoadHigh \(value 1\)/);
    await alerting.stop();
  } finally {
    await smtp.close();
  }
});

test("slack: a Slack/Mattermost incoming-webhook message for firing and for resolved", async () => {
  const rx = await startReceiver();
  try {
    const load = { v: 20 };
    const { alerting } = service(`[notifier.chat]\ntype = slack\nurl = ${rx.url}\ngroup_wait = 0s\ngroup_interval = 0s`, load);
    await alerting.evaluateAll(T0);
    load.v = 1;
    await alerting.evaluateAll(T0 + 60_000);
    assert.equal(rx.posts.length, 2);
    const [f, r] = rx.posts.map((p) => p.body as { text: string; attachments: Array<{ color: string; title: string }> });
    assert.match(f!.text, /^\*\[firing\] LoadHigh\*\n:red_circle: web1 load 20$/);
    assert.equal(f!.attachments[0]!.color, "danger");
    assert.match(r!.text, /^\*\[resolved\] LoadHigh\*\n:large_green_circle: web1 load 1$/);
    assert.equal(r!.attachments[0]!.color, "good");
    await alerting.stop();
  } finally {
    await rx.close();
  }
});

test("a failing webhook: attempts counted, status visible, the message delivered once the receiver is back", async () => {
  const rx = await startReceiver();
  try {
    rx.status = 500;
    const load = { v: 20 };
    const { alerting } = service(`[notifier.hook]\nurl = ${rx.url}\ngroup_wait = 0s\nretry_backoff = 1s`, load);
    await alerting.evaluateAll(T0);
    const st = alerting.notifierStatus()[0]!;
    assert.equal(st.failedAttempts, 1);
    assert.match(st.lastError!, /^POST to 127\.0\.0\.1:\d+ answered 500/);
    assert.doesNotMatch(st.lastError!, /\/hook/, "no URL path (webhook paths hold tokens)");
    rx.status = 200;
    await alerting.dispatch(T0 + 1000);
    assert.equal(rx.posts.length, 1);
    assert.equal(alerting.notifierStatus()[0]!.lastSuccessAt, T0 + 1000);
    await alerting.stop();
  } finally {
    await rx.close();
  }
});

test("an unreachable webhook: the error names the host and the cause, not the URL's path", async () => {
  const load = { v: 20 };
  const { createServer } = await import("node:net");
  const port = await new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const { alerting } = service(`[notifier.hook]\nurl = http://127.0.0.1:${port}/services/T000/B000/secret-token\ngroup_wait = 0s\ntimeout = 2s`, load);
  await alerting.evaluateAll(T0);
  const st = alerting.notifierStatus()[0]!;
  assert.equal(st.lastError, `POST to 127.0.0.1:${port} failed: ECONNREFUSED`);
  assert.doesNotMatch(st.lastError!, /secret-token/);
  await alerting.stop();
});
