/**
 * Graphite's events API, read side: `GET /events/get_data?from=&until=&tags=` answers
 * graphite-web's JSON (`[{"when": seconds, "what", "data", "tags": [...], "id"}]`), so a Grafana
 * Graphite datasource shows Loupe's annotations. Times are Graphite "at" times (`-6h`, `now`,
 * epoch seconds, `HH:MM_YYYYMMDD`, `YYYYMMDD`); tags are space-separated and all must match
 * (`set=union`: any).
 *
 * Write side, for scripts that posted deploy markers to graphite-web: `POST /events/` with
 * `{"what", "tags": [...] or "a b", "when": seconds?, "data"?}` stores an annotation.
 */
import { Router } from "express";
import { z } from "zod";
import { access } from "../access.js";
import { BadRequestError } from "../../lib/errors.js";
import type { Clock } from "../../lib/clock.js";
import { parseOrThrow, type AnnotationService } from "../../dashboards/index.js";
import { actorOf, jsonBody, queryList, queryString } from "./api/dashboards.js";

export interface EventRoutesDeps {
  readonly annotations: AnnotationService;
  readonly clock: Clock;
}

export interface GraphiteEvent {
  readonly when: number;
  readonly what: string;
  readonly data: string;
  readonly tags: readonly string[];
  readonly id: number;
}

const UNIT_MS: ReadonlyArray<readonly [RegExp, number]> = [
  [/^s(ec(ond)?s?)?$/, 1000],
  [/^min(ute)?s?$/, 60_000],
  [/^h(our)?s?$/, 3_600_000],
  [/^d(ay)?s?$/, 86_400_000],
  [/^w(eek)?s?$/, 7 * 86_400_000],
  [/^mon(th)?s?$/, 30 * 86_400_000],
  [/^m$/, 60_000],
  [/^y(ear)?s?$/, 365 * 86_400_000],
];

/** A Graphite "at" time in ms; undefined when it cannot be read. */
export function parseGraphiteTime(text: string, now: number): number | undefined {
  const s = text.trim().toLowerCase();
  if (s === "" || s === "now") return now;
  if (/^\d{9,11}(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const rel = /^(now)?([+-])(\d+)([a-z]+)$/.exec(s);
  if (rel !== null) {
    const unit = UNIT_MS.find(([re]) => re.test(rel[4]!));
    if (unit === undefined) return undefined;
    return now + (rel[2] === "-" ? -1 : 1) * Number(rel[3]) * unit[1];
  }
  const abs = /^(?:(\d{1,2}):(\d{2})_)?(\d{4})(\d{2})(\d{2})$/.exec(s);
  if (abs !== null) {
    const t = Date.UTC(Number(abs[3]), Number(abs[4]) - 1, Number(abs[5]), Number(abs[1] ?? 0), Number(abs[2] ?? 0));
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

const postBody = z.object({
  what: z.string().trim().min(1).max(255),
  data: z.string().max(9000).optional(),
  tags: z.union([z.array(z.string()), z.string()]).optional(),
  when: z.number().min(0).max(8.64e12).optional(),
});

export function eventRoutes(deps: EventRoutesDeps): Router {
  const router = Router();
  router.post(["/events", "/events/"], access("editor"), jsonBody("64kb"), (req, res) => {
    const b = parseOrThrow(postBody, req.body);
    const tags = (typeof b.tags === "string" ? b.tags.split(/[\s,]+/) : (b.tags ?? [])).map((t) => t.trim()).filter((t) => t !== "");
    const text = b.data !== undefined && b.data.trim() !== "" ? `${b.what}\n${b.data}` : b.what;
    const a = deps.annotations.add({ time: b.when === undefined ? deps.clock.now() : Math.round(b.when * 1000), text, tags }, actorOf(res));
    res.status(200).json({ id: a.id });
  });

  router.get("/events/get_data", access("viewer"), (req, res) => {
    const now = deps.clock.now();
    const fromText = queryString(req, "from");
    const untilText = queryString(req, "until");
    const from = fromText === "" ? 0 : parseGraphiteTime(fromText, now);
    const until = untilText === "" ? now : parseGraphiteTime(untilText, now);
    if (from === undefined) throw new BadRequestError(`from: cannot read time "${fromText}"`, "validation_failed");
    if (until === undefined) throw new BadRequestError(`until: cannot read time "${untilText}"`, "validation_failed");
    const tags = queryList(req, "tags", /[\s,]+/);
    const events: GraphiteEvent[] = deps.annotations
      .list({ from, to: until, ...(tags.length > 0 ? { tags } : {}), ...(queryString(req, "set") === "union" ? { matchAny: true } : {}), limit: 10_000 })
      .map((a) => {
        // first line → what, the rest → data (as POST /events/ stores them)
        const nl = a.text.indexOf("\n");
        return { when: a.time / 1000, what: nl < 0 ? a.text : a.text.slice(0, nl), data: nl < 0 ? "" : a.text.slice(nl + 1), tags: a.tags, id: a.id };
      });
    res.json(events);
  });
  return router;
}
