/** Alerting's figures on /metrics: evaluations, overruns, notifications, and loupe_alerts{alertname,state}. */
import type { MetricsRegistry } from "../lib/metrics.js";
import type { DispatchCounters } from "./dispatch.js";
import type { EvaluatorCounters } from "./evaluator.js";
import type { AlertInstance } from "./model.js";

export function alertingMetrics(metrics: MetricsRegistry, instances: () => readonly AlertInstance[]): { evaluator: EvaluatorCounters; dispatch: DispatchCounters } {
  const evals = metrics.counter("loupe_alerting_evaluations_total", "rule evaluations");
  const evalFailures = metrics.counter("loupe_alerting_evaluation_failures_total", "rule evaluations whose target failed");
  const evalSeconds = metrics.counter("loupe_alerting_evaluation_seconds_total", "time spent evaluating rules");
  const overruns = metrics.counter("loupe_alerting_eval_overruns_total", "group evaluations over [alerting] eval_budget or still running at their next tick", ["group"]);
  const skipped = metrics.counter("loupe_alerting_rules_skipped_total", "rule evaluations skipped by overruns");
  const dropped = metrics.counter("loupe_alerting_instances_dropped_total", "series beyond [alerting] max_instances_per_rule");
  const sent = metrics.counter("loupe_alerting_notifications_total", "notifications sent", ["notifier"]);
  const attempts = metrics.counter("loupe_alerting_notification_attempts_failed_total", "failed delivery attempts (retried)", ["notifier"]);
  const failed = metrics.counter("loupe_alerting_notifications_failed_total", "notifications given up after [notifier.<name>] max_retries", ["notifier"]);
  metrics.collect(() => {
    const counts = new Map<string, { alertname: string; state: string; n: number }>();
    for (const i of instances()) {
      const alertname = i.labels["alertname"] ?? "";
      const k = `${alertname}\u0000${i.state}`;
      const e = counts.get(k);
      if (e === undefined) counts.set(k, { alertname, state: i.state, n: 1 });
      else e.n++;
    }
    return [...counts.values()].map((c) => ({ name: "loupe_alerts", help: "alert instances by rule name and state", type: "gauge" as const, labels: { alertname: c.alertname, state: c.state }, value: c.n }));
  });
  return {
    evaluator: {
      evaluation: (_rule, ms, bad) => {
        evals.inc();
        evalSeconds.inc({}, ms / 1000);
        if (bad) evalFailures.inc();
      },
      overrun: (group, n) => {
        overruns.inc({ group });
        skipped.inc({}, n);
      },
      dropped: (_rule, n) => dropped.inc({}, n),
    },
    dispatch: {
      sent: (notifier) => sent.inc({ notifier }),
      attemptFailed: (notifier) => attempts.inc({ notifier }),
      dropped: (notifier) => failed.inc({ notifier }),
    },
  };
}
