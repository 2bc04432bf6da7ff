/** stdev (rolling), weightedAverage, linearRegression, smartSummarize, powSeries, exp, sigmoid, logit. */
import { BadRequestError } from "../../lib/errors.js";
import { AGG_FUNCS, aggName, makeSeries, normalize, rows, safeDiv, safeSum, xffOk, type Series, type Value } from "../series.js";
import { parseTime } from "../time.js";
import { intArg, nodesArg, optNumArg, optStrArg, seriesArg, strArg } from "./args.js";
import { aggKey } from "./nodes.js";
import type { FunctionSpec } from "./types.js";
import { intervalMs, reevaluate } from "./window.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;

function mapped(s: Series, name: string, f: (v: Value) => Value): Series {
  return { ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map(f) };
}

const finite = (x: number): Value => (Number.isFinite(x) ? x : null);

export const exp: FunctionSpec = {
  name: "exp",
  group: "Transform",
  description: "e raised to each value.",
  params: [SERIES],
  run: (_cc, a) => seriesArg(a, "seriesList").map((s) => mapped(s, `exp(${s.name})`, (v) => (v === null ? null : finite(Math.exp(v))))),
};

export const sigmoid: FunctionSpec = {
  name: "sigmoid",
  group: "Transform",
  description: "1 / (1 + exp(-value)).",
  params: [SERIES],
  run: (_cc, a) => seriesArg(a, "seriesList").map((s) => mapped(s, `sigmoid(${s.name})`, (v) => (v === null ? null : 1 / (1 + Math.exp(-v))))),
};

export const logit: FunctionSpec = {
  name: "logit",
  group: "Transform",
  description: "log(value / (1 - value)); null outside (0, 1).",
  params: [SERIES],
  run: (_cc, a) =>
    seriesArg(a, "seriesList").map((s) =>
      mapped(s, `logit(${s.name})`, (v) => {
        if (v === null || v === 1) return null;
        const r = v / (1 - v);
        return r > 0 ? Math.log(r) : null;
      }),
    ),
};

export const powSeries: FunctionSpec = {
  name: "powSeries",
  group: "Combine",
  description: "At each time, the first series' value raised to the second's, then to the third's …",
  params: [{ name: "seriesList", type: "seriesList", required: true, multiple: true }],
  run: (_cc, a) => {
    const list = a.rest("seriesList").flatMap((v) => (Array.isArray(v) ? v : []));
    if (list.length === 0) return [];
    const n = normalize(list);
    const values = rows(n).map((row) => {
      let acc: Value = row[0] ?? null;
      for (let i = 1; i < row.length; i++) {
        const e = row[i] ?? null;
        if (acc === null || e === null) acc = null;
        else acc = acc === 0 && e < 0 ? null : finite(Math.pow(acc, e));
      }
      return acc;
    });
    return [makeSeries(`powSeries(${list.map((s) => s.name).join(",")})`, n.start, n.step, values)];
  },
};

export const stdev: FunctionSpec = {
  name: "stdev",
  group: "Calculate",
  description: "Rolling standard deviation over the last `points` points; null when the non-null share of the window is below windowTolerance (0.1).",
  params: [SERIES, { name: "points", type: "integer", required: true }, { name: "windowTolerance", type: "float", default: 0.1 }],
  run: (_cc, a) => {
    const points = intArg(a, "points");
    if (points <= 0) throw new BadRequestError("stdev: points must be positive", "bad_argument");
    const tol = optNumArg(a, "windowTolerance") ?? 0.1;
    return seriesArg(a, "seriesList").map((s) => {
      let valid = 0;
      let sum = 0;
      let sumSq = 0;
      const out: Value[] = s.values.map((v, i) => {
        const dropped = i >= points ? (s.values[i - points] ?? null) : null;
        if (dropped !== null) {
          valid--;
          sum -= dropped;
          sumSq -= dropped * dropped;
        }
        if (v !== null) {
          valid++;
          sum += v;
          sumSq += v * v;
        }
        if (valid > 0 && valid / points >= tol) {
          const d = valid * sumSq - sum * sum;
          return d < 0 ? null : Math.sqrt(d) / valid;
        }
        return null;
      });
      return { ...s, tags: { ...s.tags }, name: `stdev(${s.name},${points})`, pathExpression: `stdev(${s.name},${points})`, values: out };
    });
  },
};

export const weightedAverage: FunctionSpec = {
  name: "weightedAverage",
  group: "Combine",
  description: "Σ(avg × weight) / Σ weight, series paired by the given nodes (or tags).",
  params: [
    { name: "seriesListAvg", type: "seriesList", required: true },
    { name: "seriesListWeight", type: "seriesList", required: true },
    { name: "nodes", type: "nodeOrTag", multiple: true },
  ],
  run: (_cc, a) => {
    const avgs = seriesArg(a, "seriesListAvg");
    const weights = seriesArg(a, "seriesListWeight");
    const nodes = nodesArg(a, "nodes");
    if (avgs.length !== weights.length)
      throw new BadRequestError(`weightedAverage must receive the same number of series for seriesListAvg and seriesListWeight but received respectively ${avgs.length} and ${weights.length}`, "bad_argument");
    const pairs = new Map<string, { avg?: Series; weight?: Series }>();
    avgs.forEach((s, i) => {
      const ka = aggKey(s, nodes);
      pairs.set(ka, { ...pairs.get(ka), avg: s });
      const w = weights[i]!;
      const kw = aggKey(w, nodes);
      pairs.set(kw, { ...pairs.get(kw), weight: w });
    });
    const products: Series[] = [];
    for (const { avg, weight } of pairs.values()) {
      if (avg === undefined || weight === undefined) continue;
      const n = normalize([avg, weight]);
      products.push(makeSeries(`product(${weight.name},${avg.name})`, n.start, n.step, rows(n).map(([x, y]) => (x == null || y == null ? null : x * y))));
    }
    if (products.length === 0) return [];
    const sp = normalize(products);
    const sw = normalize(weights);
    const prodSums = rows(sp).map(safeSum);
    const weightSums = rows(sw).map(safeSum);
    const uniq = (l: Series[]): string => [...new Set(l.map((s) => s.pathExpression))].sort().join(",");
    const name = `weightedAverage(${uniq(avgs)}, ${uniq(weights)}, ${nodes.map(String).join(",")})`;
    return [makeSeries(name, sp.start, sp.step, prodSums.map((p, i) => safeDiv(p, weightSums[i] ?? null)))];
  },
};

export const linearRegression: FunctionSpec = {
  name: "linearRegression",
  group: "Calculate",
  description: "The least-squares line of each series (fitted over startSourceAt..endSourceAt, by default the range) drawn over the range.",
  params: [SERIES, { name: "startSourceAt", type: "string" }, { name: "endSourceAt", type: "string" }],
  run: (cc, a) => {
    const list = seriesArg(a, "seriesList");
    const startText = optStrArg(a, "startSourceAt");
    const endText = optStrArg(a, "endSourceAt");
    const from = startText !== undefined ? parseTime(startText, cc.ctx.now) : cc.ctx.from;
    const until = endText !== undefined ? parseTime(endText, cc.ctx.now) : cc.ctx.until;
    const sources = reevaluate(cc, { from, until });
    const out: Series[] = [];
    sources.forEach((src, k) => {
      const s = list[k];
      if (s === undefined) return;
      let n = 0;
      let sI = 0;
      let sV = 0;
      let sII = 0;
      let sIV = 0;
      src.values.forEach((v, i) => {
        if (v === null) return;
        n++;
        sI += i;
        sV += v;
        sII += i * i;
        sIV += i * v;
      });
      const den = n * sII - sI * sI;
      if (den === 0) return;
      const stepS = src.step / 1000;
      const factor = (n * sIV - sI * sV) / den / stepS;
      const offset = (sII * sV - sIV * sI) / den - factor * (src.start / 1000);
      const name = `linearRegression(${s.name}, ${Math.floor(from / 1000)}, ${Math.floor(until / 1000)})`;
      out.push({ ...s, tags: { ...s.tags }, name, pathExpression: name, values: s.values.map((_v, i) => offset + ((s.start + i * s.step) / 1000) * factor) });
    });
    return out;
  },
};

/** Start of the UTC unit containing t (alignTo of smartSummarize). */
function alignStart(t: number, unit: string): number {
  const d = new Date(t);
  const u = unit.replace(/^[+-]?\d+/, "").toLowerCase();
  if (u.startsWith("y")) return Date.UTC(d.getUTCFullYear(), 0, 1);
  if (u.startsWith("mon")) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  if (u.startsWith("w")) {
    const want = /\d$/.test(unit) ? Number(unit.slice(-1)) : 1;
    const iso = d.getUTCDay() === 0 ? 7 : d.getUTCDay();
    let back = iso - want;
    if (back < 0) back += 7;
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - back * 86_400_000;
  }
  if (u.startsWith("d")) return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (u.startsWith("h")) return Math.floor(t / 3_600_000) * 3_600_000;
  if (u.startsWith("mi") || u === "m") return Math.floor(t / 60_000) * 60_000;
  if (u.startsWith("s")) return Math.floor(t / 1000) * 1000;
  throw new BadRequestError(`smartSummarize: unknown alignTo unit ${JSON.stringify(unit)}`, "bad_argument");
}

export const smartSummarize: FunctionSpec = {
  name: "smartSummarize",
  group: "Transform",
  description: "summarize with buckets starting at the series start, or at the start of the alignTo unit (years … seconds) before `from`.",
  params: [SERIES, { name: "intervalString", type: "interval", required: true }, { name: "func", type: "aggFunc", default: "sum" }, { name: "alignTo", type: "string" }],
  run: (cc, a) => {
    const intervalText = strArg(a, "intervalString");
    const interval = intervalMs(intervalText);
    const funcText = strArg(a, "func");
    const fn = AGG_FUNCS[aggName(funcText)];
    const alignTo = a.get("alignTo");
    let list = seriesArg(a, "seriesList");
    if (typeof alignTo === "string") list = reevaluate(cc, { from: alignStart(cc.ctx.from, alignTo) });
    return list.map((s) => {
      const end = s.start + s.values.length * s.step;
      if ((end - s.start) / interval > 1_000_000) throw new BadRequestError("smartSummarize: the interval makes more than 1000000 buckets", "too_many_points");
      const out: Value[] = [];
      let i = 0;
      for (let ts = s.start; ts < end; ts += interval) {
        let first = i;
        let nonNull = 0;
        while (i < s.values.length && s.start + i * s.step < ts + interval) {
          const t = s.start + i * s.step;
          if (t <= ts) first = i;
          if (t >= ts && s.values[i] !== null) nonNull++;
          i++;
        }
        out.push(xffOk(nonNull, interval / s.step, s.xff) ? fn(s.values.slice(first, i)) : null);
      }
      const name = `smartSummarize(${s.name}, "${intervalText}", "${funcText}")`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, step: interval, values: out };
    });
  },
};

