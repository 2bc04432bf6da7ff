/**
 * Deleting a dashboard moves it to the trash (migration 0007): hidden from list, tags, get, search
 * and recently viewed, its versions kept; an Admin lists and restores it (GET /api/dashboards/trash,
 * POST /api/dashboards/uid/:uid/restore); it is deleted for good once [dashboards] trash_retention passed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { ConflictError } from "../../src/lib/errors.js";
import { openServices, sampleDashboard, startHarness, T0 } from "./harness.js";

const DAY = 86_400_000;

test("a deleted dashboard is hidden everywhere but keeps its versions; restoring brings it back as it was", () => {
  const s = openServices();
  s.dashboards.save({ ...sampleDashboard("cpu", "CPU"), tags: ["linux"] }, "alice", { message: "first" });
  s.dashboards.save({ ...sampleDashboard("cpu", "CPU load"), tags: ["linux"] }, "alice", { message: "second" });
  s.dashboards.save(sampleDashboard("mem", "Memory"), "alice");
  s.dashboards.markViewed("cpu", "alice");
  s.clock.advance(1000);
  assert.equal(s.dashboards.delete("cpu", "bob"), true);
  assert.equal(s.dashboards.delete("cpu", "bob"), false, "already in the trash");
  assert.equal(s.dashboards.get("cpu"), undefined);
  assert.deepEqual(s.dashboards.list().map((d) => d.uid), ["mem"]);
  assert.deepEqual(s.dashboards.list({ query: "cpu" }), []);
  assert.deepEqual(s.dashboards.tags(), []);
  assert.deepEqual(s.dashboards.recentlyViewed("alice"), []);
  assert.deepEqual(s.dashboards.trash(), [{ uid: "cpu", title: "CPU load", version: 2, deletedAt: T0 + 1000, deletedBy: "bob" }]);
  assert.deepEqual(s.dashboards.versions("cpu").map((v) => [v.version, v.message]), [[2, "second"], [1, "first"]], "versions kept");

  assert.equal(s.dashboards.restore("cpu"), true);
  assert.equal(s.dashboards.restore("cpu"), false, "no longer in the trash");
  assert.equal(s.dashboards.restore("mem"), false, "never deleted");
  const back = s.dashboards.get("cpu")!;
  assert.equal(back.version, 2);
  assert.equal(back.dashboard.title, "CPU load");
  assert.deepEqual(s.dashboards.tags(), [{ tag: "linux", count: 1 }]);
  assert.deepEqual(s.dashboards.recentlyViewed("alice").map((d) => d.uid), ["cpu"]);
  assert.deepEqual(s.dashboards.trash(), []);
  s.db.close();
});

test("saving onto a deleted uid: a page's save (expectedVersion) is a conflict; a new save or import brings it back with its history", () => {
  const s = openServices();
  s.dashboards.save(sampleDashboard("cpu", "CPU"), "alice");
  s.dashboards.delete("cpu", "bob");
  assert.throws(() => s.dashboards.save(sampleDashboard("cpu", "CPU edited"), "alice", { expectedVersion: 1 }), (e: unknown) => e instanceof ConflictError && /no longer exists.*Recently deleted/.test(e.message));
  assert.deepEqual(s.dashboards.trash().map((t) => t.uid), ["cpu"], "the conflict changed nothing");
  const r = s.dashboards.import({ ...sampleDashboard("cpu", "CPU again") }, "carol");
  assert.equal(r.uid, "cpu");
  assert.equal(s.dashboards.get("cpu")!.version, 2);
  assert.deepEqual(s.dashboards.versions("cpu").map((v) => v.version), [2, 1]);
  assert.deepEqual(s.dashboards.trash(), []);
  s.db.close();
});

test("purgeTrash deletes for good only what was deleted at or before the cutoff, versions included", () => {
  const s = openServices();
  for (const uid of ["old", "new", "kept"]) s.dashboards.save(sampleDashboard(uid, uid), null);
  s.dashboards.delete("old", null);
  s.clock.advance(10 * DAY);
  s.dashboards.delete("new", null);
  assert.equal(s.dashboards.purgeTrash(s.clock.now() - 30 * DAY), 0, "nothing older than 30 days");
  assert.equal(s.dashboards.purgeTrash(s.clock.now() - 5 * DAY), 1);
  assert.deepEqual(s.dashboards.trash().map((t) => t.uid), ["new"]);
  assert.equal(s.dashboards.versions("old").length, 0, "the purged dashboard's versions are gone");
  assert.equal(s.dashboards.versions("new").length, 1);
  assert.equal(s.dashboards.restore("old"), false);
  assert.deepEqual(s.dashboards.list().map((d) => d.uid), ["kept"]);
  s.db.close();
});

test("API: DELETE moves to the trash; Admins list it and restore it; versions of a deleted dashboard are not served", async () => {
  const h = await startHarness();
  try {
    assert.equal((await h.call("Editor", "POST", "/api/dashboards", { dashboard: sampleDashboard("web", "Web") })).status, 200);
    assert.equal((await h.call("Editor", "DELETE", "/api/dashboards/web")).status, 204);
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web")).status, 404);
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web/versions/1")).status, 404);
    assert.deepEqual(((await h.call("Viewer", "GET", "/api/dashboards")).json as unknown[]).length, 0);

    assert.equal((await h.call("Editor", "GET", "/api/dashboards/trash")).status, 403, "Editors do not see the trash");
    const trash = await h.call("Admin", "GET", "/api/dashboards/trash");
    assert.equal(trash.status, 200);
    assert.deepEqual((trash.json as Array<{ uid: string; deletedBy: string | null }>).map((t) => t.uid), ["web"]);
    assert.equal((await h.call("Editor", "POST", "/api/dashboards/uid/web/restore")).status, 403);

    const restored = await h.call("Admin", "POST", "/api/dashboards/uid/web/restore");
    assert.equal(restored.status, 200);
    assert.equal((restored.json as { dashboard: { title: string } }).dashboard.title, "Web");
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web")).status, 200);
    assert.equal((await h.call("Viewer", "GET", "/api/dashboards/web/versions/1")).status, 200);
    const again = await h.call("Admin", "POST", "/api/dashboards/uid/web/restore");
    assert.equal(again.status, 404);
    assert.match(again.text, /dashboard_not_in_trash/);
    assert.deepEqual((await h.call("Admin", "GET", "/api/dashboards/trash")).json, []);
  } finally {
    await h.close();
  }
});
