/**
 * Browser-test harness: a Loupe HTTP app assembled from the real parts (SQLite with all
 * migrations, the time-series store, the dashboards/annotations/snapshots services and APIs, the
 * query and /metrics/find APIs, the pages and /public assets) on 127.0.0.1:0, so tests can seed
 * and delete data through the store directly; and headless Debian chromium via playwright-core.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { existsSync, readdirSync, statSync } from "node:fs";
import type { RequestHandler } from "express";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { migrate, openDatabase, openStore, type TimeSeriesStore } from "../../src/store/index.js";
import { defaultConfig } from "../../src/config/index.js";
import { SqliteAnnotationService, SqliteDashboardRepository, SqliteSnapshotRepository } from "../../src/store/dashboards/index.js";
import { RepositoryDashboardService, RepositorySnapshotService } from "../../src/dashboards/index.js";
import { SqliteSettingsService } from "../../src/store/settings/index.js";
import { createApp, startHttpServer, OPEN_PRINCIPAL, type Principal } from "../../src/http/index.js";
import { dashboardRoutes } from "../../src/http/routes/api/dashboards.js";
import { annotationRoutes } from "../../src/http/routes/api/annotations.js";
import { snapshotRoutes, snapshotViewAccess } from "../../src/http/routes/api/snapshots.js";
import { queryRoutes } from "../../src/http/routes/api/query.js";
import { settingsRoutes } from "../../src/http/routes/api/settings.js";
import { renderRoutes } from "../../src/http/routes/api/render.js";
import { pageRoutes } from "../../src/http/routes/pages/index.js";
import { staticRoutes } from "../../src/http/routes/static.js";
import { silentLogger } from "../../src/lib/logger.js";
import { CONTENT_SECURITY_POLICY } from "../../src/auth/security-headers.js";
import { systemClock } from "../../src/lib/clock.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import type { Sample } from "../../src/model/index.js";
import { tempDir } from "../helpers/tmp.js";

export const CHROMIUM = "/usr/bin/chromium";
export const CSRF = "browser-test-csrf-token";
export const ARTIFACTS = join(PROJECT_ROOT, "test", "artifacts");

let built = false;

function newestMtime(dir: string, filter: (f: string) => boolean): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p, filter));
    else if (filter(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the browser bundles into dist/web (esbuild, about a second) when web/ changed since the
 * last build; `npm test` has built them already, and rebuilding while another test file's browser
 * loads them could serve it a half-written file.
 */
export function buildWeb(): void {
  if (built) return;
  const dist = join(PROJECT_ROOT, "dist", "web");
  const outputs = ["dashboard.js", "editor.js", "explore.js", "home.js", "settings.js", "hosts.js", "common.js", "loupe.css"].map((f) => join(dist, f));
  const fresh = outputs.every((f) => existsSync(f)) && Math.min(...outputs.map((f) => statSync(f).mtimeMs)) >= newestMtime(join(PROJECT_ROOT, "web"), (f) => f.endsWith(".ts") || f.endsWith(".css"));
  if (!fresh) {
    const r = spawnSync(process.execPath, [join(PROJECT_ROOT, "scripts", "build-web.mjs")], { cwd: PROJECT_ROOT, stdio: "inherit" });
    if (r.status !== 0) throw new Error("scripts/build-web.mjs failed");
  }
  built = true;
}

export interface UiServer {
  readonly base: string;
  readonly store: TimeSeriesStore;
  readonly dashboards: RepositoryDashboardService;
  readonly annotations: SqliteAnnotationService;
  readonly snapshots: RepositorySnapshotService;
  readonly settings: SqliteSettingsService;
  /** State-changing requests that arrived without the page's CSRF token. */
  readonly csrfMisses: string[];
  write(samples: readonly Sample[]): Promise<void>;
  stop(): Promise<void>;
}

export interface UiServerOptions {
  /** Who each request is (default: the open local admin); undefined = not signed in. */
  readonly principal?: () => Principal | undefined;
  /** Build dist/web first (browser tests); HTTP-only tests skip it. */
  readonly build?: boolean;
  readonly defaultHome?: string;
}

export async function startUiServer(options: UiServerOptions = {}): Promise<UiServer> {
  if (options.build !== false) buildWeb();
  const dir = tempDir("loupe-browser-");
  const dbPath = join(dir, "loupe.db");
  const db = openDatabase(dbPath);
  migrate(db, undefined, dbPath);
  const clock = systemClock;
  // No fsync in browser tests: durability is the store's tests' business, and on a machine whose disk
  // is busy an fsync can stall the in-process server (and with it the whole test file) for long.
  db.pragma("synchronous = OFF");
  const cfg = defaultConfig("[store]\nfsync = off\n");
  const store = await openStore(db, { store: cfg.store, retention: cfg.retention, walPath: `${dbPath}.wal`, log: silentLogger, clock, tuning: { timers: false } });
  const dashboards = new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep: 20 }));
  const annotations = new SqliteAnnotationService(db, clock);
  const snapshots = new RepositorySnapshotService(new SqliteSnapshotRepository(db, clock));
  const settings = new SqliteSettingsService(db, clock);
  const csrfMisses: string[] = [];
  const auth: RequestHandler = (req, res, next) => {
    const p = options.principal ? options.principal() : OPEN_PRINCIPAL;
    if (p !== undefined) res.locals["principal"] = p;
    res.locals["csrfToken"] = CSRF;
    // the policy the auth module sends on every response: no inline script or style
    res.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    if (!["GET", "HEAD", "OPTIONS"].includes(req.method) && req.get("x-csrf-token") !== CSRF) csrfMisses.push(`${req.method} ${req.path}`);
    next();
  };
  const app = createApp({
    log: silentLogger,
    before: [auth],
    routers: [
      dashboardRoutes({ dashboards, clock }),
      annotationRoutes({ annotations, clock }),
      snapshotRoutes({ snapshots, settings, clock, maxBytes: 20 * 2 ** 20 }),
      settingsRoutes({ settings }),
      queryRoutes({ store, clock }),
      renderRoutes({ store, clock }),
      staticRoutes(),
      pageRoutes({ dashboards, annotations, snapshots, settings, snapshotAccess: snapshotViewAccess(settings), defaultHome: options.defaultHome ?? "", version: "test", clock }),
    ],
  });
  const http = await startHttpServer(app, "127.0.0.1", 0);
  return {
    base: `http://127.0.0.1:${http.port}`,
    store,
    dashboards,
    annotations,
    snapshots,
    settings,
    csrfMisses,
    write: (samples) => store.write(samples),
    async stop() {
      await http.close();
      await store.close();
      db.close();
    },
  };
}

export const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
}

/** A fresh context (own cookies, storage) with a laptop-sized viewport. */
export async function newPage(browser: Browser, options: { theme?: "light" | "dark"; base?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 820 }, deviceScaleFactor: 1 });
  if (options.theme && options.base) await context.addCookies([{ name: "loupe_theme", value: options.theme, url: options.base }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  // CSP violations are console errors, not exceptions: count them as page errors too
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) errors.push(m.text());
  });
  (page as Page & { jsErrors?: string[] }).jsErrors = errors;
  return { context, page };
}

export function jsErrors(page: Page): string[] {
  return (page as Page & { jsErrors?: string[] }).jsErrors ?? [];
}

/** Waits until the page finished `n` data loads (window.__loupe.loads). */
export async function waitLoads(page: Page, n = 1): Promise<void> {
  await page.waitForFunction((k) => (globalThis as unknown as { __loupe?: { loads: number } }).__loupe !== undefined && (globalThis as unknown as { __loupe: { loads: number } }).__loupe.loads >= k, n);
}

export interface DrawnPanel {
  title: string;
  type: string;
  points: number;
  series: Array<{ name: string; points: number; last: number | null }>;
  firstTime: number | null;
  lastTime: number | null;
  annotations: number;
}

export async function drawn(page: Page): Promise<{ loads: number; pageId: string; range: { from: number; to: number } | null; panels: Record<string, DrawnPanel> }> {
  return page.evaluate(() => {
    const s = (globalThis as unknown as { __loupe: { loads: number; pageId: string; range: { from: number; to: number } | null; panels: Record<string, unknown> } }).__loupe;
    return JSON.parse(JSON.stringify({ loads: s.loads, pageId: s.pageId, range: s.range, panels: s.panels })) as never;
  });
}

/** Minutely samples for `[from, to)` of `value(t)` under `name`. */
export function series(name: string, from: number, to: number, stepMs: number, value: (t: number, i: number) => number): Sample[] {
  const out: Sample[] = [];
  let i = 0;
  for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) out.push({ name, ts: t, value: value(t, i++) });
  return out;
}
