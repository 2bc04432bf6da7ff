/**
 * Loupe's own in-process metrics (ingest counters, collector durations, HTTP requests, store
 * stats), exposed on /metrics in Prometheus text format. A leaf module: everyone may register.
 *
 *   const lines = metrics.counter("loupe_ingest_graphite_lines_total", "Graphite lines received", ["proto"]);
 *   lines.inc({ proto: "tcp" }, 12);
 *   metrics.gauge("loupe_store_series", "series in the index").set({}, n);
 *   metrics.collect(() => ...)  // computed on scrape (store stats)
 *
 * Names follow Prometheus conventions (snake_case, `_total` for counters); label values are
 * escaped on output.
 */

export type Labels = Readonly<Record<string, string>>;

export interface Counter {
  inc(labels?: Labels, by?: number): void;
  get(labels?: Labels): number;
}

export interface Gauge {
  set(labels: Labels, value: number): void;
  get(labels?: Labels): number;
}

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: "counter" | "gauge";
  readonly labelNames: readonly string[];
  readonly values: Map<string, { labels: Labels; value: number }>;
}

export type Collect = () => Iterable<{ name: string; help: string; type: "counter" | "gauge"; labels?: Labels; value: number }>;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatLabels(labels: Labels | undefined): string {
  if (labels === undefined) return "";
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((k) => `${k}="${escapeLabel(labels[k]!)}"`).join(",")}}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>();
  private readonly collectors: Collect[] = [];

  private family(name: string, help: string, type: "counter" | "gauge", labelNames: readonly string[]): Family {
    const existing = this.families.get(name);
    if (existing !== undefined) {
      if (existing.type !== type) throw new Error(`metric ${name} registered as ${existing.type} and ${type}`);
      return existing;
    }
    const f: Family = { name, help, type, labelNames, values: new Map() };
    this.families.set(name, f);
    return f;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const f = this.family(name, help, "counter", labelNames);
    return {
      inc: (labels = {}, by = 1) => {
        const k = labelKey(labels);
        const cur = f.values.get(k);
        if (cur === undefined) f.values.set(k, { labels, value: by });
        else cur.value += by;
      },
      get: (labels = {}) => f.values.get(labelKey(labels))?.value ?? 0,
    };
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    const f = this.family(name, help, "gauge", labelNames);
    return {
      set: (labels, value) => {
        const k = labelKey(labels);
        const cur = f.values.get(k);
        if (cur === undefined) f.values.set(k, { labels, value });
        else cur.value = value;
      },
      get: (labels = {}) => f.values.get(labelKey(labels))?.value ?? 0,
    };
  }

  /** Adds a callback computed at scrape time. */
  collect(fn: Collect): void {
    this.collectors.push(fn);
  }

  /** Prometheus text exposition format 0.0.4. */
  expose(): string {
    const byName = new Map<string, { help: string; type: string; lines: string[] }>();
    const add = (name: string, help: string, type: string, labels: Labels | undefined, value: number): void => {
      let e = byName.get(name);
      if (e === undefined) {
        e = { help, type, lines: [] };
        byName.set(name, e);
      }
      e.lines.push(`${name}${formatLabels(labels)} ${formatValue(value)}`);
    };
    for (const f of this.families.values()) {
      if (f.values.size === 0 && f.labelNames.length === 0) add(f.name, f.help, f.type, undefined, 0);
      for (const { labels, value } of f.values.values()) add(f.name, f.help, f.type, labels, value);
    }
    for (const c of this.collectors) for (const m of c()) add(m.name, m.help, m.type, m.labels, m.value);
    let out = "";
    for (const [name, e] of byName) {
      out += `# HELP ${name} ${e.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}\n# TYPE ${name} ${e.type}\n${e.lines.join("\n")}\n`;
    }
    return out;
  }
}
