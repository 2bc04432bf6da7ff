/** GET /alerts (Viewers) and the rule editor /alerts/rules/new, /alerts/rules/:uid/edit (Editors). */
import { Router } from "express";
import { access } from "../../access.js";
import { NotFoundError } from "../../../lib/errors.js";
import type { Clock } from "../../../lib/clock.js";
import { formatDuration } from "../../../config/index.js";
import type { AlertingService } from "../../../alerting/index.js";
import { sendPage } from "../../views/layout.js";
import { html } from "../../views/html.js";
import { alertsBody, ruleEditorBody } from "../../views/alerts-view.js";
import { canEdit } from "./deps.js";

export interface AlertPageDeps {
  readonly alerting: AlertingService;
  readonly clock: Clock;
}

const dur = (ms: number): string => (ms === 0 ? "0" : formatDuration(ms));

export function alertPages(deps: AlertPageDeps): Router {
  const router = Router();
  const a = deps.alerting;

  router.get("/alerts", access("viewer"), (req, res) => {
    const now = deps.clock.now();
    const body = alertsBody({
      now,
      instances: a.instances(),
      rules: a.groups().flatMap((g) => g.rules.map((rule) => ({ rule, interval: g.interval, lastError: a.evaluator.errorOf(rule.uid) }))),
      silences: a.silences(false),
      notifiers: a.notifierStatus(),
      history: a.history({ from: now - 7 * 86_400_000, to: now, limit: 50 }),
      problems: a.fileProblems(),
      editable: canEdit(res),
      silenced: (labels) => a.isSilenced(labels, now),
    });
    sendPage(req, res, { title: "Alerts", body, nav: "alerts", scripts: ["alerts.js"] });
  });

  router.get("/alerts/rules/new", access("editor"), (req, res) => {
    sendPage(req, res, { title: "New alert rule", body: ruleEditorBody({ uid: null, rule: { reduce: "last", window: "5m", op: ">", for: "0", keep_firing_for: "0", no_data: "no_data", group: "mine" } }), nav: "alerts", scripts: ["alerts.js"] });
  });

  router.get("/alerts/rules/:uid/edit", access("editor"), (req, res) => {
    const uid = String(req.params["uid"] ?? "");
    const stored = a.storedRule(uid);
    if (stored === undefined) throw new NotFoundError(`no rule ${uid} made in the UI`, "rule_not_found");
    const s = stored.spec;
    const rule = {
      alert: s.alert,
      group: stored.group,
      interval: stored.interval === null ? "" : dur(stored.interval),
      expr: s.expr,
      reduce: s.reduce,
      window: dur(s.window),
      op: s.op,
      threshold: String(s.threshold),
      for: dur(s.for),
      keep_firing_for: dur(s.keep_firing_for),
      no_data: s.no_data,
      labels: Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(", "),
      summary: s.annotations["summary"] ?? "",
    };
    sendPage(req, res, { title: `Edit ${s.alert}`, body: ruleEditorBody({ uid, rule }), nav: "alerts", scripts: ["alerts.js"] });
  });

  return router;
}

/** GET /alerts when `[alerting] enabled = false`: says so, rather than the top bar's link leading to a 404. */
export function alertsOffPage(): Router {
  const router = Router();
  router.get("/alerts", access("viewer"), (req, res) => {
    const body = html`<h1>Alerts</h1><p class="empty">Alerting is off: no rule is evaluated and no notification is sent. Set <code>[alerting] enabled = true</code> in the INI file and restart Loupe to turn it on.</p>`;
    sendPage(req, res, { title: "Alerts", body, nav: "alerts" });
  });
  return router;
}
