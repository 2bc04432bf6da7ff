/** The VictoriaMetrics backend's pure parts: selectors and names, the step plan, bucketing, the read cache, config checks. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadConfig } from "../../src/config/index.js";
import { apiSeconds, escapeRegex, keyOfLabels, namesSelector, promString, rollupQuery } from "../../src/store/remote/promql.js";
import { bucketStarts, planRemote, spacingOf } from "../../src/store/remote/plan.js";
import { bucketPoints, selectorGroups } from "../../src/store/remote/reads.js";
import { ReadCache } from "../../src/store/remote/read-cache.js";
import { checkRemoteStoreConfig } from "../../src/store/index.js";

test("selectors: exact names, regex-escaped alternations, PromQL string escapes", () => {
  const cases: Array<[readonly string[], string]> = [
    [["servers.web1.cpu.total.user"], '{__name__="servers.web1.cpu.total.user"}'],
    [["b.x", "a.y", "b.x"], '{__name__=~"a\\\\.y|b\\\\.x"}'],
    [["odd\"name\\x"], '{__name__="odd\\"name\\\\x"}'],
    [["a+b", "c(d)"], '{__name__=~"a\\\\+b|c\\\\(d\\\\)"}'],
  ];
  for (const [names, want] of cases) assert.equal(namesSelector(names), want, names.join(","));
  assert.equal(escapeRegex("a.b*c[d]{e}|f"), "a\\.b\\*c\\[d\\]\\{e\\}\\|f");
  assert.equal(promString('x"y'), '"x\\"y"');
});

test("rollup queries keep the metric name; API times in seconds with milliseconds", () => {
  assert.equal(rollupQuery('{__name__="a"}', "max", 300_000), 'max_over_time({__name__="a"}[300000ms]) keep_metric_names');
  assert.equal(rollupQuery("{x}", "avg", 60_000).startsWith("avg_over_time("), true);
  assert.equal(rollupQuery("{x}", "last", 60_000).startsWith("last_over_time("), true);
  assert.equal(apiSeconds(1_700_000_000_000), "1700000000");
  assert.equal(apiSeconds(1_700_000_009_999), "1700000009.999");
  assert.equal(apiSeconds(1_700_000_000_007), "1700000000.007");
});

test("labels → Loupe keys: __name__ is the path, other labels tags (sorted), empty values absent", () => {
  assert.equal(keyOfLabels({ __name__: "servers.web1.cpu" }), "servers.web1.cpu");
  assert.equal(keyOfLabels({ tier: "web", __name__: "app.latency", dc: "eu" }), "app.latency;dc=eu;tier=web");
  assert.equal(keyOfLabels({ __name__: "m", empty: "" }), "m");
  assert.equal(keyOfLabels({ job: "x" }), undefined);
});

test("step plan: as the local store's (7 days of 100 series at 300 points → the 5-minute level's 2100 s)", () => {
  const week = 7 * 86_400_000;
  const cases: Array<[string, number, number, number, Parameters<typeof planRemote>[4], number, boolean]> = [
    ["7 d, 100 series, 300 points", 100, 10_000, week, { maxPoints: 300 }, 2_100_000, false],
    ["7 d, 1 series at 60 s, 300 points (raw is cheap)", 1, 60_000, week, { maxPoints: 300 }, 2_016_000, false],
    ["1 h, 3 series, 400 points (raw)", 3, 10_000, 3_600_000, { maxPoints: 400 }, 10_000, true],
    ["explicit step kept", 5, 10_000, week, { step: 60_000 }, 60_000, false],
    ["neither: the spacing", 5, 10_000, week, {}, 10_000, true],
    ["30 d, 100 series, 300 points → 30-minute level", 100, 10_000, 30 * 86_400_000, { maxPoints: 300 }, 9_000_000, false],
  ];
  for (const [what, n, interval, range, opts, step, raw] of cases) {
    const p = planRemote(n, interval, 0, range, opts);
    assert.equal(p.step, step, what);
    assert.equal(p.raw, raw, what);
  }
  assert.throws(() => planRemote(1, 10_000, 0, 1000, { maxPoints: 0 }), /maxPoints must be at least 1/);
  assert.throws(() => planRemote(1, 10_000, 0, 1000, { step: -1 }), /step must be a positive/);
  assert.equal(spacingOf([0, 30_000, 10_000]), 10_000);
  assert.equal(spacingOf([]), 10_000);
  assert.deepEqual(bucketStarts(15, 70, 20), [20, 40, 60]);
});

test("bucketing raw points: [t, t + step), each consolidation, points outside dropped", () => {
  const pts = [{ ts: 5, value: 100 }, { ts: 10, value: 1 }, { ts: 15, value: 3 }, { ts: 20, value: 5 }, { ts: 45, value: 7 }];
  const starts = [10, 20, 30];
  assert.deepEqual(bucketPoints(pts, starts, 10, "avg"), [2, 5, null]);
  assert.deepEqual(bucketPoints(pts, starts, 10, "sum"), [4, 5, null]);
  assert.deepEqual(bucketPoints(pts, starts, 10, "min"), [1, 5, null]);
  assert.deepEqual(bucketPoints(pts, starts, 10, "max"), [3, 5, null]);
  assert.deepEqual(bucketPoints(pts, starts, 10, "last"), [3, 5, null]);
  assert.deepEqual(bucketPoints(pts, [], 10, "avg"), []);
});

test("read cache: bounded by points, evicts older prefetches' answers first, never the current one's", () => {
  const c = new ReadCache(100);
  c.put("a", "A", 60, 1, 1000);
  c.put("b", "B", 30, 1, 1000);
  c.put("c", "C", 50, 2, 2000); // over: a (gen 1) goes
  assert.equal(c.get("a", 0), undefined);
  assert.equal(c.get("b", 0), "B");
  assert.equal(c.get("c", 0), "C");
  c.put("d", "D", 200, 3, 3000); // bigger than the bound alone: older ones go, it stays
  assert.equal(c.get("d", 0), "D");
  assert.equal(c.get("b", 0), undefined);
  assert.equal(c.evicted, 3);
  assert.equal(c.get("d", 3001), undefined, "older than freshSince: not an answer");
});

test("[store] backend = victoriametrics: errors name the section and key", () => {
  const check = (text: string): string => {
    try {
      checkRemoteStoreConfig(loadConfig({ text, env: {} }));
      return "";
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.equal(check("[store]\nbackend = local\n"), "");
  assert.equal(check("[store]\nbackend = victoriametrics\nwrite_url = http://vm:8428/api/v1/write\nread_url = http://vm:8428\n"), "");
  const missing = check("[store]\nbackend = victoriametrics\n");
  assert.match(missing, /\[store\].*write_url|write_url.*\[store\]/s);
  assert.match(missing, /read_url/);
  assert.match(check("[store]\nbackend = victoriametrics\nwrite_url = ftp://x\nread_url = http://vm\n"), /write_url.*http\(s\) URL|http\(s\) URL.*write_url/s);
  assert.match(check("[store]\nbackend = victoriametrics\nwrite_url = http://a\nread_url = http://b\nheaders = nocolon\n"), /headers.*Name: value|Name: value.*headers/s);
  assert.match(check("[store]\nbackend = victoriametrics\nwrite_url = http://a\nread_url = http://b\nretry_min = 10s\nretry_max = 1s\n"), /retry_min/);
  assert.throws(() => loadConfig({ text: "[store]\nbackend = vm\n", env: {} }), /backend/);
  assert.match(check("[store]\nbackend = victoriametrics\nwrite_url = http://a\nread_url = http://b\n[forward.store]\ntype = graphite\naddr = 127.0.0.1:2003\n"), /\[forward\.store\] is taken/);
});

test("a read of many series is split so each selector stays under the engine's query length", () => {
  const series = Array.from({ length: 1000 }, (_, i) => ({ name: `servers.host${String(i).padStart(4, "0")}.cpu.total.user` }));
  const groups = selectorGroups(series);
  assert.ok(groups.length > 1, `${groups.length} groups`);
  assert.deepEqual(groups.flat(), series, "every series once, in order");
  for (const g of groups) assert.ok(namesSelector(g.map((s) => s.name)).length < 16_384, "under -search.maxQueryLen");
  assert.deepEqual(selectorGroups([]), []);
  assert.equal(selectorGroups([{ name: "x".repeat(20_000) }]).length, 1, "one name longer than the bound is still read");
});

test("[store] max_query_series: a larger read is refused with an error naming the key, and counted", async () => {
  const { RemoteStore, EngineClient } = await import("../../src/store/index.js");
  const { silentLogger } = await import("../../src/lib/logger.js");
  const { systemClock } = await import("../../src/lib/clock.js");
  const client = new EngineClient({ readUrl: "http://127.0.0.1:9", headers: {}, timeoutMs: 100 });
  const store = new RemoteStore({ client, writer: { write: () => undefined }, clock: systemClock, log: silentLogger, maxSeries: 100, maxQuerySeries: 2, maxCachedPoints: 10_000, indexRefreshMs: 60_000, indexLookbackMs: 86_400_000, timers: false });
  await store.write([1, 2, 3].map((i) => ({ name: `a.s${i}`, ts: 1000 * i, value: i })));
  const ids = store.findSeries("a.*").map((s) => s.id);
  assert.equal(ids.length, 3);
  assert.throws(() => store.select(ids, 0, 10_000, { step: 1000 }), /\[store\] max_query_series \(2\)/);
  assert.equal(store.counters.refused, 1);
  // within it: no prefetch yet, so nulls (and a counted miss), never a throw
  assert.deepEqual(store.select(ids.slice(0, 2), 0, 3000, { step: 1000 }).series[0]!.values, [null, null, null]);
  assert.equal(store.counters.cacheMisses, 1);
  // the engine unreachable: the prefetch rejects with a read error naming read_url
  await assert.rejects(store.prefetch(() => store.select(ids.slice(0, 2), 0, 3000, { step: 1000 })), /read_url http:\/\/127\.0\.0\.1:9/);
  await store.close();
});
