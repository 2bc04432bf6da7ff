/**
 * Names between Graphite series (a dotted path, perhaps with tags) and Prometheus series (a metric
 * name and labels). Shared by the remote_write forwarder, remote_write ingest and the VictoriaMetrics
 * store backend.
 *
 * Out (`metric_names = prometheus`, the default):
 *   - with Graphite templates: the template maps the path to a name and tags (as `[ingest.graphite]`
 *     does), then the name is made valid (every character outside `[a-zA-Z0-9_:]` → `_`);
 *   - else a Diamond path `<prefix>.<host>.<rest>` → metric `<rest>` made valid, label `host=<host>`
 *     (`servers.web1.cpu.total.user` → `cpu_total_user{host="web1"}`);
 *   - any other path → the whole path made valid (`loupe.ingest.lines` → `loupe_ingest_lines`);
 *   - tags → labels, a label name made valid the same way (`[a-zA-Z0-9_]`, a leading digit gets `_`,
 *     a leading `__` (reserved by Prometheus) gets `tag`: `__x` → `tag__x`), empty values left out.
 *   This is one-way where the path held `_` (or other replaced characters): `cpu_total.user` and
 *   `cpu.total_user` both become `cpu_total_user`.
 * Out (`metric_names = graphite`): the name is kept exactly (dots too: VictoriaMetrics and Prometheus 3
 *   accept any UTF-8 name), tags → labels unchanged: reversible by identity.
 * In (remote_write → Loupe, labelsToSeries): `__name__` → the series name, every other label → a tag,
 *   with what a Graphite series key cannot hold replaced by `_` (`;` anywhere, `=` `!` `^` in tag
 *   keys, a leading `~` in a tag value; whitespace in the name) and reported as `escaped`; labels with
 *   an empty value are absent (Prometheus' meaning).
 */
import { TemplateMapper } from "./graphite-templates.js";

export type MetricNames = "prometheus" | "graphite";

export type Labels = [string, string][];

export interface PromNameOptions {
  readonly metricNames: MetricNames;
  /** `[collectors] path_prefix`: Diamond paths are `<prefix>.<host>.<metric…>`. */
  readonly pathPrefix: string;
  /** Graphite templates (`[ingest.graphite] templates` syntax); empty: the Diamond rule. */
  readonly templates: readonly string[];
  readonly separator: string;
  /** Where the templates were configured, named in a template's error (default `ingest.graphite`). */
  readonly section?: string;
}

/** `s` with every character outside `[a-zA-Z0-9_:]` (`:` only when `colon`) replaced by `_`; a leading digit gets `_` before it. */
export function sanitizeName(s: string, colon = true): string {
  let out = "";
  let changed = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || (c >= 48 && c <= 57) || (colon && c === 58);
    if (!ok) changed = true;
    out += ok ? s[i] : "_";
  }
  if (out === "") return "_";
  const first = out.charCodeAt(0);
  if (first >= 48 && first <= 57) return `_${out}`;
  return changed ? out : s;
}

/** A label name Prometheus accepts and does not reserve. */
export function sanitizeLabelName(s: string): string {
  const out = sanitizeName(s, false);
  return out.startsWith("__") ? `tag${out}` : out;
}

/** Turns Loupe series (name + tags) into Prometheus labels, `__name__` first, the rest sorted (callers cache per series). */
export class PromNamer {
  private readonly mapper: TemplateMapper | undefined;
  private readonly prefix: readonly string[];

  constructor(private readonly options: PromNameOptions) {
    this.mapper = options.templates.length > 0 ? TemplateMapper.fromConfig(options.templates, [], options.separator, options.section) : undefined;
    this.prefix = options.pathPrefix === "" ? [] : options.pathPrefix.split(".");
  }

  labels(name: string, tags: Readonly<Record<string, string>> | undefined): Labels {
    if (this.options.metricNames === "graphite") return finish(name, tags === undefined ? [] : Object.entries(tags), (k) => k);
    let metric: string;
    const extra: [string, string][] = [];
    if (this.mapper !== undefined) {
      const m = this.mapper.map(name);
      metric = m.name;
      if (m.tags !== undefined) extra.push(...Object.entries(m.tags));
    } else {
      const parts = name.split(".");
      const p = this.prefix;
      if (p.length > 0 && parts.length > p.length + 1 && p.every((x, i) => parts[i] === x)) {
        extra.push(["host", parts[p.length]!]);
        metric = parts.slice(p.length + 1).join(".");
      } else metric = name;
    }
    // the sample's own tags win over those the path gave
    if (tags !== undefined) extra.push(...Object.entries(tags));
    return finish(sanitizeName(metric), extra, sanitizeLabelName);
  }
}

function finish(name: string, pairs: readonly [string, string][], fix: (k: string) => string): Labels {
  const byName = new Map<string, string>();
  for (const [k, v] of pairs) {
    if (v === "") continue;
    const key = fix(k);
    if (key === "__name__") continue;
    byName.set(key, v);
  }
  const rest = [...byName.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [["__name__", name], ...rest];
}

export interface SeriesFromLabels {
  readonly name: string;
  readonly tags: Record<string, string> | undefined;
  /** Something was replaced to fit a Graphite series key. */
  readonly escaped: boolean;
}

/** remote_write in: labels → a Loupe series; undefined when there is no (non-empty) `__name__`. */
export function labelsToSeries(labels: readonly (readonly [string, string])[]): SeriesFromLabels | undefined {
  let name: string | undefined;
  let tags: Record<string, string> | undefined;
  let escaped = false;
  for (const [k, v] of labels) {
    if (k === "__name__") {
      const n = v.replace(/[;\s]/g, "_");
      escaped ||= n !== v;
      name = n;
      continue;
    }
    if (v === "") continue;
    const key = k === "" ? "_" : k.replace(/[;=!^\s]/g, "_");
    let value = v.replace(/;/g, "_");
    if (value.startsWith("~")) value = `_${value.slice(1)}`;
    escaped ||= key !== k || value !== v;
    tags ??= {};
    if (key === "__proto__") Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
    else tags[key] = value;
  }
  if (name === undefined || name === "") return undefined;
  return { name, tags, escaped };
}
