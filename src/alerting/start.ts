/**
 * Builds the alerting service from the configuration: notifier sections, the query function over
 * the store (through the query layer), built-in rules, state changes as annotations.
 */
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import type { Logger } from "../lib/logger.js";
import type { MetricsRegistry } from "../lib/metrics.js";
import type { UnixMs } from "../model/index.js";
import { evaluateTargets } from "../query/index.js";
import type { StateChange } from "./model.js";
import { readNotifiers } from "./notifier-config.js";
import type { AlertStateStore, RuleStore, SilenceStore } from "./ports.js";
import type { QueryFn } from "./series.js";
import { AlertingService } from "./service.js";
import { formatValue } from "./template.js";
import { builtinRules } from "./builtin.js";

/** The store as the query layer takes it (alerting never imports the store). */
export type QueryableStore = Parameters<typeof evaluateTargets>[0];

/** A QueryFn over the store: one Graphite target, raw resolution. */
export function queryOver(store: QueryableStore): QueryFn {
  const query: QueryFn = (target, from, to, now, maxDataPoints) => {
    const [r] = evaluateTargets(store, [target], from, to, maxDataPoints, { now });
    if (r === undefined) return { series: [] };
    return r.error !== undefined ? { series: [], error: r.error.message } : { series: r.series };
  };
  const prefetch = store.prefetch?.bind(store);
  if (prefetch !== undefined) {
    query.prefetch = (target, from, to, now, maxDataPoints) => prefetch(() => evaluateTargets(store, [target], from, to, maxDataPoints, { now }));
    query.prefetchAll = prefetch;
  }
  return query;
}

export interface AlertingDeps {
  readonly config: Config;
  readonly store: QueryableStore;
  readonly states: AlertStateStore;
  readonly rules: RuleStore;
  readonly silences: SilenceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly metrics?: MetricsRegistry;
  /** Writes firing and resolution as dashboard annotations (global, tagged "alert"). */
  readonly annotate?: (a: { readonly time: UnixMs; readonly text: string; readonly tags: readonly string[] }) => void;
}

/** Throws a ConfigError when a notifier section is invalid. */
export function startAlerting(d: AlertingDeps): AlertingService {
  const notifiers = readNotifiers(d.config);
  const annotate = d.annotate;
  const builtin = builtinRules(d.config);
  return new AlertingService({
    settings: d.config.alerting,
    notifiers,
    pathPrefix: d.config.collectors.path_prefix,
    externalURL: d.config.server.root_url,
    query: queryOver(d.store),
    states: d.states,
    rules: d.rules,
    silences: d.silences,
    clock: d.clock,
    log: d.log,
    ...(d.metrics !== undefined ? { metrics: d.metrics } : {}),
    ...(builtin !== undefined ? { builtinGroups: [builtin] } : {}),
    ...(annotate !== undefined ? { onChanges: (cs: readonly StateChange[]) => annotateChanges(cs, annotate, d.log) } : {}),
  });
}

function annotateChanges(changes: readonly StateChange[], annotate: NonNullable<AlertingDeps["annotate"]>, log: Logger): void {
  for (const c of changes) {
    const fired = c.to === "firing";
    const resolved = c.from === "firing" && c.to === "normal";
    if (!fired && !resolved) continue;
    const where = c.labels["host"] ?? c.fingerprint;
    try {
      annotate({ time: c.at, text: `${c.alertname}${where !== "" ? ` (${where})` : ""} ${fired ? "firing" : "resolved"}: ${formatValue(c.value)}`, tags: ["alert", c.alertname, fired ? "firing" : "resolved"] });
    } catch (err) {
      log.warn("alert annotation not written", { err: String(err) });
    }
  }
}
