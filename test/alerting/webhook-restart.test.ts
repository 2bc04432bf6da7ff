/**
 * End to end in real time: Loupe (startLoupe, as `loupe run`) with a provisioned rule file and a
 * webhook notifier. Points come in over the Influx /write endpoint; the rule fires after `for`,
 * Loupe is restarted in the middle of the firing period, and the loopback receiver gets exactly
 * one firing and one resolved POST for the instance, in Alertmanager's webhook JSON.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe, type Running } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { startReceiver } from "./receiver.js";

const RULES = `groups:
  - name: e2e
    interval: 1s
    rules:
      - alert: LoadHigh
        expr: load.value
        window: 1m
        op: ">"
        threshold: 10
        for: 2s
        labels: { severity: page }
        annotations: { summary: "{{ $labels.host }} load is {{ $value }}" }
`;

async function write(l: Running, line: string): Promise<void> {
  const r = await fetch(`http://127.0.0.1:${l.httpPort}/write?precision=ms`, { method: "POST", body: line });
  assert.equal(r.status, 204, await r.text());
}

test("webhook: exactly one firing and one resolved POST across a restart in the middle of the firing period", { timeout: 60_000 }, async () => {
  const dir = tempDir("loupe-alert-e2e-");
  mkdirSync(join(dir, "rules"));
  writeFileSync(join(dir, "rules", "e2e.yml"), RULES);
  const rx = await startReceiver();
  const text = [
    "[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0",
    `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`,
    "[ingest.graphite]\ntcp_addr =\nudp_addr =",
    `[alerting]\nrules_path = ${join(dir, "rules")}\nmin_interval = 1s`,
    `[notifier.hook]\ntype = webhook\nurl = ${rx.url}\ngroup_wait = 0s\ngroup_interval = 1s\nrepeat_interval = 1h\nretry_backoff = 100ms`,
  ].join("\n");
  const config = loadConfig({ text, env: {} });
  let loupe = await startLoupe(config, silentLogger);
  try {
    await write(loupe, `load,host=web1 value=20 ${Date.now()}`);
    await rx.waitFor(() => rx.posts.length >= 1);
    const firing = rx.posts[0]!.body as { status: string; receiver: string; alerts: Array<{ status: string; labels: Record<string, string>; annotations: Record<string, string>; startsAt: string; endsAt: string; fingerprint: string }> };
    assert.equal(firing.status, "firing");
    assert.equal(firing.receiver, "hook");
    assert.equal(firing.alerts.length, 1);
    assert.deepEqual(firing.alerts[0]!.labels, { alertname: "LoadHigh", host: "web1", series: "load.value;host=web1", severity: "page" });
    assert.equal(firing.alerts[0]!.annotations["summary"], "web1 load is 20");
    assert.equal(firing.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");

    // restart while firing: the state survives and nothing is sent again
    await loupe.stop();
    loupe = await startLoupe(config, silentLogger);
    await write(loupe, `load,host=web1 value=25 ${Date.now()}`);
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal(rx.posts.length, 1, "no second firing POST after the restart");
    const api = (await (await fetch(`http://127.0.0.1:${loupe.httpPort}/api/alerts`)).json()) as Array<{ state: string; since: number }>;
    assert.deepEqual(api.map((a) => a.state), ["firing"]);
    assert.equal(new Date(firing.alerts[0]!.startsAt).getTime() >= api[0]!.since, true);

    await write(loupe, `load,host=web1 value=1 ${Date.now()}`);
    await rx.waitFor(() => rx.posts.length >= 2);
    await new Promise((r) => setTimeout(r, 2000));
    assert.equal(rx.posts.length, 2, "exactly one resolved POST");
    const resolved = rx.posts[1]!.body as typeof firing;
    assert.equal(resolved.status, "resolved");
    assert.equal(resolved.alerts[0]!.status, "resolved");
    assert.equal(resolved.alerts[0]!.fingerprint, firing.alerts[0]!.fingerprint);
    assert.equal(resolved.alerts[0]!.startsAt, firing.alerts[0]!.startsAt, "same start across the restart");
    assert.notEqual(resolved.alerts[0]!.endsAt, "0001-01-01T00:00:00Z");
    // state changes appear as (global) annotations on dashboards
    const annos = (await (await fetch(`http://127.0.0.1:${loupe.httpPort}/api/annotations?tags=alert`)).json()) as Array<{ text: string; tags: string[]; dashboardUid: string | null }>;
    assert.deepEqual(annos.map((a) => [...a.tags].sort()), [["LoadHigh", "alert", "firing"], ["LoadHigh", "alert", "resolved"]]);
    assert.deepEqual(annos.map((a) => a.text), ["LoadHigh (web1) firing: 20", "LoadHigh (web1) resolved: 1"]);
    assert.ok(annos.every((a) => a.dashboardUid === null));
    const metrics = await (await fetch(`http://127.0.0.1:${loupe.httpPort}/metrics`)).text();
    assert.match(metrics, /loupe_alerting_notifications_total\{notifier="hook"\} 1/, "one send by this process (the resolution)");
  } finally {
    await loupe.stop();
    await rx.close();
  }
});
