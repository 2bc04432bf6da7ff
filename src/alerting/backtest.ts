/**
 * Backtest: how a rule would have behaved over past data (default the last 7 days) before it is
 * saved. The target is read once over the whole range — from the hourly rollups when the series
 * are many (an approximation for windows under an hour: the window becomes one hourly average),
 * else at one bucket per evaluation step — then the rule's reduce/condition/for/keep_firing_for run at every evaluation
 * step through the same state machine as live evaluation. Notifications are counted as one
 * firing and one resolved message per firing period (grouping can only merge them further).
 */
import type { UnixMs } from "../model/index.js";
import { compare, type Rule } from "./model.js";
import { reduceValues, seriesLabels, type LabelOptions, type QueryFn, type QueryResult, type SeriesData } from "./series.js";

export interface BacktestOptions extends LabelOptions {
  readonly from: UnixMs;
  readonly to: UnixMs;
  /** Evaluation step (ms); raised so that there are at most maxEvaluations. */
  readonly step: number;
  readonly maxEvaluations?: number;
  readonly maxSeries: number;
  /** Raw points (series × range at 1 min) above which the hourly rollups are read instead of finer data. */
  readonly fineBudget?: number;
}

export interface BacktestPeriod {
  readonly from: UnixMs;
  /** null: still firing at the end of the range. */
  readonly to: UnixMs | null;
}

export interface BacktestSeries {
  readonly series: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly firing: readonly BacktestPeriod[];
}

export interface BacktestResult {
  readonly from: UnixMs;
  readonly to: UnixMs;
  readonly step: number;
  /** Spacing of the data read (coarser than raw when rollups were used). */
  readonly resolution: number;
  readonly evaluations: number;
  readonly series: number;
  readonly truncated: boolean;
  /** Series that would have fired, with their firing periods. */
  readonly fired: readonly BacktestSeries[];
  readonly firingPeriods: number;
  readonly notifications: number;
  readonly error?: string;
}

export const BACKTEST_MAX_EVALUATIONS = 2016; // 7 days at 5 minutes
/** Reading finer than hourly rollups costs about one raw point per minute per series: allowed up to this many. */
export const BACKTEST_FINE_BUDGET = 500_000;
const HOUR = 3_600_000;

/**
 * Reads the target for the backtest: hourly rollups first (cheap for any number of series); finer
 * data (one bucket per evaluation step) when the series are few enough for BACKTEST_FINE_BUDGET.
 */
function readForBacktest(rule: Rule, query: QueryFn, o: BacktestOptions, step: number): QueryResult {
  const from = o.from - rule.window;
  const range = o.to - from;
  const coarse = query(rule.expr, from, o.to, o.to, Math.max(1, Math.ceil(range / HOUR)));
  if (coarse.error !== undefined || coarse.series.length === 0) return coarse;
  const fineCost = coarse.series.length * (range / 60_000);
  if (fineCost > (o.fineBudget ?? BACKTEST_FINE_BUDGET) || Math.min(rule.window, step) >= HOUR) return coarse;
  return query(rule.expr, from, o.to, o.to, Math.ceil(range / step));
}

export function backtest(rule: Rule, query: QueryFn, o: BacktestOptions): BacktestResult {
  const maxEvals = o.maxEvaluations ?? BACKTEST_MAX_EVALUATIONS;
  const step = Math.max(o.step, Math.ceil((o.to - o.from) / maxEvals / 1000) * 1000);
  const res = readForBacktest(rule, query, o, step);
  const empty = { from: o.from, to: o.to, step, resolution: 0, evaluations: 0, series: 0, truncated: false, fired: [], firingPeriods: 0, notifications: 0 };
  if (res.error !== undefined) return { ...empty, error: res.error };
  const all = [...res.series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const list = all.slice(0, o.maxSeries);
  const fired: BacktestSeries[] = [];
  let evaluations = 0;
  let resolution = 0;
  for (const s of list) {
    resolution = Math.max(resolution, s.step);
    const r = runSeries(rule, s, o, step);
    evaluations = r.evaluations;
    if (r.periods.length > 0) fired.push({ series: s.name, labels: { alertname: rule.alert, ...seriesLabels(s, o), ...rule.labels }, firing: r.periods });
  }
  const firingPeriods = fired.reduce((n, f) => n + f.firing.length, 0);
  const resolvedPeriods = fired.reduce((n, f) => n + f.firing.filter((p) => p.to !== null).length, 0);
  return { ...empty, resolution, evaluations, series: list.length, truncated: all.length > list.length, fired, firingPeriods, notifications: firingPeriods + resolvedPeriods };
}

/**
 * Sliding-window evaluation of one series with the live state machine's rules (state.ts) inlined:
 * no object per step, the window reduced in place. 1,000 series × 2,016 steps stay well under a second.
 */
function runSeries(rule: Rule, s: SeriesData, o: BacktestOptions, step: number): { periods: BacktestPeriod[]; evaluations: number } {
  const periods: BacktestPeriod[] = [];
  let state: "normal" | "pending" | "firing" = "normal";
  let activeAt = 0;
  let lastTrue = 0;
  let open = 0;
  let evaluations = 0;
  // data coarser than the window (hourly rollups): each evaluation sees at least one bucket
  const window = Math.max(rule.window, s.step);
  for (let t = o.from + step; t <= o.to; t += step) {
    evaluations++;
    // the window is (t − window, t], as the query layer and live evaluation read it
    const i0 = Math.max(0, Math.floor((t - window - s.start) / s.step) + 1);
    const i1 = Math.min(s.values.length, Math.floor((t - s.start) / s.step) + 1);
    const value = reduceRange(s.values, i0, i1, rule, s.step);
    const cond = value === null ? rule.no_data === "alerting" : compare(value, rule.op, rule.threshold);
    if (cond) {
      lastTrue = t;
      if (state === "normal") {
        activeAt = t;
        state = rule.for <= 0 ? "firing" : "pending";
        if (state === "firing") open = t;
      } else if (state === "pending" && t - activeAt >= rule.for) {
        state = "firing";
        open = t;
      }
    } else if (state === "pending") state = "normal";
    else if (state === "firing" && !(rule.keep_firing_for > 0 && t - lastTrue < rule.keep_firing_for)) {
      state = "normal";
      periods.push({ from: open, to: t });
    }
  }
  if (state === "firing") periods.push({ from: open, to: null });
  return { periods, evaluations };
}

/** reduceValues over values[i0, i1), without copying. */
function reduceRange(values: ReadonlyArray<number | null>, i0: number, i1: number, rule: Rule, step: number): number | null {
  if (i1 <= i0) return rule.reduce === "count" ? 0 : null;
  return reduceValues(values, rule.reduce, step, rule.predict_for, i0, i1);
}

export interface PreviewRow {
  readonly series: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number | null;
  /** The condition holds now (would be pending or firing). */
  readonly matches: boolean;
}

/** The rule evaluated once at `now`, without state: each series' reduced value and condition. */
export function preview(rule: Rule, query: QueryFn, now: UnixMs, o: LabelOptions & { readonly maxSeries: number }): { rows: PreviewRow[]; truncated: boolean; error?: string } {
  const res = query(rule.expr, now - rule.window, now, now);
  if (res.error !== undefined) return { rows: [], truncated: false, error: res.error };
  const all = [...res.series].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const rows = all.slice(0, o.maxSeries).map((s) => {
    const i0 = Math.max(0, Math.floor((now - rule.window - s.start) / s.step) + 1);
    const value = reduceValues(s.values.slice(i0), rule.reduce, s.step, rule.predict_for);
    return { series: s.name, labels: { alertname: rule.alert, ...seriesLabels(s, o), ...rule.labels }, value, matches: value === null ? rule.no_data === "alerting" : compare(value, rule.op, rule.threshold) };
  });
  return { rows, truncated: all.length > rows.length };
}
