/** The query module's façade: Graphite targets parsed and evaluated over the store. */
export type { Expr, CallExpr, PathExpr } from "./ast.js";
export { parseTarget, firstPathExpression } from "./parser.js";
export { parseTime, parseOffset } from "./time.js";
export { compileTarget, evaluateExpr, evaluateTargets, evaluateTargetsAsync, parseTagExpression } from "./evaluate.js";
export { consolidateForJson, consolidateSeriesForJson } from "./consolidate.js";
export { QueryBudget, QueryLimitError, DEFAULT_QUERY_LIMITS, queryBudgets } from "./budget.js";
export type { QueryLimits, QueryLimitName, QueryBudgetOptions } from "./budget.js";
export type { TargetResult, EvaluateOptions } from "./evaluate.js";
export { toRenderJson, renderJsonText, toRenderCsv, toRenderRaw, toColumns } from "./format.js";
export type { RenderJsonSeries, Columns } from "./format.js";
export { functionSpecs, functionNames, getFunction } from "./functions/index.js";
export type { FunctionSpec, ParamSpec, EventSource } from "./functions/index.js";
export type { Series, Value } from "./series.js";
export { describeFunctions } from "./functions-json.js";
export { autoCompleteTags, autoCompleteValues, findSeriesByTags, tagDetails } from "./tags.js";
export { pythonRegex, pythonSub } from "./regex.js";
export { listHosts, estimateInterval, collectdRoot, diamondHost, INTERVAL_WINDOW } from "./hosts.js";
export type { HostsStore, HostsOptions, HostsReport, HostRow, HostSource, HostVitals } from "./hosts.js";
