/**
 * Annotations API (times in ms): list by range, tags and dashboard; add (the UI, and scripts
 * posting deploy markers); delete. A POST without `time` marks now.
 */
import { Router } from "express";
import { z } from "zod";
import { access } from "../../access.js";
import { NotFoundError } from "../../../lib/errors.js";
import type { Clock } from "../../../lib/clock.js";
import { parseOrThrow, type AnnotationService } from "../../../dashboards/index.js";
import { actorOf, jsonBody, queryList, queryString } from "./dashboards.js";

export interface AnnotationRoutesDeps {
  readonly annotations: AnnotationService;
  readonly clock: Clock;
}

const ms = z.number().int().min(0).max(8.64e15);
const addBody = z
  .object({
    time: ms.optional(),
    timeEnd: ms.optional(),
    text: z.string().trim().min(1).max(10_000),
    tags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
    dashboardUid: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).nullable().optional(),
  })
  .refine((b) => b.timeEnd === undefined || b.time === undefined || b.timeEnd >= b.time, { message: "must not be before time", path: ["timeEnd"] });

const listQuery = z.object({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(10_000).optional(),
});

export function annotationRoutes(deps: AnnotationRoutesDeps): Router {
  const router = Router();

  router.get("/api/annotations", access("viewer"), (req, res) => {
    const q = parseOrThrow(listQuery, {
      from: queryString(req, "from") || undefined,
      to: queryString(req, "to") || undefined,
      limit: queryString(req, "limit") || undefined,
    });
    const dashboardUid = queryString(req, "dashboardUid");
    const tags = queryList(req, "tags");
    const matchAny = queryString(req, "matchAny") === "true";
    res.json(
      deps.annotations.list({
        from: q.from ?? 0,
        to: q.to ?? Number.MAX_SAFE_INTEGER,
        ...(tags.length > 0 ? { tags } : {}),
        ...(matchAny ? { matchAny } : {}),
        ...(dashboardUid !== "" ? { dashboardUid } : {}),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
      }),
    );
  });

  router.post("/api/annotations", access("editor"), jsonBody("64kb"), (req, res) => {
    const b = parseOrThrow(addBody, req.body);
    const time = b.time ?? deps.clock.now();
    const a = deps.annotations.add(
      {
        time,
        text: b.text,
        ...(b.timeEnd !== undefined ? { timeEnd: Math.max(b.timeEnd, time) } : {}),
        ...(b.tags !== undefined ? { tags: b.tags } : {}),
        ...(b.dashboardUid !== undefined ? { dashboardUid: b.dashboardUid } : {}),
      },
      actorOf(res),
    );
    res.status(201).json(a);
  });

  router.delete("/api/annotations/:id", access("editor"), (req, res) => {
    const id = Number(req.params["id"]);
    if (!Number.isSafeInteger(id) || !deps.annotations.delete(id)) throw new NotFoundError(`no annotation ${String(req.params["id"])}`, "annotation_not_found");
    res.status(204).end();
  });

  return router;
}
