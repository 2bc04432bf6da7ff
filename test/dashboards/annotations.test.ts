import { test } from "node:test";
import assert from "node:assert/strict";
import type { Annotation } from "../../src/dashboards/index.js";
import { parseGraphiteTime, type GraphiteEvent } from "../../src/http/routes/events.js";
import { startHarness, sampleDashboard, T0 } from "./harness.js";

type ErrorBody = { error: { code: string; message: string } };

test("annotations API: add (deploy markers and dashboard notes), list by range/tags/dashboard, delete", async () => {
  const h = await startHarness();
  try {
    h.dashboards.save(sampleDashboard("web", "Web"), null);
    h.dashboards.save(sampleDashboard("db", "DB"), null);
    const add = async (body: unknown) => {
      const r = await h.call("Editor", "POST", "/api/annotations", body);
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json as Annotation;
    };
    const deploy = await add({ time: T0 - 3_600_000, text: "deploy v1.2\nchangelog: fixes", tags: ["deploy", "web"] });
    assert.deepEqual(deploy, { id: deploy.id, time: T0 - 3_600_000, timeEnd: T0 - 3_600_000, text: "deploy v1.2\nchangelog: fixes", tags: ["deploy", "web"], dashboardUid: null, createdBy: "editor" });
    const outage = await add({ time: T0 - 1_800_000, timeEnd: T0 - 600_000, text: "outage", tags: ["incident"], dashboardUid: "web" });
    const dbNote = await add({ time: T0 - 1_000_000, text: "vacuum", dashboardUid: "db" });
    const now = await add({ text: "marker without time", tags: ["deploy"] });
    assert.equal(now.time, T0, "no time means now");

    const list = async (q: string) => {
      const r = await h.call("Viewer", "GET", `/api/annotations${q}`);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return (r.json as Annotation[]).map((a) => a.id);
    };
    assert.deepEqual(await list(""), [deploy.id, outage.id, dbNote.id, now.id]);
    assert.deepEqual(await list(`?from=${T0 - 2_000_000}&to=${T0 - 1}`), [outage.id, dbNote.id]);
    // a region overlapping the range's start is included
    assert.deepEqual(await list(`?from=${T0 - 700_000}&to=${T0 - 650_000}`), [outage.id]);
    assert.deepEqual(await list("?tags=deploy"), [deploy.id, now.id]);
    assert.deepEqual(await list("?tags=deploy,web"), [deploy.id], "all tags must match");
    assert.deepEqual(await list("?tags=deploy&tags=web"), [deploy.id]);
    assert.deepEqual(await list("?tags=incident,web&matchAny=true"), [deploy.id, outage.id]);
    assert.deepEqual(await list("?dashboardUid=web"), [deploy.id, outage.id, now.id], "the dashboard's own plus global ones");
    assert.deepEqual(await list("?limit=1"), [deploy.id]);

    const bad: Array<[unknown, RegExp]> = [
      [{ time: T0, text: "" }, /^text: /],
      [{ time: T0, timeEnd: T0 - 1, text: "x" }, /^timeEnd: /],
      [{ time: "yesterday", text: "x" }, /^time: /],
      [{ time: T0, text: "x", tags: ["a".repeat(51)] }, /^tags\.0: /],
      [{ time: T0, text: "x", dashboardUid: "nope" }, /dashboardUid: no dashboard "nope"/],
    ];
    for (const [body, msg] of bad) {
      const r = await h.call("Editor", "POST", "/api/annotations", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((r.json as ErrorBody).error.code, "validation_failed");
      assert.match((r.json as ErrorBody).error.message, msg);
    }
    assert.equal((await h.call("Viewer", "GET", "/api/annotations?from=abc")).status, 400);
    assert.equal((await h.call("Viewer", "POST", "/api/annotations", { text: "x" })).status, 403);
    assert.equal((await h.call("none", "GET", "/api/annotations")).status, 401);

    assert.equal((await h.call("Editor", "DELETE", `/api/annotations/${deploy.id}`)).status, 204);
    assert.equal((await h.call("Editor", "DELETE", `/api/annotations/${deploy.id}`)).status, 404);
    assert.equal((await h.call("Editor", "DELETE", "/api/annotations/abc")).status, 404);
    // deleting a dashboard hides its annotations; restoring shows them again; purging removes them
    h.dashboards.delete("db");
    assert.deepEqual(await list(""), [outage.id, now.id]);
    h.dashboards.restore("db");
    assert.equal((await list("")).length, 3);
    h.dashboards.delete("db");
    h.dashboards.purgeTrash(h.clock.now());
    assert.deepEqual(await list(""), [outage.id, now.id]);
    assert.equal(h.db.prepare("SELECT count(*) FROM annotations WHERE dashboard_uid = 'db'").pluck().get(), 0);
  } finally {
    await h.close();
  }
});

test("/events/get_data answers graphite-web's JSON so Grafana can read annotations", async () => {
  const h = await startHarness();
  try {
    const a = h.annotations.add({ time: T0 - 7_200_000, text: "deploy api v7\nby ci", tags: ["deploy", "api"] }, "ci");
    const b = h.annotations.add({ time: T0 - 60_000, text: "restart", tags: ["ops"] }, null);
    h.annotations.add({ time: T0 - 3 * 86_400_000, text: "old", tags: ["deploy"] }, null);
    const get = async (q: string) => {
      const r = await h.call("Viewer", "GET", `/events/get_data${q}`);
      assert.equal(r.status, 200, r.text);
      return r.json as GraphiteEvent[];
    };
    const day = await get("?from=-1d&until=now");
    assert.deepEqual(day, [
      { when: (T0 - 7_200_000) / 1000, what: "deploy api v7", data: "by ci", tags: ["api", "deploy"], id: a.id },
      { when: (T0 - 60_000) / 1000, what: "restart", data: "", tags: ["ops"], id: b.id },
    ]);
    assert.deepEqual((await get("?from=-1d&until=now&tags=deploy")).map((e) => e.id), [a.id]);
    assert.deepEqual((await get("?from=-1d&until=now&tags=deploy%20ops")).map((e) => e.id), [], "space-separated tags: all must match");
    assert.deepEqual((await get("?from=-1d&until=now&tags=deploy%20ops&set=union")).map((e) => e.id), [a.id, b.id]);
    assert.equal((await get("")).length, 3, "no from: since the epoch");
    assert.deepEqual((await get(`?from=${(T0 - 120_000) / 1000}&until=${T0 / 1000}`)).map((e) => e.id), [b.id], "epoch seconds");
    const bad = await h.call("Viewer", "GET", "/events/get_data?from=yesterdayish");
    assert.equal(bad.status, 400);
    assert.equal((await h.call("none", "GET", "/events/get_data")).status, 401);
  } finally {
    await h.close();
  }
});

test("POST /events/ stores a graphite-web event as an annotation", async () => {
  const h = await startHarness();
  try {
    const cases: Array<[unknown, number]> = [
      [{ what: "deploy api", tags: "deploy api", data: "build 77", when: (T0 - 60_000) / 1000 }, 200],
      [{ what: "restart", tags: ["ops"] }, 200],
      [{ tags: ["ops"] }, 400],
      [{ what: "x", when: "yesterday" }, 400],
    ];
    for (const [body, status] of cases) assert.equal((await h.call("Editor", "POST", "/events/", body)).status, status, JSON.stringify(body));
    assert.equal((await h.call("Viewer", "POST", "/events/", { what: "x" })).status, 403);
    const events = (await h.call("Viewer", "GET", "/events/get_data?from=-1h")).json as GraphiteEvent[];
    assert.deepEqual(
      events.map((e) => [e.when, e.what, e.data, e.tags]),
      [
        [(T0 - 60_000) / 1000, "deploy api", "build 77", ["api", "deploy"]],
        [T0 / 1000, "restart", "", ["ops"]],
      ],
    );
  } finally {
    await h.close();
  }
});

test("Graphite at-times", () => {
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const cases: Array<[string, number | undefined]> = [
    ["now", now],
    ["", now],
    ["-6h", now - 6 * 3_600_000],
    ["now-30min", now - 30 * 60_000],
    ["-5m", now - 5 * 60_000],
    ["-2d", now - 2 * 86_400_000],
    ["-1w", now - 7 * 86_400_000],
    ["-1mon", now - 30 * 86_400_000],
    ["-1y", now - 365 * 86_400_000],
    ["1768478400", 1768478400_000],
    ["12:30_20260115", Date.UTC(2026, 0, 15, 12, 30)],
    ["20260101", Date.UTC(2026, 0, 1)],
    ["-5parsecs", undefined],
    ["tomorrowish", undefined],
  ];
  for (const [text, want] of cases) assert.equal(parseGraphiteTime(text, now), want, text);
});
