import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { silentLogger } from "../../src/lib/logger.js";
import { loadConfig } from "../../src/config/index.js";
import { startLoupe } from "../../src/main.js";
import {
  BUILTIN_AUTHOR,
  HOST_OVERVIEW_UID,
  exportDashboard,
  hostOverviewDashboard,
  installHostOverview,
  parseDashboard,
  provisionDashboards,
  type Annotation,
  type DashboardSummary,
  type StoredDashboard,
} from "../../src/dashboards/index.js";
import { tempDir } from "../helpers/tmp.js";
import { openServices, sampleDashboard, T0 } from "./harness.js";
import type { GraphiteEvent } from "../../src/http/routes/events.js";

const grafanaFixture = (name: string) => join(PROJECT_ROOT, "test", "fixtures", "grafana", `${name}.json`);

test("Host overview: Diamond paths for this host, a host variable over servers.*, nginx row only when asked", () => {
  const plain = hostOverviewDashboard({ host: "web1" });
  assert.equal(plain.uid, HOST_OVERVIEW_UID);
  assert.equal(plain.title, "Host overview");
  assert.deepEqual(plain.variables.map((v) => [v.name, v.type, v.query, v.current]), [["host", "query", "servers.*", ["web1"]]]);
  const targets = plain.panels.flatMap((p) => p.targets.map((t) => t.target)).join("\n");
  for (const path of ["servers.$host.cpu.total.{user", "servers.$host.memory.MemTotal", "servers.$host.loadavg.01", "servers.$host.diskspace.*.byte_avail", "%.diskspace.root.{byte_used,byte_avail}", "servers.$host.iostat.*.", "servers.$host.network.*.{rx_byte,tx_byte}"]) {
    assert.ok(targets.includes(path), path);
  }
  assert.ok(!targets.includes("nginx"));
  const withNginx = hostOverviewDashboard({ host: "web1", prefix: "hosts", nginx: true });
  const nginxTargets = withNginx.panels.flatMap((p) => p.targets.map((t) => t.target)).filter((t) => t.includes(".nginx."));
  assert.ok(nginxTargets.some((t) => t.includes("hosts.$host.nginx.req_handled")));
  assert.ok(nginxTargets.some((t) => t.includes("hosts.$host.nginx.{active_connections")));
  assert.equal(withNginx.variables[0]!.query, "hosts.*");
  for (const d of [plain, withNginx]) {
    const ids = d.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const a of d.panels)
      for (const b of d.panels) {
        if (a.id >= b.id) continue;
        const g = a.gridPos;
        const h = b.gridPos;
        assert.ok(!(g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h), `panels ${a.id} and ${b.id} overlap`);
      }
  }
});

test("the built-in dashboard is installed once, refreshed while unedited, left alone once a user saved it", () => {
  const s = openServices();
  assert.equal(installHostOverview(s.dashboards, hostOverviewDashboard({ host: "web1" }), silentLogger), "installed");
  assert.equal(installHostOverview(s.dashboards, hostOverviewDashboard({ host: "web1" }), silentLogger), "kept");
  assert.equal(s.dashboards.get(HOST_OVERVIEW_UID)!.updatedBy, BUILTIN_AUTHOR);
  assert.equal(installHostOverview(s.dashboards, hostOverviewDashboard({ host: "web1", nginx: true }), silentLogger), "updated");
  assert.equal(s.dashboards.get(HOST_OVERVIEW_UID)!.version, 2);
  const edited = { ...s.dashboards.get(HOST_OVERVIEW_UID)!.dashboard, title: "My host" };
  s.dashboards.save(edited, "alice");
  assert.equal(installHostOverview(s.dashboards, hostOverviewDashboard({ host: "web1" }), silentLogger), "kept");
  assert.equal(s.dashboards.get(HOST_OVERVIEW_UID)!.dashboard.title, "My host");
  s.db.close();
});

test("provisioning from [dashboards] path: Loupe and Grafana files, bad files reported, unchanged files write nothing", () => {
  const s = openServices();
  const dir = join(s.dir, "provisioning");
  mkdirSync(join(dir, "team"), { recursive: true });
  writeFileSync(join(dir, "web.json"), JSON.stringify(sampleDashboard("web", "Web", ["prov"])));
  writeFileSync(join(dir, "team", "exported.json"), JSON.stringify(exportDashboard(parseDashboard(sampleDashboard("exp", "Exported")), T0)));
  copyFileSync(grafanaFixture("node-graphite"), join(dir, "grafana-node.json"));
  writeFileSync(join(dir, "broken.json"), "{ not json");
  writeFileSync(join(dir, "invalid.json"), JSON.stringify({ uid: "bad uid", title: "x" }));
  writeFileSync(join(dir, "zz-dupe.json"), JSON.stringify(sampleDashboard("web", "Second web")));
  writeFileSync(join(dir, "notes.txt"), "not a dashboard");

  const first = provisionDashboards(s.dashboards, dir, silentLogger);
  assert.deepEqual(first.saved.sort(), ["diamond-node", "exp", "web"]);
  assert.deepEqual(first.failed.map((f) => f.file.slice(dir.length + 1)).sort(), ["broken.json", "invalid.json", "zz-dupe.json"]);
  assert.match(first.failed.find((f) => f.file.endsWith("invalid.json"))!.error, /uid/);
  assert.match(first.failed.find((f) => f.file.endsWith("zz-dupe.json"))!.error, /already provisioned/);
  const summaries = new Map(s.dashboards.list().map((d) => [d.uid, d]));
  assert.equal(summaries.get("web")!.provisioned, true);
  assert.equal(summaries.get("diamond-node")!.provisioned, true);
  assert.match(s.dashboards.versions("diamond-node")[0]!.message, /grafana-node\.json \(Grafana\)/);

  const second = provisionDashboards(s.dashboards, dir, silentLogger);
  assert.deepEqual(second.saved, []);
  assert.deepEqual(second.unchanged.sort(), ["diamond-node", "exp", "web"]);
  assert.equal(s.dashboards.get("web")!.version, 1);

  writeFileSync(join(dir, "web.json"), JSON.stringify(sampleDashboard("web", "Web (new)", ["prov"])));
  rmSync(join(dir, "team"), { recursive: true });
  const third = provisionDashboards(s.dashboards, dir, silentLogger);
  assert.deepEqual(third.saved, ["web"]);
  assert.deepEqual(third.released, ["exp"]);
  assert.equal(s.dashboards.get("web")!.version, 2);
  assert.equal(s.dashboards.get("exp")!.provisioned, false, "a vanished file's dashboard stays, unmarked");

  assert.deepEqual(provisionDashboards(s.dashboards, "", silentLogger), { saved: [], unchanged: [], failed: [], released: [] });
  assert.equal(provisionDashboards(s.dashboards, join(dir, "missing"), silentLogger).failed.length, 1);
  s.db.close();
});

test("startLoupe wires it all: Host overview with nginx, provisioned files, annotations API and /events/get_data", async () => {
  const dir = tempDir("loupe-dash-main-");
  const prov = join(dir, "dashboards");
  mkdirSync(prov);
  writeFileSync(join(prov, "web.json"), JSON.stringify(sampleDashboard("web", "Web", ["prov"])));
  const text = [
    "[server]",
    "http_addr = 127.0.0.1",
    "http_port = 0",
    "[paths]",
    `data = ${join(dir, "data")}`,
    "[ingest.graphite]",
    "tcp_addr =",
    "udp_addr =",
    "[collectors]",
    "hostname = dashhost",
    "[collector.nginx]",
    "enabled = true",
    "[dashboards]",
    `path = ${prov}`,
  ].join("\n");
  const loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  try {
    const base = `http://127.0.0.1:${loupe.httpPort}`;
    const overview = (await (await fetch(`${base}/api/dashboards/${HOST_OVERVIEW_UID}`)).json()) as StoredDashboard;
    assert.equal(overview.dashboard.variables[0]!.current[0], "dashhost");
    assert.ok(overview.dashboard.panels.some((p) => p.targets.some((t) => t.target.includes(".nginx."))), "nginx row when the collector is on");
    const list = (await (await fetch(`${base}/api/dashboards?tag=prov`)).json()) as DashboardSummary[];
    assert.deepEqual(list.map((d) => [d.uid, d.provisioned]), [["web", true]]);

    // a deploy script posts a marker (no browser headers, so no CSRF token needed in open mode)
    const posted = await fetch(`${base}/api/annotations`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ text: "deploy 1.0", tags: ["deploy"] }) });
    assert.equal(posted.status, 201);
    const a = (await posted.json()) as Annotation;
    const events = (await (await fetch(`${base}/events/get_data?from=-1h&until=now&tags=deploy`)).json()) as GraphiteEvent[];
    assert.deepEqual(events.map((e) => [e.id, e.what, e.tags]), [[a.id, "deploy 1.0", ["deploy"]]]);
    const settings = await fetch(`${base}/api/settings`);
    assert.deepEqual(await settings.json(), { snapshots_public: false });
  } finally {
    await loupe.stop();
  }
});
