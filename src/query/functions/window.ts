/**
 * Functions that look at time windows or other time ranges: movingAverage (re-fetches a look-back),
 * summarize, hitcount, timeShift (re-fetches a shifted range), constantLine.
 */
import { BadRequestError } from "../../lib/errors.js";
import { AGG_FUNCS, aggName, makeSeries, pyNumber, safeSum, xffOk, type Series, type Value } from "../series.js";
import { parseOffset } from "../time.js";
import { boolArg, numArg, optNumArg, seriesArg, strArg } from "./args.js";
import type { ArgValue, CallContext, FunctionSpec } from "./types.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

/** Most buckets summarize and hitcount may make per series (like the store's own bound). */
const MAX_BUCKETS = 1_000_000;

function checkBuckets(name: string, span: number, interval: number): void {
  if (span / interval > MAX_BUCKETS) throw new BadRequestError(`${name}: the interval makes more than ${MAX_BUCKETS} buckets`, "too_many_points");
}

export function intervalMs(text: string): number {
  const ms = Math.abs(parseOffset(text));
  if (ms === 0) throw new BadRequestError(`interval ${JSON.stringify(text)} must not be zero`, "bad_argument");
  return ms;
}

export function reevaluate(cc: CallContext, over: { from?: number; until?: number; step?: number }): Series[] {
  const expr = cc.argExpr("seriesList");
  if (expr === undefined) throw new BadRequestError(`${cc.call.name}: missing seriesList`, "bad_argument");
  return cc.evaluate(expr, over);
}

/** graphite-web's movingWindow: `func` over the non-null values among the window before each point. */
function movingWindow(cc: CallContext, list: Series[], w: ArgValue | undefined, func: string, xff: number | undefined): Series[] {
  if (list.length === 0) return [];
  const fn = AGG_FUNCS[aggName(func)];
  const maxStep = list.reduce((m, s) => Math.max(m, s.step), 0);
  let preview: number;
  if (typeof w === "string") preview = intervalMs(w);
  else if (typeof w === "number" && Number.isInteger(w) && w >= 0) preview = maxStep * w;
  else throw new BadRequestError(`${cc.call.name}: windowSize must be a number of points or an interval string, got ${JSON.stringify(w)}`, "bad_argument");
  const wider = reevaluate(cc, { from: cc.ctx.from - preview, step: maxStep });
  const label = `moving${func.charAt(0).toUpperCase()}${func.slice(1).toLowerCase()}`;
  return wider.map((s) => {
    const points = typeof w === "string" ? Math.floor(preview / s.step) : (w as number);
    const name = typeof w === "string" ? `${label}(${s.name},"${w}")` : `${label}(${s.name},${w as number})`;
    const out: Value[] = [];
    for (let i = points; i < s.values.length; i++) {
      // points × window work: a long window over a long range must not outlive [query] timeout
      if ((i & 1023) === 0) cc.ctx.budget.check(`computing ${label} of ${s.name}`);
      const window: number[] = [];
      for (let j = i - points; j < i; j++) {
        const v = s.values[j]!;
        if (v !== null) window.push(v);
      }
      out.push(window.length > 0 && xffOk(window.length, points, xff ?? s.xff) ? fn(window) : null);
    }
    return { ...s, tags: { ...s.tags }, name, pathExpression: name, start: s.start + preview, values: out };
  });
}

const WINDOW = { name: "windowSize", type: "intOrInterval", required: true } as const;
const XFF = { name: "xFilesFactor", type: "float" } as const;

function moving(name: string, func: string, what: string): FunctionSpec {
  return {
    name,
    group: "Calculate",
    description: `${what} of the preceding windowSize points (a number) or time (a string such as '5min') before each point.`,
    params: [SERIES, WINDOW, XFF],
    run: (cc, a) => movingWindow(cc, seriesArg(a, "seriesList"), a.get("windowSize"), func, optNumArg(a, "xFilesFactor")),
  };
}

export const movingAverage = moving("movingAverage", "average", "Average");
export const movingSum = moving("movingSum", "sum", "Sum");
export const movingMin = moving("movingMin", "min", "Minimum");
export const movingMax = moving("movingMax", "max", "Maximum");
export const movingMedian = moving("movingMedian", "median", "Median");
export const movingWindowFn: FunctionSpec = {
  name: "movingWindow",
  group: "Calculate",
  description: "An aggregation function (average by default) over the preceding windowSize points or time before each point.",
  params: [SERIES, WINDOW, { name: "func", type: "aggFunc", default: "average" }, XFF],
  run: (cc, a) => movingWindow(cc, seriesArg(a, "seriesList"), a.get("windowSize"), strArg(a, "func"), optNumArg(a, "xFilesFactor")),
};

export const summarize: FunctionSpec = {
  name: "summarize",
  group: "Transform",
  description: "Summarizes into buckets of the interval (sum by default), aligned to the interval or, with alignToFrom, to the start.",
  params: [SERIES, { name: "intervalString", type: "interval", required: true }, { name: "func", type: "aggFunc", default: "sum" }, { name: "alignToFrom", type: "boolean", default: false }],
  run: (_cc, a) => {
    const intervalText = strArg(a, "intervalString");
    const interval = intervalMs(intervalText);
    const funcText = typeof a.get("func") === "string" ? (a.get("func") as string) : "sum";
    const fn = AGG_FUNCS[aggName(funcText)];
    const alignToFrom = boolArg(a, "alignToFrom");
    return seriesArg(a, "seriesList").map((s) => {
      const end = s.start + s.values.length * s.step;
      const newStart = alignToFrom ? s.start : s.start - (((s.start % interval) + interval) % interval);
      const newEnd = alignToFrom ? end : end - (((end % interval) + interval) % interval) + interval;
      checkBuckets("summarize", newEnd - newStart, interval);
      const intervalPoints = interval / s.step;
      const n = s.values.length;
      const out: Value[] = [];
      let i = 0;
      let ts = newStart;
      while (ts < newEnd) {
        let first = i;
        let nonNull = 0;
        while (i < n && s.start + i * s.step < ts + interval) {
          const t = s.start + i * s.step;
          if (t <= ts) first = i;
          if (t >= ts && s.values[i] !== null) nonNull++;
          i++;
        }
        out.push(xffOk(nonNull, intervalPoints, s.xff) ? fn(s.values.slice(first, i)) : null);
        ts += interval;
      }
      const name = `summarize(${s.name}, "${intervalText}", "${funcText}"${alignToFrom ? ", true" : ""})`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, start: newStart, step: interval, values: out };
    });
  },
};

function floorTo(t: number, unit: number): number {
  return Math.floor(t / unit) * unit;
}

export const hitcount: FunctionSpec = {
  name: "hitcount",
  group: "Transform",
  description: "Treats values as hits per second and counts hits per interval, spreading each point over the buckets it covers.",
  params: [SERIES, { name: "intervalString", type: "interval", required: true }, { name: "alignToInterval", type: "boolean", default: false }],
  run: (cc, a) => {
    const intervalText = strArg(a, "intervalString");
    const interval = intervalMs(intervalText);
    const align = boolArg(a, "alignToInterval");
    let list = seriesArg(a, "seriesList");
    const ends = new Map<Series, number>();
    if (align) {
      const unit = interval >= 86_400_000 ? 86_400_000 : interval >= 3_600_000 ? 3_600_000 : interval >= 60_000 ? 60_000 : 1;
      list = reevaluate(cc, { from: floorTo(cc.ctx.from, unit) });
      for (const s of list) {
        const count = Math.floor((s.values.length * s.step) / interval);
        ends.set(s, s.start + count * interval + interval);
      }
    }
    return list.map((s) => {
      const end = ends.get(s) ?? s.start + s.values.length * s.step;
      checkBuckets("hitcount", end - s.start, interval);
      const bucketCount = Math.ceil((end - s.start) / interval);
      const buckets: number[][] = Array.from({ length: bucketCount }, () => []);
      const newStart = end - bucketCount * interval;
      s.values.forEach((v, i) => {
        if (v === null) return;
        const startTime = s.start + i * s.step;
        const sb = Math.floor((startTime - newStart) / interval);
        const smod = startTime - newStart - sb * interval;
        const endTime = startTime + s.step;
        let eb = Math.floor((endTime - newStart) / interval);
        let emod = endTime - newStart - eb * interval;
        if (eb >= bucketCount) {
          eb = bucketCount - 1;
          emod = interval;
        }
        if (sb === eb) {
          if (sb >= 0) buckets[sb]!.push((v * (emod - smod)) / 1000);
        } else {
          if (sb >= 0) buckets[sb]!.push((v * (interval - smod)) / 1000);
          for (let j = sb + 1; j < eb; j++) if (j >= 0) buckets[j]!.push((v * interval) / 1000);
          if (emod > 0) buckets[eb]!.push((v * emod) / 1000);
        }
      });
      const name = `hitcount(${s.name}, "${intervalText}"${align ? ", true" : ""})`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, start: newStart, step: interval, values: buckets.map((b) => (b.length > 0 ? safeSum(b) : null)) };
    });
  },
};

export const timeShift: FunctionSpec = {
  name: "timeShift",
  group: "Transform",
  description: "Draws the series shifted in time ('1d' or '-1d' shows a day ago, '+1h' an hour ahead).",
  params: [SERIES, { name: "timeShift", type: "interval", required: true }, { name: "resetEnd", type: "boolean", default: true }, { name: "alignDst", type: "boolean", default: false }],
  run: (cc, a) => {
    let shift = strArg(a, "timeShift").trim();
    if (/^\d/.test(shift)) shift = `-${shift}`;
    const delta = parseOffset(shift);
    const resetEnd = a.get("resetEnd") === undefined ? true : boolArg(a, "resetEnd");
    const list = seriesArg(a, "seriesList");
    if (list.length === 0) return [];
    const base = list[0]!;
    const shifted = reevaluate(cc, { from: cc.ctx.from + delta, until: cc.ctx.until + delta, step: base.step });
    return shifted.map((s) => {
      const name = `timeShift(${s.name}, "${shift}")`;
      const values = resetEnd ? s.values.slice(0, base.values.length) : s.values;
      return { ...s, tags: { ...s.tags }, name, start: base.start, values };
    });
  },
};

export const constantLine: FunctionSpec = {
  name: "constantLine",
  group: "Special",
  description: "A horizontal line at the value across the graph (three points: start, middle, end).",
  params: [{ name: "value", type: "float", required: true }],
  run: (cc, a) => {
    const v = numArg(a, "value");
    const text = pyNumber(v, false);
    const startS = Math.floor(cc.ctx.from / 1000);
    const endS = Math.floor(cc.ctx.until / 1000);
    const stepS = Math.max(1, Math.trunc((endS - startS) / 2));
    const s = makeSeries(text, startS * 1000, stepS * 1000, [v, v, v]);
    s.pathExpression = `constantLine(${text})`;
    return [s];
  },
};
