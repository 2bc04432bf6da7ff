/**
 * "Recently deleted" in the browser: an Admin sees the trash on the dashboards list, restores a
 * deleted dashboard (versions and all) and opens it; an Editor gets no trash button.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Browser } from "playwright-core";
import type { Principal, Role } from "../../src/http/index.js";
import { needs } from "../helpers/system.js";
import { CHROMIUM, jsErrors, launchBrowser, newPage, startUiServer, waitLoads, type UiServer } from "./harness.js";

const skip = needs(CHROMIUM);
let srv: UiServer;
let browser: Browser;
let role: Role = "Admin";

before(async () => {
  if (skip) return;
  srv = await startUiServer({ principal: (): Principal => ({ kind: "user", role, login: role.toLowerCase(), userId: 1 }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

test("an Admin restores a deleted dashboard from Recently deleted, with its versions; an Editor sees no trash", { skip, timeout: 90_000 }, async () => {
  for (const title of ["Binned v1", "Binned v2"]) srv.dashboards.save({ uid: "binned", title, panels: [{ id: 1, type: "text", title: "Note", gridPos: { x: 0, y: 0, w: 12, h: 4 }, content: "hello" }] }, "editor");
  srv.dashboards.save({ uid: "other", title: "Other", panels: [] }, "editor");
  assert.equal(srv.dashboards.delete("binned", "editor"), true);

  role = "Editor";
  const { page: editorPage } = await newPage(browser);
  await editorPage.goto(`${srv.base}/dashboards`);
  assert.equal(await editorPage.locator("#trash-open").count(), 0, "Editors do not see the trash");
  assert.equal(await editorPage.locator("#dashboard-list").getByText("Binned v2").count(), 0, "a deleted dashboard is not listed");
  await editorPage.context().close();

  role = "Admin";
  const { page } = await newPage(browser);
  await page.goto(`${srv.base}/dashboards`);
  await page.click("#trash-open");
  await page.waitForSelector('#trash-dialog tr[data-uid="binned"]');
  const cells = await page.locator('#trash-dialog tr[data-uid="binned"] td').allTextContents();
  assert.equal(cells[0], "Binned v2");
  assert.equal(cells[2], "editor");
  await page.click('#trash-dialog button[data-uid="binned"]');
  await page.waitForSelector("#trash-dialog .restored-link");
  assert.equal(await page.locator('#trash-dialog tr[data-uid="binned"]').count(), 0, "gone from the list once restored");
  const back = srv.dashboards.get("binned");
  assert.equal(back?.dashboard.title, "Binned v2");
  assert.deepEqual(srv.dashboards.versions("binned").map((v) => v.version), [2, 1], "versions kept through delete and restore");
  assert.deepEqual(srv.dashboards.trash(), []);
  await Promise.all([page.waitForURL(/\/d\/binned$/), page.click("#trash-dialog .restored-link")]);
  await waitLoads(page);
  assert.match((await page.locator(".panel-title").first().textContent()) ?? "", /Note/);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});
