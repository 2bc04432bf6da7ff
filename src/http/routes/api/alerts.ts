/**
 * Alerting API. Viewers read instances, rules, history, silences and notifier health; Editors
 * create/edit/delete UI rules (provisioned and built-in rules are read-only) and silences; only
 * Admins see notifier destinations (URLs and addresses can be secrets). /api/v1/alerts and
 * /api/v1/rules answer in Prometheus' JSON shape for tools that read Prometheus.
 */
import { Router, type Request } from "express";
import { z } from "zod";
import { access } from "../../access.js";
import { BadRequestError, NotFoundError } from "../../../lib/errors.js";
import type { Clock } from "../../../lib/clock.js";
import { parseOrThrow } from "../../../dashboards/index.js";
import { parseDuration } from "../../../config/index.js";
import { fieldName, validateRule, checkMatcher, type AlertingService, type AlertInstance, type Rule, type RuleInput, type NotifierConfig } from "../../../alerting/index.js";
import { actorOf, jsonBody, queryString } from "./dashboards.js";

export interface AlertRoutesDeps {
  readonly alerting: AlertingService;
  readonly notifiers: readonly NotifierConfig[];
  readonly clock: Clock;
}

const param = (req: Request, name: string): string => String((req.params as Record<string, string | undefined>)[name] ?? "");
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function instanceJson(i: AlertInstance, silenced: boolean): Record<string, unknown> {
  return {
    rule: i.ruleUid,
    alertname: i.labels["alertname"] ?? "",
    series: i.fingerprint,
    state: i.state,
    value: i.value,
    labels: i.labels,
    annotations: i.annotations,
    since: i.activeAt,
    firedAt: i.firedAt,
    resolvedAt: i.resolvedAt,
    evaluatedAt: i.evaluatedAt,
    silenced,
  };
}

function ruleJson(r: Rule, interval: number, a: AlertingService): Record<string, unknown> {
  const instances = a.evaluator.instancesOf(r.uid);
  return {
    uid: r.uid,
    group: r.group,
    interval,
    source: r.source,
    readOnly: r.source.kind !== "ui",
    alert: r.alert,
    expr: r.expr,
    reduce: r.reduce,
    window: r.window,
    op: r.op,
    threshold: r.threshold,
    for: r.for,
    keep_firing_for: r.keep_firing_for,
    no_data: r.no_data,
    error: r.error,
    labels: r.labels,
    annotations: r.annotations,
    lastError: a.evaluator.errorOf(r.uid) ?? null,
    firing: instances.filter((i) => i.state === "firing").length,
    pending: instances.filter((i) => i.state === "pending").length,
  };
}

const ruleBody = z.object({ group: z.string().trim().min(1).max(100).regex(/^[^\u0000-\u001f]+$/), interval: z.string().optional() }).loose();

/** A rule from an API body: the YAML rule's fields (durations as "5m"), plus group and interval. */
function ruleInput(body: unknown, uid: string | undefined): RuleInput {
  const b = parseOrThrow(ruleBody, body);
  const { group, interval, uid: _ignored, ...rest } = b as typeof b & { uid?: unknown };
  void _ignored;
  const { spec, problems } = validateRule(rest);
  if (spec === undefined) throw new BadRequestError(problems.map((p) => `${fieldName(p.path)}: ${p.message}`).join("; "), "validation_failed");
  let ms: number | null = null;
  if (interval !== undefined && interval !== "") {
    const v = parseDuration(interval);
    if (v === undefined) throw new BadRequestError(`interval: expected a duration such as 10s or 1m, got ${JSON.stringify(interval)}`, "validation_failed");
    ms = v;
  }
  return { ...(uid !== undefined ? { uid } : {}), group, interval: ms, spec };
}

const matcherSchema = z.object({ name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), op: z.enum(["=", "!=", "=~", "!~"]), value: z.string().max(1000) });
const silenceBody = z.object({
  matchers: z.array(matcherSchema).min(1).max(20),
  startsAt: z.number().int().min(0).optional(),
  endsAt: z.number().int().min(0).optional(),
  duration: z.string().optional(),
  comment: z.string().trim().min(1).max(1000),
});

export function alertRoutes(deps: AlertRoutesDeps): Router {
  const router = Router();
  instanceRoutes(router, deps);
  ruleRoutes(router, deps);
  silenceRoutes(router, deps);
  prometheusRoutes(router, deps);
  return router;
}

function instanceRoutes(router: Router, deps: AlertRoutesDeps): void {
  const a = deps.alerting;

  router.get("/api/alerts", access("viewer"), (req, res) => {
    const state = queryString(req, "state");
    const now = deps.clock.now();
    res.json(
      a
        .instances()
        .filter((i) => state === "" || i.state === state)
        .sort((x, y) => x.activeAt - y.activeAt)
        .map((i) => instanceJson(i, i.state === "firing" && a.isSilenced(i.labels, now))),
    );
  });

  router.get("/api/alert-history", access("viewer"), (req, res) => {
    const now = deps.clock.now();
    const num = (name: string, d: number): number => {
      const s = queryString(req, name);
      const v = s === "" ? d : Number(s);
      if (!Number.isSafeInteger(v) || v < 0) throw new BadRequestError(`${name}: expected milliseconds`, "validation_failed");
      return v;
    };
    const rule = queryString(req, "rule");
    res.json(a.history({ from: num("from", now - 7 * 86_400_000), to: num("to", now), limit: num("limit", 1000), ...(rule !== "" ? { ruleUid: rule } : {}) }));
  });

  router.get("/api/alert-notifiers", access("viewer"), (_req, res) => {
    res.json(a.notifierStatus());
  });

  router.get("/api/alert-notifiers/config", access("admin"), (_req, res) => {
    res.json(deps.notifiers.map((n) => ({ ...n, bearer_token: n.bearer_token === "" ? "" : "***", smtp_password: n.smtp_password === "" ? "" : "***" })));
  });
}

function ruleRoutes(router: Router, deps: AlertRoutesDeps): void {
  const a = deps.alerting;
  const intervalOf = (r: Rule): number => a.groups().find((g) => g.name === r.group)?.interval ?? 0;

  router.get("/api/alert-rules", access("viewer"), (_req, res) => {
    res.json({ rules: a.rules().map((r) => ruleJson(r, intervalOf(r), a)), problems: a.fileProblems() });
  });

  router.get("/api/alert-rules/:uid", access("viewer"), (req, res) => {
    const r = a.rule(param(req, "uid"));
    if (r === undefined) throw new NotFoundError(`no rule ${param(req, "uid")}`, "rule_not_found");
    res.json({ ...ruleJson(r, intervalOf(r), a), instances: a.evaluator.instancesOf(r.uid).map((i) => instanceJson(i, false)) });
  });

  router.post("/api/alert-rules", access("editor"), jsonBody("256kb"), (req, res) => {
    const saved = a.saveRule(ruleInput(req.body, undefined), actorOf(res));
    const r = a.rule(saved.uid)!;
    res.status(201).json(ruleJson(r, intervalOf(r), a));
  });

  router.post("/api/alert-rules/preview", access("editor"), jsonBody("256kb"), async (req, res) => {
    res.json(await a.previewFetched(ruleInput(req.body, undefined)));
  });

  router.post("/api/alert-rules/backtest", access("editor"), jsonBody("256kb"), async (req, res) => {
    const days = Number((req.body as { days?: unknown } | undefined)?.days ?? 7);
    if (!Number.isFinite(days) || days <= 0 || days > 30) throw new BadRequestError("days: from 0 to 30", "validation_failed");
    const { days: _d, ...rest } = req.body as Record<string, unknown>;
    void _d;
    res.json(await a.backtestFetched(ruleInput(rest, undefined), days));
  });

  router.put("/api/alert-rules/:uid", access("editor"), jsonBody("256kb"), (req, res) => {
    const uid = param(req, "uid");
    const existing = a.rule(uid);
    if (existing === undefined) throw new NotFoundError(`no rule ${uid}`, "rule_not_found");
    const saved = a.saveRule(ruleInput(req.body, uid), actorOf(res));
    const r = a.rule(saved.uid)!;
    res.json(ruleJson(r, intervalOf(r), a));
  });

  router.delete("/api/alert-rules/:uid", access("editor"), (req, res) => {
    a.deleteRule(param(req, "uid"));
    res.status(204).end();
  });

}

function silenceRoutes(router: Router, deps: AlertRoutesDeps): void {
  const a = deps.alerting;

  router.get("/api/silences", access("viewer"), (req, res) => {
    const now = deps.clock.now();
    res.json(a.silences(queryString(req, "all") === "true").map((s) => ({ ...s, state: s.endsAt <= now ? "expired" : s.startsAt > now ? "pending" : "active" })));
  });

  router.post("/api/silences", access("editor"), jsonBody("64kb"), (req, res) => {
    const b = parseOrThrow(silenceBody, req.body);
    for (const m of b.matchers) {
      try {
        checkMatcher(m);
      } catch (err) {
        throw new BadRequestError(`matchers: ${(err as Error).message}`, "validation_failed");
      }
    }
    const startsAt = b.startsAt ?? deps.clock.now();
    let endsAt = b.endsAt;
    if (endsAt === undefined && b.duration !== undefined) {
      const d = parseDuration(b.duration);
      if (d === undefined || d <= 0) throw new BadRequestError(`duration: expected a duration such as 2h, got ${JSON.stringify(b.duration)}`, "validation_failed");
      endsAt = startsAt + d;
    }
    if (endsAt === undefined) throw new BadRequestError("endsAt or duration: required", "validation_failed");
    res.status(201).json(a.addSilence({ matchers: b.matchers, startsAt, endsAt, comment: b.comment }, actorOf(res)));
  });

  router.delete("/api/silences/:id", access("editor"), (req, res) => {
    const id = Number(param(req, "id"));
    if (!Number.isSafeInteger(id)) throw new NotFoundError(`no silence ${param(req, "id")}`, "silence_not_found");
    a.expireSilence(id);
    res.status(204).end();
  });

}

/** Prometheus-compatible reads. */
function prometheusRoutes(router: Router, deps: AlertRoutesDeps): void {
  const a = deps.alerting;

  router.get("/api/v1/alerts", access("viewer"), (_req, res) => {
    const alerts = a
      .instances()
      .filter((i) => i.state === "firing" || i.state === "pending")
      .map((i) => ({ labels: i.labels, annotations: i.annotations, state: i.state, activeAt: iso(i.activeAt), value: i.value === null ? "NaN" : String(i.value) }));
    res.json({ status: "success", data: { alerts } });
  });

  router.get("/api/v1/rules", access("viewer"), (_req, res) => {
    const groups = a.groups().map((g) => ({
      name: g.name,
      file: g.rules[0]?.source.kind === "file" ? g.rules[0].source.file : g.rules[0]?.source.kind ?? "",
      interval: g.interval / 1000,
      rules: g.rules.map((r) => {
        const inst = a.evaluator.instancesOf(r.uid).filter((i) => i.state === "firing" || i.state === "pending");
        const err = a.evaluator.errorOf(r.uid);
        return {
          type: "alerting",
          name: r.alert,
          query: r.expr,
          duration: r.for / 1000,
          keepFiringFor: r.keep_firing_for / 1000,
          labels: r.labels,
          annotations: r.annotations,
          state: inst.some((i) => i.state === "firing") ? "firing" : inst.length > 0 ? "pending" : "inactive",
          health: err !== undefined ? "err" : "ok",
          ...(err !== undefined ? { lastError: err } : {}),
          alerts: inst.map((i) => ({ labels: i.labels, annotations: i.annotations, state: i.state, activeAt: iso(i.activeAt), value: i.value === null ? "NaN" : String(i.value) })),
        };
      }),
    }));
    res.json({ status: "success", data: { groups } });
  });
}
