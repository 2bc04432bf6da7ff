/**
 * Per-request budgets: the wall-clock deadline ([query] timeout) on a fake clock, and the series
 * and points read from the store summed over all targets ([query] max_series, max_points).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { MetricsRegistry } from "../../src/lib/metrics.js";
import { evaluateTargets, QueryBudget, QueryLimitError, queryBudgets, type QueryLimitName } from "../../src/query/index.js";
import { MemoryStore } from "./memory-store.js";

const M = 60_000;
const LIMITS = { timeoutMs: 10_000, maxSeries: 1_000_000, maxPoints: 1_000_000_000 };

/** `groups` globs g0.* … each over `perGroup` series of `points` one-minute points. */
function store(groups: number, perGroup: number, points: number): MemoryStore {
  const st = new MemoryStore(M);
  for (let g = 0; g < groups; g++)
    for (let s = 0; s < perGroup; s++)
      st.add(
        `g${g}.s${s}`,
        Array.from({ length: points }, (_, i) => [i * M, i] as const),
      );
  return st;
}

function limitError(fn: () => void): QueryLimitError {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueryLimitError) return err;
    throw err;
  }
  assert.fail("no QueryLimitError");
}

test("deadline: check passes until [query] timeout has elapsed, then fails with 503 query_timeout naming the key", () => {
  let now = 1000;
  const seen: QueryLimitName[] = [];
  const b = new QueryBudget({ ...LIMITS, timeoutMs: 500 }, { now: () => now, onExceeded: (l) => seen.push(l) });
  b.check("a");
  now = 1500;
  b.check("b");
  now = 1501;
  const err = limitError(() => b.check("evaluating sumSeries"));
  assert.equal(err.code, "query_timeout");
  assert.equal(err.status, 503);
  assert.equal(err.limit, "timeout");
  assert.match(err.message, /longer than \[query\] timeout \(500 ms\) while evaluating sumSeries/);
  assert.deepEqual(seen, ["timeout"]);
});

test("series and points are summed; a refund gives back an unused reservation", () => {
  const b = new QueryBudget({ ...LIMITS, maxSeries: 10, maxPoints: 100 });
  b.takeSeries(6, "a.*");
  b.takeSeries(4, "b.*");
  const s = limitError(() => b.takeSeries(1, "c.*"));
  assert.equal(s.code, "too_many_series");
  assert.equal(s.status, 400);
  assert.match(s.message, /c\.\* matches 1 series; with the 10 already read by this request that is more than \[query\] max_series = 10 \(summed over all targets\)/);
  b.takePoints(90, "a.*");
  b.refundPoints(40);
  assert.equal(b.points, 50);
  b.takePoints(50, "b.*");
  const p = limitError(() => b.takePoints(1, "c.*"));
  assert.equal(p.code, "too_many_points");
  assert.match(p.message, /more than \[query\] max_points = 100/);
});

test("200 globs each far under the budget, together over it: too_many_points, the later targets not read", () => {
  const st = store(200, 5, 100); // each glob: 5 series × 100 points = 500
  const targets = Array.from({ length: 200 }, (_, g) => `sumSeries(g${g}.*)`);
  const budget = new QueryBudget({ ...LIMITS, maxPoints: 50_000 });
  const results = evaluateTargets(st, targets, 0, 100 * M, undefined, { budget });
  const firstBad = results.findIndex((r) => r.error !== undefined);
  assert.equal(firstBad, 100, "the 101st glob passes 100 × 500 = 50,000");
  for (const r of results.slice(0, 100)) assert.equal(r.series.length, 1);
  for (const r of results.slice(100)) {
    assert.equal(r.error?.code, "too_many_points");
    assert.match(r.error!.message, /\[query\] max_points = 50000 \(summed over all targets\)/);
    assert.equal(r.error!.status, 400);
  }
  // 100 fetches + 100 one-series probes + the refused glob's probe; nothing after it
  assert.equal(st.selects.length, 201);
  assert.equal(budget.points, 50_000);
});

test("the series budget is summed over targets, and a path fetched twice counts once", () => {
  const st = store(3, 40, 2);
  const budget = new QueryBudget({ ...LIMITS, maxSeries: 100 });
  const [a, again, b, c] = evaluateTargets(st, ["g0.*", "g0.*", "g1.*", "g2.*"], 0, 2 * M, undefined, { budget });
  assert.equal(a!.series.length, 40);
  assert.equal(again!.series.length, 40);
  assert.equal(b!.series.length, 40);
  assert.equal(c!.error?.code, "too_many_series");
  assert.match(c!.error!.message, /g2\.\* matches 40 series; with the 80 already read .* \[query\] max_series = 100/);
});

test("with maxDataPoints the reservation is the bound, settled to what was read (no false refusal)", () => {
  const st = store(10, 2, 20);
  // bound: 2 × 1001 per glob, 10 globs = 20,020 > 5,000; read: 2 × 20 per glob = 400
  const budget = new QueryBudget({ ...LIMITS, maxPoints: 5_000 });
  const results = evaluateTargets(st, Array.from({ length: 10 }, (_, g) => `g${g}.*`), 0, 20 * M, 1000, { budget });
  assert.deepEqual(results.map((r) => r.error), Array(10).fill(undefined));
  assert.equal(budget.points, 400);
});

test("deadline inside evaluation: a slow request stops with query_timeout and the remaining targets are not evaluated", () => {
  const st = store(50, 2, 10);
  let now = 0;
  // every look at the clock costs 100 ms of fake time: the budget of 2 s runs out part-way
  const budget = new QueryBudget({ ...LIMITS, timeoutMs: 2_000 }, { now: () => (now += 100) });
  const targets = Array.from({ length: 50 }, (_, g) => `scale(sumSeries(g${g}.*), 2)`);
  const results = evaluateTargets(st, targets, 0, 10 * M, undefined, { budget });
  const firstBad = results.findIndex((r) => r.error !== undefined);
  assert.ok(firstBad > 0 && firstBad < 10, `timed out at target ${firstBad}`);
  for (const r of results.slice(firstBad)) {
    assert.equal(r.error?.code, "query_timeout");
    assert.equal(r.error!.status, 503);
    assert.match(r.error!.message, /\[query\] timeout \(2000 ms\)/);
  }
  const selectsAtStop = st.selects.length;
  assert.ok(selectsAtStop <= 2 * (firstBad + 1), "nothing read after the deadline");
});

test("queryBudgets counts each refusal on /metrics as loupe_query_limit_exceeded_total{limit}", () => {
  const metrics = new MetricsRegistry();
  const newBudget = queryBudgets({ ...LIMITS, maxSeries: 1 }, metrics);
  const st = store(1, 2, 2);
  evaluateTargets(st, ["g0.*"], 0, 2 * M, undefined, { budget: newBudget() });
  evaluateTargets(st, ["g0.*"], 0, 2 * M, undefined, { budget: newBudget() });
  assert.match(metrics.expose(), /^loupe_query_limit_exceeded_total\{limit="max_series"\} 2$/m);
  const fresh = newBudget();
  assert.equal(fresh.series, 0, "each request gets its own budget");
});

test("deadline inside a function's own loop: a huge moving window stops at [query] timeout, not after its full run", () => {
  const st = new MemoryStore(M).add("w.x", [[0, 1]]);
  // 20,000-point window over 20,000 output points: 4e8 steps (seconds) if it ran to the end
  const budget = new QueryBudget({ ...LIMITS, timeoutMs: 300 });
  const t0 = performance.now();
  const [r] = evaluateTargets(st, ["movingAverage(w.x, 20000)"], 20_000 * M, 40_000 * M, undefined, { budget });
  assert.equal(r!.error?.code, "query_timeout", JSON.stringify(r!.error));
  assert.match(r!.error!.message, /while computing movingAverage of w\.x/);
  assert.ok(performance.now() - t0 < 30_000);
});

test("regex loops check the deadline: grep, exclude, aliasSub and seriesByTag over many series stop at [query] timeout", () => {
  const st = new MemoryStore(M);
  for (let i = 0; i < 3000; i++) st.add(`r.s${i}`, [[0, i]], { host: `h${i}` });
  for (const target of ['grep(r.*, "s1")', 'exclude(r.*, "s1")', 'aliasSub(r.*, "s(\\d)", "x\\1")', 'seriesByTag("host=~h1.*")']) {
    let now = 0;
    let armed = false;
    // the clock runs once the series are read (from the start for seriesByTag): each look costs 1 s of 2.5
    const budget = new QueryBudget({ ...LIMITS, timeoutMs: 2_500 }, { now: () => (armed ? (now += 1_000) : now) });
    const sel = st.select.bind(st);
    st.select = (...args) => {
      armed = true;
      return sel(...args);
    };
    if (target.startsWith("seriesByTag")) armed = true;
    const [r] = evaluateTargets(st, [target], 0, M, undefined, { budget });
    st.select = sel;
    assert.equal(r!.error?.code, "query_timeout", `${target}: ${JSON.stringify(r!.error ?? null)}`);
    assert.match(r!.error!.message, /while matching/, target);
  }
});

test("a regex over [query] max_regex_size is a 400 regex_too_large, counted as loupe_query_limit_exceeded_total{limit=max_regex_size}", () => {
  const metrics = new MetricsRegistry();
  const [r] = evaluateTargets(new MemoryStore(M).add("a.b", [[0, 1]]), [`grep(a.b, "${"(a|b)".repeat(1000)}")`], 0, M, undefined, { budget: queryBudgets(LIMITS, metrics)() });
  assert.equal(r!.error?.code, "regex_too_large");
  assert.equal(r!.error!.status, 400);
  assert.match(metrics.expose(), /^loupe_query_limit_exceeded_total\{limit="max_regex_size"\} 1$/m);
});
