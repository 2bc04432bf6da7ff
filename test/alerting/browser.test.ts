/**
 * The Alerts page and rule editor in a real browser (Debian chromium) against the whole of Loupe
 * (startLoupe, CSRF check included): write a rule in the editor, preview it, backtest it, save it;
 * it fires on data sent over /write and shows on the Alerts page; a silence is added from there.
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
import { ARTIFACTS, CHROMIUM, buildWeb, jsErrors, launchBrowser, newPage } from "../browser/harness.js";

const skip = needs(CHROMIUM);
let loupe: Running;
let base: string;
let browser: Browser;

before(async () => {
  if (skip) return;
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dir = tempDir("loupe-alert-ui-");
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, `plugins = ${join(dir, "plugins")}`, "[ingest.graphite]", "tcp_addr =", "udp_addr =", "[alerting]", "min_interval = 1s", "builtin_rules = false"].join("\n");
  loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  base = `http://127.0.0.1:${loupe.httpPort}`;
  const now = Date.now();
  const lines = [20, 25, 30].map((v, i) => `queue,host=web1 depth=${v} ${now - (3 - i) * 10_000}`).concat([`queue,host=web2 depth=2 ${now - 5000}`]);
  const w = await fetch(`${base}/write?precision=ms`, { method: "POST", body: lines.join("\n") });
  assert.equal(w.status, 204);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await loupe?.stop();
});

test("rule editor: preview, 7-day backtest, save; the rule fires and shows on the Alerts page; silence it from there", { skip, timeout: 90_000 }, async () => {
  const { page, context } = await newPage(browser, { base });
  await page.goto(`${base}/alerts`);
  await page.click("text=New rule");
  await page.waitForSelector("#rule-form");
  await page.fill('input[name="alert"]', "QueueDeep");
  await page.fill('input[name="interval"]', "1s");
  await page.fill('input[name="expr"]', "queue.depth");
  await page.selectOption('select[name="reduce"]', "max");
  await page.fill('input[name="threshold"]', "10");
  await page.fill('input[name="summary"]', "{{ $labels.host }} queue {{ $value }}");
  await page.click("#rule-preview");
  await page.waitForSelector("#preview-table");
  const rows = await page.locator("#preview-table tr").allTextContents();
  assert.deepEqual(rows, ["queue.depth;host=web130would alert", "queue.depth;host=web22"]);
  await page.click("#rule-backtest");
  await page.waitForSelector("#backtest-table");
  assert.match((await page.locator("#rule-result h4").textContent()) ?? "", /^Backtest: 1 firing period\(s\), 1 notification\(s\) over 2 series/);
  await Promise.all([page.waitForURL(`${base}/alerts`), page.click('button[type="submit"]')]);
  // evaluated every second: firing shows after a reload or two
  let state = "";
  for (let i = 0; i < 40 && state !== "firing"; i++) {
    await page.waitForTimeout(250);
    await page.reload();
    state = (await page.locator("#alert-list tr[data-state] .alert-state").first().textContent().catch(() => "")) ?? "";
  }
  assert.equal(state, "firing");
  assert.match((await page.locator("#alert-list").textContent()) ?? "", /web1 queue 30/);
  await page.screenshot({ path: join(ARTIFACTS, "alerts-page.png"), fullPage: true });
  await page.click("button.silence-this");
  assert.match(await page.inputValue('#silence-form input[name="matchers"]'), /alertname=QueueDeep, host=web1, series=queue\.depth;host=web1/);
  await page.fill('#silence-form input[name="comment"]', "known");
  await Promise.all([page.waitForEvent("load"), page.click('#silence-form button[type="submit"]')]);
  assert.match((await page.locator("#alert-list").textContent()) ?? "", /firing \(silenced\)/);
  assert.match((await page.locator("#silences").textContent()) ?? "", /known/);
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});
