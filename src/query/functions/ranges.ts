/**
 * More functions over time ranges: exponentialMovingAverage (look-back), integralByInterval,
 * timeSlice, timeStack (several shifted ranges).
 */
import { BadRequestError } from "../../lib/errors.js";
import { safeAvg, type Series, type Value } from "../series.js";
import { parseOffset, parseTime } from "../time.js";
import { intArg, seriesArg, strArg } from "./args.js";
import type { FunctionSpec } from "./types.js";
import { intervalMs, reevaluate } from "./window.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

export const exponentialMovingAverage: FunctionSpec = {
  name: "exponentialMovingAverage",
  group: "Calculate",
  description: "EMA with constant 2 / (windowSize + 1), seeded by the average of the first window (as graphite-web, its first value is drawn at the first point).",
  params: [SERIES, { name: "windowSize", type: "intOrInterval", required: true }],
  run: (cc, a) => {
    const list = seriesArg(a, "seriesList");
    if (list.length === 0) return [];
    const w = a.get("windowSize");
    const maxStep = list.reduce((m, s) => Math.max(m, s.step), 0);
    let preview: number;
    let constant: number;
    if (typeof w === "string") {
      preview = intervalMs(w);
      constant = 2 / (preview / 1000 + 1);
    } else if (typeof w === "number" && Number.isInteger(w) && w >= 0) {
      preview = maxStep * w;
      constant = 2 / (w + 1);
    } else throw new BadRequestError(`exponentialMovingAverage: windowSize must be a number of points or an interval string, got ${JSON.stringify(w)}`, "bad_argument");
    const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
    return reevaluate(cc, { from: cc.ctx.from - preview, step: maxStep }).map((s) => {
      const points = typeof w === "string" ? Math.floor(preview / s.step) : (w as number);
      const name = typeof w === "string" ? `exponentialMovingAverage(${s.name},"${w}")` : `exponentialMovingAverage(${s.name},${w as number})`;
      let ema = safeAvg(s.values.slice(0, points)) ?? 0;
      const out: Value[] = [r6(ema)];
      for (let i = points; i < s.values.length; i++) {
        const v = s.values[i]!;
        if (v === null) out.push(null);
        else {
          ema = constant * v + (1 - constant) * ema;
          out.push(r6(ema));
        }
      }
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, start: s.start + preview, values: out };
    });
  },
};

export const integralByInterval: FunctionSpec = {
  name: "integralByInterval",
  group: "Transform",
  description: "Running sum that restarts at 0 every interval counted from `from`; a null keeps the sum so far.",
  params: [SERIES, { name: "intervalUnit", type: "string", required: true }],
  run: (cc, a) => {
    const unitText = strArg(a, "intervalUnit");
    const interval = intervalMs(unitText);
    const from = cc.ctx.from;
    return seriesArg(a, "seriesList").map((s) => {
      let cur = 0;
      const out = s.values.map((v, i) => {
        const t = s.start + i * s.step;
        if (Math.floor((t - from) / interval) !== Math.floor((t - from - s.step) / interval)) cur = 0;
        if (v !== null) cur += v;
        return cur;
      });
      const name = `integralByInterval(${s.name},'${unitText}')`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: out };
    });
  },
};

export const timeSlice: FunctionSpec = {
  name: "timeSlice",
  group: "Transform",
  description: "Keeps the values between two times (inclusive); the others become null.",
  params: [SERIES, { name: "startSliceAt", type: "string", required: true }, { name: "endSliceAt", type: "string", default: "now" }],
  run: (cc, a) => {
    const start = Math.floor(parseTime(strArg(a, "startSliceAt"), cc.ctx.now) / 1000);
    const end = Math.floor(parseTime(strArg(a, "endSliceAt"), cc.ctx.now) / 1000);
    return seriesArg(a, "seriesList").map((s) => {
      const name = `timeSlice(${s.name}, ${start}, ${end})`;
      return {
        ...s,
        tags: { ...s.tags },
        name,
        pathExpression: name,
        values: s.values.map((v, i) => {
          // graphite-web walks the values from the request's start, not the series' (one step early)
          const t = (cc.ctx.from + i * s.step) / 1000;
          return t < start || t > end ? null : v;
        }),
      };
    });
  },
};

export const timeStack: FunctionSpec = {
  name: "timeStack",
  group: "Transform",
  description: "The series again for each shift from timeShiftStart to timeShiftEnd - 1 units of timeShiftUnit back, drawn over the current range.",
  params: [SERIES, { name: "timeShiftUnit", type: "interval", default: "1d" }, { name: "timeShiftStart", type: "integer", default: 0 }, { name: "timeShiftEnd", type: "integer", default: 7 }],
  run: (cc, a) => {
    let unit = strArg(a, "timeShiftUnit").trim();
    if (/^\d/.test(unit)) unit = `-${unit}`;
    const delta = parseOffset(unit);
    const first = intArg(a, "timeShiftStart");
    const last = intArg(a, "timeShiftEnd");
    if (last - first > 100) throw new BadRequestError("timeStack: at most 100 shifts", "bad_argument");
    const list = seriesArg(a, "seriesList");
    if (list.length === 0) return [];
    const base = list[0]!;
    const out: Series[] = [];
    for (let k = first; k < last; k++) {
      for (const s of reevaluate(cc, { from: cc.ctx.from + delta * k, until: cc.ctx.until + delta * k, step: base.step })) {
        const name = `timeShift(${s.name}, ${unit}, ${k})`;
        out.push({ ...s, tags: { ...s.tags }, name, pathExpression: name, start: base.start, values: s.values.slice(0, base.values.length) });
      }
    }
    return out;
  },
};
