/**
 * Issue 19 (ADMINUX) in headless chromium against the whole of Loupe with local logins: the login
 * card is centred and of a form's width, keeps the login after a wrong password; an Admin adds a
 * user on /admin/users who can then sign in, disables them (refused), resets their password; a
 * Viewer gets 403 on /admin.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { runCli } from "../../src/cli.js";
import { needs } from "../helpers/system.js";
import { startHarness, type Harness } from "../auth/harness.js";
import { ARTIFACTS, buildWeb, CHROMIUM, jsErrors, launchBrowser, newPage } from "./harness.js";

const ROOT_PW = "root password 1";

async function addRoot(h: Harness): Promise<void> {
  const ini = join(h.dataDir, "..", "cli.ini");
  writeFileSync(ini, `[paths]\ndata = ${h.dataDir}\n[auth.basic]\nenabled = true\n`);
  const io = { out: () => undefined, err: () => undefined, readSecret: async () => ROOT_PW };
  assert.equal(await runCli(["user", "add", "root", "--config", ini], io), 0);
}

async function signIn(page: Page, base: string, login: string, password: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill("#login-name", login);
  await page.fill("#login-password", password);
  await Promise.all([page.waitForURL((u) => u.pathname !== "/login" || u.searchParams.has("error")), page.click("#login-form button[type=submit]")]);
}

/** A fresh browser context signs in as `login`; returns where it landed and any error shown. */
async function trySignIn(browser: Browser, base: string, login: string, password: string): Promise<{ signedIn: boolean; error: string | null }> {
  const { context, page } = await newPage(browser);
  try {
    await signIn(page, base, login, password);
    const error = (await page.locator("#login-error").count()) > 0 ? await page.textContent("#login-error") : null;
    return { signedIn: new URL(page.url()).pathname !== "/login", error };
  } finally {
    await context.close();
  }
}

async function userAction(page: Page, login: string, action: (row: ReturnType<Page["locator"]>) => Promise<void>): Promise<string | null> {
  const row = page.locator(`#users tr[data-login="${login}"]`);
  await action(row);
  await page.waitForLoadState("domcontentloaded");
  return page.textContent("#users-notice, #users-error");
}

test("browser: login card, kept login, admin user management", { skip: needs(CHROMIUM), timeout: 180_000 }, async (t) => {
  buildWeb();
  const h = await startHarness("[auth.basic]\nenabled = true", { github: false });
  await addRoot(h);
  const browser = await launchBrowser();
  const { page } = await newPage(browser);
  try {
    await t.test("the login card is centred and not stretched; a wrong password keeps the login", async () => {
      await page.goto(`${h.base}/login`);
      const box = (await page.locator("#login-card").boundingBox())!;
      const vw = page.viewportSize()!.width;
      assert.ok(box.width >= 280 && box.width <= 440, `card width ${box.width}`);
      assert.ok(Math.abs(box.x - (vw - box.x - box.width)) <= 20, `centred: left ${box.x}, right ${vw - box.x - box.width}`);
      await page.fill("#login-name", "root");
      await page.fill("#login-password", "not the password");
      await Promise.all([page.waitForURL((u) => u.searchParams.get("error") === "bad_credentials"), page.click("#login-form button[type=submit]")]);
      assert.equal(await page.inputValue("#login-name"), "root");
      assert.equal(await page.inputValue("#login-password"), "");
      assert.match((await page.textContent("#login-error")) ?? "", /Wrong login or password/);
      assert.equal(await page.evaluate("document.activeElement?.id"), "login-password", "the password field has the focus");
      assert.equal((await page.locator("#login-card").boundingBox())!.width, box.width, "same card after the error");
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, "login-card.png") });
    });

    await t.test("an Admin adds a user who can then sign in", async () => {
      await signIn(page, h.base, "root", ROOT_PW);
      await page.goto(`${h.base}/admin`);
      assert.equal(new URL(page.url()).pathname, "/admin/users");
      await page.fill("#user-add input[name=login]", "bob");
      await page.fill("#user-add input[name=password]", "bob password 1");
      await page.selectOption("#user-add select[name=role]", "Viewer");
      await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "added"), page.click("#user-add button[type=submit]")]);
      assert.match((await page.textContent("#users-notice")) ?? "", /User bob added/);
      assert.equal(await page.inputValue(`#users tr[data-login="bob"] select[name=role]`), "Viewer");
      assert.deepEqual(await trySignIn(browser, h.base, "bob", "bob password 1"), { signedIn: true, error: null });
    });

    await t.test("a disabled user cannot sign in; enabled again they can", async () => {
      const msg = await userAction(page, "bob", async (row) => {
        await row.locator("select[name=state]").selectOption("disabled");
        await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "saved"), row.locator("form.user-update button").click()]);
      });
      assert.match(msg ?? "", /User bob saved/);
      assert.equal(await page.inputValue(`#users tr[data-login="bob"] select[name=state]`), "disabled");
      const refused = await trySignIn(browser, h.base, "bob", "bob password 1");
      assert.equal(refused.signedIn, false);
      assert.match(refused.error ?? "", /disabled/);
      await userAction(page, "bob", async (row) => {
        await row.locator("select[name=state]").selectOption("active");
        await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "saved"), row.locator("form.user-update button").click()]);
      });
      assert.equal((await trySignIn(browser, h.base, "bob", "bob password 1")).signedIn, true);
    });

    await t.test("reset password: the new one works, the old one not", async () => {
      const msg = await userAction(page, "bob", async (row) => {
        await row.locator("form.reset-password input[name=password]").fill("bob password 2");
        await Promise.all([page.waitForURL((u) => u.searchParams.get("done") === "password"), row.locator("form.reset-password button").click()]);
      });
      assert.match(msg ?? "", /User bob has a new password/);
      assert.match((await trySignIn(browser, h.base, "bob", "bob password 1")).error ?? "", /Wrong login or password/);
      assert.deepEqual(await trySignIn(browser, h.base, "bob", "bob password 2"), { signedIn: true, error: null });
      await page.screenshot({ path: join(ARTIFACTS, "admin-users.png"), fullPage: true });
    });

    await t.test("a Viewer gets 403 on /admin", async () => {
      const { context, page: viewer } = await newPage(browser);
      try {
        await signIn(viewer, h.base, "bob", "bob password 2");
        const r = await viewer.goto(`${h.base}/admin/users`);
        assert.equal(r?.status(), 403);
        assert.equal(await viewer.locator("#user-add").count(), 0);
      } finally {
        await context.close();
      }
    });
    assert.deepEqual(jsErrors(page), []);
  } finally {
    await browser.close();
  }
});
