/**
 * The read APIs over real HTTP against a real store file: Grafana-shaped /render (form POST,
 * aliasSub wrapper, maxDataPoints), CSV, errors naming the column, /metrics/find and /expand
 * shapes, /version, /functions, and the dashboard's POST /api/query batch contract.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RequestHandler } from "express";
import { defaultConfig } from "../../src/config/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { silentLogger } from "../../src/lib/logger.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL, type HttpServer } from "../../src/http/index.js";
import { renderRoutes } from "../../src/http/routes/api/render.js";
import { queryRoutes } from "../../src/http/routes/api/query.js";
import { migrate, openDatabase, openStore, type Db, type TimeSeriesStore } from "../../src/store/index.js";
import type { Sample } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";

const T0 = Date.UTC(2026, 10, 25, 12, 0, 0);
const HOUR_S = 3600;
let db: Db;
let store: TimeSeriesStore;
let http: HttpServer;
let base: string;

before(async () => {
  const dir = tempDir("loupe-query-");
  const cfg = defaultConfig();
  const path = join(dir, "loupe.db");
  db = openDatabase(path);
  migrate(db);
  const clock = new FakeClock(T0);
  store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  // one hour at 10 s before T0: web1 user = k, web2 user = 2k, web1 system = 100
  const batch: Sample[] = [];
  for (let k = 0; k < 360; k++) {
    const ts = T0 - HOUR_S * 1000 + k * 10_000;
    batch.push({ name: "servers.web1.cpu.user", ts, value: k });
    batch.push({ name: "servers.web2.cpu.user", ts, value: 2 * k });
    batch.push({ name: "servers.web1.cpu.system", ts, value: 100 });
  }
  await store.write(batch);
  const open: RequestHandler = (_req, res, next) => {
    res.locals["principal"] = OPEN_PRINCIPAL;
    next();
  };
  const app = createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store, clock }), queryRoutes({ store, clock })] });
  http = await startHttpServer(app, "127.0.0.1", 0);
  base = `http://127.0.0.1:${http.port}`;
});

after(async () => {
  await http?.close();
  await store?.close();
  db?.close();
});

type RenderJson = Array<{ target: string; tags: Record<string, string>; datapoints: Array<[number | null, number]> }>;

function form(pairs: Array<[string, string]>): RequestInit {
  return { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(pairs).toString() };
}

test("Grafana-shaped /render: form POST, aliasSub(…, \"(^.*$)\", \"\\1 A\") wrapper, maxDataPoints, relative times", async () => {
  const res = await fetch(
    `${base}/render`,
    form([
      ["target", 'aliasSub(sumSeries(servers.*.cpu.user), "(^.*$)", "\\1 A")'],
      ["target", 'aliasSub(servers.web1.cpu.system, "(^.*$)", "\\1 B")'],
      ["from", "-1h"],
      ["until", "now"],
      ["format", "json"],
      ["maxDataPoints", "60"],
    ]),
  );
  assert.equal(res.status, 200);
  const body = (await res.json()) as RenderJson;
  assert.deepEqual(
    body.map((s) => s.target),
    ["sumSeries(servers.*.cpu.user) A", "servers.web1.cpu.system B"],
  );
  const sum = body[0]!.datapoints;
  // graphite-web 1.1.8: the window (T0-3600, T0] holds 360 values (k = 1 … 359, null at T0), 6 per
  // point; the start is nudged by 50 s to T0-3540 and 4 values dropped, so the bucket at
  // T0-3540+60j holds k = 6j+5 … 6j+10: web1 averages 6j+7.5, web2 twice that
  assert.equal(sum.length, 60);
  const firstTs = T0 / 1000 - HOUR_S + 60;
  for (const [j, [v, ts]] of sum.entries()) {
    assert.equal(ts, firstTs + 60 * j);
    assert.equal(v, j < 59 ? 18 * j + 22.5 : 3 * 359, `bucket ${j}`);
  }
  assert.ok(body[1]!.datapoints.every(([v]) => v === 100));
  assert.equal(body[1]!.tags["name"], "servers.web1.cpu.system");
});

test("/render with absolute unix-second times and a GET query string; CSV and raw formats", async () => {
  const from = T0 / 1000 - 60;
  const q = new URLSearchParams([["target", "servers.web1.cpu.user"], ["from", String(from)], ["until", String(T0 / 1000)], ["format", "json"]]);
  const body = (await (await fetch(`${base}/render?${q}`)).json()) as RenderJson;
  // graphite's window (from, until]: from+10 … until, the last step (T0) empty
  assert.deepEqual(body[0]!.datapoints, [355, 356, 357, 358, 359, null].map((v, i) => [v, from + 10 + i * 10]));

  q.set("format", "csv");
  const csv = await fetch(`${base}/render?${q}`);
  assert.match(csv.headers.get("content-type") ?? "", /text\/csv/);
  const lines = (await csv.text()).trim().split(/\r?\n/);
  assert.equal(lines.length, 6);
  assert.equal(lines[0], `servers.web1.cpu.user,${new Date((from + 10) * 1000).toISOString().slice(0, 19).replace("T", " ")},355`);

  q.set("format", "raw");
  assert.equal(await (await fetch(`${base}/render?${q}`)).text(), `servers.web1.cpu.user,${from + 10},${from + 70},10|355.0,356.0,357.0,358.0,359.0,None\n`);
});

test("/render errors: unknown functions are 400 naming the column; a syntax error reads the parseable prefix as graphite-web does", async () => {
  const res = await fetch(`${base}/render`, form([["target", "scale(nosuchFunction(a.b), 2)"], ["from", "-1h"]]));
  assert.equal(res.status, 400);
  const body = (await res.json()) as { error: { code: string; message: string } };
  assert.equal(body.error.code, "unknown_function");
  assert.match(body.error.message, /nosuchFunction at column 7/);
  // graphite-web 1.1.8 (measured): the leading path `sumSeries` matches nothing; an extra `)` is ignored
  const lenient: Array<[string, string[]]> = [
    ["sumSeries(servers.*.cpu.user", []],
    ['scale(a.b, "x)', []],
    ["sumSeries(servers.*.cpu.user))", ["sumSeries(servers.*.cpu.user)"]],
  ];
  for (const [target, names] of lenient) {
    const r = await fetch(`${base}/render`, form([["target", target], ["from", "-1h"]]));
    assert.equal(r.status, 200, target);
    assert.deepEqual(((await r.json()) as RenderJson).map((s) => s.target), names, target);
  }
  const failing = await fetch(`${base}/render`, form([["target", "movingAverage(servers.web1.cpu.user, 'x')"], ["from", "-1h"]]));
  assert.equal(failing.status, 500, "graphite-web 1.1.8 lets a function's argument error escape as 500");
  const empty = await fetch(`${base}/render?target=servers.web1.cpu.user&from=-1min&until=`);
  assert.equal(empty.status, 200, "an empty until means now");
  const bad = await fetch(`${base}/render?target=a.b&from=yesterday-ish`);
  assert.equal(bad.status, 400);
  const png = await fetch(`${base}/render?target=a.b&format=png`);
  assert.equal(png.status, 400);
});

test("/metrics/find answers Graphite's treejson shape, by GET and form POST", async () => {
  const top = (await (await fetch(`${base}/metrics/find?query=*`)).json()) as unknown;
  assert.deepEqual(top, [{ text: "servers", id: "servers", leaf: 0, expandable: 1, allowChildren: 1 }]);
  const hosts = (await (await fetch(`${base}/metrics/find`, form([["query", "servers.*"]]))).json()) as unknown;
  assert.deepEqual(hosts, [
    { text: "web1", id: "servers.web1", leaf: 0, expandable: 1, allowChildren: 1 },
    { text: "web2", id: "servers.web2", leaf: 0, expandable: 1, allowChildren: 1 },
  ]);
  const leaves = (await (await fetch(`${base}/metrics/find?query=servers.web1.cpu.*`)).json()) as unknown;
  assert.deepEqual(leaves, [
    { text: "system", id: "servers.web1.cpu.system", leaf: 1, expandable: 0, allowChildren: 0 },
    { text: "user", id: "servers.web1.cpu.user", leaf: 1, expandable: 0, allowChildren: 0 },
  ]);
  assert.deepEqual(await (await fetch(`${base}/metrics/find?query=nothing.*`)).json(), []);
  assert.equal((await fetch(`${base}/metrics/find`)).status, 400);
});

test("/metrics/find merges nodes by name with the query's wildcards in the id, as graphite-web's tree_json", async () => {
  const merged = (await (await fetch(`${base}/metrics/find?query=servers.*.cpu`)).json()) as Array<{ id: string; text: string; leaf: number }>;
  assert.deepEqual(merged.map((n) => [n.id, n.text, n.leaf]), [["servers.*.cpu", "cpu", 0]]);
  const leaves = (await (await fetch(`${base}/metrics/find?query=servers.web?.cpu.user`)).json()) as Array<{ id: string; leaf: number }>;
  assert.deepEqual(leaves.map((n) => [n.id, n.leaf]), [["servers.web?.cpu.user", 1]]);
  const top = (await (await fetch(`${base}/metrics/find?query=*`)).json()) as Array<{ id: string }>;
  assert.deepEqual(top.map((n) => n.id), ["servers"], "no tagged series here, so no _tagged");
});

test("/metrics/expand, /metrics/index.json, /version, /functions", async () => {
  assert.deepEqual(await (await fetch(`${base}/metrics/index.json`)).json(), ["servers.web1.cpu.system", "servers.web1.cpu.user", "servers.web2.cpu.user"]);
  assert.deepEqual(await (await fetch(`${base}/metrics/expand?query=servers.*.cpu.*`)).json(), {
    results: ["servers.web1.cpu.system", "servers.web1.cpu.user", "servers.web2.cpu.user"],
  });
  assert.deepEqual(await (await fetch(`${base}/metrics/expand?query=servers.*&groupByExpr=1`)).json(), { results: { "servers.*": ["servers.web1", "servers.web2"] } });
  const v = await fetch(`${base}/version`);
  assert.match(await v.text(), /^1\.1\.\d+$/);
  const fns = (await (await fetch(`${base}/functions`)).json()) as Record<string, { name: string; group: string; params: Array<{ name: string; type: string }> }>;
  assert.equal(fns["sumSeries"]!.group, "Combine");
  assert.deepEqual(fns["aliasSub"]!.params.map((p) => p.type), ["seriesList", "string", "string"]);
  assert.ok(fns["movingAverage"] && fns["seriesByTag"] && fns["groupByNode"]);
});

test("POST /api/query: one timestamp array per query, a bad target errors only its query", async () => {
  const res = await fetch(`${base}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      from: "now-1h",
      to: "now",
      maxDataPoints: 60,
      queries: [
        { id: "users", target: "servers.*.cpu.user" },
        { id: "broken", target: "sumSeries(servers.*.cpu.user" },
        { id: "total", target: "sumSeries(servers.*.cpu.user)" },
        { id: "line", target: "group(servers.web1.cpu.system, constantLine(50))" },
      ],
    }),
  });
  assert.equal(res.status, 200);
  const body = (await res.json()) as {
    from: number;
    to: number;
    results: Array<{ id: string; step: number; timestamps: number[]; series: Array<{ target: string; tags?: Record<string, string>; values: Array<number | null> }>; error?: { code: string; message: string } }>;
  };
  assert.equal(body.from, T0 - HOUR_S * 1000);
  assert.equal(body.to, T0);
  assert.deepEqual(body.results.map((r) => r.id), ["users", "broken", "total", "line"]);
  const [users, broken, total, line] = body.results as [typeof body.results[0], typeof body.results[0], typeof body.results[0], typeof body.results[0]];
  assert.equal(users.step, 60_000);
  // graphite-web's consolidation (see the /render test above): 60 s buckets from T0-3540, the one at T0 past `to`
  assert.equal(users.timestamps.length, 59);
  assert.equal(users.timestamps[0], T0 - HOUR_S * 1000 + 60_000);
  assert.deepEqual(users.series.map((s) => s.target), ["servers.web1.cpu.user", "servers.web2.cpu.user"]);
  for (const s of users.series) assert.equal(s.values.length, users.timestamps.length);
  assert.equal(users.series[0]!.values[0], 7.5);
  assert.equal(users.series[1]!.values[58], 2 * (6 * 58 + 7.5));
  assert.equal(users.error, undefined);
  assert.equal(broken.error?.code, "target_syntax");
  assert.deepEqual(broken.series, []);
  assert.equal(total.series[0]!.target, "sumSeries(servers.*.cpu.user)");
  assert.equal(total.series[0]!.values[1], 18 * 1 + 22.5);
  // constantLine's three points are held over the shared 60 s grid
  assert.equal(line.series[1]!.target, "50.0");
  assert.ok(line.series[1]!.values.every((v) => v === 50));

  const ms = await fetch(`${base}/api/query`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: T0 - 60_000, to: T0, queries: [{ id: "x", target: "servers.web1.cpu.user" }] }),
  });
  const msBody = (await ms.json()) as { results: Array<{ step: number; timestamps: number[]; series: Array<{ values: number[] }> }> };
  assert.equal(msBody.results[0]!.step, 10_000);
  assert.deepEqual(msBody.results[0]!.series[0]!.values, [355, 356, 357, 358, 359]);

  const invalid = await fetch(`${base}/api/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ from: "-1h", queries: "x" }) });
  assert.equal(invalid.status, 400);
});

test("read routes need a principal (viewer)", async () => {
  const app = createApp({ log: silentLogger, before: [], routers: [renderRoutes({ store }), queryRoutes({ store })] });
  const h = await startHttpServer(app, "127.0.0.1", 0);
  try {
    for (const path of ["/render?target=a", "/metrics/find?query=*", "/version", "/functions"]) assert.equal((await fetch(`http://127.0.0.1:${h.port}${path}`)).status, 401, path);
    assert.equal((await fetch(`http://127.0.0.1:${h.port}/api/query`, { method: "POST" })).status, 401);
  } finally {
    await h.close();
  }
});

test("Grafana's data source check (constantLine(100)) and seriesByTag over a real store", async () => {
  const res = await fetch(`${base}/render`, form([["target", "constantLine(100)"], ["from", "-5min"], ["until", "now"], ["format", "json"], ["maxDataPoints", "100"]]));
  assert.equal(res.status, 200);
  const body = (await res.json()) as RenderJson;
  assert.equal(body[0]!.target, "100.0");
  assert.deepEqual(body[0]!.datapoints.map(([v]) => v), [100, 100, 100]);

  const dir = tempDir("loupe-query-tags-");
  const cfg = defaultConfig();
  const path = join(dir, "tags.db");
  const tdb = openDatabase(path);
  migrate(tdb);
  const clock = new FakeClock(T0);
  const tstore = await openStore(tdb, { store: cfg.store, retention: cfg.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  try {
    await tstore.write([
      { name: "disk.free", tags: { host: "a", dev: "sda" }, ts: T0 - 60_000, value: 1 },
      { name: "disk.free", tags: { host: "b", dev: "sda" }, ts: T0 - 60_000, value: 2 },
      { name: "disk.used", tags: { host: "a", dev: "sda" }, ts: T0 - 60_000, value: 3 },
    ]);
    const { evaluateTargets } = await import("../../src/query/index.js");
    const [r] = evaluateTargets(tstore, ["seriesByTag('name=disk.free', 'host=~[ab]')|aliasByTags('host')"], T0 - 120_000, T0, undefined, { now: T0 });
    assert.equal(r!.error, undefined);
    assert.deepEqual(
      r!.series.map((s) => [s.name, s.values.filter((v) => v !== null)]),
      [
        ["a", [1]],
        ["b", [2]],
      ],
    );
    // regexes are anchored at the start only, as in graphite-web
    const [r2] = evaluateTargets(tstore, ["seriesByTag('name=~disk', 'dev=~s')"], T0 - 60_000, T0, undefined, { now: T0 });
    assert.deepEqual(r2!.series.map((s) => s.name), ["disk.free;dev=sda;host=a", "disk.free;dev=sda;host=b", "disk.used;dev=sda;host=a"]);

    // Grafana's tag editor endpoints
    const open: RequestHandler = (_req, res, next) => {
      res.locals["principal"] = OPEN_PRINCIPAL;
      next();
    };
    const h = await startHttpServer(createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store: tstore, clock })] }), "127.0.0.1", 0);
    try {
      const get = async (path: string): Promise<unknown> => (await fetch(`http://127.0.0.1:${h.port}${path}`)).json();
      assert.deepEqual(await get("/tags/autoComplete/tags"), ["dev", "host", "name"]);
      assert.deepEqual(await get("/tags/autoComplete/tags?tagPrefix=h"), ["host"]);
      assert.deepEqual(await get("/tags/autoComplete/values?tag=host"), ["a", "b"]);
      assert.deepEqual(await get(`/tags/autoComplete/values?tag=host&expr=${encodeURIComponent("name=disk.used")}`), ["a"]);
      assert.deepEqual(await get("/tags/autoComplete/values?tag=name&valuePrefix=disk.u"), ["disk.used"]);
      assert.deepEqual(await get("/tags"), [{ tag: "dev" }, { tag: "host" }, { tag: "name" }]);
    } finally {
      await h.close();
    }
  } finally {
    await tstore.close();
    tdb.close();
  }
});

test("/render refuses more targets than [query] max_targets with 400 naming the key, counted on /metrics", async () => {
  const { MetricsRegistry } = await import("../../src/lib/metrics.js");
  const metrics = new MetricsRegistry();
  const open: RequestHandler = (_req, res, next) => {
    res.locals["principal"] = OPEN_PRINCIPAL;
    next();
  };
  const clock = new FakeClock(T0);
  const h = await startHttpServer(createApp({ log: silentLogger, before: [open], routers: [renderRoutes({ store, clock, metrics, limits: { timeoutMs: 10_000, maxSeries: 50_000, maxPoints: 10_000_000, maxTargets: 2 } })] }), "127.0.0.1", 0);
  try {
    const url = (n: number): string => `http://127.0.0.1:${h.port}/render?format=json&from=-1h&${Array.from({ length: n }, (_, i) => `target=constantLine(${i})`).join("&")}`;
    const ok = await fetch(url(2));
    assert.equal(ok.status, 200);
    const res = await fetch(url(3));
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, "too_many_targets");
    assert.match(body.error.message, /3 targets.*\[query\] max_targets = 2/);
    assert.match(metrics.expose(), /^loupe_query_limit_exceeded_total\{limit="max_targets"\} 1$/m);
  } finally {
    await h.close();
  }
});
