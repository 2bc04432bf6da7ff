/**
 * End to end in real time against real collected data: a provisioned rule on this host's
 * `servers.<host>.uptime.seconds` (Loupe's own uptime collector with metric_name = seconds: the
 * minutes are whole, as Diamond sends them, too coarse for a 12 s threshold), "below now + 12 s",
 * fires after its `for` and resolves once the collected uptime passes the threshold.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { startLoupe } from "../../src/main.js";
import { tempDir } from "../helpers/tmp.js";
import { startReceiver } from "./receiver.js";

test("a provisioned rule fires (for honoured) and resolves against real collected data", { timeout: 90_000 }, async () => {
  const dir = tempDir("loupe-alert-collected-");
  mkdirSync(join(dir, "rules"));
  const threshold = Number(readFileSync("/proc/uptime", "utf8").split(" ")[0]) + 12;
  writeFileSync(
    join(dir, "rules", "uptime.yml"),
    `groups:\n  - name: collected\n    interval: 1s\n    rules:\n      - alert: FreshBoot\n        expr: servers.*.uptime.seconds\n        window: 1m\n        op: "<"\n        threshold: ${threshold}\n        for: 3s\n        annotations: { summary: "{{ $labels.host }} up {{ $value }} s" }\n`,
  );
  const rx = await startReceiver();
  const text = [
    "[server]\nhttp_addr = 127.0.0.1\nhttp_port = 0",
    `[paths]\ndata = ${dir}\nplugins = ${join(dir, "plugins")}`,
    "[ingest.graphite]\ntcp_addr =\nudp_addr =",
    "[collector.uptime]\nmetric_name = seconds",
    `[alerting]\nrules_path = ${join(dir, "rules")}\nmin_interval = 1s\nbuiltin_rules = false`,
    `[notifier.hook]\nurl = ${rx.url}\ngroup_wait = 0s\ngroup_interval = 1s`,
  ].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  try {
    await rx.waitFor(() => rx.posts.length >= 1, 30_000);
    const firing = rx.posts[0]!.body as { status: string; alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string> }> };
    assert.equal(firing.status, "firing");
    assert.equal(firing.alerts[0]!.labels["alertname"], "FreshBoot");
    assert.match(firing.alerts[0]!.labels["series"]!, /^servers\.[^.]+\.uptime\.seconds$/);
    assert.equal(firing.alerts[0]!.labels["host"], firing.alerts[0]!.labels["series"]!.split(".")[1]);
    await rx.waitFor(() => rx.posts.length >= 2, 45_000);
    assert.equal((rx.posts[1]!.body as { status: string }).status, "resolved");
    const hist = (await (await fetch(`http://127.0.0.1:${loupe.httpPort}/api/alert-history`)).json()) as Array<{ from: string; to: string; at: number; fingerprint: string }>;
    // before the first collection the rule has no data (the rule-level no_data state); then the series' instance
    const seq = [...hist].reverse().filter((c) => c.fingerprint !== "");
    assert.deepEqual(seq.map((c) => `${c.from}>${c.to}`), ["normal>pending", "pending>firing", "firing>normal"]);
    assert.ok(seq[1]!.at - seq[0]!.at >= 3000, "pending for at least `for` (3 s) before firing");
    assert.equal(rx.posts.length, 2);
  } finally {
    await loupe.stop();
    await rx.close();
  }
});
