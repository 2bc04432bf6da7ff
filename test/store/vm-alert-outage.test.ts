/**
 * Issue 16, with a real VictoriaMetrics started here (stopped and restarted by its PID only):
 *   - an alert rule of a VM-backed Loupe fires on points written straight into VictoriaMetrics
 *     (its own Graphite listener), which Loupe only knows through the engine's series and read APIs;
 *   - VictoriaMetrics stopped for 30 s while points flow into Loupe, then restarted on the same
 *     data dir and port: the store's disk queue delivers every point (counted by export).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { httpOk, startPeer, startVictoriaMetrics, VM_BIN, type RunningPeer } from "../helpers/servers.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { until } from "../forward/helpers.js";
import { getJson, NO_COLLECTORS, sendGraphite, startTestLoupe, vmPoints, vmStoreSection, withCleanup } from "./vm-helpers.js";

const RULES = `groups:
  - name: disks
    interval: 1s
    rules:
      - alert: RootDiskAlmostFull
        expr: servers.*.diskspace.root.byte_percentfree
        reduce: last
        window: 5m
        op: "<"
        threshold: 5
        for: 0s
`;

interface Alerts {
  readonly data: { readonly alerts: Array<{ labels: Record<string, string>; state: string; value: string }> };
}

test("an alert rule fires on data stored only in VictoriaMetrics", { skip: needs(VM_BIN), timeout: 120_000 }, (t) => withCleanup(async (defer) => {
  const vm = await startVictoriaMetrics();
  defer(() => vm.stop());
  const dir = tempDir("loupe-vm-alert-");
  mkdirSync(join(dir, "rules"));
  writeFileSync(join(dir, "rules", "disks.yaml"), RULES);
  const loupe = await startTestLoupe([...vmStoreSection(vm.url, ["index_refresh = 1s"]), "[alerting]", `rules_path = ${join(dir, "rules")}`, "min_interval = 1s", "builtin_rules = false", ...NO_COLLECTORS], dir);
  defer(() => loupe.loupe.stop());
  // written to VictoriaMetrics directly: Loupe never saw these points
  const now = Math.floor(Date.now() / 1000);
  await sendGraphite(vm.graphitePort, [`servers.db9.diskspace.root.byte_percentfree 3.5 ${now - 2}`, `servers.web9.diskspace.root.byte_percentfree 40 ${now - 2}`]);
  const firing = await until(
    "the rule fires",
    async () => {
      const a = await getJson<Alerts>(`${loupe.url}/api/v1/alerts`);
      return a.data.alerts.find((x) => x.state === "firing");
    },
    60_000,
    500,
  );
  assert.equal(firing.labels["host"], "db9");
  assert.equal(firing.labels["alertname"], "RootDiskAlmostFull");
  assert.equal(Number(firing.value), 3.5);
  const all = await getJson<Alerts>(`${loupe.url}/api/v1/alerts`);
  assert.deepEqual(all.data.alerts.map((x) => x.labels["host"]), ["db9"], "only the host under the threshold");
  // the rule editor's preview reads the engine too
  const res = await fetch(`${loupe.url}/api/alert-rules/preview`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ group: "try", alert: "X", expr: "servers.*.diskspace.root.byte_percentfree", op: "<", threshold: 5 }),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.deepEqual(
    (JSON.parse(text) as { rows: Array<{ series: string; value: number; matches: boolean }> }).rows.map((r) => [r.series, r.value, r.matches]),
    [
      ["servers.db9.diskspace.root.byte_percentfree", 3.5, true],
      ["servers.web9.diskspace.root.byte_percentfree", 40, false],
    ],
  );
  // a series written every 60 s by someone else is read at its own resolution (no 10 s grid with gaps)
  const t0 = Math.floor(Date.now() / 60_000) * 60 - 1200;
  await sendGraphite(vm.graphitePort, Array.from({ length: 15 }, (_, i) => `other.sender.value ${i} ${t0 + 60 * i}`));
  const rendered = await until(
    "the engine's series in the index with its spacing",
    async () => {
      const r = await getJson<Array<{ datapoints: Array<[number | null, number]> }>>(`${loupe.url}/render?target=other.sender.value&from=${t0 - 1}&until=${t0 + 14 * 60}&format=json`);
      return r.length === 1 && r[0]!.datapoints.length === 15 ? r[0]! : undefined;
    },
    20_000,
    500,
  );
  assert.deepEqual(
    rendered.datapoints.map((d) => d[0]),
    Array.from({ length: 15 }, (_, i) => i),
  );
  // the hosts page knows hosts from the engine's last points
  const hosts = await getJson<{ hosts: Array<{ name: string; status: string }> }>(`${loupe.url}/api/hosts`);
  assert.deepEqual(hosts.hosts.map((h) => [h.name, h.status]).sort(), [["db9", "up"], ["web9", "up"]]);
}));

/** VictoriaMetrics on a given data dir and port (the restart after the outage). */
async function startVmAt(dir: string, port: number): Promise<RunningPeer> {
  const url = `http://127.0.0.1:${port}`;
  return startPeer({ name: "victoria-metrics", cmd: VM_BIN, args: [`-storageDataPath=${join(dir, "data")}`, `-httpListenAddr=127.0.0.1:${port}`, "-retentionPeriod=100y", "-search.disableCache", "-search.latencyOffset=0s"], dir, ready: () => httpOk(`${url}/health`) });
}

test("VictoriaMetrics down for 30 s while points flow: no point lost", { skip: needs(VM_BIN), timeout: 180_000 }, (t) => withCleanup(async (defer) => {
  const vm = await startVictoriaMetrics();
  let peer: RunningPeer = vm;
  defer(() => peer.stop());
  const loupe = await startTestLoupe([...vmStoreSection(vm.url), "[alerting]", "enabled = false", ...NO_COLLECTORS]);
  defer(() => loupe.loupe.stop());
  const base = Math.floor(Date.now() / 1000) - 3600;
  let sent = 0;
  const sendSome = async (n: number): Promise<void> => {
    const lines: string[] = [];
    for (let i = 0; i < n; i++, sent++) lines.push(`outage.seq;k=${sent % 3} ${sent} ${base + Math.floor(sent / 3)}`);
    await sendGraphite(loupe.graphitePort, lines);
  };
  await sendSome(300);
  await until("first points in VictoriaMetrics", async () => (await vmPoints(vm.url, '{__name__="outage.seq"}')) === sent || undefined, 30_000);
  await vm.stop();
  const downAt = Date.now();
  while (Date.now() - downAt < 30_000) {
    await sendSome(60);
    await new Promise((r) => setTimeout(r, 250));
  }
  // reads fail with an error naming the engine, not empty graphs
  const down = await fetch(`${loupe.url}/render?target=outage.seq&from=-2h&format=json`);
  const downText = await down.text();
  assert.equal(down.status, 502, downText);
  assert.match(downText, /read_url/);
  const queued = loupe.loupe.forwarders.status().find((s) => s.name === "store");
  assert.ok(queued !== undefined && queued.queuedPoints > 0, "points wait in the store's queue while the engine is down");
  assert.match(queued.lastError ?? "", /./, "the status names the failure");
  const metrics = await (await fetch(`${loupe.url}/metrics`)).text();
  const qb = /^loupe_forward_queue_bytes\{forwarder="store"\} (\d+)/m.exec(metrics);
  assert.ok(qb !== null && Number(qb[1]) > 0, "/metrics: the store's queue bytes");
  assert.match(metrics, /^loupe_forward_lag_seconds\{forwarder="store"\} [1-9]/m, "/metrics: the store's lag");
  peer = await startVmAt(vm.dir, Number(new URL(vm.url).port));
  await sendSome(300);
  await until("every point delivered after the restart", async () => (await vmPoints(vm.url, '{__name__="outage.seq"}')) === sent || undefined, 60_000, 500);
  assert.ok(sent > 3000, `points sent: ${sent}`);
  const st = loupe.loupe.forwarders.status().find((s) => s.name === "store")!;
  assert.equal(st.queuedPoints, 0);
  assert.ok(st.sent >= sent, `sent counter ${st.sent}`);
}));

test("[store] username/password: writes and reads authenticate to VictoriaMetrics (-httpAuth.*)", { skip: needs(VM_BIN), timeout: 60_000 }, () =>
  withCleanup(async (defer) => {
    const vm = await startVictoriaMetrics(["-httpAuth.username=loupe", "-httpAuth.password=s3cret"]);
    defer(() => vm.stop());
    const anonymous = await fetch(`${vm.url}/api/v1/export?match[]=auth.check`);
    await anonymous.arrayBuffer();
    assert.equal(anonymous.status, 401, "the engine refuses requests without credentials");
    const loupe = await startTestLoupe([...vmStoreSection(vm.url, ["username = loupe", "password = s3cret"]), "[alerting]", "enabled = false", ...NO_COLLECTORS]);
    defer(() => loupe.loupe.stop());
    const now = Math.floor(Date.now() / 1000);
    await sendGraphite(loupe.graphitePort, [`auth.check 42 ${now - 5}`]);
    const r = await until(
      "the point read back through the engine",
      async () => {
        const got = await getJson<Array<{ datapoints: Array<[number | null, number]> }>>(`${loupe.url}/render?target=auth.check&from=${now - 60}&until=${now}&format=json`);
        return got[0]?.datapoints.some((d) => d[0] === 42) === true ? got : undefined;
      },
      20_000,
      300,
    );
    assert.equal(r.length, 1);
  }),
);
