/**
 * Graphite's events API, read side: `GET /events/get_data?from=&until=&tags=` answers
 * graphite-web's JSON (`[{"when": seconds, "what", "data", "tags": [...], "id"}]`), so a Grafana
 * Graphite datasource shows Loupe's annotations. Times are Graphite "at" times (`-6h`, `now`,
 * epoch seconds, `HH:MM_YYYYMMDD`, `YYYYMMDD`); tags are space-separated and all must match
 * (`set=union`: any).
 */
import { Router } from "express";
import { access } from "../access.js";
import { BadRequestError } from "../../lib/errors.js";
import type { Clock } from "../../lib/clock.js";
import type { AnnotationService } from "../../dashboards/index.js";
import { queryList, queryString } from "./api/dashboards.js";

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

export function eventRoutes(deps: EventRoutesDeps): Router {
  const router = Router();
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
      .map((a) => ({ when: a.time / 1000, what: a.text.split("\n", 1)[0]!, data: a.text, tags: a.tags, id: a.id }));
    res.json(events);
  });
  return router;
}
