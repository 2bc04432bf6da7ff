/** The render function table: every function by name and alias, for the evaluator and /functions. */
import { absolute, consolidateBy, cumulative, derivative, integral, keepLastValue, nonNegativeDerivative, offset, perSecond, scale, transformNull } from "./transform.js";
import {
  aggregateFn,
  asPercent,
  averageSeries,
  averageSeriesWithWildcards,
  countSeries,
  diffSeries,
  divideSeries,
  group,
  groupByNodeSpecs,
  groupByTagsSpec,
  maxSeries,
  minSeries,
  multiplySeries,
  multiplySeriesWithWildcards,
  stddevSeries,
  sumSeries,
  sumSeriesWithWildcards,
} from "./combine.js";
import { alias, aliasByMetric, aliasByNode, aliasByTags, aliasSub, legendValue, substrFn } from "./alias.js";
import { exclude, grep, highest, highestAverage, highestCurrent, highestMax, limit, lowest, lowestCurrent, sortByMaxima, sortByName } from "./filter.js";
import { constantLine, hitcount, movingAverage, movingMax, movingMedian, movingMin, movingSum, movingWindowFn, summarize, timeShift } from "./window.js";
import { add, minMax, changed, delay, interpolate, invert, isNonNull, logarithm, offsetToZero, pow, removeAboveValue, removeBelowValue, round, scaleToSeconds, squareRoot } from "./math.js";
import {
  averageAbove,
  averageBelow,
  currentAbove,
  currentBelow,
  fallbackSeries,
  filterSeries,
  lowestAverage,
  maximumAbove,
  maximumBelow,
  minimumAbove,
  minimumBelow,
  mostDeviant,
  removeEmptySeries,
  sortByFn,
  sortByMinima,
  sortByTotal,
  unique,
} from "./filter.js";
import { graphFunctions } from "./graph.js";
import { aggregateLine, nPercentile, percentileOfSeries, removeAbovePercentile, removeBelowPercentile } from "./calculate.js";
import { exponentialMovingAverage, integralByInterval, timeSlice, timeStack } from "./ranges.js";
import { identity, sinFunction, threshold, timeFunction } from "./generators.js";
import { events } from "./events.js";
import { holtWintersAberration, holtWintersConfidenceBands, holtWintersForecast } from "./holt-winters.js";
import { exp, linearRegression, logit, powSeries, sigmoid, smartSummarize, stdev, weightedAverage } from "./regression.js";
import {
  aliasQuery,
  areaBetween,
  averageOutsidePercentile,
  cactiStyle,
  holtWintersConfidenceArea,
  removeBetweenPercentile,
  setXFilesFactor,
  stacked,
  useSeriesAbove,
  verticalLine,
} from "./special.js";
import { aggregateSeriesLists, aggregateWithWildcards, applyByNode, diffSeriesLists, divideSeriesLists, mapReduceSpecs, multiplySeriesLists, rangeOfSeries, sumSeriesLists } from "./lists.js";
import type { FunctionSpec } from "./types.js";

export type { FunctionSpec, ParamSpec, ParamType, CallContext, EvalContext, BoundArgs, ArgValue, EventSource } from "./types.js";
export { storeConsolidation } from "./transform.js";

const table = new Map<string, FunctionSpec>();

/** Adds functions (and their aliases) to the table; the evaluator adds seriesByTag this way. */
export function registerFunctions(specs: readonly FunctionSpec[]): void {
  for (const f of specs) {
    table.set(f.name, f);
    for (const a of f.aliases ?? []) table.set(a, f);
  }
}

registerFunctions([
  sumSeries,
  averageSeries,
  maxSeries,
  minSeries,
  diffSeries,
  multiplySeries,
  stddevSeries,
  countSeries,
  aggregateFn,
  group,
  divideSeries,
  asPercent,
  ...groupByNodeSpecs(() => table),
  scale,
  offset,
  absolute,
  derivative,
  nonNegativeDerivative,
  perSecond,
  integral,
  keepLastValue,
  transformNull,
  consolidateBy,
  movingAverage,
  summarize,
  hitcount,
  timeShift,
  constantLine,
  alias,
  aliasByNode,
  aliasByTags,
  aliasByMetric,
  aliasSub,
  highest,
  lowest,
  highestCurrent,
  highestMax,
  highestAverage,
  lowestCurrent,
  sortByMaxima,
  sortByName,
  limit,
  exclude,
  grep,
  // beyond the list of issue 5
  sumSeriesWithWildcards,
  averageSeriesWithWildcards,
  multiplySeriesWithWildcards,
  percentileOfSeries,
  movingSum,
  movingMin,
  movingMax,
  movingMedian,
  movingWindowFn,
  nPercentile,
  aggregateLine,
  invert,
  squareRoot,
  pow,
  logarithm,
  offsetToZero,
  round,
  scaleToSeconds,
  delay,
  isNonNull,
  changed,
  interpolate,
  removeAboveValue,
  removeBelowValue,
  filterSeries,
  currentAbove,
  currentBelow,
  averageAbove,
  averageBelow,
  maximumAbove,
  maximumBelow,
  minimumAbove,
  minimumBelow,
  lowestAverage,
  removeEmptySeries,
  unique,
  fallbackSeries,
  sortByFn,
  sortByTotal,
  sortByMinima,
  ...graphFunctions,
  groupByTagsSpec(() => table),
  exponentialMovingAverage,
  integralByInterval,
  timeSlice,
  timeStack,
  events,
  timeFunction,
  sinFunction,
  identity,
  threshold,
  holtWintersForecast,
  holtWintersConfidenceBands,
  holtWintersAberration,
  sumSeriesLists,
  diffSeriesLists,
  multiplySeriesLists,
  divideSeriesLists,
  aggregateSeriesLists,
  aggregateWithWildcards,
  rangeOfSeries,
  applyByNode,
  add,
  minMax,
  removeAbovePercentile,
  removeBelowPercentile,
  mostDeviant,
  substrFn,
  legendValue,
  exp,
  sigmoid,
  logit,
  powSeries,
  stdev,
  weightedAverage,
  linearRegression,
  smartSummarize,
  stacked,
  areaBetween,
  holtWintersConfidenceArea,
  cactiStyle,
  aliasQuery,
  useSeriesAbove,
  removeBetweenPercentile,
  averageOutsidePercentile,
  verticalLine,
  setXFilesFactor,
  cumulative,
  ...mapReduceSpecs(() => table),
]);

export function getFunction(name: string): FunctionSpec | undefined {
  return table.get(name);
}

/** Every name callable in a target (functions and aliases). */
export function functionNames(): string[] {
  return [...table.keys()].sort();
}

/** Each function once, under its own name. */
export function functionSpecs(): FunctionSpec[] {
  const seen = new Set<FunctionSpec>();
  const out: FunctionSpec[] = [];
  for (const f of table.values()) if (!seen.has(f)) (seen.add(f), out.push(f));
  return out.sort((a, b) => a.name.localeCompare(b.name));
}
