/**
 * Snapshots API: freeze a dashboard with the query results it showed (`data`, keyed
 * `<panelId>-<refId>`), optionally expiring; read one back by key; list; delete.
 *
 * Reading a snapshot (`GET /api/snapshots/:key` here, `/snapshot/:key` page) is guarded by
 * snapshotViewAccess(settings): it needs a Viewer unless the admin setting `snapshots_public` is
 * on, in which case the key alone is enough.
 */
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from "express";
import { z } from "zod";
import { access, principalOf, type AccessHandler } from "../../access.js";
import { BadRequestError, NotFoundError } from "../../../lib/errors.js";
import type { Clock } from "../../../lib/clock.js";
import { dashboardSchema, parseOrThrow, type SnapshotService } from "../../../dashboards/index.js";
import type { SettingsService } from "../../../store/index.js";
import { actorOf, jsonBody } from "./dashboards.js";

export interface SnapshotRoutesDeps {
  readonly snapshots: SnapshotService;
  readonly settings: SettingsService;
  readonly clock: Clock;
  /** Largest accepted body in bytes ([dashboards] snapshot_max_size). */
  readonly maxBytes: number;
}

/** Most query results one snapshot may hold. */
export const SNAPSHOT_MAX_ENTRIES = 2000;
/** Longest expiry: ten years, in seconds. */
export const SNAPSHOT_MAX_EXPIRES_IN = 10 * 365 * 86_400;

const createBody = z
  .object({
    name: z.string().trim().max(200).optional(),
    dashboard: dashboardSchema,
    range: z.object({ from: z.number().int().min(0), to: z.number().int().min(0) }).refine((r) => r.to > r.from, { message: "to must be after from", path: ["to"] }),
    data: z.record(z.string().regex(/^[A-Za-z0-9_.:-]{1,100}$/, "keys are <panelId>-<refId>"), z.unknown()),
    expiresIn: z.number().int().min(1).max(SNAPSHOT_MAX_EXPIRES_IN).nullable().optional(),
  })
  .refine((b) => Object.keys(b.data).length <= SNAPSHOT_MAX_ENTRIES, { message: `at most ${SNAPSHOT_MAX_ENTRIES} query results`, path: ["data"] });

/**
 * Guard for snapshot views: like access("viewer"), but lets a request without a principal
 * through when the admin setting `snapshots_public` is on.
 */
export function snapshotViewAccess(settings: SettingsService): AccessHandler {
  const viewer = access("viewer");
  const handler = (req: Request, res: Response, next: NextFunction): void => {
    if (principalOf(res) === undefined && settings.get().snapshots_public) return next();
    viewer(req, res, next);
  };
  return Object.assign(handler, { access: "viewer" as const });
}

export function snapshotRoutes(deps: SnapshotRoutesDeps): Router {
  const router = Router();
  const viewGuard: RequestHandler = snapshotViewAccess(deps.settings);

  router.post("/api/snapshots", access("editor"), jsonBody(deps.maxBytes), (req, res) => {
    const b = parseOrThrow(createBody, req.body);
    if (Buffer.byteLength(JSON.stringify(b.data)) > deps.maxBytes) throw new BadRequestError(`data: larger than ${deps.maxBytes} bytes`, "snapshot_too_large");
    const now = deps.clock.now();
    const s = deps.snapshots.create({
      name: b.name === undefined || b.name === "" ? b.dashboard.title : b.name,
      dashboard: b.dashboard,
      range: b.range,
      data: b.data,
      expiresAt: b.expiresIn === undefined || b.expiresIn === null ? null : now + b.expiresIn * 1000,
      createdBy: actorOf(res),
    });
    res.status(201).json({ key: s.key, url: `/snapshot/${s.key}`, expiresAt: s.expiresAt });
  });

  router.get("/api/snapshots", access("viewer"), (_req, res) => {
    res.json(deps.snapshots.list());
  });

  router.get("/api/snapshots/:key", viewGuard, (req, res) => {
    const key = String(req.params["key"]);
    const s = deps.snapshots.get(key);
    if (s === undefined) throw new NotFoundError("no such snapshot (it may have expired)", "snapshot_not_found");
    res.set("Cache-Control", "private, no-store").json(s);
  });

  router.delete("/api/snapshots/:key", access("editor"), (req, res) => {
    if (!deps.snapshots.delete(String(req.params["key"]))) throw new NotFoundError("no such snapshot", "snapshot_not_found");
    res.status(204).end();
  });

  return router;
}
