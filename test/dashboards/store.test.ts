import { test } from "node:test";
import assert from "node:assert/strict";
import { ConflictError, LoupeError } from "../../src/lib/errors.js";
import { openServices, sampleDashboard, T0 } from "./harness.js";

test("saving bumps the version and keeps the last versions_to_keep (20) in history", () => {
  const s = openServices({ versionsToKeep: 20 });
  for (let i = 1; i <= 25; i++) {
    s.clock.advance(1000);
    const r = s.dashboards.save({ ...sampleDashboard("cpu", `CPU ${i}`) }, "alice", { message: `edit ${i}` });
    assert.deepEqual(r, { uid: "cpu", version: i });
  }
  const stored = s.dashboards.get("cpu")!;
  assert.equal(stored.version, 25);
  assert.equal(stored.dashboard.version, 25);
  assert.equal(stored.dashboard.title, "CPU 25");
  assert.equal(stored.updatedBy, "alice");
  assert.equal(stored.updatedAt, T0 + 25_000);
  const versions = s.dashboards.versions("cpu");
  assert.equal(versions.length, 20);
  assert.deepEqual(
    versions.map((v) => v.version),
    Array.from({ length: 20 }, (_, i) => 25 - i),
  );
  assert.equal(versions[0]!.message, "edit 25");
  assert.equal(versions[0]!.savedBy, "alice");
  assert.equal(s.dashboards.getVersion("cpu", 6)!.title, "CPU 6");
  assert.equal(s.dashboards.getVersion("cpu", 5), undefined, "version 5 was pruned");
  const rows = s.db.prepare("SELECT count(*) AS n FROM dashboard_versions WHERE uid = 'cpu'").get() as { n: number };
  assert.equal(rows.n, 20);
  s.db.close();
});

test("a stale expectedVersion is a conflict and changes nothing", () => {
  const s = openServices();
  s.dashboards.save(sampleDashboard("a", "A"), "alice");
  s.dashboards.save(sampleDashboard("a", "A2"), "bob", { expectedVersion: 1 });
  assert.throws(
    () => s.dashboards.save(sampleDashboard("a", "A from alice"), "alice", { expectedVersion: 1 }),
    (e: unknown) => e instanceof ConflictError && e.status === 409 && e.code === "version_conflict" && /version 2, not 1/.test(e.message),
  );
  assert.equal(s.dashboards.get("a")!.dashboard.title, "A2");
  assert.equal(s.dashboards.versions("a").length, 2);
  // expectedVersion 0 means "create": refused when it exists, accepted for a new uid
  assert.throws(() => s.dashboards.save(sampleDashboard("a", "again"), null, { expectedVersion: 0 }), ConflictError);
  assert.deepEqual(s.dashboards.save(sampleDashboard("b", "B"), null, { expectedVersion: 0 }), { uid: "b", version: 1 });
  s.db.close();
});

test("list searches titles and tags, filters by tag, sorts by title", () => {
  const s = openServices();
  s.dashboards.save(sampleDashboard("web", "Web frontends", ["nginx", "prod"]), null);
  s.dashboards.save(sampleDashboard("db", "Databases", ["postgres", "prod"]), null);
  s.dashboards.save(sampleDashboard("lab", "Lab boxes", ["test"]), null);
  assert.deepEqual(s.dashboards.list().map((d) => d.uid), ["db", "lab", "web"]);
  assert.deepEqual(s.dashboards.list({ query: "FRONT" }).map((d) => d.uid), ["web"]);
  assert.deepEqual(s.dashboards.list({ query: "postgres" }).map((d) => d.uid), ["db"], "query matches tags too");
  assert.deepEqual(s.dashboards.list({ tag: "prod" }).map((d) => d.uid), ["db", "web"]);
  assert.deepEqual(s.dashboards.list({ tag: "prod", query: "data" }).map((d) => d.uid), ["db"]);
  assert.deepEqual(s.dashboards.list({ tag: "nope" }), []);
  const web = s.dashboards.list({ query: "web" })[0]!;
  assert.deepEqual(web.tags, ["nginx", "prod"]);
  assert.equal(web.provisioned, false);
  // retagging replaces the tag rows
  s.dashboards.save(sampleDashboard("web", "Web frontends", ["staging"]), null);
  assert.deepEqual(s.dashboards.list({ tag: "prod" }).map((d) => d.uid), ["db"]);
  assert.deepEqual(s.dashboards.tags(), [
    { tag: "postgres", count: 1 },
    { tag: "prod", count: 1 },
    { tag: "staging", count: 1 },
    { tag: "test", count: 1 },
  ]);
  s.db.close();
});

test("recently viewed is per user, newest first, and forgets deleted dashboards", () => {
  const s = openServices();
  for (const uid of ["a", "b", "c"]) s.dashboards.save(sampleDashboard(uid, uid.toUpperCase()), null);
  s.dashboards.markViewed("a", "alice");
  s.clock.advance(10);
  s.dashboards.markViewed("b", "alice");
  s.clock.advance(10);
  s.dashboards.markViewed("c", "bob");
  s.clock.advance(10);
  s.dashboards.markViewed("a", "alice");
  s.dashboards.markViewed("missing", "alice");
  assert.deepEqual(s.dashboards.recentlyViewed("alice").map((d) => d.uid), ["a", "b"]);
  assert.deepEqual(s.dashboards.recentlyViewed("alice", 1).map((d) => d.uid), ["a"]);
  assert.deepEqual(s.dashboards.recentlyViewed("bob").map((d) => d.uid), ["c"]);
  assert.equal(s.dashboards.delete("a"), true);
  assert.equal(s.dashboards.delete("a"), false);
  assert.deepEqual(s.dashboards.recentlyViewed("alice").map((d) => d.uid), ["b"]);
  assert.equal(s.dashboards.versions("a").length, 1, "a deleted dashboard keeps its history (the trash; see trash.test.ts)");
  s.db.close();
});

test("invalid dashboards are refused with the field path", () => {
  const s = openServices();
  const cases: Array<[string, unknown, RegExp]> = [
    ["bad uid", { ...sampleDashboard("x", "X"), uid: "has space" }, /dashboard\.uid/],
    ["empty title", { ...sampleDashboard("x", "X"), title: "" }, /dashboard\.title/],
    ["panel too wide", { ...sampleDashboard("x", "X"), panels: [{ id: 1, type: "text", gridPos: { x: 0, y: 0, w: 25, h: 2 } }] }, /dashboard\.panels\.0\.gridPos\.w/],
    ["unknown panel type", { ...sampleDashboard("x", "X"), panels: [{ id: 1, type: "piechart", gridPos: { x: 0, y: 0, w: 4, h: 2 } }] }, /dashboard\.panels\.0\.type/],
  ];
  for (const [name, input, path] of cases) {
    assert.throws(
      () => s.dashboards.save(input as never, null),
      (e: unknown) => e instanceof LoupeError && e.status === 400 && e.code === "validation_failed" && path.test(e.message),
      name,
    );
  }
  assert.equal(s.dashboards.list().length, 0);
  s.db.close();
});
