/**
 * Dashboard JSON API: list/search, get, save with optimistic versioning, delete (to the trash),
 * version history and restore, export (attachment) and import (Loupe or Grafana JSON). Reads need
 * Viewer, writes Editor; the trash ("Recently deleted": list, restore) Admin, as in Grafana. Bodies are
 * validated with zod; a bad field answers 400 `validation_failed` naming it.
 */
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { access, principalOf } from "../../access.js";
import { NotFoundError } from "../../../lib/errors.js";
import type { Clock } from "../../../lib/clock.js";
import { exportDashboard, newUid, parseOrThrow, type DashboardService } from "../../../dashboards/index.js";

export interface DashboardRoutesDeps {
  readonly dashboards: DashboardService;
  readonly clock: Clock;
}

/** JSON body parser for one route (never router-wide, so other routers' bodies are left alone). */
export function jsonBody(limit: string | number = "2mb"): RequestHandler {
  return express.json({ limit, strict: false });
}

/** Who made a change, as recorded in history: the principal's login (or name). */
export function actorOf(res: Response): string | null {
  const p = principalOf(res);
  return p?.login ?? p?.name ?? null;
}

/** One query parameter as a string ("" when absent; the first when repeated). */
export function queryString(req: Request, name: string): string {
  const v = (req.query as Record<string, unknown>)[name];
  if (typeof v === "string") return v;
  if (Array.isArray(v) && typeof v[0] === "string") return v[0];
  return "";
}

/** A query parameter given repeatedly and/or comma-separated (`tag=a&tag=b`, `tags=a,b`). */
export function queryList(req: Request, name: string, separator: RegExp = /,/): string[] {
  const v = (req.query as Record<string, unknown>)[name];
  const parts = typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  return parts
    .flatMap((p) => p.split(separator))
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function param(req: Request, name: string): string {
  return String((req.params as Record<string, string | undefined>)[name] ?? "");
}

const saveBody = z.object({
  dashboard: z.record(z.string(), z.unknown()),
  message: z.string().max(500).optional(),
  expectedVersion: z.number().int().min(0).optional(),
});

const versionParam = z.coerce.number().int().min(1);
const restoreBody = z.object({ version: z.number().int().min(1), expectedVersion: z.number().int().min(0).optional() });

/** "Recently deleted" (Admins, as in Grafana): the dashboards in the trash, and restoring one as it was. */
function addTrashRoutes(router: Router, dashboards: DashboardService): void {
  router.get("/api/dashboards/trash", access("admin"), (_req, res) => {
    res.json(dashboards.trash());
  });

  router.post("/api/dashboards/uid/:uid/restore", access("admin"), (req, res) => {
    const uid = param(req, "uid");
    if (!dashboards.restore(uid)) throw new NotFoundError(`no deleted dashboard "${uid}" (restored already, never deleted, or purged after [dashboards] trash_retention)`, "dashboard_not_in_trash");
    res.json(dashboards.get(uid));
  });
}

export function dashboardRoutes(deps: DashboardRoutesDeps): Router {
  const { dashboards } = deps;
  const router = Router();
  const found = (uid: string) => {
    const d = dashboards.get(uid);
    if (d === undefined) throw new NotFoundError(`no dashboard "${uid}"`, "dashboard_not_found");
    return d;
  };

  router.get("/api/dashboards", access("viewer"), (req, res) => {
    const query = queryString(req, "query");
    const tags = queryList(req, "tag");
    const list = dashboards.list({ query, ...(tags.length === 1 ? { tag: tags[0]! } : {}) });
    res.json(tags.length > 1 ? list.filter((s) => tags.every((t) => s.tags.includes(t))) : list);
  });

  router.post("/api/dashboards/import", access("editor"), jsonBody("5mb"), (req, res) => {
    const overwrite = queryString(req, "overwrite") === "true" || queryString(req, "overwrite") === "1";
    res.json(dashboards.import(req.body, actorOf(res), overwrite ? { overwrite } : {}));
  });

  // before /api/dashboards/:uid, which would take "trash" for a uid
  addTrashRoutes(router, dashboards);

  router.get("/api/dashboards/:uid", access("viewer"), (req, res) => {
    res.json(found(param(req, "uid")));
  });

  router.post("/api/dashboards", access("editor"), jsonBody("2mb"), (req, res) => {
    const body = parseOrThrow(saveBody, req.body);
    const input = { ...body.dashboard };
    if (input["uid"] === undefined || input["uid"] === "") input["uid"] = newUid();
    const saved = dashboards.save(input as Parameters<DashboardService["save"]>[0], actorOf(res), {
      ...(body.message !== undefined ? { message: body.message } : {}),
      ...(body.expectedVersion !== undefined ? { expectedVersion: body.expectedVersion } : {}),
    });
    res.json(saved);
  });

  router.delete("/api/dashboards/:uid", access("editor"), (req, res) => {
    const uid = param(req, "uid");
    if (!dashboards.delete(uid, actorOf(res))) throw new NotFoundError(`no dashboard "${uid}"`, "dashboard_not_found");
    res.status(204).end();
  });

  router.get("/api/dashboards/:uid/versions", access("viewer"), (req, res) => {
    const uid = param(req, "uid");
    found(uid);
    res.json(dashboards.versions(uid));
  });

  router.get("/api/dashboards/:uid/versions/:version", access("viewer"), (req, res) => {
    const uid = param(req, "uid");
    const version = parseOrThrow(versionParam, param(req, "version"), "version");
    found(uid); // a deleted dashboard's versions are kept, but not served until it is restored
    const d = dashboards.getVersion(uid, version);
    if (d === undefined) throw new NotFoundError(`dashboard "${uid}" has no version ${version} (only the last versions are kept)`, "version_not_found");
    res.json(d);
  });

  // Saves an old version as the newest one (history keeps everything in between).
  router.post("/api/dashboards/:uid/restore", access("editor"), jsonBody("16kb"), (req, res) => {
    const uid = param(req, "uid");
    const body = parseOrThrow(restoreBody, req.body);
    const current = found(uid);
    const old = dashboards.getVersion(uid, body.version);
    if (old === undefined) throw new NotFoundError(`dashboard "${uid}" has no version ${body.version} (only the last versions are kept)`, "version_not_found");
    res.json(dashboards.save(old, actorOf(res), { message: `restored version ${body.version}`, expectedVersion: body.expectedVersion ?? current.version }));
  });

  router.get("/api/dashboards/:uid/export", access("viewer"), (req, res) => {
    const stored = found(param(req, "uid"));
    const file = exportDashboard(stored.dashboard, deps.clock.now());
    res.attachment(`${stored.dashboard.uid}.json`);
    res.type("application/json").send(`${JSON.stringify(file, null, 2)}\n`);
  });

  return router;
}
