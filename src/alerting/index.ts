/** The alerting module's façade: rule model, rule files, evaluation, notification, persistence ports. */
export * from "./model.js";
export type * from "./ports.js";
export { parseRuleFile, loadRuleDir, formatRuleProblem } from "./rule-file.js";
export type { RuleFileProblem, LoadedRules, IntervalLimits } from "./rule-file.js";
export { validateRule, fieldName } from "./validate.js";
export type { FieldProblem } from "./validate.js";
export { renderTemplate, checkTemplate, formatValue } from "./template.js";
export { reduceValues, seriesLabels } from "./series.js";
export type { SeriesData, QueryResult, QueryFn, LabelOptions } from "./series.js";
export { transition } from "./state.js";
export type { Outcome } from "./state.js";
export { Evaluator } from "./evaluator.js";
export type { EvaluatorOptions, EvaluatorCounters } from "./evaluator.js";
export { parseMatcher, matches, formatMatcher, checkMatcher } from "./matchers.js";
export { readNotifiers, formatNotifiers, NOTIFIER_PREFIX } from "./notifier-config.js";
export type { NotifierConfig, NotifierOptions } from "./notifier-config.js";
export { checkAlertingConfig } from "./check.js";
