/**
 * Test harness for the dashboards area: a fresh SQLite file with every migration, the four
 * services over it, and a real HTTP server on 127.0.0.1:0 serving their routers. The principal
 * comes from an `X-Test-Role` header (Viewer, Editor, Admin; absent = not logged in).
 */
import { join } from "node:path";
import type { RequestHandler } from "express";
import { createApp, startHttpServer, type HttpServer, type Principal, type Role } from "../../src/http/index.js";
import { silentLogger } from "../../src/lib/logger.js";
import { FakeClock } from "../../src/lib/clock.js";
import { openDatabase, type Db } from "../../src/store/db.js";
import { migrate } from "../../src/store/migrate.js";
import { SqliteAnnotationService, SqliteDashboardRepository, SqliteSnapshotRepository } from "../../src/store/dashboards/index.js";
import { RepositoryDashboardService, RepositorySnapshotService } from "../../src/dashboards/index.js";
import { SqliteSettingsService } from "../../src/store/settings/index.js";
import { dashboardRoutes } from "../../src/http/routes/api/dashboards.js";
import { annotationRoutes } from "../../src/http/routes/api/annotations.js";
import { snapshotRoutes } from "../../src/http/routes/api/snapshots.js";
import { settingsRoutes } from "../../src/http/routes/api/settings.js";
import { eventRoutes } from "../../src/http/routes/events.js";
import { tempDir } from "../helpers/tmp.js";

export const T0 = Date.UTC(2026, 0, 15, 12, 0, 0);

export interface Harness {
  readonly dir: string;
  readonly db: Db;
  readonly clock: FakeClock;
  readonly dashboards: RepositoryDashboardService;
  readonly annotations: SqliteAnnotationService;
  readonly snapshots: RepositorySnapshotService;
  readonly settings: SqliteSettingsService;
  readonly base: string;
  /** fetch as a role ("none" = no principal); a non-string body is sent as JSON. */
  call(role: Role | "none", method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; text: string; headers: Headers }>;
  close(): Promise<void>;
}

export function openServices(options: { versionsToKeep?: number } = {}) {
  const dir = tempDir("loupe-dash-");
  const db = openDatabase(join(dir, "loupe.db"));
  migrate(db);
  const clock = new FakeClock(T0);
  return {
    dir,
    db,
    clock,
    dashboards: new RepositoryDashboardService(new SqliteDashboardRepository(db, { clock, versionsToKeep: options.versionsToKeep ?? 20 })),
    annotations: new SqliteAnnotationService(db, clock),
    snapshots: new RepositorySnapshotService(new SqliteSnapshotRepository(db, clock)),
    settings: new SqliteSettingsService(db, clock),
  };
}

const testPrincipal: RequestHandler = (req, res, next) => {
  const role = req.get("x-test-role") as Role | undefined;
  if (role === "Viewer" || role === "Editor" || role === "Admin") {
    const p: Principal = { kind: "user", role, login: role.toLowerCase() };
    res.locals["principal"] = p;
  }
  next();
};

export async function startHarness(options: { versionsToKeep?: number; maxBytes?: number } = {}): Promise<Harness> {
  const s = openServices(options);
  const app = createApp({
    log: silentLogger,
    before: [testPrincipal],
    routers: [
      dashboardRoutes({ dashboards: s.dashboards, clock: s.clock }),
      annotationRoutes({ annotations: s.annotations, clock: s.clock }),
      eventRoutes({ annotations: s.annotations, clock: s.clock }),
      snapshotRoutes({ snapshots: s.snapshots, settings: s.settings, clock: s.clock, maxBytes: options.maxBytes ?? 1024 * 1024 }),
      settingsRoutes({ settings: s.settings }),
    ],
  });
  const http: HttpServer = await startHttpServer(app, "127.0.0.1", 0);
  const base = `http://127.0.0.1:${http.port}`;
  return {
    ...s,
    base,
    async call(role, method, path, body) {
      const headers: Record<string, string> = {};
      if (role !== "none") headers["x-test-role"] = role;
      let payload: string | undefined;
      if (body !== undefined) {
        headers["content-type"] = "application/json";
        payload = typeof body === "string" ? body : JSON.stringify(body);
      }
      const res = await fetch(base + path, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
      const text = await res.text();
      let json: unknown;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json, text, headers: res.headers };
    },
    async close() {
      await http.close();
      s.db.close();
    },
  };
}

/** A small valid dashboard (input form). */
export function sampleDashboard(uid: string, title: string, tags: string[] = []) {
  return {
    uid,
    title,
    tags,
    variables: [{ name: "host", type: "query" as const, query: "servers.*", current: ["web1"] }],
    panels: [
      { id: 1, type: "timeseries" as const, title: "CPU", gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "servers.$host.cpu.total.user" }] },
      { id: 2, type: "stat" as const, title: "Load", gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "servers.$host.loadavg.01" }], options: { unit: "short" as const } },
    ],
  };
}
