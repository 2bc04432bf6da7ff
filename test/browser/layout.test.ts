/**
 * The dashboard layout editor (issue 19): the grid rules (web/lib/layout-engine.ts) as pure cases,
 * then in headless chromium against real Loupe parts: moving and resizing a panel by dragging is
 * saved (a reload shows the new gridPos), and deleting a panel and a dashboard works for an Editor
 * while a Viewer sees no edit controls and the API answers 403.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { needs } from "../helpers/system.js";
import { compact, firstFreeSlot, placeBox, removeBox, type GridBox } from "../../web/lib/layout-engine.js";
import type { Principal, Role } from "../../src/http/index.js";
import { ARTIFACTS, CHROMIUM, CSRF, jsErrors, launchBrowser, newPage, startUiServer, waitLoads, type UiServer } from "./harness.js";

// ---- grid rules (no browser) --------------------------------------------------------------

const b = (id: number, x: number, y: number, w: number, h: number): GridBox => ({ id, x, y, w, h });
const pos = (l: readonly GridBox[]) => Object.fromEntries(l.map((x) => [x.id, [x.x, x.y, x.w, x.h]]));

const moves: Array<[string, GridBox[], number, { x: number; y: number; w: number; h: number }, Record<number, number[]>]> = [
  ["moving onto a panel pushes it down", [b(1, 0, 0, 12, 8), b(2, 12, 0, 12, 8)], 1, { x: 12, y: 0, w: 12, h: 8 }, { 1: [12, 0, 12, 8], 2: [12, 8, 12, 8] }],
  ["dragging down past a panel swaps them", [b(1, 0, 0, 12, 8), b(2, 0, 8, 12, 8)], 1, { x: 0, y: 9, w: 12, h: 8 }, { 1: [0, 8, 12, 8], 2: [0, 0, 12, 8] }],
  ["a moved panel floats up into free space", [b(1, 0, 0, 12, 8), b(2, 12, 0, 12, 8)], 2, { x: 0, y: 20, w: 12, h: 8 }, { 1: [0, 0, 12, 8], 2: [0, 8, 12, 8] }],
  ["a wider panel pushes the one below it down", [b(1, 0, 0, 12, 4), b(2, 12, 0, 12, 4), b(3, 12, 4, 12, 4)], 1, { x: 0, y: 0, w: 18, h: 6 }, { 1: [0, 0, 18, 6], 2: [12, 6, 12, 4], 3: [12, 10, 12, 4] }],
  ["positions are clamped into the 24 columns", [b(1, 0, 0, 12, 8)], 1, { x: 20, y: -3, w: 30, h: 0 }, { 1: [0, 0, 24, 1] }],
  ["the push cascades", [b(1, 0, 0, 24, 2), b(2, 0, 2, 24, 2), b(3, 0, 4, 24, 2)], 1, { x: 0, y: 0, w: 24, h: 5 }, { 1: [0, 0, 24, 5], 2: [0, 5, 24, 2], 3: [0, 7, 24, 2] }],
];
for (const [name, boxes, id, to, want] of moves) {
  test(`layout: ${name}`, () => {
    const out = placeBox(boxes, id, to);
    assert.deepEqual(pos(out), Object.fromEntries(Object.entries(want)));
    for (const a of out) for (const c of out) if (a !== c) assert.ok(a.x >= c.x + c.w || c.x >= a.x + a.w || a.y >= c.y + c.h || c.y >= a.y + a.h, `${a.id} overlaps ${c.id}`);
  });
}

test("layout: removing a panel lets the ones below float up; compaction keeps columns", () => {
  assert.deepEqual(pos(removeBox([b(1, 0, 0, 24, 4), b(2, 0, 4, 12, 4), b(3, 12, 4, 12, 6)], 1)), { 2: [0, 0, 12, 4], 3: [12, 0, 12, 6] });
  assert.deepEqual(pos(compact([b(1, 6, 10, 6, 2)])), { 1: [6, 0, 6, 2] });
});

const slots: Array<[string, GridBox[], number, number, { x: number; y: number }]> = [
  ["empty dashboard: top left", [], 12, 8, { x: 0, y: 0 }],
  ["beside a half-width panel, not below it", [b(1, 0, 0, 12, 8)], 12, 8, { x: 12, y: 0 }],
  ["a gap in the middle that fits", [b(1, 0, 0, 8, 8), b(2, 16, 0, 8, 8)], 8, 4, { x: 8, y: 0 }],
  ["too wide for the gap: below", [b(1, 0, 0, 8, 8), b(2, 16, 0, 8, 8)], 12, 4, { x: 0, y: 8 }],
  ["a full row: below everything", [b(1, 0, 0, 24, 3)], 12, 8, { x: 0, y: 3 }],
];
for (const [name, boxes, w, h, want] of slots) {
  test(`first free slot: ${name}`, () => {
    assert.deepEqual(firstFreeSlot(boxes, w, h), { ...want, w, h });
  });
}

// ---- in the browser -----------------------------------------------------------------------

const skip = needs(CHROMIUM);
let srv: UiServer;
let browser: Browser;
let role: Role = "Editor";

function seedDashboard(uid: string): void {
  srv.dashboards.save(
    {
      uid,
      title: `Layout ${uid}`,
      panels: [
        { id: 1, type: "text", title: "One", gridPos: { x: 0, y: 0, w: 12, h: 8 }, content: "one" },
        { id: 2, type: "text", title: "Two", gridPos: { x: 12, y: 0, w: 12, h: 8 }, content: "two" },
        { id: 3, type: "timeseries", title: "Three", gridPos: { x: 0, y: 8, w: 24, h: 6 }, targets: [{ refId: "A", target: "servers.none.cpu" }] },
      ],
    },
    "test",
  );
}

before(async () => {
  if (skip) return;
  mkdirSync(ARTIFACTS, { recursive: true });
  srv = await startUiServer({ principal: (): Principal => ({ kind: "user", role, login: role.toLowerCase(), userId: role === "Viewer" ? 2 : 1 }) });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await srv?.stop();
});

async function open(path: string): Promise<Page> {
  const { page } = await newPage(browser, { base: srv.base });
  await page.goto(`${srv.base}${path}`);
  await waitLoads(page, 1);
  return page;
}

const gridPos = (uid: string, id: number) => srv.dashboards.get(uid)?.dashboard.panels.find((p) => p.id === id)?.gridPos;
const panelSel = (id: number) => `section.panel[data-panel-key="${id}"]`;

/** Drags from the centre of `from` by (dx, dy) px in small steps, as a hand would. */
async function drag(page: Page, from: string, dx: number, dy: number): Promise<void> {
  const box = (await page.locator(from).boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(x + (dx * i) / 8, y + (dy * i) / 8);
  await page.mouse.up();
}

async function cellPx(page: Page): Promise<{ col: number; row: number }> {
  // column width and row height, each with the 6 px gap (web/loupe.css .panels)
  const grid = (await page.locator("#panels").boundingBox())!;
  return { col: (grid.width + 6) / 24, row: 30 + 6 };
}

async function waitVersion(uid: string, above: number): Promise<void> {
  for (let i = 0; i < 100 && (srv.dashboards.get(uid)?.version ?? 0) <= above; i++) await new Promise((r) => setTimeout(r, 50));
}

test("an Editor moves and resizes a panel by dragging; the layout is saved and a reload shows it", { skip, timeout: 90_000 }, async () => {
  role = "Editor";
  seedDashboard("move");
  const v0 = srv.dashboards.get("move")!.version;
  const page = await open("/d/move");
  // outside edit mode a header drag does nothing
  await drag(page, `${panelSel(1)} .panel-title`, 400, 0);
  assert.deepEqual(gridPos("move", 1), { x: 0, y: 0, w: 12, h: 8 });
  assert.equal(await page.locator(".panel-resize:visible").count(), 0);

  await page.click("#edit-layout");
  await page.screenshot({ path: join(ARTIFACTS, "layout-edit.png") });
  const cell = await cellPx(page);
  await drag(page, `${panelSel(1)} .panel-title`, 12 * cell.col, 0);
  await waitVersion("move", v0);
  assert.deepEqual(gridPos("move", 1), { x: 12, y: 0, w: 12, h: 8 });
  assert.deepEqual(gridPos("move", 2), { x: 12, y: 8, w: 12, h: 8 }, "the panel it landed on was pushed down");
  assert.deepEqual(gridPos("move", 3), { x: 0, y: 16, w: 24, h: 6 });

  // resize: the corner of panel 1, 6 columns narrower and 2 rows taller
  const v1 = srv.dashboards.get("move")!.version;
  const corner = (await page.locator(`${panelSel(1)} .panel-resize`).boundingBox())!;
  await page.mouse.move(corner.x + corner.width / 2, corner.y + corner.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(corner.x + corner.width / 2 - (6 * cell.col * i) / 8, corner.y + corner.height / 2 + (2 * cell.row * i) / 8);
  await page.mouse.up();
  await waitVersion("move", v1);
  assert.deepEqual(gridPos("move", 1), { x: 12, y: 0, w: 6, h: 10 });
  assert.equal(srv.dashboards.get("move")!.version, v1 + 1, "one save per drag");

  // a reload draws what was stored
  await page.reload();
  await waitLoads(page, 1);
  // drawn where the stored gridPos says: x 12, w 6, h 10 grid cells (± a pixel of rounding)
  const grid = (await page.locator("#panels").boundingBox())!;
  const box1 = (await page.locator(panelSel(1)).boundingBox())!;
  const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 2, `${what}: ${a} ≠ ${b}`);
  near(box1.x - grid.x, 12 * cell.col, "left");
  near(box1.width, 6 * cell.col - 6, "width");
  near(box1.y - grid.y, 0, "top");
  near(box1.height, 10 * cell.row - 6, "height");
  // history has one entry per step, each restorable
  const versions = srv.dashboards.versions("move");
  assert.ok(versions.length >= 3);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("an Editor duplicates and removes a panel through its menu, and deletes the dashboard after a confirm", { skip, timeout: 90_000 }, async () => {
  role = "Editor";
  seedDashboard("del");
  const v0 = srv.dashboards.get("del")!.version;
  const page = await open("/d/del");
  await page.hover(panelSel(2));
  await page.click(`${panelSel(2)} .panel-menu-btn`);
  assert.deepEqual(await page.locator("#panel-menu .menu-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-action"))), ["view", "edit", "duplicate", "inspect", "remove"]);
  await page.screenshot({ path: join(ARTIFACTS, "layout-menu.png") });
  await page.click('#panel-menu [data-action="duplicate"]');
  await page.waitForSelector(panelSel(4));
  await waitVersion("del", v0);
  assert.deepEqual(gridPos("del", 4), { x: 0, y: 14, w: 12, h: 8 }, "the copy goes to the first free slot");

  await page.hover(panelSel(2));
  await page.click(`${panelSel(2)} .panel-menu-btn`);
  await page.click('#panel-menu [data-action="remove"]');
  await page.click("#remove-panel-confirm");
  await page.waitForSelector(panelSel(2), { state: "detached" });
  await waitVersion("del", v0 + 1);
  assert.deepEqual(srv.dashboards.get("del")!.dashboard.panels.map((p) => p.id), [1, 3, 4]);
  assert.deepEqual(gridPos("del", 3), { x: 0, y: 8, w: 24, h: 6 });

  // delete: Cancel keeps it, the confirm deletes it and goes to the list
  await page.click("#delete-dashboard");
  await page.waitForSelector("#delete-dashboard-dialog");
  assert.match(await page.locator("#delete-dashboard-dialog").innerText(), /moves to "Recently deleted" with its version history \(\d+ versions\)/);
  await page.click('#delete-dashboard-dialog button:text-is("Cancel")');
  assert.ok(srv.dashboards.get("del"));
  await page.click("#delete-dashboard");
  await page.click("#delete-dashboard-confirm");
  await page.waitForURL(/\/dashboards$/);
  assert.equal(srv.dashboards.get("del"), undefined);
  assert.deepEqual(srv.dashboards.trash().map((t) => [t.uid, t.deletedBy]), [["del", "editor"]], "in the trash, deleted by the Editor");
  assert.ok(srv.dashboards.versions("del").length >= 3, "its versions are kept");
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("view and inspect work for everyone; a Viewer gets no edit controls and the API refuses its edits (403)", { skip, timeout: 90_000 }, async () => {
  role = "Editor";
  seedDashboard("ro");
  role = "Viewer";
  const page = await open("/d/ro");
  for (const sel of ["#edit-layout", "#delete-dashboard", "#add-panel", ".panel-resize", ".panel-edit:not(.panel-explore)"]) assert.equal(await page.locator(sel).count(), 0, `${sel} is hidden from a Viewer`);
  await page.hover(panelSel(3));
  await page.click(`${panelSel(3)} .panel-menu-btn`);
  assert.deepEqual(await page.locator("#panel-menu .menu-item").evaluateAll((els) => els.map((e) => e.getAttribute("data-action"))), ["view", "inspect"]);
  await page.click('#panel-menu [data-action="inspect"]');
  await page.waitForSelector("#inspect-dialog");
  assert.match(await page.locator("#inspect-dialog .inspect-queries").innerText(), /servers\.none\.cpu/);
  await page.screenshot({ path: join(ARTIFACTS, "layout-inspect.png") });
  await page.keyboard.press("Escape");
  // View: the panel alone, full width, in the URL
  await page.hover(panelSel(3));
  await page.click(`${panelSel(3)} .panel-menu-btn`);
  await page.click('#panel-menu [data-action="view"]');
  await page.waitForURL(/viewPanel=3/);
  assert.equal(await page.locator("section.panel").count(), 1);
  const grid = (await page.locator("#panels").boundingBox())!;
  const one = (await page.locator(panelSel(3)).boundingBox())!;
  assert.ok(one.width > grid.width - 4 && one.height > 300, `full size (${one.width}×${one.height})`);
  await page.keyboard.press("Escape");
  assert.equal(await page.locator("section.panel").count(), 3);

  const api = await page.evaluate(async (csrf) => {
    const headers = { "content-type": "application/json", "X-CSRF-Token": csrf };
    const del = await fetch("/api/dashboards/ro", { method: "DELETE", headers });
    const save = await fetch("/api/dashboards", { method: "POST", headers, body: JSON.stringify({ dashboard: { uid: "ro", title: "x", panels: [] } }) });
    return [del.status, save.status];
  }, CSRF);
  assert.deepEqual(api, [403, 403]);
  assert.equal(srv.dashboards.get("ro")!.dashboard.panels.length, 3);
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("Add panel puts the new panel in the first free slot, not below everything at x=0", { skip, timeout: 90_000 }, async () => {
  role = "Editor";
  srv.dashboards.save({ uid: "add", title: "Add", panels: [{ id: 1, type: "text", title: "Left", gridPos: { x: 0, y: 0, w: 12, h: 8 }, content: "x" }, { id: 2, type: "text", title: "Wide", gridPos: { x: 0, y: 8, w: 24, h: 4 }, content: "y" }] }, "test");
  const page = await open("/d/add");
  await page.click("#add-panel");
  await page.waitForURL(/\/panel\/new\/edit/);
  await page.click("#editor-save");
  await page.waitForURL(/\/d\/add(\?|$)/);
  assert.deepEqual(gridPos("add", 3), { x: 12, y: 0, w: 12, h: 8 });
  assert.deepEqual(jsErrors(page), []);
  await page.context().close();
});

test("a drag that cannot be saved (the dashboard changed meanwhile) is undone and says why", { skip, timeout: 90_000 }, async () => {
  role = "Editor";
  seedDashboard("stale");
  const page = await open("/d/stale");
  // someone else saves a newer version after this page loaded it
  const other = srv.dashboards.get("stale")!.dashboard;
  srv.dashboards.save({ ...other, title: "Renamed elsewhere" }, "someone");
  const v = srv.dashboards.get("stale")!.version;
  await page.click("#edit-layout");
  const cell = await cellPx(page);
  await drag(page, `${panelSel(1)} .panel-title`, 12 * cell.col, 0);
  await page.waitForSelector(".toast.error");
  assert.match(await page.locator(".toast.error").innerText(), /Save failed/);
  assert.equal(srv.dashboards.get("stale")!.version, v, "nothing stored");
  assert.deepEqual(gridPos("stale", 1), { x: 0, y: 0, w: 12, h: 8 });
  // drawn back where it was
  const grid = (await page.locator("#panels").boundingBox())!;
  const box1 = (await page.locator(panelSel(1)).boundingBox())!;
  assert.ok(Math.abs(box1.x - grid.x) <= 2, `panel 1 back at the left (${box1.x - grid.x} px)`);
  assert.deepEqual(srv.csrfMisses, []);
  await page.context().close();
});
