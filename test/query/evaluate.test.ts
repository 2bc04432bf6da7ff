/** What the evaluator asks of the store, per-request caching, argument binding errors, render-time consolidation. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { evaluateTargets, toColumns } from "../../src/query/index.js";
import { makeSeries } from "../../src/query/series.js";
import { MemoryStore } from "./memory-store.js";

const M = 60_000;

function store(): MemoryStore {
  const st = new MemoryStore(M);
  const pts = (f: (i: number) => number): Array<[number, number]> => Array.from({ length: 20 }, (_, i) => [i * M, f(i)]);
  return st.add("a.b", pts((i) => i)).add("a.c", pts((i) => 2 * i));
}

test("the store is read over graphite's window (from, until] at the series' resolution, consolidateBy passed on", () => {
  const st = store();
  evaluateTargets(st, ["a.b"], 10 * M, 20 * M, 5);
  evaluateTargets(st, ["movingAverage(a.b,2)"], 10 * M, 20 * M);
  evaluateTargets(st, ['consolidateBy(a.*,"max")'], 10 * M, 20 * M, 5);
  // each fetch: a one-millisecond probe of the resolution at `until`, then the read of [from + 1, until + 1)
  const reads = st.selects.filter((s) => s.to - s.from > 1);
  // (movingAverage's look-back is read at the first read's step: no probe)
  assert.equal(st.selects.length - reads.length, 3);
  assert.deepEqual(
    reads.map((s) => [s.from - 1, s.to - 1, s.options]),
    [
      [10 * M, 20 * M, { step: M }],
      [10 * M, 20 * M, { step: M }],
      [8 * M, 20 * M, { step: M }],
      [10 * M, 20 * M, { step: M, consolidate: "max" }],
    ],
  );
});

test("beyond the read budget of maxDataPoints the store picks tier and step", () => {
  const st = store();
  evaluateTargets(st, ["a.b"], 0, 200_000 * M, 5);
  assert.deepEqual(st.selects.at(-1)!.options, { maxPoints: 5 });
});

test("a series is read over (from, until]: the first point is one step after from, the last at until", () => {
  const [r] = evaluateTargets(store(), ["a.b"], 10 * M, 15 * M);
  assert.equal(r!.series[0]!.start, 11 * M);
  assert.deepEqual(r!.series[0]!.values, [11, 12, 13, 14, 15]);
});

test("a path used twice in one request is fetched once", () => {
  const st = store();
  const [r] = evaluateTargets(st, ["asPercent(a.*, sumSeries(a.*))"], 0, 20 * M);
  assert.equal(r!.error, undefined);
  // one read of both series (besides the probe of their resolution)
  assert.equal(st.selects.filter((x) => x.ids.length === 2 && x.to - x.from > 1).length, 1);
  assert.deepEqual(r!.series.map((s) => s.values[2]), [(3 / 9) * 100, (6 / 9) * 100]);
});

test("argument errors name the function and column; one bad target leaves the others", async (t) => {
  const cases: Array<[string, string, RegExp]> = [
    ["scale(a.b)", "bad_argument", /scale: missing required argument factor/],
    ["scale(a.b, 'x')", "bad_argument", /scale: argument factor must be float, got "x" \(at column 12\)/],
    ["scale(a.b, 1, 2)", "bad_argument", /too many arguments/],
    ["scale(a.b, nope=2)", "bad_argument", /no parameter named nope/],
    ["sumSeries(3)", "bad_argument", /must be seriesList/],
    ["42", "not_a_series", /expected a series list/],
    ['aliasSub(a.b, "(", "x")', "bad_regex", /invalid regular expression/],
    ['summarize(a.b, "1parsec")', "bad_time", /unknown unit/],
  ];
  for (const [target, code, message] of cases)
    await t.test(target, () => {
      const [bad, good] = evaluateTargets(store(), [target, "a.b"], 0, 20 * M);
      assert.equal(bad!.error?.code, code);
      assert.match(bad!.error!.message, message);
      assert.equal(bad!.error!.status, 400);
      assert.equal(good!.error, undefined);
      assert.equal(good!.series.length, 1);
    });
});

test("a fetch of more than ten million points is refused before it is read", () => {
  const st = new MemoryStore(1000);
  for (let i = 0; i < 200; i++) st.add(`big.s${i}`, [[0, 1]]);
  const [r] = evaluateTargets(st, ["big.*"], 0, 60_000 * M);
  assert.equal(r!.error?.code, "too_many_points");
  assert.equal(st.selects.length, 1, "only the one-series probe was read");
  const [ok] = evaluateTargets(st, ["big.*"], 0, 60_000 * M, 500);
  assert.equal(ok!.error, undefined);
});

test("summarize and hitcount refuse more than a million buckets", () => {
  for (const f of ["summarize", "hitcount"]) {
    const [r] = evaluateTargets(store(), [`${f}(a.b, "1s")`], 0, 30 * 24 * 60 * M);
    assert.equal(r!.error?.code, "too_many_points", f);
  }
});

test("toColumns puts a query's series on one grid: the finest step, coarser series held over their span", () => {
  const fine = makeSeries("fine", 0, M, [1, 2, 3, 4]);
  const coarse = makeSeries("coarse", 0, 2 * M, [10, 20]);
  const late = makeSeries("late", 2 * M, M, [7, 8]);
  const cols = toColumns([coarse, fine, late]);
  assert.equal(cols.step, M);
  assert.deepEqual(cols.timestamps, [0, M, 2 * M, 3 * M]);
  assert.deepEqual(
    cols.series.map((s) => [s.target, s.values]),
    [
      ["coarse", [10, 10, 20, 20]],
      ["fine", [1, 2, 3, 4]],
      ["late", [null, null, 7, 8]],
    ],
  );
  assert.deepEqual(toColumns([]), { step: 0, timestamps: [], series: [] });
  // summarize-style buckets: the one starting before `from` stays, the one at `to` goes
  const hourly = makeSeries("h", 0, 60 * M, [1, 2, null]);
  assert.deepEqual(toColumns([hourly], 30 * M, 120 * M).timestamps, [0, 60 * M]);
});

/** QUERY_FUZZ_SEED and QUERY_FUZZ_RUNS widen the search (seeds 1-3 × 30,000 runs passed when written). */
test("fuzz: 5,000 random calls of every function with random arguments never fail internally", async () => {
  const { functionSpecs } = await import("../../src/query/index.js");
  const specs = functionSpecs();
  let seed = Number(process.env["QUERY_FUZZ_SEED"] ?? 7);
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  const st = store().add("x.y", [[5 * M, 1]]).add("cpu", [[3 * M, 5]], { host: "a" });
  const paths = ["a.b", "a.*", "nothing.*", "x.y", "a.{b,c}", "*.*"];
  const byType: Record<string, readonly string[]> = {
    float: ["0", "1", "-2", "2.5", "100"],
    integer: ["0", "1", "2", "-1", "5"],
    intOrInf: ["0", "1", "3"],
    node: ["0", "1", "-1", "7"],
    nodeOrTag: ["0", "1", "-1", "'host'", "'name'"],
    string: ["'x'", "'(a)'", "'^a\\.(\\w)'", "'\\1-'", "'host=a'", "'name=cpu'", "'>'", "'max'", "'red'"],
    interval: ["'5min'", "'1d'", "'2min'", "'+1min'", "'-1h'"],
    intOrInterval: ["2", "3", "'5min'", "'2min'"],
    aggFunc: ["'sum'", "'avg'", "'max'", "'median'", "'last'", "'count'"],
    aggOrSeriesFunc: ["'sum'", "'average'", "'sumSeries'", "'maxSeries'"],
    boolean: ["true", "false"],
    tag: ["'host'"],
    any: ["None", "10", "a.b", "a.*"],
  };
  const junk = ["None", "'x'", "3", "a.b", "true"];
  const expr = (depth: number): string => {
    if (depth > 2 || rnd(3) === 0) return pick(paths);
    const f = pick(specs);
    const args: string[] = [];
    for (const p of f.params) {
      if (p.required !== true && rnd(2) === 0) break;
      const n = p.multiple === true ? 1 + rnd(2) : 1;
      for (let k = 0; k < n; k++) args.push(rnd(10) === 0 ? pick(junk) : p.type === "seriesList" || p.type === "seriesLists" ? expr(depth + 1) : pick(byType[p.type] ?? junk));
    }
    return `${f.name}(${args.join(",")})`;
  };
  let withSeries = 0;
  const runs = Number(process.env["QUERY_FUZZ_RUNS"] ?? 5_000);
  for (let k = 0; k < runs; k++) {
    const target = expr(0);
    const [r] = evaluateTargets(st, [target], 0, 20 * M, rnd(2) === 0 ? 7 : undefined);
    if (r!.error !== undefined) assert.ok(r!.error.status < 500, `${target}: ${r!.error.code} ${r!.error.message}`);
    else for (const s of r!.series) assert.ok(Number.isFinite(s.step) && s.step > 0 && Array.isArray(s.values), target);
    if (r!.series.length > 0) withSeries++;
  }
  // the generator must reach the functions' bodies, not only argument checks
  assert.ok(withSeries > runs * 0.4, `only ${withSeries} targets returned series`);
});

test("renderJsonText says what toRenderJson says, with and without noNullPoints", async () => {
  const { renderJsonText, toRenderJson } = await import("../../src/query/index.js");
  const list = [makeSeries("a", 60_000, M, [1, null, 2.5, Infinity]), makeSeries('b"q', 60_000, M, [null, 3, null, 4]), makeSeries("c", 0, 2 * M, [7])];
  for (const o of [{}, { noNullPoints: true }]) assert.deepEqual(JSON.parse(renderJsonText(list, o)), JSON.parse(JSON.stringify(toRenderJson(list, o))));
  assert.deepEqual((JSON.parse(renderJsonText(list, { noNullPoints: true })) as Array<{ datapoints: unknown[] }>)[0]!.datapoints, [
    [1, 60],
    [2.5, 180],
  ]);
});

test("a raw tagged path names one series by its canonical key (graphite-web: another tag order finds nothing)", () => {
  const st = new MemoryStore(M).add("disk.used", [[M, 5]], { dc: "east", host: "web1" });
  const [hit, miss] = evaluateTargets(st, ["disk.used;dc=east;host=web1", "disk.used;host=web1;dc=east"], 0, 2 * M);
  assert.deepEqual(hit!.series.map((s) => [s.name, s.values[0]]), [["disk.used;dc=east;host=web1", 5]]);
  assert.equal(miss!.error, undefined);
  assert.deepEqual(miss!.series, []);
  // keyword arguments still parse: the '=' belongs to a path only after a ';'
  const [kw] = evaluateTargets(st, ["aliasByTags(disk.used;dc=east;host=web1, 'host')"], 0, 2 * M);
  assert.deepEqual(kw!.series.map((s) => s.name), ["web1"]);
});
