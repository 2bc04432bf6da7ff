/**
 * graphite-web's events(*tags): the request's events (Loupe's annotations) as a series of one-second
 * steps over [from, until) — the value is the number of events in that second, else null. Several
 * tags select the events carrying all of them, `*` every event, no tag none.
 */
import { BadRequestError } from "../../lib/errors.js";
import { makeSeries, type Value } from "../series.js";
import type { FunctionSpec } from "./types.js";

export const events: FunctionSpec = {
  name: "events",
  group: "Special",
  description: "The events (annotations) with all the given tags ('*': all), as counts per second.",
  params: [{ name: "tags", type: "string", multiple: true }],
  run: (cc, a) => {
    const tags = a.rest("tags").map((t) => {
      if (typeof t !== "string") throw new BadRequestError("events() takes quoted tag names", "bad_argument");
      return t;
    });
    const startS = Math.floor(cc.ctx.from / 1000);
    const endS = Math.floor(cc.ctx.until / 1000);
    const n = Math.max(0, endS - startS);
    cc.ctx.budget.takePoints(n, "events()");
    const values: Value[] = new Array<Value>(n).fill(null);
    const source = cc.ctx.events;
    if (tags.length > 0 && source !== undefined) {
      for (const t of source(startS * 1000, endS * 1000, tags.includes("*") ? undefined : tags)) {
        const i = Math.floor(t / 1000) - startS;
        if (i >= 0 && i < n) values[i] = (values[i] ?? 0) + 1;
      }
    }
    // graphite-web: events("a", "b"), and events("") without tags
    const name = `events("${tags.join(`", "`)}")`;
    return [makeSeries(name, startS * 1000, 1000, values)];
  },
};
