/**
 * Validation of one rule and one group from plain data (a YAML file or an API body). Each problem
 * names its field path; the YAML loader adds file and line. Unknown fields get a "did you mean".
 */
import { parseDuration, formatDuration } from "../config/index.js";
import { closest } from "../lib/levenshtein.js";
import { compileTarget } from "../query/index.js";
import { ERROR_POLICIES, NO_DATA_POLICIES, OPS, REDUCERS, RULE_DEFAULTS, type RuleSpec } from "./model.js";
import { checkTemplate } from "./template.js";

export type FieldPath = ReadonlyArray<string | number>;

export interface FieldProblem {
  readonly path: FieldPath;
  readonly message: string;
  /** The problem is about the key itself (unknown field), not its value. */
  readonly atKey?: boolean;
}

export const RULE_FIELDS = ["alert", "expr", "reduce", "window", "op", "threshold", "for", "keep_firing_for", "predict_for", "no_data", "error", "labels", "annotations"] as const;
export const GROUP_FIELDS = ["name", "interval", "rules"] as const;

const NAME_RE = /^[A-Za-z_][A-Za-z0-9_:.-]*$/;
const LABEL_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

export function fieldName(path: FieldPath): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("");
}

export function unknownKeys(obj: Record<string, unknown>, known: readonly string[], at: FieldPath, out: FieldProblem[]): void {
  for (const k of Object.keys(obj)) {
    if ((known as readonly string[]).includes(k)) continue;
    const guess = closest(k, known);
    out.push({ path: [...at, k], message: `unknown field${guess !== undefined ? ` (did you mean "${guess}"?)` : ""}`, atKey: true });
  }
}

/** A duration field: "5m", "1h30m", "0"; numbers are refused (units would be a guess). */
export function durationField(v: unknown, path: FieldPath, out: FieldProblem[], dflt: number): number {
  if (v === undefined || v === null) return dflt;
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms === undefined) {
    out.push({ path, message: `expected a duration such as 30s, 5m or 1h, got ${JSON.stringify(v)}` });
    return dflt;
  }
  return ms;
}

function oneOf<T extends string>(v: unknown, values: readonly T[], path: FieldPath, out: FieldProblem[], dflt: T): T {
  if (v === undefined || v === null) return dflt;
  if (typeof v === "string" && (values as readonly string[]).includes(v)) return v as T;
  const guess = typeof v === "string" ? closest(v, values) : undefined;
  out.push({ path, message: `expected one of ${values.join(" ")}, got ${JSON.stringify(v)}${guess !== undefined ? ` (did you mean "${guess}"?)` : ""}` });
  return dflt;
}

function stringMap(v: unknown, path: FieldPath, out: FieldProblem[], templates: boolean): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isRecord(v)) {
    out.push({ path, message: "expected a map of names to strings" });
    return {};
  }
  const res: Record<string, string> = {};
  for (const [k, raw] of Object.entries(v)) {
    if (!LABEL_RE.test(k)) out.push({ path: [...path, k], message: "names are letters, digits and _ (not starting with a digit)", atKey: true });
    if (typeof raw !== "string" && typeof raw !== "number" && typeof raw !== "boolean") {
      out.push({ path: [...path, k], message: "expected a string" });
      continue;
    }
    const text = String(raw);
    if (templates) {
      const p = checkTemplate(text);
      if (p !== undefined) out.push({ path: [...path, k], message: p });
    }
    res[k] = text;
  }
  return res;
}

/** Validates one rule; `spec` is present only when there is no problem. */
export function validateRule(raw: unknown, at: FieldPath = []): { spec?: RuleSpec; problems: FieldProblem[] } {
  const out: FieldProblem[] = [];
  if (!isRecord(raw)) return { problems: [{ path: at, message: "expected a rule (a map with alert, expr, op, threshold …)" }] };
  unknownKeys(raw, RULE_FIELDS, at, out);
  if ("record" in raw) out.push({ path: [...at, "record"], message: "recording rules are not supported: Loupe rules alert (use alert:)", atKey: true });
  const alert = raw["alert"];
  if (typeof alert !== "string" || !NAME_RE.test(alert)) out.push({ path: [...at, "alert"], message: alert === undefined ? "required: the alert's name" : `expected a name (letters, digits, _ : . -), got ${JSON.stringify(alert)}` });
  const expr = raw["expr"];
  if (typeof expr !== "string" || expr.trim() === "") out.push({ path: [...at, "expr"], message: "required: a Graphite target such as servers.*.loadavg.01" });
  else {
    try {
      compileTarget(expr);
    } catch (err) {
      out.push({ path: [...at, "expr"], message: err instanceof Error ? err.message : String(err) });
    }
  }
  const threshold = raw["threshold"];
  if (typeof threshold !== "number" || !Number.isFinite(threshold)) out.push({ path: [...at, "threshold"], message: threshold === undefined ? "required: the number the reduced value is compared with" : `expected a number, got ${JSON.stringify(threshold)}` });
  if (raw["op"] === undefined) out.push({ path: [...at, "op"], message: `required: one of ${OPS.join(" ")} (quote it in YAML: op: ">")` });
  const spec: RuleSpec = {
    alert: typeof alert === "string" ? alert : "",
    expr: typeof expr === "string" ? expr.trim() : "",
    reduce: oneOf(raw["reduce"], REDUCERS, [...at, "reduce"], out, RULE_DEFAULTS.reduce),
    window: durationField(raw["window"], [...at, "window"], out, RULE_DEFAULTS.window),
    op: oneOf(raw["op"], OPS, [...at, "op"], out, ">"),
    threshold: typeof threshold === "number" ? threshold : 0,
    for: durationField(raw["for"], [...at, "for"], out, RULE_DEFAULTS.for),
    keep_firing_for: durationField(raw["keep_firing_for"], [...at, "keep_firing_for"], out, RULE_DEFAULTS.keep_firing_for),
    predict_for: durationField(raw["predict_for"], [...at, "predict_for"], out, RULE_DEFAULTS.predict_for),
    no_data: oneOf(raw["no_data"], NO_DATA_POLICIES, [...at, "no_data"], out, RULE_DEFAULTS.no_data),
    error: oneOf(raw["error"], ERROR_POLICIES, [...at, "error"], out, RULE_DEFAULTS.error),
    labels: stringMap(raw["labels"], [...at, "labels"], out, false),
    annotations: stringMap(raw["annotations"], [...at, "annotations"], out, true),
  };
  if (spec.window <= 0 && !out.some((p) => p.path.at(-1) === "window")) out.push({ path: [...at, "window"], message: "must be longer than 0" });
  for (const k of ["alertname", "series"]) if (k in spec.labels) out.push({ path: [...at, "labels", k], message: `"${k}" is set by Loupe`, atKey: true });
  return out.length === 0 ? { spec, problems: out } : { problems: out };
}

/** A group interval: at least minInterval. */
export function groupInterval(v: unknown, path: FieldPath, out: FieldProblem[], dflt: number, min: number): number {
  const ms = durationField(v, path, out, dflt);
  if (ms < min) {
    out.push({ path, message: `must be at least ${formatDuration(min)} ([alerting] min_interval)` });
    return dflt;
  }
  return ms;
}
