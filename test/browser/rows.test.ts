/**
 * Rows and lazy queries in headless chromium against real Loupe parts: every POST /api/query the
 * page sends is recorded, so the tests assert which panels were asked for and when — collapsed
 * rows' panels not until opened, panels below the fold not until scrolled to — and that the
 * collapsed state survives a save and a reload.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { needs } from "../helpers/system.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { readImport, type Dashboard } from "../../src/dashboards/index.js";
import { CHROMIUM, drawn, jsErrors, launchBrowser, newPage, series, startUiServer, waitLoads, type UiServer } from "./harness.js";

const skip = needs(CHROMIUM);
const HOUR = 3600e3;
let srv: UiServer;
let browser: Browser;

before(async () => {
  if (skip) return;
  srv = await startUiServer();
  browser = await launchBrowser();
  const now = Date.now();
  for (const host of ["web1", "web2"]) for (const d of ["sda", "sdb"]) await srv.write(series(`collectd.${host}.${d}.disk_octets.read`, now - 2 * HOUR, now, 60e3, (_t, i) => i));
  for (let i = 1; i <= 30; i++) await srv.write(series(`tall.p${i}`, now - 2 * HOUR, now, 60e3, () => i));
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

interface Recorded {
  /** Query ids (`<panelKey>-<refId>`) of each /api/query request, in order. */
  readonly requests: string[][];
}

async function openRecording(path: string, wait = true): Promise<{ page: Page; rec: Recorded }> {
  const { page } = await newPage(browser);
  const rec: Recorded = { requests: [] };
  page.on("request", (r) => {
    if (!r.url().includes("/api/query")) return;
    const body = JSON.parse(r.postData() ?? "{}") as { queries?: Array<{ id: string }> };
    rec.requests.push((body.queries ?? []).map((q) => q.id));
  });
  await page.goto(`${srv.base}${path}`);
  if (wait) await waitLoads(page);
  return { page, rec };
}

const panelIdsOf = (ids: readonly string[]): number[] => [...new Set(ids.map((id) => Number(id.split(/[-_]/)[0])))].sort((a, b) => a - b);
const collapsedStates = async (page: Page): Promise<Array<string | null>> => Promise.all((await page.locator(".dash-row").all()).map((l) => l.getAttribute("data-collapsed")));
const loads = async (page: Page): Promise<number> => (await drawn(page)).loads;

test("the real collectd dashboard: collapsed rows' panels are not queried; opening one queries just its panels; the state persists after save and reload", { skip, timeout: 120_000 }, async () => {
  const imported = readImport(JSON.parse(readFileSync(join(PROJECT_ROOT, "test", "fixtures", "grafana", "coremedia-collectd.json"), "utf8"))).dashboard;
  srv.dashboards.save({ ...imported, uid: "cm" }, "test");
  const rows = imported.panels.filter((p) => p.type === "row");
  const folded = rows.filter((r) => r.collapsed === true).map((r) => (r.panels ?? []).map((p) => p.id));
  const open = imported.panels.filter((p) => p.type !== "row").map((p) => p.id);
  assert.deepEqual(folded.map((f) => f.length), [3, 2]);

  const { page, rec } = await openRecording("/d/cm");
  assert.equal(await page.locator(".dash-row").count(), 6);
  assert.deepEqual(await collapsedStates(page), ["true", "false", "false", "false", "true", "false"]);
  assert.match((await page.locator(".dash-row").first().textContent()) ?? "", /Row.*\(3 panels\)/);
  assert.equal(rec.requests.length, 1);
  assert.deepEqual(panelIdsOf(rec.requests[0]!), [...open].filter((id) => imported.panels.find((p) => p.id === id)!.targets.length > 0).sort((a, b) => a - b), "every open panel in one request, no collapsed row's");
  for (const id of folded.flat()) assert.equal(await page.locator(`section.panel[data-panel-id="${id}"]`).count(), 0, `panel ${id} of a collapsed row is not drawn`);

  // open the first row: one more request, for exactly its three panels
  const before = await loads(page);
  await page.locator(`.dash-row[data-row-id="${rows[0]!.id}"] .row-toggle`).click();
  await waitLoads(page, before + 1);
  assert.equal(rec.requests.length, 2);
  assert.deepEqual(panelIdsOf(rec.requests[1]!), [...folded[0]!].sort((a, b) => a - b));
  for (const id of folded[0]!) assert.equal(await page.locator(`section.panel[data-panel-id="${id}"]`).count(), 1);
  assert.equal(await page.getAttribute(`.dash-row[data-row-id="${rows[0]!.id}"]`, "data-collapsed"), "false");
  // fold the second (open) row: nothing queried, its panels gone
  const second = rows[1]!;
  await page.locator(`.dash-row[data-row-id="${second.id}"] .row-toggle`).click();
  assert.equal(await page.getAttribute(`.dash-row[data-row-id="${second.id}"]`, "data-collapsed"), "true");
  assert.equal(await page.locator("section.panel").count(), 15 - 2 - 3);
  assert.equal(rec.requests.length, 2);

  // save and reload: the first row stays open, the second folded (and not queried)
  const version = srv.dashboards.get("cm")!.version;
  await Promise.all([page.waitForEvent("load"), page.click("#save-view")]).catch(async (e: Error) => assert.fail(`${e.message}; page says ${await page.locator(".toast").allTextContents()}`));
  await waitLoads(page);
  assert.equal(srv.dashboards.get("cm")!.version, version + 1, "saved");
  const stored = srv.dashboards.get("cm")!.dashboard;
  const storedRows = stored.panels.filter((p) => p.type === "row");
  assert.deepEqual(storedRows.map((r) => r.collapsed), [false, true, false, false, true, false]);
  assert.deepEqual(storedRows[1]!.panels!.map((p) => p.title).sort(), ["Feeder Live Heap Mem", "Live Feeder Elements", ""].sort());
  assert.deepEqual(await collapsedStates(page), ["false", "true", "false", "false", "true", "false"]);
  const last = rec.requests[rec.requests.length - 1]!;
  const secondPanels = storedRows[1]!.panels!.map((p) => p.id);
  assert.ok(panelIdsOf(last).every((id) => !secondPanels.includes(id)), "the folded row is not queried after reload");
  assert.ok(folded[0]!.every((id) => panelIdsOf(last).includes(id)), "the opened row is queried after reload");
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("panels below the fold are queried only when scrolled into view", { skip, timeout: 120_000 }, async () => {
  const panels: Dashboard["panels"] = Array.from({ length: 30 }, (_, i) => ({
    id: i + 1,
    type: "timeseries" as const,
    title: `Panel ${i + 1}`,
    gridPos: { x: 0, y: i * 8, w: 24, h: 8 },
    targets: [{ refId: "A", target: `tall.p${i + 1}`, hide: false }],
    options: { draw: "lines" as const, unit: "none" as const, logScale: false, legend: [], thresholds: [], reduce: "last" as const, sparkline: true },
  }));
  srv.dashboards.save({ uid: "tall", title: "Tall", panels }, "test");
  const { page, rec } = await openRecording("/d/tall?from=now-1h&to=now");
  const first = panelIdsOf(rec.requests[0]!);
  assert.ok(first.includes(1) && first.length < 10, `only the panels near the viewport at first: ${first.join(",")}`);
  assert.ok(!first.includes(30) && !first.includes(15));
  assert.equal((await drawn(page)).panels["30"]!.points, 0);

  const before = await loads(page);
  await page.locator('section.panel[data-panel-id="30"]').scrollIntoViewIfNeeded();
  await waitLoads(page, before + 1);
  const asked = rec.requests.slice(1).flatMap(panelIdsOf);
  assert.ok(asked.includes(30), `panel 30 queried once in view (${asked.join(",")})`);
  assert.ok(!asked.includes(15), "panels scrolled past without being seen are still not queried");
  assert.ok(!asked.some((id) => first.includes(id)), "panels queried already are not asked again");
  const p30 = (await drawn(page)).panels["30"]!;
  assert.ok(p30.points > 0 && p30.series[0]!.last === 30, "panel 30 drew its data");
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("a repeated row is drawn per value, with titles interpolated ($var, [[var]]) and its panels scoped", { skip, timeout: 120_000 }, async () => {
  srv.dashboards.save(
    {
      uid: "disks",
      title: "Disks",
      variables: [
        { name: "host", type: "custom", query: "web1,web2", current: ["web2"] },
        { name: "disk", type: "custom", query: "sda,sdb", multi: true, includeAll: true, current: ["$__all"] },
      ],
      panels: [
        { id: 1, type: "row", title: "Disk $disk on [[host]]", repeat: "disk", collapsed: false, gridPos: { x: 0, y: 0, w: 24, h: 1 } },
        { id: 2, type: "timeseries", title: "${disk} Octets", gridPos: { x: 0, y: 1, w: 24, h: 6 }, targets: [{ refId: "A", target: "collectd.$host.$disk.disk_octets.read" }] },
      ],
    },
    "test",
  );
  const { page, rec } = await openRecording("/d/disks?from=now-1h&to=now");
  assert.deepEqual(await page.locator(".dash-row .row-title").allTextContents(), ["Disk sda on web2", "Disk sdb on web2"]);
  assert.deepEqual(await page.locator("section.panel .panel-title").allTextContents(), ["sda Octets", "sdb Octets"]);
  assert.deepEqual([...rec.requests[0]!].sort(), ["2-A", "2_r1-A"]);
  const d = await drawn(page);
  assert.deepEqual(d.panels["2"]!.series.map((s) => s.name), ["collectd.web2.sda.disk_octets.read"]);
  assert.deepEqual(d.panels["2_r1"]!.series.map((s) => s.name), ["collectd.web2.sdb.disk_octets.read"]);
  // folding the repeated row folds every copy
  await page.locator(".dash-row .row-toggle").first().click();
  assert.deepEqual(await collapsedStates(page), ["true", "true"]);
  assert.equal(await page.locator("section.panel").count(), 0);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("importing the 100-panel dashboard in the UI: skipped list grouped, 5 rows kept collapsed and not queried, titles interpolated", { skip, timeout: 120_000 }, async (t) => {
  const json = readFileSync(join(PROJECT_ROOT, "test", "fixtures", "grafana", "generated-100-panels.json"), "utf8");
  const { page, rec } = await openRecording("/dashboards", false);
  await page.click("#import-open");
  // through the file input: filling a textarea with ~100 KB through CDP can pass 15 s on a busy machine
  await page.locator("#import-file").setInputFiles({ name: "dashboard.json", mimeType: "application/json", buffer: Buffer.from(json) });
  await page.waitForFunction(() => ((globalThis as unknown as { document: { getElementById(id: string): { value: string } | null } }).document.getElementById("import-text")?.value.length ?? 0) > 0);
  await page.click("#import-go");
  await page.waitForSelector("#import-link");
  // 63 heatmaps: one line with the count, not 63
  const lines = await page.locator("#import-skipped li").allTextContents();
  assert.equal(lines.length, 1, lines.join("\n"));
  assert.match(lines[0]!, /^panel type "heatmap" is not supported \(63\): \$disk Octets, \[\[host\]\] load 1, .* and \d+ more$/);
  assert.equal(await page.getAttribute("#import-skipped li", "data-count"), "63");
  await page.click("#import-link");
  await waitLoads(page);
  const states = await collapsedStates(page);
  assert.deepEqual(states.slice(0, 5), ["true", "true", "true", "true", "true"], "the 5 rows stay collapsed");
  const titles = await page.locator(".dash-row .row-title").allTextContents();
  assert.deepEqual(titles.slice(0, 5), ["Row 0 on web1", "Row 1 on web1", "Row 2 on web1", "Row 3 on web1", "Row 4 on web1"]);
  assert.deepEqual(titles.slice(5), ["Disk sda", "Disk sdb"], "the repeated row, once per disk of web1");
  assert.deepEqual(await page.locator("section.panel .panel-title").allTextContents(), ["sda ops", "sdb ops"]);
  // the only queries: the repeated row's panel, once per disk
  const asked = rec.requests.flat().sort();
  assert.equal(asked.length, 2, asked.join(","));
  assert.ok(asked.every((id) => /^\d+(_r1)?-A$/.test(id)));
  const height = Number(await page.evaluate("document.documentElement.scrollHeight"));
  assert.ok(height < 1500, `a short page while the rows are collapsed: ${height}px`);
  // open all five (from the last, so the headings above stay put): 37 graphs, but only those in view are queried
  for (let i = 4; i >= 0; i--) await page.locator(".dash-row .row-toggle").nth(i).click();
  assert.equal(await page.locator("section.panel").count(), 37 + 2);
  await page.waitForTimeout(300);
  const opened = rec.requests.slice(1).flat();
  const fullHeight = Number(await page.evaluate("document.documentElement.scrollHeight"));
  t.diagnostic(`page ${height}px with the rows collapsed, ${fullHeight}px open; ${opened.length} of 37 opened panels queried without scrolling`);
  assert.ok(fullHeight > 3 * height);
  assert.ok(opened.length > 0 && opened.length < 20, `only the opened panels in view are queried: ${opened.length}`);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});
