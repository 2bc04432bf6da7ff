import { test } from "node:test";
import assert from "node:assert/strict";
import { startHarness, sampleDashboard } from "./harness.js";
import type { DashboardSummary, DashboardVersion, ImportResult, StoredDashboard } from "../../src/dashboards/index.js";

type ErrorBody = { error: { code: string; message: string } };

test("dashboards API: save, get, list, versions, conflict, delete", async () => {
  const h = await startHarness();
  try {
    const created = await h.call("Editor", "POST", "/api/dashboards", { dashboard: sampleDashboard("web", "Web", ["nginx"]), message: "first" });
    assert.equal(created.status, 200);
    assert.deepEqual(created.json, { uid: "web", version: 1 });

    const upd = await h.call("Editor", "POST", "/api/dashboards", { dashboard: sampleDashboard("web", "Web servers", ["nginx"]), expectedVersion: 1, message: "rename" });
    assert.deepEqual(upd.json, { uid: "web", version: 2 });

    const stale = await h.call("Editor", "POST", "/api/dashboards", { dashboard: sampleDashboard("web", "Lost edit"), expectedVersion: 1 });
    assert.equal(stale.status, 409);
    assert.equal((stale.json as ErrorBody).error.code, "version_conflict");

    const got = await h.call("Viewer", "GET", "/api/dashboards/web");
    assert.equal(got.status, 200);
    const stored = got.json as StoredDashboard;
    assert.equal(stored.version, 2);
    assert.equal(stored.dashboard.title, "Web servers");
    assert.equal(stored.updatedBy, "editor");
    assert.equal(stored.dashboard.panels.length, 2);
    assert.equal(stored.dashboard.panels[0]!.options.draw, "lines", "defaults filled in");

    // a dashboard without uid gets one
    const noUid = await h.call("Editor", "POST", "/api/dashboards", { dashboard: { title: "Scratch" } });
    assert.equal(noUid.status, 200);
    const scratchUid = (noUid.json as { uid: string }).uid;
    assert.match(scratchUid, /^[A-Za-z0-9_-]{12}$/);

    const list = await h.call("Viewer", "GET", "/api/dashboards?query=serv");
    assert.deepEqual((list.json as DashboardSummary[]).map((d) => d.uid), ["web"]);
    const byTag = await h.call("Viewer", "GET", "/api/dashboards?tag=nginx");
    assert.deepEqual((byTag.json as DashboardSummary[]).map((d) => [d.uid, d.version, d.tags]), [["web", 2, ["nginx"]]]);
    const all = await h.call("Viewer", "GET", "/api/dashboards");
    assert.deepEqual((all.json as DashboardSummary[]).map((d) => d.title), ["Scratch", "Web servers"]);

    const versions = await h.call("Viewer", "GET", "/api/dashboards/web/versions");
    assert.deepEqual((versions.json as DashboardVersion[]).map((v) => [v.version, v.message, v.savedBy]), [
      [2, "rename", "editor"],
      [1, "first", "editor"],
    ]);
    const v1 = await h.call("Viewer", "GET", "/api/dashboards/web/versions/1");
    assert.equal((v1.json as { title: string }).title, "Web");
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web/versions/9")).status, 404);
    const badVersion = await h.call("Viewer", "GET", "/api/dashboards/web/versions/abc");
    assert.equal(badVersion.status, 400);
    assert.match((badVersion.json as ErrorBody).error.message, /^version:/);

    // restore version 1 as version 3
    const restored = await h.call("Editor", "POST", "/api/dashboards/web/restore", { version: 1 });
    assert.deepEqual(restored.json, { uid: "web", version: 3 });
    assert.equal(h.dashboards.get("web")!.dashboard.title, "Web");
    assert.equal(h.dashboards.versions("web")[0]!.message, "restored version 1");
    assert.equal((await h.call("Editor", "POST", "/api/dashboards/web/restore", { version: 1, expectedVersion: 2 })).status, 409);
    assert.equal((await h.call("Editor", "POST", "/api/dashboards/web/restore", { version: 7 })).status, 404);
    assert.equal((await h.call("Editor", "POST", "/api/dashboards/web/restore", {})).status, 400);
    assert.equal((await h.call("Viewer", "POST", "/api/dashboards/web/restore", { version: 1 })).status, 403);

    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/nope")).status, 404);
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/nope/versions")).status, 404);
    assert.equal((await h.call("Editor", "DELETE", "/api/dashboards/web")).status, 204);
    assert.equal((await h.call("Editor", "DELETE", "/api/dashboards/web")).status, 404);
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web")).status, 404);
  } finally {
    await h.close();
  }
});

test("dashboards API: access levels", async () => {
  const h = await startHarness();
  try {
    h.dashboards.save(sampleDashboard("a", "A"), null);
    const cases: Array<[string, "Viewer" | "Editor" | "none", string, string, unknown, number]> = [
      ["anonymous read", "none", "GET", "/api/dashboards", undefined, 401],
      ["anonymous get", "none", "GET", "/api/dashboards/a", undefined, 401],
      ["viewer read", "Viewer", "GET", "/api/dashboards", undefined, 200],
      ["viewer save", "Viewer", "POST", "/api/dashboards", { dashboard: sampleDashboard("b", "B") }, 403],
      ["viewer delete", "Viewer", "DELETE", "/api/dashboards/a", undefined, 403],
      ["viewer import", "Viewer", "POST", "/api/dashboards/import", sampleDashboard("c", "C"), 403],
      ["viewer export", "Viewer", "GET", "/api/dashboards/a/export", undefined, 200],
      ["viewer settings", "Viewer", "GET", "/api/settings", undefined, 403],
      ["editor settings", "Editor", "PUT", "/api/settings", { snapshots_public: true }, 403],
    ];
    for (const [name, role, method, path, body, status] of cases) {
      const r = await h.call(role, method, path, body);
      assert.equal(r.status, status, name);
    }
    assert.deepEqual(h.dashboards.list().map((d) => d.uid), ["a"]);
  } finally {
    await h.close();
  }
});

test("dashboards API: validation errors are 400 with the field path", async () => {
  const h = await startHarness();
  try {
    const cases: Array<[string, unknown, RegExp]> = [
      ["no dashboard", { message: "x" }, /^dashboard: /],
      ["panel width", { dashboard: { ...sampleDashboard("x", "X"), panels: [{ id: 1, type: "text", gridPos: { x: 0, y: 0, w: 30, h: 2 } }] } }, /dashboard\.panels\.0\.gridPos\.w/],
      ["variable name", { dashboard: { ...sampleDashboard("x", "X"), variables: [{ name: "1bad", type: "custom", query: "a,b" }] } }, /dashboard\.variables\.0\.name/],
      ["expectedVersion type", { dashboard: sampleDashboard("x", "X"), expectedVersion: "1" }, /expectedVersion/],
      ["body not an object", [1, 2], /dashboard|body/],
    ];
    for (const [name, body, path] of cases) {
      const r = await h.call("Editor", "POST", "/api/dashboards", body);
      assert.equal(r.status, 400, name);
      const e = r.json as ErrorBody;
      assert.equal(e.error.code, "validation_failed", name);
      assert.match(e.error.message, path, name);
    }
    const malformed = await h.call("Editor", "POST", "/api/dashboards", "{not json");
    assert.equal(malformed.status, 400);
    assert.equal(h.dashboards.list().length, 0);
  } finally {
    await h.close();
  }
});

test("export → import round trip keeps the dashboard; overwrite is explicit", async () => {
  const h = await startHarness();
  try {
    const original = sampleDashboard("roundtrip", "Round trip", ["x"]);
    h.dashboards.save({ ...original, time: { from: "now-7d", to: "now" }, refresh: "1m" }, "alice");
    h.dashboards.save({ ...original, time: { from: "now-7d", to: "now" }, refresh: "1m" }, "alice");
    const exp = await h.call("Viewer", "GET", "/api/dashboards/roundtrip/export");
    assert.equal(exp.status, 200);
    assert.match(exp.headers.get("content-disposition") ?? "", /^attachment; filename="?roundtrip\.json"?$/);
    assert.match(exp.headers.get("content-type") ?? "", /application\/json/);
    const file = exp.json as Record<string, unknown> & { __loupe: { format: number } };
    assert.equal(file.__loupe.format, 1);
    assert.equal(file["version"], 2);

    // same uid exists: 409 unless overwrite
    const clash = await h.call("Editor", "POST", "/api/dashboards/import", file);
    assert.equal(clash.status, 409);
    assert.equal((clash.json as ErrorBody).error.code, "dashboard_exists");

    h.dashboards.delete("roundtrip");
    h.dashboards.purgeTrash(h.clock.now()); // gone for good (a dashboard in the trash would come back with its history)
    const imp = await h.call("Editor", "POST", "/api/dashboards/import", file);
    assert.equal(imp.status, 200);
    assert.deepEqual(imp.json, { uid: "roundtrip", title: "Round trip", source: "loupe", skipped: [] } satisfies ImportResult);
    const back = h.dashboards.get("roundtrip")!;
    assert.equal(back.version, 1);
    const before = { ...(file as Record<string, unknown>) };
    delete before["__loupe"];
    assert.deepEqual({ ...back.dashboard, version: 2 }, before, "everything but the version survives the trip");

    // wrapped form with overwrite adds a version
    const wrapped = await h.call("Editor", "POST", "/api/dashboards/import", { dashboard: { ...file, title: "Round trip 2" }, overwrite: true });
    assert.equal(wrapped.status, 200);
    assert.equal(h.dashboards.get("roundtrip")!.version, 2);
    assert.equal(h.dashboards.get("roundtrip")!.dashboard.title, "Round trip 2");
    // ?overwrite=true works too
    assert.equal((await h.call("Editor", "POST", "/api/dashboards/import?overwrite=true", file)).status, 200);
    assert.equal(h.dashboards.versions("roundtrip").length, 3);

    const bad = await h.call("Editor", "POST", "/api/dashboards/import", { ...file, panels: [{ id: 0, type: "text", gridPos: { x: 0, y: 0, w: 1, h: 1 } }] });
    assert.equal(bad.status, 400);
    assert.match((bad.json as ErrorBody).error.message, /panels\.0\.id/);
    const notObject = await h.call("Editor", "POST", "/api/dashboards/import", "42");
    assert.equal(notObject.status, 400);
  } finally {
    await h.close();
  }
});
