/**
 * The whole of Loupe as `loupe run` starts it (startLoupe: collectors on this host's /proc, store,
 * dashboards, auth with its CSRF check, pages): the first page is the built-in Host overview, drawn
 * from data the collectors really collected. Screenshots in light and dark go to test/artifacts/.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { mkdirSync } from "node:fs";
import type { Browser } from "playwright-core";
import { startLoupe, type Running } from "../../src/main.js";
import { loadConfig } from "../../src/config/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { needs } from "../helpers/system.js";
import { tempDir } from "../helpers/tmp.js";
import { ARTIFACTS, CHROMIUM, buildWeb, drawn, jsErrors, launchBrowser, newPage, waitLoads } from "./harness.js";

const skip = needs(CHROMIUM);
let loupe: Running;
let base: string;
let browser: Browser;

before(async () => {
  if (skip) return;
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir("loupe-host-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[collectors]", "interval = 1s", "hostname = testhost", "[ingest.graphite]", "tcp_addr =", "udp_addr =", "[store]", "fsync = off"].join("\n");
  loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  base = `http://127.0.0.1:${loupe.httpPort}`;
  browser = await launchBrowser();
  // let the collectors take a few rounds (rates need two samples)
  await new Promise((r) => setTimeout(r, 4500));
});

after(async () => {
  await browser?.close();
  await loupe?.stop();
});

for (const theme of ["dark", "light"] as const) {
  test(`the first page is the Host overview with this host's collected data (${theme})`, { skip, timeout: 90_000 }, async () => {
    const { page, context } = await newPage(browser, { theme, base });
    const res = await page.goto(`${base}/`);
    assert.equal(res?.status(), 200);
    assert.match(page.url(), /\/d\/host-overview/);
    await waitLoads(page);
    assert.equal(await page.getAttribute("html", "data-theme"), theme);
    const d = await drawn(page);
    const byTitle = new Map(Object.values(d.panels).map((p) => [p.title, p]));
    for (const title of ["CPU", "Load average", "CPU busy", "Load (1m)", "Memory used"]) {
      const p = byTitle.get(title);
      assert.ok(p, `panel "${title}" among ${[...byTitle.keys()].join(", ")}`);
      assert.ok(p.points > 0, `"${title}" drew collected points`);
    }
    assert.ok(byTitle.get("Load average")!.series.every((s) => s.name !== "" && s.last !== null && s.last >= 0));
    const mem = byTitle.get("Memory used")!.series[0]!.last!;
    assert.ok(mem > 0 && mem < 100, `memory used ${mem}%`);
    assert.deepEqual(await page.locator("#var-host option:checked").allTextContents(), ["testhost"]);
    // zoom the view to the data there is, for a readable screenshot
    await page.goto(`${base}/d/host-overview?from=now-2m&to=now`);
    await waitLoads(page);
    await page.waitForTimeout(200);
    await page.screenshot({ path: join(ARTIFACTS, `host-overview-${theme}.png`), fullPage: true });
    assert.deepEqual(jsErrors(page), []);
    await context.close();
  });
}

test("an annotation added from the Host overview passes the real CSRF check", { skip, timeout: 90_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  await page.goto(`${base}/d/host-overview?from=now-2m&to=now`);
  await waitLoads(page);
  const over = await page.locator('section.panel[data-type="timeseries"] .u-over').first().boundingBox();
  assert.ok(over);
  await page.mouse.click(over.x + over.width * 0.5, over.y + over.height / 2);
  await page.fill("#anno-text", "csrf ok");
  await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/annotations") && r.request().method() === "POST" && r.status() === 201), page.click("#anno-save")]);
  await page.waitForSelector(".anno");
  await context.close();
});

test("the first data query does not wait for the host variable's option list (and is not sent twice)", { skip, timeout: 60_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  const events: string[] = [];
  // hold /metrics/find (the host variable's options) for 1.5 s: the panels' query must not wait for it
  await page.route("**/metrics/find**", async (route) => {
    events.push("find requested");
    await new Promise((r) => setTimeout(r, 1500));
    await route.continue();
    events.push("find released");
  });
  page.on("request", (r) => void (r.url().includes("/api/query") && events.push("query sent")));
  await page.goto(`${base}/d/host-overview`);
  await waitLoads(page);
  const d = await drawn(page);
  assert.ok(Object.values(d.panels).some((p) => p.points > 0), "charts drawn");
  const released = events.indexOf("find released");
  assert.ok(events.indexOf("query sent") >= 0 && (released < 0 || events.indexOf("query sent") < released), `order: ${events.join(", ")}`);
  // once the options arrive, the resolved selection is the one already drawn
  await page.locator("#var-host option").first().waitFor({ state: "attached", timeout: 10_000 });
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(events.filter((e) => e === "query sent").length, 1, `the resolved host equals the saved one, so no second query: ${events.join(", ")}`);
  assert.deepEqual(await page.locator("#var-host option:checked").allTextContents(), ["testhost"]);
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});

test("the first chart is drawn and painted before the other panels are drawn (progressive drawing, performance marks in order)", { skip, timeout: 60_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  // at each animation frame, note how many panels have drawn something: the first painted frame with
  // a chart must come while some panels are still undrawn
  await page.addInitScript(`(() => {
    window.__frames = [];
    const tick = () => {
      const ps = Object.values((window.__loupe && window.__loupe.panels) || {});
      window.__frames.push({ charts: ps.filter((p) => p.type === "timeseries").length, drawn: ps.length });
      if (window.__frames.length < 2000) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })();`);
  await page.goto(`${base}/d/host-overview`);
  await waitLoads(page);
  const { marks, frames, total } = await page.evaluate(() => {
    const g = globalThis as unknown as { __frames: Array<{ charts: number; drawn: number }>; __loupe: { panels: Record<string, unknown> }; performance: { getEntriesByType(t: string): Array<{ name: string; startTime: number }> } };
    return { marks: g.performance.getEntriesByType("mark").map((m) => m.name), frames: g.__frames, total: Object.keys(g.__loupe.panels).length };
  });
  const order = ["loupe:script-start", "loupe:panels-built", "loupe:query-sent", "loupe:query-answered", "loupe:first-chart-drawn", "loupe:all-drawn"];
  assert.deepEqual(marks.filter((m) => order.includes(m)).slice(0, order.length), order);
  const firstWithChart = frames.find((f) => f.charts > 0);
  assert.ok(firstWithChart, "a frame with a chart");
  assert.ok(firstWithChart.drawn < total, `the frame that first showed a chart had ${firstWithChart.drawn} of ${total} panels drawn`);
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});
