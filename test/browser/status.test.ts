/**
 * Admin → Status in headless chromium against the whole Loupe (startLoupe, open on loopback: the local
 * operator is Admin): the page renders the report (tiers, tables, ingest, collectors, no forwarders)
 * with no script or CSP error, and its script swaps in a fresh report on its own.
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
import { ARTIFACTS, CHROMIUM, buildWeb, jsErrors, launchBrowser, newPage } from "./harness.js";

const skip = needs(CHROMIUM);
let loupe: Running;
let base: string;
let browser: Browser;
// at the top level: a tempDir made inside before() would be removed as soon as before() ends
const dir = tempDir("loupe-status-page-");

before(async () => {
  if (skip) return;
  buildWeb();
  mkdirSync(ARTIFACTS, { recursive: true });
  const text = ["[server]", "http_addr = 127.0.0.1", "http_port = 0", "[paths]", `data = ${dir}`, "[ingest.graphite]", "tcp_addr =", "udp_addr =", "[store]", "fsync = off"].join("\n");
  loupe = await startLoupe(loadConfig({ text, env: {} }), silentLogger);
  base = `http://127.0.0.1:${loupe.httpPort}`;
  const now = Date.now();
  const lines = Array.from({ length: 50 }, (_, i) => `page_test,host=h${i % 5} value=${i} ${now - (50 - i) * 1000}`);
  const w = await fetch(`${base}/write?db=x&precision=ms`, { method: "POST", body: lines.join("\n") });
  assert.equal(w.status, 204);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await loupe?.stop();
});

test("Admin → Status renders the report and refreshes itself", { skip, timeout: 90_000 }, async () => {
  const { page, context } = await newPage(browser, { theme: "light", base });
  const res = await page.goto(`${base}/admin/status`);
  assert.equal(res?.status(), 200);
  assert.equal(await page.textContent("h1"), "Status");
  assert.equal(await page.locator(".mainnav a.active").textContent(), "Admin");
  assert.deepEqual(await page.locator("#tiers tbody tr td:first-child").allTextContents(), ["raw", "1m", "1h"]);
  assert.ok((await page.locator("#tables tbody tr").count()) > 10, "every table and index listed");
  assert.equal(await page.locator('#ingest tr[data-protocol="influx"] td:nth-child(2)').textContent(), "50");
  assert.ok((await page.locator("#collectors tbody tr").count()) > 0, "this host's collectors");
  assert.equal(await page.textContent("#forwarders"), "No forwarders.");
  assert.match((await page.textContent("#disk")) ?? "", /: [0-9.]+ [KMGT]?i?B of .*Full: not enough data/);
  assert.ok(Number(await page.textContent('[data-field="series"]')) >= 5);
  await page.screenshot({ path: join(ARTIFACTS, "status-light.png"), fullPage: true });

  // the script fetches the page again every 15 s and swaps the #status section in
  const first = await page.getAttribute("#status", "data-generated");
  await page.waitForFunction((g) => (globalThis as unknown as { document: { getElementById(id: string): { getAttribute(a: string): string | null } | null } }).document.getElementById("status")?.getAttribute("data-generated") !== g, first, { timeout: 30_000 });
  assert.deepEqual(await page.locator("#tiers tbody tr td:first-child").allTextContents(), ["raw", "1m", "1h"]);
  assert.deepEqual(jsErrors(page), []);
  await context.close();
});
