// Loupe against graphite-web 1.1.8's recorded answers (issue 14). The goldens come from Debian's
// carbon-cache + graphite-web fed the same dataset (npm run oracle:record); this test needs neither:
// it starts one Loupe from source on the dataset, replays every request and asserts the agreement
// does not fall below the ratchet in test/fixtures/graphite-oracle/baseline.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareAnswers, diagnose, formatSummary, summarize, type Verdict } from "../../scripts/graphite-oracle/compare.js";
import { freshnessHash, readBaseline, readGoldens } from "../../scripts/graphite-oracle/goldens.js";
import { startLoupeOracle } from "../../scripts/graphite-oracle/loupe.js";
import { LIBFAKETIME } from "../../scripts/graphite-oracle/processes.js";
import { needs } from "../helpers/system.js";
import { loadRequests, normalize, replay, type Answer, type OracleRequest } from "../../scripts/graphite-oracle/requests.js";

const goldens = readGoldens();
const requests = loadRequests();
const baseline = readBaseline();

const req = (path = "/render", params: [string, string][] = [["format", "json"]]): OracleRequest => ({ id: "r", class: "c", method: "GET", path, params });
const series = (target: string, points: [number | null, number][]): Answer => ({ status: 200, kind: "series", body: [{ target, datapoints: points }] });

test("goldens: recorded for this dataset, these events, these whisper schemas and this request list", () => {
  assert.equal(goldens.meta.hash, freshnessHash(), "the dataset or request list changed since the goldens were recorded: run npm run oracle:record");
  assert.deepEqual(Object.keys(goldens.answers).sort(), requests.map((r) => r.id).sort());
  assert.match(goldens.meta.graphiteWeb, /^1\.1\.8/);
});

test("request list: at least 200 requests over every class of issue 14", () => {
  assert.ok(requests.length >= 200, `${requests.length} requests`);
  const classes = new Set(requests.map((r) => r.class));
  for (const c of ["window", "functions", "tags-render", "maxDataPoints", "formats", "time-forms", "find", "tags", "errors", "grafana-post"]) assert.ok(classes.has(c), c);
  assert.equal(new Set(requests.map((r) => r.id)).size, requests.length, "ids are unique");
  const statuses = new Set(Object.values(goldens.answers).map((a) => a.status));
  assert.ok(statuses.has(400) && statuses.has(200), "goldens hold error statuses too");
});

test("goldens: graphite-web's csv, raw and json answers to the same request normalize to the same series", () => {
  const byFormat = (fmt: string): Answer[] =>
    requests.filter((r) => r.class === "formats" && r.params.some(([k, v]) => k === "format" && v === fmt) && !r.params.some(([k]) => k === "maxDataPoints")).map((r) => goldens.answers[r.id]!);
  const [csv, raw, json] = [byFormat("csv"), byFormat("raw"), byFormat("json")];
  assert.equal(csv.length, json.length);
  for (let i = 0; i < json.length; i++) {
    assert.equal(compareAnswers(req(), json[i]!, raw[i]!).why, "", `raw #${i}`);
    // csv quotes a name holding commas or quotes; values and timestamps must match.
    const c = csv[i]!;
    const j = json[i]!;
    assert.ok(c.kind === "series" && j.kind === "series");
    assert.deepEqual(c.body.map((s) => s.datapoints), j.body.map((s) => s.datapoints), `csv #${i}`);
  }
});

const agreeing: [string, Answer, Answer][] = [
  ["equal series", series("a", [[1, 10], [null, 20]]), series("a", [[1, 10], [null, 20]])],
  ["within 1e-6 relative", series("a", [[1_000_000, 10]]), series("a", [[1_000_000.9, 10]])],
  ["tiny absolute difference near zero", series("a", [[0, 10]]), series("a", [[1e-12, 10]])],
  ["same error status, bodies ignored", { status: 400, kind: "none", body: null }, { status: 400, kind: "none", body: null }],
  ["equal JSON", { status: 200, kind: "json", body: ["a", { b: 1 }] }, { status: 200, kind: "json", body: ["a", { b: 1 }] }],
];
for (const [name, want, got] of agreeing) {
  test(`comparator agrees: ${name}`, () => assert.equal(compareAnswers(req(), want, got).ok, true));
}

const differing: [string, Answer, Answer, RegExp][] = [
  ["value beyond 1e-6 relative", series("a", [[1, 10]]), series("a", [[1.00001, 10]]), /value 1\.00001, want 1/],
  ["null against 0", series("a", [[null, 10]]), series("a", [[0, 10]]), /value 0, want null/],
  ["0 against null", series("a", [[0, 10]]), series("a", [[null, 10]]), /value null, want 0/],
  ["shifted timestamps", series("a", [[1, 10], [2, 20]]), series("a", [[1, 0], [2, 10]]), /point 0 at 0, want 10/],
  ["name", series("50.0", [[50, 10]]), series("50", [[50, 10]]), /named "50", want "50\.0"/],
  ["point count", series("a", [[1, 10], [2, 20]]), series("a", [[1, 10]]), /1 points .* want 2/],
  ["status", series("a", []), { status: 400, kind: "none", body: null }, /status 400, want 200/],
  ["series count", { status: 200, kind: "series", body: [] }, series("a", []), /1 series, want 0/],
  ["JSON body", { status: 200, kind: "json", body: ["a"] }, { status: 200, kind: "json", body: ["a", "a"] }, /body/],
];
for (const [name, want, got, why] of differing) {
  test(`comparator differs: ${name}`, () => {
    const v = compareAnswers(req(), want, got);
    assert.equal(v.ok, false);
    assert.match(v.why, why);
  });
}

test("diagnose names a one-step window shift apart from a value difference", () => {
  const want = series("a", [[1, 20], [2, 30]]);
  assert.equal(diagnose(want, series("a", [[9, 10], [1, 20]])), "window");
  assert.equal(diagnose(want, series("a", [[9, 10], [5, 20]])), "window+values");
  assert.equal(diagnose(want, series("a", [[1, 20], [3, 30]])), "values");
  assert.equal(diagnose(want, series("a", [[7, -3580], [8, -3570]])), "range");
  assert.equal(diagnose(want, series("a", [[1, 0], [2, 60]])), "step");
});

test("normalize: csv and raw bodies become series; errors keep only their status; find is sorted", () => {
  const csv = normalize(req("/render", [["format", "csv"]]), 200, "a.b,2026-11-20 00:00:00,1.5\r\na.b,2026-11-20 00:00:10,\r\n");
  assert.deepEqual(csv, series("a.b", [[1.5, 1_795_132_800], [null, 1_795_132_810]]));
  const raw = normalize(req("/render", [["format", "raw"]]), 200, "a.b,100,120,10|1.5,None\n");
  assert.deepEqual(raw, series("a.b", [[1.5, 100], [null, 110]]));
  assert.deepEqual(normalize(req(), 500, "<html>"), { status: 500, kind: "none", body: null });
  const find = normalize(req("/metrics/find", []), 200, '[{"id":"b","text":"b","leaf":1,"expandable":0,"allowChildren":0},{"id":"a","text":"a","leaf":0,"expandable":1}]');
  assert.deepEqual(find.body, [{ id: "a", text: "a", leaf: 0, expandable: 1 }, { id: "b", text: "b", leaf: 1, expandable: 0 }]);
  const nan = normalize(req(), 200, '[{"target":"x","datapoints":[[NaN, 10],[Infinity, 20]]}]');
  assert.ok(nan.kind === "series" && Number.isNaN(nan.body[0]!.datapoints[0]![0]) && nan.body[0]!.datapoints[1]![0] === Infinity);
});

// libfaketime freezes Loupe's clock at the dataset's NOW (relative times, tier choice).
test(`Loupe agrees with graphite-web on at least the baseline (${baseline.agreed} / ${baseline.total})`, { skip: needs(LIBFAKETIME) }, async (t) => {
  const loupe = await startLoupeOracle();
  const verdicts: Verdict[] = [];
  try {
    for (const r of requests) {
      const { status, text } = await replay(loupe.baseUrl, r);
      verdicts.push(compareAnswers(r, goldens.answers[r.id]!, normalize(r, status, text)));
    }
  } finally {
    await loupe.stop();
  }
  const summary = summarize(verdicts);
  t.diagnostic(formatSummary(summary));
  const lost = verdicts.filter((v) => !v.ok).slice(0, 10).map((v) => `${v.id}: ${v.why}`);
  assert.ok(
    summary.agreed >= baseline.agreed,
    `agreement fell to ${summary.agreed} / ${summary.total} from the baseline ${baseline.agreed}; first differences:\n${lost.join("\n")}`,
  );
  if (summary.agreed > baseline.agreed) {
    t.diagnostic(`agreement rose to ${summary.agreed}: ratchet it with npm run oracle:compare -- --write-baseline`);
  }
});
