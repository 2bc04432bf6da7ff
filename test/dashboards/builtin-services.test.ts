// The built-in service dashboards (Containers, MySQL, PostgreSQL, Redis): well-formed, installed
// with the Host overview at start-up, and linked from it. Whether their charts have data from the
// real collectors is checked in test/collectors/{cgroups,services}.test.ts (emptyTargets).
import { test } from "node:test";
import assert from "node:assert/strict";
import { silentLogger } from "../../src/lib/logger.js";
import { builtinDashboards, hostOverviewDashboard, installBuiltinDashboards, RELATED_DASHBOARDS, type Dashboard } from "../../src/dashboards/index.js";
import { parseTarget } from "../../src/query/index.js";
import { openServices } from "./harness.js";

function overlaps(d: Dashboard): string[] {
  const out: string[] = [];
  for (const a of d.panels)
    for (const b of d.panels) {
      if (a.id >= b.id) continue;
      const g = a.gridPos;
      const h = b.gridPos;
      if (g.x < h.x + h.w && h.x < g.x + g.w && g.y < h.y + h.h && h.y < g.y + g.h) out.push(`${d.uid}: panels ${a.id} and ${b.id} overlap`);
    }
  return out;
}

test("built-in dashboards: uids, titles, host variable, parsable targets, no overlapping panels", () => {
  const list = builtinDashboards({ host: "web1", prefix: "hosts" });
  assert.deepEqual(list.map((d) => [d.uid, d.title]), [["host-overview", "Host overview"], ["processes", "Processes"], ["containers", "Containers"], ["mysql", "MySQL"], ["postgres", "PostgreSQL"], ["redis", "Redis"]]);
  for (const d of list) {
    assert.deepEqual(overlaps(d), []);
    const host = d.variables.find((v) => v.name === "host");
    assert.equal(host?.query, "hosts.*", d.uid);
    assert.deepEqual(host?.current, ["web1"]);
    for (const p of d.panels) for (const t of p.targets) {
      assert.doesNotThrow(() => parseTarget(t.target), `${d.uid} / ${p.title}: ${t.target}`);
      assert.ok(t.target.includes("hosts.$host."), `${d.uid} / ${p.title} reads this host's paths: ${t.target}`);
    }
  }
});

test("Host overview links to Processes, Containers, MySQL, PostgreSQL and Redis for its host", () => {
  const d = hostOverviewDashboard({ host: "web 1" });
  const links = d.panels.find((p) => p.title === "Related dashboards");
  assert.ok(links !== undefined && links.type === "text");
  for (const [uid] of RELATED_DASHBOARDS) assert.ok(links.content!.includes(`(/d/${uid}?var-host=web%201)`), `${uid} in ${links.content}`);
  assert.deepEqual(RELATED_DASHBOARDS.map(([u]) => u), ["processes", "containers", "mysql", "postgres", "redis"]);
  assert.deepEqual(overlaps(d), []);
  assert.ok(!hostOverviewDashboard({ host: "" }).panels.find((p) => p.title === "Related dashboards")!.content!.includes("?var-host"));
});

test("installBuiltinDashboards: all installed once, then kept; an edited one is left alone", () => {
  const s = openServices();
  const first = installBuiltinDashboards(s.dashboards, builtinDashboards({ host: "web1" }), silentLogger);
  assert.deepEqual([...first.values()], ["installed", "installed", "installed", "installed", "installed", "installed"]);
  const edited = { ...s.dashboards.get("redis")!.dashboard, title: "Our Redis" };
  s.dashboards.save(edited, "alice");
  const again = installBuiltinDashboards(s.dashboards, builtinDashboards({ host: "web1" }), silentLogger);
  assert.deepEqual([...again.values()], ["kept", "kept", "kept", "kept", "kept", "kept"]);
  assert.equal(s.dashboards.get("redis")!.dashboard.title, "Our Redis");
  s.db.close();
});
