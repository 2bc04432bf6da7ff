/**
 * The dashboard UI in headless chromium against real Loupe parts (store, query API, dashboard
 * services and APIs, pages): what each test asserts is the DOM and the data the charts drew
 * (`window.__loupe`, `data-points` attributes), compared with what was written to the store.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { needs } from "../helpers/system.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { convertGrafanaDashboard } from "../../src/dashboards/index.js";
import { ARTIFACTS, CHROMIUM, drawn, jsErrors, launchBrowser, newPage, series, startUiServer, waitLoads, type UiServer } from "./harness.js";

const skip = needs(CHROMIUM);
const HOUR = 3600e3;
let srv: UiServer;
let browser: Browser;
let now: number;
/** Last value written per series, to compare with what the charts show. */
const lastWritten = new Map<string, number>();

const cpu = (host: string) => (_t: number, i: number) => 20 + 10 * Math.sin(i / 20) + (host === "web2" ? 15 : 0);
const load = (host: string) => (_t: number, i: number) => (host === "web2" ? 2 : 1) + Math.cos(i / 30) * 0.5;

async function seed(): Promise<void> {
  for (const host of ["web1", "web2"]) {
    for (const [name, f] of [
      [`servers.${host}.cpu.total.user`, cpu(host)],
      [`servers.${host}.loadavg.01`, load(host)],
    ] as const) {
      const samples = series(name, now - 24 * HOUR, now - 30e3, 60e3, f);
      await srv.write(samples);
      lastWritten.set(name, samples[samples.length - 1]!.value);
    }
  }
}

function saveTestDashboard(): void {
  srv.dashboards.save(
    {
      uid: "web",
      title: "Web servers",
      tags: ["prod", "web"],
      time: { from: "now-6h", to: "now" },
      variables: [{ name: "host", type: "query", query: "servers.*", multi: true, includeAll: true, current: ["$__all"] }],
      panels: [
        { id: 1, type: "timeseries", title: "CPU user", gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "servers.$host.cpu.total.user" }], options: { unit: "percent", legend: ["min", "max", "avg", "last"], thresholds: [{ value: 40, color: "red" }] } },
        { id: 2, type: "stat", title: "Load", gridPos: { x: 12, y: 0, w: 6, h: 4 }, targets: [{ refId: "A", target: "servers.$host.loadavg.01" }], options: { unit: "short", decimals: 2 } },
        { id: 3, type: "gauge", title: "CPU avg", gridPos: { x: 18, y: 0, w: 6, h: 4 }, targets: [{ refId: "A", target: "averageSeries(servers.$host.cpu.total.user)" }], options: { unit: "percent" } },
        { id: 4, type: "text", title: "Notes", gridPos: { x: 12, y: 4, w: 12, h: 4 }, content: "## Runbook\nRestart with **care** <script>window.__xss = 1</script> [docs](https://example.com)\n\n# odd\rheading\u2028line\n1.\n- " },
        { id: 5, type: "timeseries", title: "Load stacked", gridPos: { x: 0, y: 8, w: 12, h: 7 }, targets: [{ refId: "A", target: "servers.$host.loadavg.01" }], options: { draw: "stacked", unit: "short" } },
        { id: 6, type: "table", title: "CPU table", gridPos: { x: 12, y: 8, w: 12, h: 7 }, targets: [{ refId: "A", target: "servers.$host.cpu.total.user" }], options: { unit: "percent" } },
        { id: 7, type: "timeseries", title: "Load (log, area)", gridPos: { x: 0, y: 15, w: 24, h: 6 }, targets: [{ refId: "A", target: "servers.$host.loadavg.01" }], options: { draw: "area", logScale: true } },
      ],
    },
    "test",
  );
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  srv = await startUiServer();
  now = Date.now();
  await seed();
  saveTestDashboard();
  srv.dashboards.save({ uid: "other", title: "Database", tags: ["db"], panels: [] }, "test");
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function open(path: string, options: { theme?: "light" | "dark" } = {}): Promise<Page> {
  const { page } = await newPage(browser, { ...options, base: srv.base });
  await page.goto(`${srv.base}${path}`);
  return page;
}

async function openDashboard(path: string, options: { theme?: "light" | "dark" } = {}): Promise<Page> {
  const page = await open(path, options);
  await waitLoads(page, 1);
  return page;
}

const panel = (key: string) => `section.panel[data-panel-key="${key}"]`;

test("home lists dashboards, searches by title and tag, and shows recently viewed", { skip, timeout: 90_000 }, async () => {
  const page = await open("/dashboards");
  const titles = await page.locator("#dashboard-list tbody tr td:first-child a").allTextContents();
  assert.deepEqual(titles.sort(), ["Database", "Web servers"]);
  await page.fill("#search", "web");
  await page.press("#search", "Enter");
  await page.waitForURL(/query=web/);
  assert.deepEqual(await page.locator("#dashboard-list tbody tr td:first-child a").allTextContents(), ["Web servers"]);
  await page.goto(`${srv.base}/dashboards`);
  await page.click('#dashboard-list a.tag:text-is("db")');
  await page.waitForURL(/tag=db/);
  assert.deepEqual(await page.locator("#dashboard-list tbody tr td:first-child a").allTextContents(), ["Database"]);
  // visit one, then it is "recently viewed"
  await page.goto(`${srv.base}/d/web`);
  await waitLoads(page);
  await page.goto(`${srv.base}/dashboards`);
  assert.deepEqual(await page.locator("#recent-list a").allTextContents(), ["Web servers"]);
  await page.screenshot({ path: join(ARTIFACTS, "home.png") });
  // New dashboard: created with one empty panel, straight into its editor
  await page.click("#new-dashboard");
  await page.fill("#new-title", "Fresh board");
  await page.click("#new-create");
  await page.waitForURL(/\/d\/[a-z0-9]+\/panel\/1\/edit/);
  assert.ok(srv.dashboards.list({ query: "Fresh" }).some((d) => d.title === "Fresh board"));
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("a dashboard draws every panel from one batched query, with the values that were stored", { skip, timeout: 90_000 }, async () => {
  const { page } = await newPage(browser, { base: srv.base });
  const queries: string[] = [];
  page.on("request", (r) => {
    if (r.url().includes("/api/query")) queries.push(r.postData() ?? "");
  });
  await page.goto(`${srv.base}/d/web`);
  await waitLoads(page);
  assert.equal(queries.length, 1, "all panels in one /api/query request");
  const d = await drawn(page);
  const cpuPanel = d.panels["1"]!;
  assert.deepEqual(cpuPanel.series.map((s) => s.name).sort(), ["servers.web1.cpu.total.user", "servers.web2.cpu.total.user"]);
  for (const s of cpuPanel.series) {
    assert.ok(s.points > 100, `${s.name}: ${s.points} points over 6h of minutely data`);
    assert.ok(Math.abs(s.last! - lastWritten.get(s.name)!) < 1.5, `${s.name}: last drawn ${s.last} vs written ${lastWritten.get(s.name)}`);
  }
  assert.ok(d.range!.to - d.range!.from === 6 * HOUR);
  // DOM: canvases, legend with calcs, stat and gauge values, table rows, markdown rendered safely
  assert.equal(await page.locator(`${panel("1")} canvas`).count(), 1);
  assert.deepEqual(await page.locator(`${panel("1")} .legend th`).allTextContents(), ["", "min", "max", "avg", "last"]);
  assert.equal(await page.locator(`${panel("1")} .legend tbody tr`).count(), 2);
  assert.equal(Number(await page.getAttribute(panel("1"), "data-points")), cpuPanel.points);
  const statValues = await page.locator(`${panel("2")} .stat-value`).evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-value"))));
  assert.equal(statValues.length, 2);
  assert.ok(Math.abs(statValues[0]! - lastWritten.get("servers.web1.loadavg.01")!) < 0.2);
  const gauge = Number(await page.getAttribute(`${panel("3")} .gauge-cell`, "data-value"));
  assert.ok(gauge > 20 && gauge < 45, `gauge ${gauge}`);
  assert.equal(await page.locator(`${panel("6")} table.data tbody tr`).count(), 2);
  assert.equal(await page.locator(`${panel("4")} h4`).textContent(), "Runbook");
  assert.match((await page.locator(`${panel("4")} .markdown`).textContent()) ?? "", /<script>/, "HTML in markdown shows as text");
  assert.equal(await page.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss), undefined);
  assert.equal(await page.getAttribute(`${panel("4")} .markdown a`, "href"), "https://example.com");
  assert.ok(d.panels["7"]!.points > 100, "log-scale panel drew");
  // the tooltip lists every series at the cursor
  const over = await page.locator(`${panel("1")} .u-over`).boundingBox();
  assert.ok(over);
  await page.mouse.move(over.x + over.width * 0.7, over.y + over.height / 2);
  await page.waitForSelector(`${panel("1")} .tooltip:not([hidden])`);
  assert.deepEqual((await page.locator(`${panel("1")} .tooltip .tip-name`).allTextContents()).sort(), ["servers.web1.cpu.total.user", "servers.web2.cpu.total.user"]);
  assert.match((await page.locator(`${panel("1")} .tooltip .tip-val`).first().textContent()) ?? "", /^\d+(\.\d+)?%$/);
  await page.screenshot({ path: join(ARTIFACTS, "test-dashboard-dark.png") });
  // a panel opens in Explore with its (interpolated) target and the range shown
  await page.hover(panel("1"));
  await page.click(`${panel("1")} a.panel-explore`);
  await page.waitForURL(/\/explore\?/);
  const u = new URL(page.url());
  assert.equal(u.searchParams.get("target"), "servers.{web1,web2}.cpu.total.user");
  assert.equal(Number(u.searchParams.get("to")) - Number(u.searchParams.get("from")), 6 * HOUR);
  await page.waitForFunction(`Number(document.querySelector("#explore-panel")?.getAttribute("data-points") ?? 0) > 0`);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("changing the range from the picker reloads the data and puts it in the URL", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  const before6h = (await drawn(page)).panels["1"]!;
  await page.click("#range-button");
  await page.click('#range-menu button[data-from="now-1h"]');
  await page.waitForURL(/from=now-1h/);
  await waitLoads(page, 2);
  const d = await drawn(page);
  assert.equal(d.range!.to - d.range!.from, HOUR);
  const p1 = d.panels["1"]!;
  assert.ok(p1.series[0]!.points > 40 && p1.series[0]!.points <= 61, `1h of minutely data: ${p1.series[0]!.points}`);
  assert.ok(p1.points < before6h.points);
  assert.equal(await page.textContent("#range-button"), "Last 1 hour");
  // absolute range
  await page.click("#range-button");
  const from = new Date(now - 3 * HOUR);
  const to = new Date(now - 2 * HOUR);
  const fmt = (x: Date) => `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, "0")}-${String(x.getDate()).padStart(2, "0")} ${String(x.getHours()).padStart(2, "0")}:${String(x.getMinutes()).padStart(2, "0")}`;
  await page.fill("#range-from", fmt(from));
  await page.fill("#range-to", fmt(to));
  await page.click("#range-apply");
  await waitLoads(page, 3);
  const abs = await drawn(page);
  assert.ok(Math.abs(abs.range!.to - abs.range!.from - HOUR) < 60e3);
  assert.match(page.url(), /from=\d{13}&to=\d{13}/);
  // the link reproduces the view
  const again = await openDashboard(new URL(page.url()).pathname + new URL(page.url()).search);
  assert.deepEqual((await drawn(again)).range, abs.range);
  // shift earlier with the keyboard
  await page.keyboard.press("Shift+ArrowLeft");
  await waitLoads(page, 4);
  const shifted = await drawn(page);
  assert.equal(shifted.range!.from, abs.range!.from - HOUR / 2);
  await page.context().close();
  await again.context().close();
});

test("dragging across a chart zooms every panel into that range", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  const before = await drawn(page);
  const over = await page.locator(`${panel("1")} .u-over`).boundingBox();
  assert.ok(over);
  const y = over.y + over.height / 2;
  await page.mouse.move(over.x + over.width * 0.25, y);
  await page.mouse.down();
  await page.mouse.move(over.x + over.width * 0.5, y, { steps: 8 });
  await page.mouse.up();
  await waitLoads(page, 2);
  const after = await drawn(page);
  const width = before.range!.to - before.range!.from;
  const zoomed = after.range!.to - after.range!.from;
  assert.ok(Math.abs(zoomed - width / 4) < width * 0.03, `zoomed to ${zoomed / 60e3} min of ${width / 60e3}`);
  assert.ok(Math.abs(after.range!.from - (before.range!.from + width / 4)) < width * 0.03);
  assert.match(page.url(), /from=\d{13}&to=\d{13}/);
  assert.equal(after.panels["5"]!.firstTime! >= after.range!.from - 60e3, true, "other panels follow the zoom");
  // zoom out (Ctrl+Z) doubles the width
  await page.keyboard.press("Control+z");
  await waitLoads(page, 3);
  const out = await drawn(page);
  assert.ok(Math.abs(out.range!.to - out.range!.from - 2 * zoomed) < 2);
  await page.context().close();
});

test("switching a variable re-queries with the new value and records it in the URL", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  assert.equal((await drawn(page)).panels["1"]!.series.length, 2);
  assert.equal(await page.textContent("#var-host"), "All");
  await page.click("#var-host");
  await page.check('#var-host-menu input[value="web2"]');
  await waitLoads(page, 2);
  assert.equal(await page.textContent("#var-host"), "web2");
  const d = await drawn(page);
  assert.deepEqual(d.panels["1"]!.series.map((s) => s.name), ["servers.web2.cpu.total.user"]);
  assert.equal(d.panels["2"]!.series.length, 1);
  assert.match(page.url(), /var-host=web2/);
  // a link with the variable reproduces it
  const link = await openDashboard("/d/web?var-host=web1");
  assert.deepEqual((await drawn(link)).panels["1"]!.series.map((s) => s.name), ["servers.web1.cpu.total.user"]);
  assert.equal(await link.textContent("#var-host"), "web1");
  // ticking a second value selects both ({web1,web2} glob)
  await link.click("#var-host");
  await link.check('#var-host-menu input[value="web2"]');
  await waitLoads(link, 2);
  assert.equal((await drawn(link)).panels["1"]!.series.length, 2);
  assert.match(link.url(), /var-host=web1&var-host=web2/);
  await page.context().close();
  await link.context().close();
});

test("panels repeat once per selected value", { skip, timeout: 90_000 }, async () => {
  srv.dashboards.save(
    {
      uid: "repeat",
      title: "Repeat",
      variables: [{ name: "host", type: "custom", query: "web1,web2", multi: true, includeAll: true, current: ["$__all"] }],
      panels: [
        { id: 1, type: "timeseries", title: "CPU", repeat: "host", gridPos: { x: 0, y: 0, w: 12, h: 6 }, targets: [{ refId: "A", target: "servers.$host.cpu.total.user" }] },
        { id: 2, type: "stat", title: "Below", gridPos: { x: 0, y: 6, w: 24, h: 3 }, targets: [{ refId: "A", target: "servers.web1.loadavg.01" }] },
      ],
    },
    "test",
  );
  const page = await openDashboard("/d/repeat");
  const d = await drawn(page);
  assert.deepEqual(Object.keys(d.panels).sort(), ["1", "1_1", "2"]);
  assert.deepEqual(d.panels["1"]!.series.map((s) => s.name), ["servers.web1.cpu.total.user"]);
  assert.deepEqual(d.panels["1_1"]!.series.map((s) => s.name), ["servers.web2.cpu.total.user"]);
  assert.deepEqual(await page.locator(".panel-title").allTextContents(), ["CPU · web1", "CPU · web2", "Below"]);
  // the JSON dialog edits the whole dashboard
  await page.click("#edit-json");
  const json = JSON.parse(await page.inputValue("#json-editor")) as { title: string };
  json.title = "Repeat (edited)";
  await page.fill("#json-editor", JSON.stringify(json));
  await Promise.all([page.waitForURL(/\/d\/repeat/), page.click("#json-save")]);
  await page.waitForSelector('#dash-title:text-is("Repeat (edited)")');
  assert.equal(srv.dashboards.get("repeat")!.dashboard.title, "Repeat (edited)");
  // "Save view" makes the shown range, refresh and variable values the defaults
  await page.goto(`${srv.base}/d/repeat?from=now-3h&to=now&refresh=5m&var-host=web2`);
  await waitLoads(page);
  await Promise.all([page.waitForURL(/\/d\/repeat$/), page.click("#save-view")]);
  const saved = srv.dashboards.get("repeat")!.dashboard;
  assert.deepEqual(saved.time, { from: "now-3h", to: "now" });
  assert.equal(saved.refresh, "5m");
  assert.deepEqual(saved.variables[0]!.current, ["web2"]);
  await waitLoads(page);
  assert.match(page.url(), /\/d\/repeat\?from=now-3h&to=now&refresh=5m&var-host=web2$/, "the plain link now opens that view");
  assert.deepEqual(Object.keys((await drawn(page)).panels).sort(), ["1", "2"], "one copy: web2 only");
  await page.context().close();
});

test("auto-refresh adds new points without reloading the page", { skip, timeout: 90_000 }, async () => {
  const t0 = Date.now();
  await srv.write(series("test.refresh.value", t0 - 14 * 60e3, t0 - 5 * 60e3, 60e3, (_t, i) => i));
  srv.dashboards.save({ uid: "refresh", title: "Refresh", panels: [{ id: 1, type: "timeseries", title: "Value", gridPos: { x: 0, y: 0, w: 24, h: 8 }, targets: [{ refId: "A", target: "test.refresh.value" }] }] }, "test");
  const page = await openDashboard("/d/refresh?from=now-15m&to=now&refresh=1s");
  const first = await drawn(page);
  assert.equal(await page.inputValue("#refresh-select"), "1s");
  const t = Date.now();
  await srv.write([{ name: "test.refresh.value", ts: t, value: 99 }]);
  // The new point (99, far above the 0…9 before it) raises the last value drawn, whatever bucket it lands in.
  const firstLast = first.panels["1"]!.series[0]!.last!;
  await page.waitForFunction(
    (before) => {
      const p = (globalThis as unknown as { __loupe: { panels: Record<string, { lastTime: number | null; series: Array<{ last: number | null }> }> } }).__loupe.panels["1"];
      return p !== undefined && (p.series[0]!.last ?? 0) > before + 20;
    },
    firstLast,
    { timeout: 15_000 },
  );
  const later = await drawn(page);
  assert.equal(later.pageId, first.pageId, "no reload");
  assert.ok(later.loads > first.loads);
  // hidden tab: refresh pauses
  await page.evaluate(`Object.defineProperty(document, "hidden", { configurable: true, get: () => true }); document.dispatchEvent(new Event("visibilitychange"));`);
  await page.waitForTimeout(1200);
  const hiddenLoads = (await drawn(page)).loads;
  await page.waitForTimeout(2500);
  assert.equal((await drawn(page)).loads, hiddenLoads, "no loads while hidden");
  await page.evaluate(`Object.defineProperty(document, "hidden", { configurable: true, get: () => false }); document.dispatchEvent(new Event("visibilitychange"));`);
  await waitLoads(page, hiddenLoads + 1);
  await page.context().close();
});

test("clicking a chart adds an annotation that shows on every panel", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  const over = await page.locator(`${panel("1")} .u-over`).boundingBox();
  assert.ok(over);
  await page.mouse.click(over.x + over.width * 0.6, over.y + over.height / 2);
  await page.fill("#anno-text", "deployed v2");
  await page.fill("#anno-tags", "deploy, web");
  await page.click("#anno-save");
  await page.waitForSelector(`${panel("5")} .anno`);
  const stored = srv.annotations.list({ from: now - 7 * 24 * HOUR, to: now + HOUR, dashboardUid: "web" });
  assert.equal(stored.length, 1);
  assert.equal(stored[0]!.text, "deployed v2");
  assert.deepEqual([...stored[0]!.tags].sort(), ["deploy", "web"]);
  const d = await drawn(page);
  assert.equal(d.panels["5"]!.annotations, 1, "marker on another panel");
  assert.equal(await page.getAttribute(panel("5"), "data-annotations"), "1");
  const t = Number(await page.getAttribute(`${panel("5")} .anno`, "data-time"));
  assert.ok(Math.abs(t - (d.range!.from + 0.6 * (d.range!.to - d.range!.from))) < (d.range!.to - d.range!.from) * 0.02);
  // a fresh load shows it too (from the server), and the annotations page lists it
  const again = await openDashboard("/d/web");
  assert.equal((await drawn(again)).panels["1"]!.annotations, 1);
  await again.goto(`${srv.base}/annotations`);
  assert.match((await again.textContent("#annotation-list")) ?? "", /deployed v2/);
  // and deletes it
  await Promise.all([again.waitForResponse((r) => r.url().includes("/api/annotations/") && r.request().method() === "DELETE" && r.status() === 204), again.click("#annotation-list button.anno-delete")]);
  assert.equal(await again.locator("#annotation-list tbody tr").count(), 0);
  assert.equal(srv.annotations.list({ from: now - 7 * 24 * HOUR, to: now + HOUR, dashboardUid: "web" }).length, 0);
  await page.context().close();
  await again.context().close();
});

test("export a dashboard and import it back as a copy", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#export-json")]);
  const path = await download.path();
  const exported = JSON.parse(readFileSync(path, "utf8")) as { uid: string; title: string; panels: unknown[] };
  assert.equal(exported.uid, "web");
  assert.equal(exported.panels.length, 7);
  exported.uid = "web-copy";
  exported.title = "Web servers (copy)";
  await page.goto(`${srv.base}/dashboards`);
  await page.click("#import-open");
  await page.fill("#import-text", JSON.stringify(exported));
  await page.click("#import-go");
  await page.waitForSelector("#import-link");
  assert.equal(await page.textContent("#import-link"), "Web servers (copy)");
  await page.click("#import-link");
  await waitLoads(page);
  const d = await drawn(page);
  assert.equal(Object.keys(d.panels).length, 7);
  assert.ok(d.panels["1"]!.points > 100);
  assert.equal(srv.dashboards.get("web-copy")?.dashboard.title, "Web servers (copy)");
  await page.context().close();
});

test("importing a Grafana dashboard JSON converts its Graphite panels and lists what was skipped", { skip, timeout: 90_000 }, async () => {
  const json = readFileSync(join(PROJECT_ROOT, "test", "fixtures", "grafana", "node-graphite.json"), "utf8");
  const page = await open("/dashboards");
  await page.click("#import-open");
  await page.fill("#import-text", json);
  await page.click("#import-go");
  await page.waitForSelector("#import-link");
  const result = (await page.textContent("#import-result")) ?? "";
  assert.match(result, /Grafana dashboard/);
  // what could not be converted is listed with the reason
  const expected = convertGrafanaDashboard(JSON.parse(json)).skipped;
  assert.ok(expected.length > 0);
  // one line per reason, with its count and the panels it hit
  assert.deepEqual(await page.locator("#import-skipped li").allTextContents(), expected.map((s) => `${s.reason} (1): ${s.panel}`));
  await page.click("#import-link");
  await waitLoads(page);
  const d = await drawn(page);
  const loadPanel = Object.values(d.panels).find((p) => p.title === "Load (1m)");
  assert.ok(loadPanel, `panels: ${Object.values(d.panels).map((p) => p.title).join(", ")}`);
  assert.ok(loadPanel.points > 0, "converted target draws the stored data");
  assert.equal(loadPanel.series[0]!.name, "servers.web1.loadavg.01");
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("a snapshot opens with its frozen data after the live data was deleted", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web?var-host=web1");
  const live = await drawn(page);
  await page.click("#share-snapshot");
  await page.fill("#snapshot-name", "before cleanup");
  await page.selectOption("#snapshot-expiry", "86400");
  await page.click("#snapshot-create");
  const href = await page.getAttribute("#snapshot-link", "href");
  assert.match(href ?? "", /^\/snapshot\/[A-Za-z0-9_-]+$/);
  const deleted = srv.store.deleteSeries("servers.web1.*.*") + srv.store.deleteSeries("servers.web1.*.*.*");
  assert.equal(deleted, 2);
  // the live dashboard has nothing now
  const empty = await openDashboard("/d/web?var-host=web1");
  assert.equal((await drawn(empty)).panels["1"]!.points, 0);
  // the snapshot still shows what was there, without querying
  const { page: snap } = await newPage(browser, { base: srv.base });
  let queried = 0;
  snap.on("request", (r) => {
    if (r.url().includes("/api/query")) queried++;
  });
  await snap.goto(`${srv.base}${href}`);
  await waitLoads(snap);
  const frozen = await drawn(snap);
  assert.equal(queried, 0);
  assert.deepEqual(frozen.range, live.range);
  for (const key of ["1", "2", "3", "5", "6", "7"]) assert.equal(frozen.panels[key]!.points, live.panels[key]!.points, `panel ${key}`);
  assert.deepEqual(frozen.panels["1"]!.series, live.panels["1"]!.series);
  assert.match((await snap.textContent("#snapshot-banner")) ?? "", /before cleanup/);
  assert.equal(await snap.locator("#share-snapshot").count(), 0);
  await snap.screenshot({ path: join(ARTIFACTS, "snapshot.png") });
  assert.deepEqual(jsErrors(snap), []);
  // restore the data for later tests
  await seedHost("web1");
  await page.context().close();
  await empty.context().close();
  await snap.context().close();
});

async function seedHost(host: string): Promise<void> {
  await srv.write(series(`servers.${host}.cpu.total.user`, now - 24 * HOUR, now - 30e3, 60e3, cpu(host)));
  await srv.write(series(`servers.${host}.loadavg.01`, now - 24 * HOUR, now - 30e3, 60e3, load(host)));
}

test("the panel editor previews changes live and saves them", { skip, timeout: 90_000 }, async () => {
  const page = await open("/d/web/panel/5/edit");
  await waitLoads(page);
  assert.equal((await drawn(page)).panels["preview"]!.series.length, 2);
  const input = page.locator('.target-input[data-ref="A"]');
  await input.fill("servers.web2.loadavg.01");
  await waitLoads(page, 2);
  const d = await drawn(page);
  assert.deepEqual(d.panels["preview"]!.series.map((s) => s.name), ["servers.web2.loadavg.01"]);
  await page.fill("#opt-title", "Load web2");
  await page.selectOption("#opt-draw", "bars");
  await page.selectOption("#opt-unit", "short");
  await page.check('#opt-legend input[data-calc="max"]');
  await page.click("#add-threshold");
  assert.equal(await page.textContent("#preview-panel .panel-title"), "Load web2");
  assert.deepEqual(await page.locator("#preview-panel .legend th").allTextContents(), ["", "max"]);
  await page.evaluate("window.scrollTo(0, 0)");
  await page.screenshot({ path: join(ARTIFACTS, "panel-editor.png") });
  await page.click("#editor-save");
  await page.waitForURL(/\/d\/web(\?|$)/);
  await waitLoads(page);
  const saved = srv.dashboards.get("web")!.dashboard.panels.find((p) => p.id === 5)!;
  assert.equal(saved.title, "Load web2");
  assert.equal(saved.options.draw, "bars");
  assert.deepEqual(saved.options.legend, ["max"]);
  assert.equal(saved.options.thresholds.length, 1);
  assert.equal(saved.targets[0]!.target, "servers.web2.loadavg.01");
  assert.deepEqual((await drawn(page)).panels["5"]!.series.map((s) => s.name), ["servers.web2.loadavg.01"]);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("explore browses the metric tree and charts a path", { skip, timeout: 90_000 }, async () => {
  const page = await open("/explore");
  await page.click('#metric-tree li[data-path="servers"] > button');
  await page.click('#metric-tree li[data-path="servers.web2"] > button');
  await page.click('#metric-tree li[data-path="servers.web2.loadavg"] > button');
  await page.click('#metric-tree li[data-path="servers.web2.loadavg.01"] > button');
  await page.waitForURL(/target=servers\.web2\.loadavg\.01/);
  await page.waitForFunction(`Number(document.querySelector("#explore-panel")?.getAttribute("data-points") ?? 0) > 0`);
  const d = await drawn(page);
  assert.deepEqual(d.panels["explore"]!.series.map((s) => s.name), ["servers.web2.loadavg.01"]);
  assert.ok(d.panels["explore"]!.points > 40);
  // a glob with a function, typed
  await page.fill("#explore-target", "sumSeries(servers.*.loadavg.01)");
  await page.press("#explore-target", "Enter");
  await page.waitForFunction(() => (globalThis as unknown as { __loupe: { panels: Record<string, { series: Array<{ name: string }> }> } }).__loupe.panels["explore"]?.series[0]?.name.startsWith("sumSeries"));
  await page.context().close();
});

test("the theme toggle switches light/dark and is remembered; pages render in both", { skip, timeout: 90_000 }, async () => {
  const page = await openDashboard("/d/web");
  assert.equal(await page.getAttribute("html", "data-theme"), "dark");
  await page.click("#theme-toggle");
  assert.equal(await page.getAttribute("html", "data-theme"), "light");
  await page.reload();
  await waitLoads(page);
  assert.equal(await page.getAttribute("html", "data-theme"), "light");
  await page.screenshot({ path: join(ARTIFACTS, "test-dashboard-light.png") });
  for (const path of ["/settings", "/annotations", "/explore", "/dashboards"]) {
    const res = await page.goto(`${srv.base}${path}`);
    assert.equal(res?.status(), 200, path);
    assert.equal(await page.getAttribute("html", "data-theme"), "light");
  }
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("charts are drawn at the device pixel ratio (crisp lines on HiDPI screens)", { skip, timeout: 90_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, deviceScaleFactor: 2 });
  const page = await context.newPage();
  await page.goto(`${srv.base}/d/web`);
  await waitLoads(page);
  const sizes = await page.locator(`${panel("1")} canvas`).evaluate((c) => [(c as unknown as { width: number }).width, (c as unknown as { clientWidth: number }).clientWidth]);
  assert.ok(sizes[1]! > 100);
  assert.equal(sizes[0], sizes[1]! * 2);
  await context.close();
});

test("settings: an admin makes snapshot links public", { skip, timeout: 90_000 }, async () => {
  const page = await open("/settings");
  assert.equal(await page.textContent("#theme-name"), "dark");
  assert.equal(await page.isChecked("#snapshots-public"), false);
  await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/settings") && r.status() === 200), page.check("#snapshots-public")]);
  assert.equal(srv.settings.get().snapshots_public, true);
  await page.reload();
  assert.equal(await page.isChecked("#snapshots-public"), true);
  await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/settings") && r.status() === 200), page.uncheck("#snapshots-public")]);
  assert.equal(srv.settings.get().snapshots_public, false);
  assert.deepEqual(await page.locator("#settings-links a").allTextContents(), ["Users", "API tokens"]);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("every state-changing request carried the page's CSRF token", { skip, timeout: 90_000 }, () => {
  assert.deepEqual(srv.csrfMisses, []);
});
