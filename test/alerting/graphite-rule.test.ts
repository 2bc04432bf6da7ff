/**
 * End to end in real time, the issue's own rule shape: a rule provisioned from a YAML file on a
 * Diamond path (`servers.*.diskspace.root.byte_percentfree < 5` for 2 s) fed by a Graphite
 * plaintext sender over TCP. The rule must wait out `for`, fire once for the sending host, and
 * resolve once when the sender's values recover.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { startReceiver } from "./receiver.js";
import { freePort } from "../helpers/system.js";

const RULES = `groups:
  - name: host
    interval: 1s
    rules:
      - alert: RootDiskAlmostFull
        expr: servers.*.diskspace.root.byte_percentfree
        reduce: last
        window: 5m
        op: "<"
        threshold: 5
        for: 2s
        labels: { severity: critical }
        annotations: { summary: "{{ $labels.host }}: {{ $value }} % free on /" }
`;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test("a provisioned rule fires after `for` and resolves on points sent over Graphite TCP", { timeout: 60_000 }, async () => {
  const dir = tempDir("loupe-alert-graphite-");
  mkdirSync(join(dir, "rules"));
  writeFileSync(join(dir, "rules", "host.yaml"), RULES);
  const port = await freePort();
  const rx = await startReceiver();
  const text = [
    "[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0",
    `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`,
    `[ingest.graphite]\ntcp_addr = 127.0.0.1:${port}\nudp_addr =`,
    `[alerting]\nrules_path = ${join(dir, "rules")}\nmin_interval = 1s\nbuiltin_rules = false`,
    `[notifier.ops]\ntype = webhook\nurl = ${rx.url}\ngroup_wait = 0s\ngroup_interval = 1s\nrepeat_interval = 1h`,
  ].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  const sock = connect(port, "127.0.0.1");
  await new Promise<void>((r) => sock.once("connect", () => r()));
  const send = (host: string, value: number): void => void sock.write(`servers.${host}.diskspace.root.byte_percentfree ${value} ${Math.floor(Date.now() / 1000)}\n`);
  try {
    send("db1", 3.5);
    send("web1", 40);
    const firstSent = Date.now();
    await rx.waitFor(() => rx.posts.length >= 1, 30_000);
    assert.ok(Date.now() - firstSent >= 2000, "not before `for` (2 s) has passed");
    const firing = rx.posts[0]!.body as { status: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> };
    assert.equal(firing.status, "firing");
    assert.deepEqual(firing.alerts.map((a) => a.labels["host"]), ["db1"], "only the host under the threshold");
    assert.equal(firing.alerts[0]!.labels["alertname"], "RootDiskAlmostFull");
    assert.equal(firing.alerts[0]!.annotations["summary"], "db1: 3.5 % free on /");

    await sleep(1100); // next second: a new point, not a replacement of the last one
    send("db1", 60);
    await rx.waitFor(() => rx.posts.length >= 2, 30_000);
    await sleep(1500);
    assert.equal(rx.posts.length, 2, "one firing and one resolved message");
    assert.equal((rx.posts[1]!.body as { status: string }).status, "resolved");
  } finally {
    sock.destroy();
    await loupe.stop();
    await rx.close();
  }
});
