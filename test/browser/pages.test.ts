/**
 * The server-rendered pages over plain HTTP (no browser): escaping, CSP-clean markup (no inline
 * code, handlers or style attributes), the CSRF meta tag, access levels, 404 pages, the default
 * home redirect, the snapshot guard and the /public assets.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import type { Principal } from "../../src/http/index.js";
import { CSRF, startUiServer, type UiServer } from "./harness.js";

let srv: UiServer;
let who: Principal | undefined;
const VIEWER: Principal = { kind: "user", role: "Viewer", login: "vera", userId: 2 };
const EDITOR: Principal = { kind: "user", role: "Editor", login: "ed", userId: 3 };
const ADMIN: Principal = { kind: "user", role: "Admin", login: "ada", userId: 1 };

before(async () => {
  srv = await startUiServer({ principal: () => who, defaultHome: "home-board" });
  srv.dashboards.save({ uid: "xss", title: `<script>alert("t")</script>`, tags: [`<img src=x onerror=alert(1)>`], panels: [{ id: 1, type: "text", title: "<b>t</b>", gridPos: { x: 0, y: 0, w: 12, h: 4 }, content: "</script><script>alert(2)</script>" }] }, "test");
});

after(async () => {
  await srv?.stop();
});

async function get(path: string, accept = "text/html"): Promise<{ status: number; text: string; location: string | null }> {
  const res = await fetch(`${srv.base}${path}`, { headers: { accept }, redirect: "manual" });
  return { status: res.status, text: await res.text(), location: res.headers.get("location") };
}

/** Markup the CSP would block: inline scripts (other than JSON data blocks), handlers, style attributes. */
function cspProblems(html: string): string[] {
  const out: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const attrs = m[1] ?? "";
    if (/type="application\/json"/.test(attrs)) continue;
    if (!/\bsrc="/.test(attrs) || (m[2] ?? "").trim() !== "") out.push(`inline script: ${m[0].slice(0, 80)}`);
  }
  if (/<[a-z][^>]*\son[a-z]+=/i.test(html)) out.push("inline event handler");
  if (/<[a-z][^>]*\sstyle=/i.test(html)) out.push("style attribute");
  if (/<style\b/i.test(html)) out.push("style element");
  return out;
}

test("every page is CSP-clean, carries the CSRF token and escapes what users typed", async () => {
  who = ADMIN;
  const snap = srv.snapshots.create({ name: "<i>s</i>", dashboard: srv.dashboards.get("xss")!.dashboard, range: { from: 1, to: 2 }, data: {}, expiresAt: null, createdBy: "ada" });
  for (const path of ["/dashboards", "/d/xss", "/d/xss/panel/1/edit", "/d/xss/panel/new/edit", "/explore", "/annotations", "/settings", `/snapshot/${snap.key}`]) {
    const r = await get(path);
    assert.equal(r.status, 200, path);
    assert.deepEqual(cspProblems(r.text), [], path);
    assert.match(r.text, new RegExp(`<meta name="csrf-token" content="${CSRF}">`), path);
    assert.doesNotMatch(r.text, /<script>alert|<img src=x|<b>t<\/b>|<i>s<\/i>/, path);
  }
  const d = await get("/d/xss");
  assert.match(d.text, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt;/);
  // the JSON data block cannot be closed by the data
  assert.equal(d.text.match(/<\/script>/g)!.length, d.text.match(/<script\b/g)!.length);
});

test("viewers see pages, the editor needs the Editor role, and no principal means the login page", async () => {
  who = VIEWER;
  assert.equal((await get("/d/xss")).status, 200);
  const settings = (await get("/settings")).text;
  assert.doesNotMatch(settings, /id="snapshots-public"|\/admin\/users/, "admin settings hidden from viewers");
  assert.equal((await get("/explore")).status, 200);
  assert.equal((await get("/d/xss/panel/1/edit", "application/json")).status, 403);
  assert.doesNotMatch((await get("/d/xss")).text, /id="add-panel"|id="edit-json"/, "no edit buttons for viewers");
  who = EDITOR;
  assert.equal((await get("/d/xss/panel/1/edit")).status, 200);
  assert.match((await get("/d/xss")).text, /id="add-panel"/);
  who = undefined;
  const anon = await get("/d/xss");
  assert.equal(anon.status, 302);
  assert.match(anon.location ?? "", /^\/login\?next=%2Fd%2Fxss/);
});

test("unknown dashboards, panels and snapshots are 404 pages; an expired snapshot is gone", async () => {
  who = ADMIN;
  assert.equal((await get("/d/nope")).status, 404);
  assert.match((await get("/d/nope")).text, /No dashboard with uid <code>nope<\/code>/);
  assert.equal((await get("/d/xss/panel/99/edit")).status, 404);
  assert.equal((await get("/snapshot/nope")).status, 404);
  const expired = srv.snapshots.create({ name: "old", dashboard: srv.dashboards.get("xss")!.dashboard, range: { from: 1, to: 2 }, data: {}, expiresAt: Date.now() - 1000, createdBy: null });
  assert.equal((await get(`/snapshot/${expired.key}`)).status, 404);
});

test("snapshots need a viewer unless the admin made them public", async () => {
  const s = srv.snapshots.create({ name: "pub", dashboard: srv.dashboards.get("xss")!.dashboard, range: { from: 1, to: 2 }, data: {}, expiresAt: null, createdBy: null });
  who = undefined;
  assert.equal((await get(`/snapshot/${s.key}`)).status, 302);
  srv.settings.update({ snapshots_public: true });
  const r = await get(`/snapshot/${s.key}`);
  assert.equal(r.status, 200);
  assert.match(r.text, /id="snapshot-banner"/);
  srv.settings.update({ snapshots_public: false });
});

test("/ opens the default home dashboard when it exists, else the list", async () => {
  who = ADMIN;
  const list = await get("/");
  assert.equal(list.status, 200);
  assert.match(list.text, /<h1>Dashboards<\/h1>/);
  srv.dashboards.save({ uid: "home-board", title: "Home board", panels: [] }, "test");
  const r = await get("/");
  assert.equal(r.status, 302);
  assert.equal(r.location, "/d/home-board");
  assert.equal((await get("/dashboards")).status, 200);
});

test("/public serves the bundles and stylesheet without auth; nothing outside it", async () => {
  who = undefined;
  const css = await fetch(`${srv.base}/public/loupe.css`);
  assert.equal(css.status, 200);
  assert.match(css.headers.get("content-type") ?? "", /text\/css/);
  const text = await css.text();
  assert.match(text, /\.uplot/, "uPlot's stylesheet is folded in");
  assert.match(text, /\[data-theme="light"\]/);
  const js = await fetch(`${srv.base}/public/dashboard.js`);
  assert.equal(js.status, 200);
  assert.match(js.headers.get("content-type") ?? "", /javascript/);
  assert.equal((await fetch(`${srv.base}/public/../package.json`)).status, 404);
  assert.equal((await fetch(`${srv.base}/public/nope.js`)).status, 404);
});
