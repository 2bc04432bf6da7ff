/**
 * `promtool check metrics` on an exposition, and the exposition split into Loupe's own metrics and
 * the stored series `[export.prometheus] include_series` adds (help "latest value of a stored series").
 */
import { spawnSync } from "node:child_process";

export const PROMTOOL = "/usr/bin/promtool";

export interface PromtoolResult {
  /** 0 = parses and passes the lint, 3 = lint remarks, 1 = parse error. */
  readonly status: number | null;
  /** Everything promtool printed (stdout and stderr), trimmed. */
  readonly output: string;
}

export function promtoolCheck(text: string): PromtoolResult {
  const r = spawnSync(PROMTOOL, ["check", "metrics"], { input: text, encoding: "utf8", timeout: 30_000 });
  return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() };
}

const SERIES_HELP = "latest value of a stored series";

/** The exposition cut at each `# HELP`: own metric families apart from stored-series families. */
export function splitExposition(text: string): { readonly own: string; readonly series: string; readonly seriesNames: ReadonlySet<string> } {
  let own = "";
  let series = "";
  const seriesNames = new Set<string>();
  for (const block of text.split(/^(?=# HELP )/m)) {
    const m = /^# HELP (\S+) (.*)$/m.exec(block);
    if (m !== null && m[2] === SERIES_HELP) {
      series += block;
      seriesNames.add(m[1]!);
    } else own += block;
  }
  return { own, series, seriesNames };
}
