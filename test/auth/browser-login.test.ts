/**
 * Headless chromium logs in through the fake GitHub (the real OAuth redirects: Loupe → fake
 * authorize → Loupe's callback) and lands on the Host overview it first asked for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { chromium } from "playwright-core";
import { needs } from "../helpers/system.js";
import { startHarness } from "./harness.js";

const CHROMIUM = "/usr/bin/chromium";
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

test("browser: sign in with the fake GitHub and land on the Host overview", { skip: needs(CHROMIUM) }, async () => {
  const h = await startHarness();
  h.gh.addUser({ id: 77, login: "octo", name: "Octo Cat" });
  h.gh.loginAs("octo");
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 60_000 });
  try {
    const page = await browser.newPage();
    const cspViolations: string[] = [];
    page.on("console", (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    // asking for the dashboard without a session leads to the login page, remembering where to go
    await page.goto(`${h.base}/d/host-overview`);
    assert.equal(new URL(page.url()).pathname, "/login");
    assert.equal(new URL(page.url()).searchParams.get("next"), "/d/host-overview");
    await page.click("#login-github");
    await page.waitForURL((u) => u.pathname === "/d/host-overview", { timeout: 30_000 });
    assert.equal(new URL(page.url()).pathname, "/d/host-overview");
    assert.match(await page.title(), /Host overview/);
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === "loupe_session");
    assert.ok(session !== undefined && session.httpOnly && session.sameSite === "Lax");
    assert.equal(await page.evaluate("document.cookie.includes('loupe_session')"), false, "not readable by scripts");
    const who = await page.evaluate(async () => (await fetch("/api/user")).json());
    assert.deepEqual([(who as { login: string }).login, (who as { role: string }).role], ["octo", "Admin"]);
    // the top bar's Sign out form (POST with the page's CSRF token) ends the session
    await page.click("form[action='/logout'] button");
    await page.waitForURL((u) => u.pathname === "/login", { timeout: 30_000 });
    await page.goto(`${h.base}/d/host-overview`);
    assert.equal(new URL(page.url()).pathname, "/login", "signed out");
    assert.deepEqual(cspViolations, []);
  } finally {
    await browser.close();
  }
});
