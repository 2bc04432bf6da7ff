/**
 * The alertmanager notifier against a real Prometheus Alertmanager (Debian prometheus-alertmanager)
 * started by the test on loopback with its own data folder and port, stopped by its PID: a firing
 * alert shows in its /api/v2/alerts, and the resolution reaches it too.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

import { join } from "node:path";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { defaultConfig } from "../../src/config/index.js";
import { AlertingService, readNotifiers } from "../../src/alerting/index.js";
import { SqliteRuleStore, SqliteSilenceStore } from "../../src/store/alerting/index.js";
import { needs, freePort } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { openStateDb, scripted, series } from "./helpers.js";
import { mkdirSync } from "node:fs";

const AM = "/usr/bin/prometheus-alertmanager";

interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  endsAt: string;
  status: { state: string };
}

test("alertmanager notifier: a firing alert shows in Alertmanager's /api/v2/alerts, then its resolution", { skip: needs(AM), timeout: 90_000 }, async () => {
  const dir = tempDir("loupe-am-");
  const port = await freePort();
  writeFileSync(join(dir, "am.yml"), "route:\n  receiver: blackhole\n  group_wait: 0s\nreceivers:\n  - name: blackhole\n");
  const am = spawn(AM, [`--config.file=${join(dir, "am.yml")}`, `--storage.path=${join(dir, "am-data")}`, `--web.listen-address=127.0.0.1:${port}`, "--cluster.listen-address=", "--log.level=warn"], { stdio: ["ignore", "ignore", "pipe"] });
  let err = "";
  am.stderr!.on("data", (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
  const base = `http://127.0.0.1:${port}`;
  const alerts = async (): Promise<AmAlert[]> => (await (await fetch(`${base}/api/v2/alerts`)).json()) as AmAlert[];
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${base}/-/ready`)).ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) assert.fail(`alertmanager never became ready\n${err}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    mkdirSync(join(dir, "rules"));
    writeFileSync(join(dir, "rules", "r.yml"), `groups:\n  - name: g\n    rules:\n      - alert: DiskFull\n        expr: servers.*.diskspace.root.byte_percentfree\n        op: "<"\n        threshold: 5\n        labels: { severity: critical }\n        annotations: { summary: "{{ $labels.host }}: {{ $value }} % free" }\n`);
    const config = defaultConfig(`[alerting]\nrules_path = ${join(dir, "rules")}\n[notifier.am]\ntype = alertmanager\nurl = ${base}\n`);
    const { db, states } = openStateDb(dir);
    const clock = new FakeClock(Date.now()); // Alertmanager compares endsAt with its own clock
    const q = scripted();
    let free = 2;
    q.set("servers.*.diskspace.root.byte_percentfree", (now) => [series("servers.db1.diskspace.root.byte_percentfree", [free], now)]);
    const alerting = new AlertingService({ settings: config.alerting, notifiers: readNotifiers(config), pathPrefix: "servers", externalURL: "http://loupe.test/", query: q.query, states, rules: new SqliteRuleStore(db, clock), silences: new SqliteSilenceStore(db, clock), clock, log: silentLogger, timers: false });
    await alerting.evaluateAll(clock.now());
    assert.deepEqual(alerting.notifierStatus().map((s) => [s.name, s.lastError]), [["am", null]]);
    const firing = (await alerts()).filter((a) => a.labels["alertname"] === "DiskFull");
    assert.equal(firing.length, 1, JSON.stringify(firing));
    assert.equal(firing[0]!.status.state, "active");
    assert.deepEqual(firing[0]!.labels, { alertname: "DiskFull", host: "db1", series: "servers.db1.diskspace.root.byte_percentfree", severity: "critical" });
    assert.equal(firing[0]!.annotations["summary"], "db1: 2 % free");
    assert.ok(new Date(firing[0]!.endsAt).getTime() > Date.now(), "a firing alert ends in the future");

    free = 50;
    clock.set(Date.now());
    await alerting.evaluateAll(clock.now());
    assert.equal(alerting.notifierStatus()[0]!.lastError, null);
    await new Promise((r) => setTimeout(r, 200));
    const after = (await alerts()).filter((a) => a.labels["alertname"] === "DiskFull");
    // Alertmanager lists resolved alerts no more (or with an endsAt in the past until it collects them)
    assert.ok(after.every((a) => new Date(a.endsAt).getTime() <= Date.now() && a.status.state !== "active") || after.length === 0, JSON.stringify(after));
    assert.equal(alerting.instances().length, 0, "the resolved instance is forgotten once sent");
    await alerting.stop();
    db.close();
  } finally {
    am.kill("SIGTERM");
    await new Promise((r) => am.once("exit", r));
  }
});
