/**
 * The status page's pure parts with a fake clock: the fill date from sampled sizes, the in-memory
 * history (spacing, bounds, baselines), rates from metric snapshots, reading the exposition back,
 * and the database usage reader's fallback without dbstat (real SQLite with ingested data).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { estimateFill, growthSlope, type SizeSample } from "../../src/http/status/fill.js";
import { StatusHistory, increase } from "../../src/http/status/history.js";
import { metricKey, parseExposition, readMetrics } from "../../src/http/status/metrics-text.js";
import { StatusService } from "../../src/http/status/service.js";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { silentLogger } from "../../src/lib/logger.js";
import { defaultConfig } from "../../src/config/index.js";
import { migrate, openDatabase, openStore, readDatabaseUsage } from "../../src/store/index.js";
import { tempDir } from "../helpers/tmp.js";

const MIN = 60_000;
const MiB = 2 ** 20;
const T0 = Date.UTC(2026, 11, 1, 12, 0, 0);

/** A fake clock: time moves only when the test says. */
function fakeClock(start = T0): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** Samples every minute for `minutes`, from T0, of bytes(t). */
function samples(minutes: number, bytes: (m: number) => number): SizeSample[] {
  return Array.from({ length: minutes + 1 }, (_, m) => ({ t: T0 + m * MIN, bytes: bytes(m) }));
}

const fillCases: ReadonlyArray<{ name: string; s: SizeSample[]; free: number; want: (now: number) => ReturnType<typeof estimateFill> }> = [
  { name: "no samples", s: [], free: MiB, want: () => ({ state: "not_enough_data", spanMs: 0, needMs: 10 * MIN }) },
  { name: "nine minutes is not enough", s: samples(9, (m) => m * MiB), free: MiB, want: () => ({ state: "not_enough_data", spanMs: 9 * MIN, needMs: 10 * MIN }) },
  { name: "flat", s: samples(20, () => 5 * MiB), free: MiB, want: () => ({ state: "not_growing", bytesPerDay: 0 }) },
  { name: "shrinking (retention dropped data)", s: samples(20, (m) => 100 * MiB - m * 1024), free: MiB, want: () => ({ state: "not_growing", bytesPerDay: -1024 * 1440 }) },
  // 1 MiB a minute, 100 MiB free: full 100 minutes after now
  { name: "linear growth", s: samples(20, (m) => 50 * MiB + m * MiB), free: 100 * MiB, want: (now) => ({ state: "fills", bytesPerDay: 1440 * MiB, fillsAt: now + 100 * MIN }) },
  { name: "full already", s: samples(20, (m) => m * MiB), free: 0, want: (now) => ({ state: "fills", bytesPerDay: 1440 * MiB, fillsAt: now }) },
];

for (const c of fillCases) {
  test(`fill date: ${c.name}`, () => {
    const clock = fakeClock(T0 + 20 * MIN);
    assert.deepEqual(estimateFill(c.s, c.free, clock.now(), 10 * MIN), c.want(clock.now()));
  });
}

test("fill date: a point WAL that fills and truncates (sawtooth) does not swing the slope", () => {
  // true growth 1 MiB/min; the WAL adds 0..4 MiB, dropping back every 5 minutes
  const s = samples(60, (m) => m * MiB + (m % 5) * MiB);
  const slope = growthSlope(s)!;
  assert.ok(Math.abs(slope * MIN - MiB) / MiB < 0.05, `slope ${slope * MIN} bytes/min`);
  // the two end points alone would say 1 MiB/min too here, but half-way they say 1.8: least squares does not
  assert.ok(Math.abs((growthSlope(samples(4, (m) => m * MiB + (m % 5) * MiB))! * MIN) / MiB - 2) < 0.01);
});

test("history: size samples at most one a minute, kept 24 h; metric snapshots kept 15 min", () => {
  const h = new StatusHistory();
  for (let s = 0; s <= 25 * 3600; s += 10) h.addSize(T0 + s * 1000, s);
  const sizes = h.sizes();
  assert.equal(sizes.length, 24 * 60 + 1);
  assert.equal(sizes[sizes.length - 1]!.t, T0 + 25 * 3_600_000);
  assert.ok(sizes.every((x, i) => i === 0 || x.t - sizes[i - 1]!.t === MIN));
  for (let s = 0; s <= 3600; s += 10) h.addMetrics(T0 + s * 1000, new Map([["c", s]]));
  const now = T0 + 3_600_000;
  assert.equal(h.baseline(now, MIN)!.t, now - MIN);
  // older than what is kept: the oldest snapshot (a shorter window)
  assert.equal(h.baseline(now, 60 * MIN)!.t, now - 15 * MIN);
});

test("history: when a counter last changed, and increases across a counter reset", () => {
  const h = new StatusHistory();
  const runs = [0, 0, 1, 1, 1, 2, 2];
  runs.forEach((r, i) => h.addMetrics(T0 + i * 10_000, new Map([["runs", r]])));
  const now = T0 + 65_000;
  assert.equal(h.changedAt("runs", 2, now), T0 + 50_000);
  assert.equal(h.changedAt("runs", 3, now), now, "not in any snapshot yet: seen now");
  const flat = new StatusHistory();
  for (let i = 0; i < 3; i++) flat.addMetrics(T0 + i * 10_000, new Map([["runs", 5]]));
  assert.equal(flat.changedAt("runs", 5, now), undefined, "unchanged over the whole history: earlier than remembered");
  assert.equal(increase(new Map([["x", 15]]), { t: 0, values: new Map([["x", 10]]) }, "x"), 5);
  assert.equal(increase(new Map([["x", 3]]), { t: 0, values: new Map([["x", 10]]) }, "x"), 3);
  assert.equal(increase(new Map([["x", 3]]), undefined, "x"), 3);
});

test("exposition read back: labels with escapes, only the status families", () => {
  const m = new MetricsRegistry();
  m.counter("loupe_collector_runs_total", "runs", ["collector"]).inc({ collector: 'we"ird\\name' }, 4);
  m.counter("loupe_http_requests_total", "not ours").inc({}, 9);
  m.collect(() => [{ name: "loupe_ingest_graphite_points_written_total", help: "h", type: "counter", value: 1e21 }]);
  const points = parseExposition(m.expose());
  assert.deepEqual(points.map((p) => p.name).sort(), ["loupe_collector_runs_total", "loupe_ingest_graphite_points_written_total"]);
  const map = readMetrics(m);
  assert.equal(map.get(metricKey("loupe_collector_runs_total", { collector: 'we"ird\\name' })), 4);
  assert.equal(map.get("loupe_ingest_graphite_points_written_total"), 1e21);
});

test("service with a fake clock: rates over the last minute and five, collector health, alert cost", async () => {
  const dir = tempDir("loupe-status-unit-");
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  const config = defaultConfig(`[database]\npath = ${path}\n[alerting]\nenabled = true\n`);
  const clock = fakeClock();
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  const metrics = new MetricsRegistry();
  const counts = { graphite: 0 };
  metrics.collect(() => [
    { name: "loupe_ingest_graphite_points_written_total", help: "h", type: "counter", value: counts.graphite },
    // another protocol's counter (remote_write): listed by its name alone
    { name: "loupe_ingest_remote_write_samples_written_total", help: "h", type: "counter", value: 7 },
  ]);
  const runs = metrics.counter("loupe_collector_runs_total", "r", ["collector"]);
  const errors = metrics.counter("loupe_collector_errors_total", "e", ["collector"]);
  metrics.gauge("loupe_collector_samples", "s", ["collector"]).set({ collector: "cpu" }, 12);
  metrics.gauge("loupe_collector_duration_seconds", "d", ["collector"]).set({ collector: "cpu" }, 0.0042);
  const evals = metrics.counter("loupe_alerting_evaluations_total", "e");
  const evalSeconds = metrics.counter("loupe_alerting_evaluation_seconds_total", "s");
  const svc = new StatusService({ db, config, store, metrics, clock, log: silentLogger, version: "t", startedAt: clock.now(), timers: false });
  try {
    // 10 minutes at 100 graphite points/s, a cpu run every 10 s (one failing a minute), 6 evaluations a minute of 5 ms
    for (let s = 10; s <= 600; s += 10) {
      clock.advance(10_000);
      counts.graphite += s <= 300 ? 1000 : 2000; // 200/s for the last five minutes
      runs.inc({ collector: "cpu" });
      if (s % 60 === 0) errors.inc({ collector: "cpu" });
      evals.inc();
      evalSeconds.inc({}, 0.005);
      svc.sample();
    }
    await store.write([{ name: "a.b", ts: clock.now(), value: 1 }]);
    const r = await svc.report({ fresh: true });
    const g = r.ingest!.find((i) => i.protocol === "graphite")!;
    assert.equal(g.total, 300 * 100 + 300 * 200);
    assert.deepEqual(g.lastMinute, { windowS: 60, points: 12_000, perSecond: 200 });
    assert.deepEqual(g.last5Minutes, { windowS: 300, points: 60_000, perSecond: 200 });
    assert.deepEqual(r.ingest!.map((i) => i.protocol), ["graphite", "remote_write", "collectors"]);
    assert.equal(r.ingest!.find((i) => i.protocol === "remote_write")!.total, 7);
    const c = r.ingest!.find((i) => i.protocol === "collectors")!;
    assert.deepEqual(c.lastMinute, { windowS: 60, points: 6 * 12, perSecond: 1.2 });
    assert.deepEqual(r.collectors, [{ name: "cpu", runs: 60, errors: 10, errorsLast5Minutes: 5, skipped: 0, lastDurationMs: 4.2, samplesPerRun: 12, lastRunAt: clock.now() }]);
    // with the scheduler's gauge: its time, exactly
    metrics.gauge("loupe_collector_last_run_timestamp_seconds", "t", ["collector"]).set({ collector: "cpu" }, (clock.now() - 4321) / 1000);
    assert.equal((await svc.report()).collectors![0]!.lastRunAt, clock.now() - 4321);
    assert.equal(r.alerting!.evaluations, 60);
    assert.equal(r.alerting!.evaluationsPerMinute, 6);
    assert.equal(r.alerting!.avgEvaluationMs, 5);
    assert.equal(r.alerting!.busy, 0.0005);
    assert.equal(r.uptimeS, 600);
    assert.equal(r.series.total, 1);
    assert.equal(r.forwarders, null);
  } finally {
    svc.stop();
    await store.close();
    db.close();
  }
});

test("forwarders: listed from the declared source; [] renders as none", async () => {
  const dir = tempDir("loupe-status-fw-");
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  const config = defaultConfig(`[database]\npath = ${path}\n[alerting]\nenabled = false\n`);
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger, tuning: { timers: false } });
  const fw = { name: "vm", type: "remote_write", target: "http://vm:8428/api/v1/write", queuedBytes: 2048, queuedRecords: 3, queuedPoints: 30, lagSeconds: 12.5, sent: 100, retried: 2, dropped: 0, lastError: "503" };
  let list = [fw];
  const svc = new StatusService({ db, config, store, metrics: new MetricsRegistry(), clock: fakeClock(), log: silentLogger, version: "t", startedAt: T0, timers: false, usageInWorker: false, forwarders: { status: () => list } });
  try {
    assert.deepEqual((await svc.report()).forwarders, [fw]);
    assert.equal((await svc.report()).alerting, null, "[alerting] off");
    list = [];
    assert.deepEqual((await svc.report()).forwarders, []);
  } finally {
    await store.close();
    db.close();
  }
});

test("database usage without dbstat: row counts per table, tiers and series still exact", async () => {
  const dir = tempDir("loupe-status-usage-");
  const path = join(dir, "loupe.db");
  const db = openDatabase(path);
  migrate(db, undefined, path);
  const config = defaultConfig("[store]\nfsync = off\nchunk_points = 8\n");
  const store = await openStore(db, { store: config.store, retention: config.retention, walPath: `${path}.wal`, log: silentLogger, tuning: { timers: false } });
  const samplesIn = [];
  for (let s = 0; s < 5; s++) for (let i = 0; i < 50; i++) samplesIn.push({ name: `u.s${s}`, ts: T0 + i * 10_000, value: i });
  await store.write(samplesIn);
  await store.close(); // flushes every head into chunks
  const withStat = readDatabaseUsage(db, { seriesSince: T0 });
  const rows = readDatabaseUsage(db, { seriesSince: T0, dbstat: false });
  db.close();
  assert.equal(withStat.method, "dbstat");
  assert.equal(rows.method, "row_counts");
  assert.equal(rows.tables.find((t) => t.name === "tsdb_series")!.rows, 5);
  assert.ok(rows.tables.every((t) => t.bytes === null));
  assert.deepEqual(rows.tiers, withStat.tiers);
  const raw = rows.tiers[0]!;
  assert.equal(raw.tier, "raw");
  assert.equal(raw.points, 250);
  assert.equal(raw.oldestTs, T0);
  assert.equal(raw.newestTs, T0 + 49 * 10_000);
  assert.ok(raw.bytes > 0 && raw.bytes < 250 * 16, `${raw.bytes} bytes for 250 points`);
  assert.deepEqual({ total: rows.series.total, createdSince: rows.series.createdSince }, { total: 5, createdSince: 5 });
  const chunkBytes = withStat.tables.find((t) => t.name === "tsdb_chunks")!.bytes!;
  assert.ok(chunkBytes >= raw.bytes, "the chunk blobs fit in the table's pages");
});
