/**
 * Holt-Winters forecasting as graphite-web does it (additive seasonality; alpha = gamma = 0.1,
 * beta = 0.0035), bootstrapped from data before the range: holtWintersForecast,
 * holtWintersConfidenceBands, holtWintersAberration.
 */
import { BadRequestError } from "../../lib/errors.js";
import type { Series, Value } from "../series.js";
import { numArg, seriesArg, strArg } from "./args.js";
import type { CallContext, FunctionSpec } from "./types.js";
import { intervalMs, reevaluate } from "./window.js";

const SERIES = { name: "seriesList", type: "seriesList", required: true } as const;
const BOOTSTRAP = { name: "bootstrapInterval", type: "interval", default: "7d" } as const;
const SEASONALITY = { name: "seasonality", type: "interval", default: "1d" } as const;

interface Analysis {
  readonly predictions: Value[];
  readonly deviations: Value[];
}

/** graphite-web's holtWintersAnalysis over one series' values. */
export function holtWintersAnalysis(values: readonly Value[], seasonLength: number): Analysis {
  const alpha = 0.1;
  const gamma = 0.1;
  const beta = 0.0035;
  const intercepts: Value[] = [];
  const slopes: number[] = [];
  const seasonals: number[] = [];
  const predictions: Value[] = [];
  const deviations: number[] = [];
  const lastSeasonal = (i: number): number => {
    const j = i - seasonLength;
    return j >= 0 ? (seasonals[j] ?? 0) : 0;
  };
  const lastDeviation = (i: number): number => {
    const j = i - seasonLength;
    return j >= 0 ? (deviations[j] ?? 0) : 0;
  };
  let nextPred: Value = null;
  for (let i = 0; i < values.length; i++) {
    const actual = values[i]!;
    if (actual === null) {
      intercepts.push(null);
      slopes.push(0);
      seasonals.push(0);
      predictions.push(nextPred);
      deviations.push(0);
      nextPred = null;
      continue;
    }
    let lastIntercept: number;
    let lastSlope: number;
    let prediction: Value;
    if (i === 0) {
      lastIntercept = actual;
      lastSlope = 0;
      prediction = actual;
    } else {
      lastIntercept = intercepts[intercepts.length - 1] ?? actual;
      lastSlope = slopes[slopes.length - 1]!;
      prediction = nextPred;
    }
    const ls = lastSeasonal(i);
    const nextLs = lastSeasonal(i + 1);
    const lsDev = lastDeviation(i);
    const intercept = alpha * (actual - ls) + (1 - alpha) * (lastIntercept + lastSlope);
    const slope = beta * (intercept - lastIntercept) + (1 - beta) * lastSlope;
    const seasonal = gamma * (actual - intercept) + (1 - gamma) * ls;
    nextPred = intercept + slope + nextLs;
    const deviation = gamma * Math.abs(actual - (prediction ?? 0)) + (1 - gamma) * lsDev;
    intercepts.push(intercept);
    slopes.push(slope);
    seasonals.push(seasonal);
    predictions.push(prediction);
    deviations.push(deviation);
  }
  return { predictions, deviations };
}

interface Fitted {
  readonly source: Series;
  readonly start: number;
  readonly forecast: Value[];
  readonly deviation: Value[];
}

function fit(cc: CallContext, bootstrapText: string, seasonalityText: string): Fitted[] {
  const preview = intervalMs(bootstrapText);
  const season = intervalMs(seasonalityText);
  return reevaluate(cc, { from: cc.ctx.from - preview }).map((s) => {
    const a = holtWintersAnalysis(s.values, Math.floor(season / s.step));
    const skip = Math.floor(preview / s.step);
    return { source: s, start: s.start + preview, forecast: a.predictions.slice(skip), deviation: a.deviations.slice(skip) };
  });
}

function derived(f: Fitted, name: string, values: Value[]): Series {
  return { ...f.source, tags: { ...f.source.tags }, name, pathExpression: name, start: f.start, values };
}

export const holtWintersForecast: FunctionSpec = {
  name: "holtWintersForecast",
  group: "Calculate",
  description: "Holt-Winters forecast of each series, bootstrapped from bootstrapInterval (7d) of earlier data, with a seasonality (1d).",
  params: [SERIES, BOOTSTRAP, SEASONALITY],
  run: (cc, a) => fit(cc, strArg(a, "bootstrapInterval"), strArg(a, "seasonality")).map((f) => derived(f, `holtWintersForecast(${f.source.name})`, f.forecast)),
};

function bands(cc: CallContext, delta: number, bootstrap: string, seasonality: string): Array<{ f: Fitted; lower: Value[]; upper: Value[] }> {
  if (!Number.isFinite(delta)) throw new BadRequestError("delta must be a number", "bad_argument");
  return fit(cc, bootstrap, seasonality).map((f) => {
    const lower: Value[] = [];
    const upper: Value[] = [];
    for (let i = 0; i < f.forecast.length; i++) {
      const p = f.forecast[i] ?? null;
      const d = f.deviation[i] ?? null;
      lower.push(p === null || d === null ? null : p - delta * d);
      upper.push(p === null || d === null ? null : p + delta * d);
    }
    return { f, lower, upper };
  });
}

const DELTA = { name: "delta", type: "integer", default: 3 } as const;

export const holtWintersConfidenceBands: FunctionSpec = {
  name: "holtWintersConfidenceBands",
  group: "Calculate",
  description: "Lower and upper bands: the Holt-Winters forecast ∓ delta (3) times the predicted deviation.",
  params: [SERIES, DELTA, BOOTSTRAP, SEASONALITY],
  run: (cc, a) =>
    bands(cc, numArg(a, "delta"), strArg(a, "bootstrapInterval"), strArg(a, "seasonality")).flatMap(({ f, lower, upper }) => [
      derived(f, `holtWintersConfidenceLower(${f.source.name})`, lower),
      derived(f, `holtWintersConfidenceUpper(${f.source.name})`, upper),
    ]),
};

export const holtWintersAberration: FunctionSpec = {
  name: "holtWintersAberration",
  group: "Calculate",
  description: "How far each value lies outside its Holt-Winters confidence bands (0 inside them).",
  params: [SERIES, DELTA, BOOTSTRAP, SEASONALITY],
  run: (cc, a) => {
    const list = seriesArg(a, "seriesList");
    const byName = new Map(bands(cc, numArg(a, "delta"), strArg(a, "bootstrapInterval"), strArg(a, "seasonality")).map((b) => [b.f.source.name, b]));
    return list.map((s) => {
      const b = byName.get(s.name);
      const values = s.values.map((v, i) => {
        if (v === null || b === undefined) return 0;
        const up = b.upper[i] ?? null;
        const lo = b.lower[i] ?? null;
        if (up !== null && v > up) return v - up;
        if (lo !== null && v < lo) return v - lo;
        return 0;
      });
      const name = `holtWintersAberration(${s.name})`;
      return { ...s, tags: { ...s.tags }, name, pathExpression: name, values };
    });
  },
};
