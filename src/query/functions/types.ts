/**
 * What a render function declares (its parameters, in graphite-web's /functions vocabulary) and
 * what it receives when it runs: bound arguments and a context that can re-evaluate an argument
 * over another time range (movingAverage's look-back, timeShift).
 */
import type { Expr, CallExpr } from "../ast.js";
import type { Series } from "../series.js";
import type { Consolidation, TimeSeriesStore } from "../../store/api.js";
import type { QueryBudget } from "../budget.js";

export type ParamType =
  | "seriesList"
  | "seriesLists"
  | "float"
  | "integer"
  | "intOrInf"
  | "string"
  | "boolean"
  | "interval"
  | "intOrInterval"
  | "node"
  | "nodeOrTag"
  | "aggFunc"
  | "aggOrSeriesFunc"
  | "tag"
  | "any";

export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly required?: boolean;
  readonly multiple?: boolean;
  readonly default?: number | string | boolean;
  readonly options?: readonly string[];
}

/** An argument after evaluation: a series list, or a literal. */
export type ArgValue = Series[] | number | string | boolean | null;

export type EventSource = (from: number, until: number, tags: readonly string[] | undefined) => readonly number[];

export interface EvalContext {
  readonly store: TimeSeriesStore;
  /** Requested range [from, until), ms. */
  readonly from: number;
  readonly until: number;
  readonly now: number;
  /** Point budget per series (maxDataPoints); the store picks tier and step from it. */
  readonly maxPoints?: number;
  /** A fixed step (ms) for fetches, e.g. movingAverage's look-back must match the first fetch. */
  readonly step?: number;
  /** Times (ms) of the events in [from, until) carrying all `tags` (every event when undefined): events(). */
  readonly events?: EventSource;
  /** xFilesFactor given to fetched series (the request's, else graphite's default 0). */
  readonly xff?: number;
  /** Consolidation asked of the store (consolidateBy around a path). */
  readonly consolidate?: Consolidation;
  /** Per-request fetch cache (same path and range fetched once). */
  readonly cache: Map<string, Series[]>;
  /** State shared by the targets of one request (stacked()'s running totals). */
  readonly shared: Map<string, number[]>;
  /** The request's deadline and series/points budgets, shared by all its targets. */
  readonly budget: QueryBudget;
}

export interface CallContext {
  readonly ctx: EvalContext;
  readonly call: CallExpr;
  /** The unevaluated expression of a parameter (for re-evaluation over another range). */
  argExpr(name: string): Expr | undefined;
  /** Evaluates an expression with some context fields replaced. */
  evaluate(expr: Expr, over?: Partial<Omit<EvalContext, "store" | "cache" | "shared" | "budget">>): Series[];
}

export interface BoundArgs {
  /** Single-valued parameters; undefined when absent and without default. */
  get(name: string): ArgValue | undefined;
  /** A `multiple` parameter's values (possibly empty). */
  rest(name: string): ArgValue[];
}

export interface FunctionSpec {
  readonly name: string;
  readonly group: "Combine" | "Transform" | "Calculate" | "Filter Series" | "Sorting" | "Alias" | "Special";
  readonly description: string;
  readonly params: readonly ParamSpec[];
  /** Other names for the same function (sum → sumSeries). */
  readonly aliases?: readonly string[];
  run(cc: CallContext, args: BoundArgs): Series[];
}
