/**
 * Annotation templates: `{{ $value }}`, `{{ $labels.host }}`, `{{ $series }}` (plus `{{ $status }}`
 * and `{{ $count }}` in notifier subjects). Anything else between braces is an error found when the
 * rule is loaded, so a typo never reaches a notification.
 */
const TOKEN = /\{\{\s*([^}]*?)\s*\}\}/g;
const VARIABLE = /^\$(value|series|status|count|labels\.[A-Za-z_][A-Za-z0-9_]*)$/;

export interface TemplateData {
  readonly value?: number | null;
  readonly series?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly status?: string;
  readonly count?: number;
}

/** The problem with a template, or undefined when it is valid. */
export function checkTemplate(text: string): string | undefined {
  for (const m of text.matchAll(TOKEN)) {
    if (!VARIABLE.test(m[1]!)) return `unknown template variable {{ ${m[1]} }}: use $value, $series, $labels.<name>`;
  }
  const open = text.split("{{").length - 1;
  const close = text.split("}}").length - 1;
  if (open !== close) return "unbalanced {{ }}";
  return undefined;
}

/** A value as people read it: up to 4 decimals, no trailing zeros. */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return "no data";
  if (!Number.isFinite(v)) return String(v);
  if (Math.abs(v) >= 1e15) return v.toExponential(3);
  return String(Math.round(v * 10_000) / 10_000);
}

export function renderTemplate(text: string, data: TemplateData): string {
  return text.replace(TOKEN, (whole, name: string) => {
    if (name === "$value") return formatValue(data.value);
    if (name === "$series") return data.series ?? "";
    if (name === "$status") return data.status ?? "";
    if (name === "$count") return String(data.count ?? 0);
    if (name.startsWith("$labels.")) return data.labels?.[name.slice("$labels.".length)] ?? "";
    return whole;
  });
}
