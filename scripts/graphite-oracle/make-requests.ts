// Writes test/fixtures/graphite-oracle/requests.json: the requests replayed against graphite-web
// (goldens) and Loupe. Absolute times around the dataset's fixed NOW, so answers are reproducible.
//   node --import tsx scripts/graphite-oracle/make-requests.ts
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { NOW } from "./dataset.js";
import { FIXTURES, type OracleRequest } from "./requests.js";

const H = 3600;
const D = 86_400;
const s = (t: number): string => String(t);
/** The default window: one hour ending two hours before NOW (aligned to the 10 s step). */
const W = { from: s(NOW - 3 * H), until: s(NOW - 2 * H) };
/** Around the counter reset of oracle.web1.requests.count (slot 20000 → NOW - 3d + 200000 s). */
const RESET = NOW - 3 * D + 200_000;
const WR = { from: s(RESET - 1800), until: s(RESET + 1800) };
const W6 = { from: s(NOW - 6 * H), until: s(NOW) };

const T = "oracle.web1.load.01";
const C = "oracle.web1.requests.count";
const G = "oracle.gaps.sparse";
const HV = "oracle.halves.value";
const E = "oracle.events.hits";
const Z = "oracle.flat.zero";

const out: OracleRequest[] = [];
function render(cls: string, target: string | string[], win: { from: string; until: string }, extra: Record<string, string> = {}): void {
  const targets = Array.isArray(target) ? target : [target];
  const params: [string, string][] = targets.map((t) => ["target", t]);
  params.push(["from", win.from], ["until", win.until]);
  if (!("format" in extra)) params.push(["format", "json"]);
  for (const [k, v] of Object.entries(extra)) params.push([k, v]);
  out.push({ id: `${cls}#${out.filter((r) => r.class === cls).length + 1}`, class: cls, method: "GET", path: "/render", params });
}
function get(cls: string, path: string, params: [string, string][] = []): void {
  out.push({ id: `${cls}#${out.filter((r) => r.class === cls).length + 1}`, class: cls, method: "GET", path, params });
}

// --- window: plain series over aligned and unaligned ranges ---
render("window", T, W);
render("window", T, { from: s(NOW - 3 * H + 7), until: s(NOW - 2 * H + 3) });
render("window", T, { from: s(NOW - 3 * H + 10), until: s(NOW - 3 * H + 60) });
render("window", T, { from: s(NOW - 120), until: s(NOW) });
render("window", "oracle.*.load.01", W);
render("window", "oracle.web{1,2}.cpu.user", W);
render("window", "oracle.web[12].load.0[15]", { from: s(NOW - 300), until: s(NOW - 60) });
render("window", G, { from: s(NOW - 5 * H - 300), until: s(NOW - 4 * H + 300) });
render("window", E, W);
render("window", [T, "oracle.web2.load.01"], W);
render("window", "oracle.nonexistent.metric", W);
render("window", T, { from: s(NOW - 3 * D - 600), until: s(NOW - 3 * D + 600) });

// --- functions (one hour unless the function needs more) ---
const fn = (target: string, win = W): void => render("functions", target, win);
for (const f of ["'5min'", "'5min', 'max'", "'5min', 'sum', true", "'7min', 'avg'", "'1h'", "'5min', 'last'", "'5min', 'min'", "'10min', 'median'", "'5min', 'count'", "'5min', 'diff'", "'5min', 'range'"]) fn(`summarize(${T}, ${f})`);
fn(`summarize(${G}, '5min', 'sum')`);
fn(`summarize(${E}, '10min', 'sum')`);
fn(`summarize(${E}, '10min', 'sum', true)`);
fn(`summarize(${T}, '1d', 'avg')`, { from: s(NOW - 2 * D), until: s(NOW) });
fn(`smartSummarize(${T}, '5min', 'sum')`);
for (const f of ["'5min'", "'5min', true", "'7min'", "'1h'"]) fn(`hitcount(${E}, ${f})`);
fn(`hitcount(${T}, '1min')`);
fn(`integral(${T})`);
fn(`integral(${G})`);
fn(`integralByInterval(${E}, '10min')`);
fn(`integralByInterval(${T}, '1h')`, W6);
fn(`integralByInterval(${E}, '1h')`, { from: s(NOW - 6 * H + 1234), until: s(NOW - 1234) });
for (const f of ["derivative", "perSecond", "nonNegativeDerivative"]) {
  fn(`${f}(${C})`, WR);
  fn(`${f}(${G})`);
}
fn(`nonNegativeDerivative(${C}, 1000000)`, WR);
fn(`perSecond(${C}, 1000000)`, WR);
fn(`integral(nonNegativeDerivative(${C}))`, WR);
for (const w of ["5", "'1min'", "'5min'", "10"]) fn(`movingAverage(${T}, ${w})`);
fn(`movingAverage(${G}, 10)`);
for (const f of ["movingSum", "movingMin", "movingMax", "movingMedian"]) fn(`${f}(${T}, 6)`);
fn(`exponentialMovingAverage(${T}, 5)`);
fn(`aliasSub(${T}, 'oracle\\.(\\w+)\\..*', '\\1')`);
fn(`aliasSub(oracle.*.load.01, '^oracle\\.([^.]+)\\.load\\.(\\d+)$', '\\2 on \\1')`);
fn(`aliasByNode(oracle.*.load.01, 1)`);
fn(`aliasByNode(oracle.*.cpu.*, 1, 3)`);
fn(`aliasByNode(oracle.web1.load.01, -1)`);
fn(`alias(${T}, 'load one')`);
fn(`aliasByMetric(oracle.*.cpu.user)`);
for (const f of ["sumSeries", "averageSeries", "maxSeries", "minSeries", "countSeries", "rangeSeries", "stddevSeries", "multiplySeries"]) fn(`${f}(oracle.*.cpu.user)`);
fn(`sumSeries(oracle.web1.cpu.*)`);
fn(`sum(oracle.*.load.01)`);
fn(`sumSeries(${G}, ${T})`);
fn(`diffSeries(oracle.web1.cpu.idle, oracle.web1.cpu.user)`);
fn(`divideSeries(oracle.web1.cpu.user, oracle.web1.cpu.idle)`);
fn(`divideSeries(${T}, ${Z})`);
fn(`aggregate(oracle.*.cpu.user, 'sum')`);
fn(`aggregate(oracle.*.cpu.user, 'avg')`);
fn(`percentileOfSeries(oracle.*.cpu.user, 50)`);
fn(`groupByNode(oracle.*.cpu.*, 3, 'sumSeries')`);
fn(`groupByNode(oracle.*.cpu.*, 1, 'average')`);
fn(`groupByNode(oracle.*.cpu.*, 1)`);
fn(`groupByNodes(oracle.*.cpu.*, 'sum', 1, 3)`);
fn(`asPercent(oracle.web1.cpu.*)`);
fn(`asPercent(oracle.web1.cpu.user, oracle.web1.cpu.idle)`);
fn(`asPercent(${T}, 10)`);
fn(`asPercent(${Z}, ${Z})`);
fn(`asPercent(oracle.web1.cpu.user, sumSeries(oracle.web1.cpu.*))`);
fn(`threshold(50)`);
fn(`threshold(50, 'limit', 'red')`);
fn(`threshold(1.5)`);
fn(`constantLine(42)`);
fn(`constantLine(1.5)`);
fn(`timeSlice(${T}, '${NOW - 2.75 * H}', '${NOW - 2.5 * H}')`);
fn(`timeSlice(${T}, '21:30_20261119')`);
fn(`timeSlice(${T}, '-2h45min', '-2h30min')`);
fn(`round(${HV})`);
fn(`round(${T}, 1)`);
fn(`round(${HV}, 0)`);
fn(`scale(${T}, 2)`);
fn(`offset(${T}, -1)`);
fn(`absolute(offset(${T}, -2))`);
fn(`pow(${T}, 2)`);
fn(`squareRoot(${T})`);
fn(`log(${T}, 10)`);
fn(`invert(${HV})`);
fn(`scaleToSeconds(${C}, 1)`, WR);
fn(`keepLastValue(${G})`);
fn(`keepLastValue(${G}, 1)`);
fn(`transformNull(${G}, 0)`);
fn(`transformNull(${G}, -1)`);
fn(`isNonNull(${G})`);
fn(`interpolate(${G})`);
fn(`removeBelowValue(${T}, 2)`);
fn(`removeAboveValue(${T}, 3)`);
fn(`removeBelowPercentile(${T}, 50)`);
fn(`nPercentile(${T}, 90)`);
fn(`highestAverage(oracle.*.cpu.user, 1)`);
fn(`highestCurrent(oracle.*.load.*, 2)`);
fn(`lowestAverage(oracle.*.cpu.*, 2)`);
fn(`highestMax(oracle.*.load.*, 1)`);
fn(`limit(oracle.*.cpu.*, 2)`);
fn(`sortByMaxima(oracle.*.load.*)`);
fn(`sortByName(oracle.*.cpu.*)`);
fn(`exclude(oracle.web1.cpu.*, 'idle')`);
fn(`grep(oracle.web1.cpu.*, 'us')`);
fn(`currentAbove(oracle.*.load.*, 2)`);
fn(`averageAbove(oracle.*.load.*, 2.5)`);
fn(`maximumBelow(oracle.*.cpu.system, 10)`);
fn(`timeShift(${T}, '1h')`);
fn(`timeShift(${T}, '+30min')`);
fn(`delay(${T}, 2)`);
fn(`changed(${HV})`);
fn(`cumulative(${T})`);
fn(`minMax(${T})`);
fn(`aggregateLine(${T}, 'avg')`);
fn(`substr(${T}, 1, 3)`);
fn(`sortByTotal(oracle.*.cpu.*)`);
fn(`offsetToZero(${T})`);
fn(`stdev(${T}, 5)`);
fn(`events('deploy')`);
fn(`events()`);
fn(`events('deploy', 'web1')`, W6);
fn(`events('*')`, W6);

// --- tagged series through render ---
const tg = (target: string, win = W): void => render("tags-render", target, win);
tg(`seriesByTag('name=disk.used')`);
tg(`seriesByTag('host=web1')`);
tg(`seriesByTag('name=~disk.*', 'dc!=west')`);
tg(`seriesByTag('name=net.rx', 'role=')`);
tg(`seriesByTag('name=oracle.web1.load.01')`);
tg(`groupByTags(seriesByTag('name=disk.used'), 'sum', 'dc')`);
tg(`aliasByTags(seriesByTag('name=net.rx'), 'host')`);
tg(`aliasByTags(seriesByTag('name=disk.used'), 'name', 'dc')`);
tg(`sumSeries(seriesByTag('name=disk.used'))`);
tg(`nonNegativeDerivative(seriesByTag('name=net.rx', 'host=web2'))`);
tg(`disk.used;dc=east;host=web1`);
tg(`disk.used;host=web1;dc=east`);

// --- maxDataPoints consolidation and tier choice ---
const mdp = (target: string | string[], win: { from: string; until: string }, n: number, extra: Record<string, string> = {}): void =>
  render("maxDataPoints", target, win, { maxDataPoints: String(n), ...extra });
const R6h = W6;
const R2d = { from: s(NOW - 2 * D), until: s(NOW) };
const R7d = { from: s(NOW - 7 * D), until: s(NOW) };
const R30d = { from: s(NOW - 30 * D), until: s(NOW) };
mdp(T, R6h, 100);
mdp(T, R6h, 360);
mdp(T, R6h, 2000);
mdp(T, R2d, 300);
mdp("oracle.*.load.01", R2d, 300);
mdp(T, R7d, 300);
mdp(T, R30d, 300);
mdp("oracle.web2.load.01", R30d, 100);
mdp(T, { from: s(NOW - 10 * D), until: s(NOW) }, 300);
mdp(`consolidateBy(${T}, 'max')`, R6h, 100);
mdp(`consolidateBy(${T}, 'min')`, R2d, 300);
mdp(`consolidateBy(${T}, 'sum')`, R6h, 100);
mdp(`consolidateBy(${G}, 'average')`, R6h, 100);
mdp(`consolidateBy(${E}, 'sum')`, R6h, 50);
mdp(`consolidateBy(${T}, 'first')`, R6h, 100);
mdp(`consolidateBy(${T}, 'last')`, R6h, 100);
mdp(`consolidateBy(${G}, 'avg_zero')`, R6h, 100);
mdp(G, R6h, 100);
mdp(E, R2d, 300);
mdp(`summarize(${T}, '1h', 'avg')`, R2d, 300);
mdp(`movingAverage(${T}, '10min')`, R6h, 100);
mdp(`sumSeries(oracle.*.cpu.user)`, R2d, 300);
mdp(`aliasSub(${T}, 'oracle\\.(\\w+)\\..*', '\\1')`, R2d, 300);
mdp(`seriesByTag('name=disk.used')`, R2d, 300);
mdp(`nonNegativeDerivative(${C})`, R2d, 300);
mdp(T, { from: s(NOW - 6 * H + 5), until: s(NOW - 5) }, 100);
mdp(T, R6h, 1);
mdp(G, R6h, 100, { xFilesFactor: "0.5" });
mdp(E, R6h, 100, { xFilesFactor: "0.2" });
mdp(["oracle.web1.load.01", "oracle.web1.load.05"], R2d, 300);

// --- formats ---
for (const format of ["csv", "raw", "json"]) {
  render("formats", T, { from: s(NOW - 600), until: s(NOW - 300) }, { format });
  render("formats", "oracle.*.load.01", { from: s(NOW - 600), until: s(NOW - 300) }, { format });
  render("formats", G, { from: s(NOW - 900), until: s(NOW - 300) }, { format });
  render("formats", `summarize(${T}, '1min')`, { from: s(NOW - 900), until: s(NOW - 300) }, { format });
  render("formats", `seriesByTag('name=disk.used')`, { from: s(NOW - 600), until: s(NOW - 300) }, { format });
}
render("formats", T, { from: s(NOW - 6 * H), until: s(NOW) }, { format: "csv", maxDataPoints: "100" });
render("formats", T, { from: s(NOW - 6 * H), until: s(NOW) }, { format: "raw", maxDataPoints: "100" });

// --- time forms (the clock is frozen at NOW on both sides) ---
const tf = (from: string, until?: string, target = T): void =>
  render("time-forms", target, until === undefined ? { from, until: "now" } : { from, until });
tf("-1h");
tf("-30min");
tf("-2h", "-1h");
tf("now-1h", "now");
tf("-1d", "-23h");
tf("21:00_20261119", "22:00_20261119");
tf("21:05_20261119", "21:35_20261119");
tf("20261119", "20261120", "oracle.web1.cpu.user");
tf("20261118", "20261119", "oracle.web1.cpu.system");
tf(s(NOW - 3 * H), s(NOW - 2 * H));
tf(s(NOW - 3 * H), "-2h");
tf("-3h", s(NOW - 2 * H));
tf("noon yesterday", "13:00 yesterday");
tf("midnight", "now");
tf("-1w", "-6d");
tf("-1mon", "-29d");
get("time-forms", "/render", [["target", T], ["from", "-1h"], ["format", "json"]]);
get("time-forms", "/render", [["target", T], ["format", "json"], ["maxDataPoints", "50"]]);
render("time-forms", T, { from: "21:00_20261119", until: "22:00_20261119" }, { tz: "Europe/Berlin" });
render("time-forms", T, { from: "-1h", until: "now" }, { tz: "America/New_York" });

// --- find ---
for (const q of ["*", "oracle.*", "oracle.*.load.*", "oracle.*.*.01", "oracle.web1.*", "oracle.web1.cpu.*", "oracle.web?.load",
  "oracle.web[12].cpu.u*", "oracle.web{1,2}.load.*", "oracle.*.*", "oracle.nothing.*", "oracle.web1.load.01", "_tagged.*", "oracle.*.cpu.*"]) {
  get("find", "/metrics/find", [["query", q]]);
}
get("find", "/metrics/find", [["query", "oracle.*"], ["format", "treejson"]]);
get("find", "/metrics/find", [["query", "oracle.web*"], ["from", s(NOW - H)], ["until", s(NOW)]]);
get("find", "/metrics/expand", [["query", "oracle.*.load.*"]]);
get("find", "/metrics/expand", [["query", "oracle.*.cpu.*"], ["leavesOnly", "1"]]);

// --- tag endpoints ---
get("tags", "/tags");
get("tags", "/tags", [["filter", "d"]]);
get("tags", "/tags/host");
get("tags", "/tags/dc");
get("tags", "/tags/name");
get("tags", "/tags/role");
get("tags", "/tags/host", [["filter", "2"]]);
get("tags", "/tags/nosuchtag");
get("tags", "/tags/findSeries", [["expr", "host=web1"]]);
get("tags", "/tags/findSeries", [["expr", "name=disk.used"]]);
get("tags", "/tags/findSeries", [["expr", "name=~disk"], ["expr", "dc=east"]]);
get("tags", "/tags/findSeries", [["expr", "dc!=east"]]);
get("tags", "/tags/findSeries", [["expr", "name=~oracle\\.web1\\..*"]]);
get("tags", "/tags/findSeries", [["expr", "host=~web[12]"], ["expr", "role="]]);
get("tags", "/tags/autoComplete/tags", [["tagPrefix", ""]]);
get("tags", "/tags/autoComplete/tags", [["tagPrefix", "h"]]);
get("tags", "/tags/autoComplete/tags", [["expr", "name=disk.used"]]);
get("tags", "/tags/autoComplete/values", [["tag", "host"]]);
get("tags", "/tags/autoComplete/values", [["tag", "name"], ["valuePrefix", "disk"]]);
get("tags", "/tags/autoComplete/values", [["tag", "dc"], ["expr", "host=web2"]]);
get("tags", "/tags/autoComplete/tags", [["tagPrefix", ""], ["limit", "2"]]);

// --- errors ---
const bad = (target: string, extra: Record<string, string> = {}): void => render("errors", target, W, extra);
bad("sumSeries(oracle.web1.load.01");
bad("nosuchfunction(oracle.web1.load.01)");
bad("movingAverage(oracle.web1.load.01, 'x')");
bad("summarize(oracle.web1.load.01)");
bad(`oracle.web1.load.01`, { maxDataPoints: "abc" });
get("errors", "/render", [["format", "json"], ["from", W.from], ["until", W.until]]);
get("errors", "/render", [["target", T], ["from", "garbage"], ["until", W.until], ["format", "json"]]);
get("errors", "/render", [["target", T], ["from", W.until], ["until", W.from], ["format", "json"]]);
get("errors", "/metrics/find");
get("errors", "/tags/findSeries");
get("errors", "/tags/findSeries", [["expr", "nonsense"]]);
bad("seriesByTag()");
bad("seriesByTag('nonsense')");
bad("aliasByNode(oracle.web1.load.01, 'x')");

// --- Grafana-shaped POSTs (form body) ---
const post = (targets: string[], win: { from: string; until: string }, n: number): void => {
  const params: [string, string][] = [...targets.map((t): [string, string] => ["target", t]), ["from", win.from], ["until", win.until], ["format", "json"], ["maxDataPoints", String(n)]];
  out.push({ id: `grafana-post#${out.filter((r) => r.class === "grafana-post").length + 1}`, class: "grafana-post", method: "POST", path: "/render", params });
};
post([`aliasSub(${T}, '^oracle\\.', '')`], R2d, 300);
post([`aliasSub(oracle.*.load.01, '(\\w+)\\.load', '\\1')`], R2d, 300);
post([`aliasByNode(oracle.*.cpu.user, 1)`, `aliasByNode(oracle.*.cpu.system, 1)`], R6h, 1200);
post([`sumSeries(oracle.*.load.01)`], R7d, 300);
post([T], R30d, 300);
post([`seriesByTag('name=disk.used')`], R2d, 300);

writeFileSync(join(FIXTURES, "requests.json"), JSON.stringify(out, null, 1) + "\n");
process.stdout.write(`wrote ${out.length} requests to ${join(FIXTURES, "requests.json")}\n`);
