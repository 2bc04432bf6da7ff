import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDashboard, type Snapshot } from "../../src/dashboards/index.js";
import { startHarness, sampleDashboard, T0 } from "./harness.js";

type ErrorBody = { error: { code: string; message: string } };

const queryResult = (values: number[]) => ({ from: T0 - 3_600_000, to: T0, step: 60_000, timestamps: values.map((_, i) => T0 - 3_600_000 + i * 60_000), series: [{ target: "cpu", values }] });

function snapshotBody(extra: Record<string, unknown> = {}) {
  return {
    name: "incident 42",
    dashboard: parseDashboard(sampleDashboard("web", "Web")),
    range: { from: T0 - 3_600_000, to: T0 },
    data: { "1-A": queryResult([1, 2, 3]), "2-A": queryResult([0.5]) },
    ...extra,
  };
}

test("snapshots: create, read back without live data, list, delete", async () => {
  const h = await startHarness();
  try {
    const c = await h.call("Editor", "POST", "/api/snapshots", snapshotBody());
    assert.equal(c.status, 201, c.text);
    const { key, url, expiresAt } = c.json as { key: string; url: string; expiresAt: number | null };
    assert.match(key, /^[A-Za-z0-9_-]{32}$/);
    assert.equal(url, `/snapshot/${key}`);
    assert.equal(expiresAt, null);

    const g = await h.call("Viewer", "GET", `/api/snapshots/${key}`);
    assert.equal(g.status, 200);
    const s = g.json as Snapshot;
    assert.equal(s.name, "incident 42");
    assert.equal(s.dashboard.title, "Web");
    assert.deepEqual(s.range, { from: T0 - 3_600_000, to: T0 });
    assert.deepEqual(s.data["1-A"], queryResult([1, 2, 3]));
    assert.equal(s.createdBy, "editor");
    assert.equal(s.createdAt, T0);
    assert.equal(g.headers.get("cache-control"), "private, no-store");

    // the live dashboard can change or vanish: the snapshot keeps its copy
    h.dashboards.save(sampleDashboard("web", "Web"), null);
    h.dashboards.delete("web");
    assert.equal(((await h.call("Viewer", "GET", `/api/snapshots/${key}`)).json as Snapshot).dashboard.panels.length, 2);

    const unnamed = await h.call("Editor", "POST", "/api/snapshots", snapshotBody({ name: undefined }));
    const list = await h.call("Viewer", "GET", "/api/snapshots");
    const entries = list.json as Array<Record<string, unknown>>;
    assert.equal(entries.length, 2);
    assert.ok(entries.every((e) => !("data" in e) && !("dashboard" in e)), "the list carries no payload");
    assert.ok(entries.some((e) => e["key"] === (unnamed.json as { key: string }).key && e["name"] === "Web"), "name defaults to the title");

    assert.equal((await h.call("Viewer", "DELETE", `/api/snapshots/${key}`)).status, 403);
    assert.equal((await h.call("Editor", "DELETE", `/api/snapshots/${key}`)).status, 204);
    assert.equal((await h.call("Viewer", "GET", `/api/snapshots/${key}`)).status, 404);
    assert.equal((await h.call("Editor", "DELETE", `/api/snapshots/${key}`)).status, 404);
  } finally {
    await h.close();
  }
});

test("snapshots expire: invisible at once, purged by purgeExpired", async () => {
  const h = await startHarness();
  try {
    const c = await h.call("Editor", "POST", "/api/snapshots", snapshotBody({ expiresIn: 3600 }));
    const { key, expiresAt } = c.json as { key: string; expiresAt: number };
    assert.equal(expiresAt, T0 + 3_600_000);
    const forever = (await h.call("Editor", "POST", "/api/snapshots", snapshotBody())).json as { key: string };
    h.clock.advance(3_599_999);
    assert.equal((await h.call("Viewer", "GET", `/api/snapshots/${key}`)).status, 200);
    h.clock.advance(1);
    assert.equal((await h.call("Viewer", "GET", `/api/snapshots/${key}`)).status, 404);
    assert.deepEqual(((await h.call("Viewer", "GET", "/api/snapshots")).json as Array<{ key: string }>).map((e) => e.key), [forever.key]);
    assert.equal(h.snapshots.purgeExpired(h.clock.now()), 1);
    assert.equal(h.snapshots.purgeExpired(h.clock.now()), 0);
    const rows = h.db.prepare("SELECT count(*) AS n FROM snapshots").get() as { n: number };
    assert.equal(rows.n, 1);
  } finally {
    await h.close();
  }
});

test("viewing a snapshot needs login unless the admin turns snapshots_public on", async () => {
  const h = await startHarness();
  try {
    const { key } = (await h.call("Editor", "POST", "/api/snapshots", snapshotBody())).json as { key: string };
    assert.equal((await h.call("none", "GET", `/api/snapshots/${key}`)).status, 401);
    assert.deepEqual((await h.call("Admin", "GET", "/api/settings")).json, { snapshots_public: false });

    const put = await h.call("Admin", "PUT", "/api/settings", { snapshots_public: true });
    assert.equal(put.status, 200);
    assert.deepEqual(put.json, { snapshots_public: true });
    assert.equal((await h.call("none", "GET", `/api/snapshots/${key}`)).status, 200);
    // public means the key is enough: listing, creating and deleting still need a login
    assert.equal((await h.call("none", "GET", "/api/snapshots")).status, 401);
    assert.equal((await h.call("none", "POST", "/api/snapshots", snapshotBody())).status, 401);
    assert.equal((await h.call("none", "GET", "/api/snapshots/not-a-key")).status, 404);

    const bad = await h.call("Admin", "PUT", "/api/settings", { snapshots_public: "yes" });
    assert.equal(bad.status, 400);
    assert.match((bad.json as ErrorBody).error.message, /^snapshots_public: /);
    const unknown = await h.call("Admin", "PUT", "/api/settings", { colour: "blue" });
    assert.equal(unknown.status, 400);
    assert.equal((await h.call("Admin", "PUT", "/api/settings", {})).status, 200, "an empty patch changes nothing");
    assert.deepEqual(h.settings.get(), { snapshots_public: true });

    await h.call("Admin", "PUT", "/api/settings", { snapshots_public: false });
    assert.equal((await h.call("none", "GET", `/api/snapshots/${key}`)).status, 401);
    const row = h.db.prepare("SELECT value FROM settings WHERE key = 'snapshots_public'").get() as { value: string };
    assert.equal(row.value, "false");
  } finally {
    await h.close();
  }
});

test("snapshot bodies are validated and their size bounded", async () => {
  const h = await startHarness({ maxBytes: 64 * 1024 });
  try {
    const cases: Array<[string, unknown, RegExp]> = [
      ["range reversed", snapshotBody({ range: { from: T0, to: T0 - 1 } }), /^range\.to: /],
      ["bad data key", snapshotBody({ data: { "has space": {} } }), /^data\./],
      ["bad dashboard", snapshotBody({ dashboard: { uid: "x" } }), /^dashboard\.title: /],
      ["expiry not positive", snapshotBody({ expiresIn: 0 }), /^expiresIn: /],
      ["no data", { name: "x", dashboard: sampleDashboard("a", "A"), range: { from: 0, to: 1 } }, /^data: /],
    ];
    for (const [name, body, msg] of cases) {
      const r = await h.call("Editor", "POST", "/api/snapshots", body);
      assert.equal(r.status, 400, name);
      assert.equal((r.json as ErrorBody).error.code, "validation_failed", name);
      assert.match((r.json as ErrorBody).error.message, msg, name);
    }
    const big = await h.call("Editor", "POST", "/api/snapshots", snapshotBody({ data: { "1-A": queryResult(Array.from({ length: 20_000 }, (_, i) => i)) } }));
    assert.equal(big.status, 413);
    assert.equal((big.json as ErrorBody).error.code, "entity_too_large");
    assert.equal(h.snapshots.list().length, 0);
  } finally {
    await h.close();
  }
});
