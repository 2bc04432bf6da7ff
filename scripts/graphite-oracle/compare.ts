// The comparator, with issue 14's tolerance rules: same status; same series names in the same order;
// same timestamps; values within 1e-6 relative (absolute below 1e-9); null only equals null.
// Non-series answers (find, tags) compare as normalized JSON, exactly.
import type { Answer, OracleRequest, Series } from "./requests.js";

export const REL_TOLERANCE = 1e-6;

export interface Verdict {
  readonly id: string;
  readonly class: string;
  readonly ok: boolean;
  /** First difference found, for the report. */
  readonly why: string;
}

function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a === b;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return Math.abs(a - b) <= Math.max(REL_TOLERANCE * scale, 1e-9);
}

const short = (x: unknown): string => {
  const s = JSON.stringify(x);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
};

function compareSeries(want: Series[], got: Series[]): string {
  if (want.length !== got.length) {
    return `${got.length} series, want ${want.length} (got ${short(got.map((s) => s.target))}, want ${short(want.map((s) => s.target))})`;
  }
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const g = got[i]!;
    if (w.target !== g.target) return `series ${i} named ${JSON.stringify(g.target)}, want ${JSON.stringify(w.target)}`;
    const wp = w.datapoints;
    const gp = g.datapoints;
    if (wp.length !== gp.length) {
      const span = (p: typeof wp): string => (p.length === 0 ? "none" : `${p[0]![1]}..${p[p.length - 1]![1]} step ${p.length > 1 ? p[1]![1] - p[0]![1] : "-"}`);
      return `${w.target}: ${gp.length} points (${span(gp)}), want ${wp.length} (${span(wp)})`;
    }
    for (let j = 0; j < wp.length; j++) {
      if (wp[j]![1] !== gp[j]![1]) return `${w.target}: point ${j} at ${gp[j]![1]}, want ${wp[j]![1]}`;
      if (!sameValue(wp[j]![0], gp[j]![0])) return `${w.target}: at ${wp[j]![1]} value ${gp[j]![0]}, want ${wp[j]![0]}`;
    }
  }
  return "";
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return sameValue(a, b);
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return deepEqual(ka, kb) && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return false;
}

/** Compares Loupe's answer (`got`) with graphite-web's (`want`). */
export function compareAnswers(req: OracleRequest, want: Answer, got: Answer): Verdict {
  const v = (why: string): Verdict => ({ id: req.id, class: req.class, ok: why === "", why });
  if (want.status !== got.status) return v(`status ${got.status}, want ${want.status}`);
  if (want.kind === "none" || got.kind === "none") return v("");
  if (want.kind === "series" && got.kind === "series") return v(compareSeries(want.body, got.body));
  if (want.kind !== got.kind) return v(`answer is ${got.kind}, want ${want.kind}: ${short(got.body)}`);
  return v(deepEqual(want.body, got.body) ? "" : `body ${short(got.body)}, want ${short(want.body)}`);
}

export interface Summary {
  readonly total: number;
  readonly agreed: number;
  readonly percent: number;
  readonly byClass: ReadonlyMap<string, { total: number; agreed: number }>;
}

export function summarize(verdicts: readonly Verdict[]): Summary {
  const byClass = new Map<string, { total: number; agreed: number }>();
  for (const v of verdicts) {
    const c = byClass.get(v.class) ?? { total: 0, agreed: 0 };
    c.total++;
    if (v.ok) c.agreed++;
    byClass.set(v.class, c);
  }
  const agreed = verdicts.filter((v) => v.ok).length;
  return { total: verdicts.length, agreed, percent: verdicts.length === 0 ? 0 : Math.floor((1000 * agreed) / verdicts.length) / 10, byClass };
}

export function formatSummary(s: Summary): string {
  const lines = [...s.byClass].map(([c, n]) => `  ${c.padEnd(16)} ${String(n.agreed).padStart(4)} / ${String(n.total).padEnd(4)} ${((100 * n.agreed) / n.total).toFixed(1)} %`);
  return [`agreement per class:`, ...lines, `overall: ${s.agreed} / ${s.total} = ${s.percent} %`].join("\n");
}

/**
 * Why a render answer differs, for the worklist (docs/graphite-compat.md): "window" when Loupe's
 * points are graphite-web's shifted by one step ([from, until) against (from, until]) and every
 * shared timestamp agrees; "window+values" when shifted and some shared value differs; "range" when
 * the points start elsewhere (not one step earlier: time zone, time form); "values"
 * on the same timestamps; "step" when the step (consolidation, tier) differs; "names", "count",
 * "status" or "body" otherwise.
 */
export function diagnose(want: Answer, got: Answer): string {
  if (want.status !== got.status) return `status ${got.status}≠${want.status}`;
  if (want.kind !== "series" || got.kind !== "series") return "body";
  if (want.body.length !== got.body.length) return "series count";
  const kinds = new Set<string>();
  for (let i = 0; i < want.body.length; i++) {
    const w = want.body[i]!;
    const g = got.body[i]!;
    if (w.target !== g.target) kinds.add("names");
    const wp = w.datapoints;
    const gp = g.datapoints;
    if (wp.length === 0 || gp.length === 0) {
      if (wp.length !== gp.length) kinds.add("count");
      continue;
    }
    const wStep = wp.length > 1 ? wp[1]![1] - wp[0]![1] : 0;
    const gStep = gp.length > 1 ? gp[1]![1] - gp[0]![1] : 0;
    if (wStep !== gStep && wp.length > 1 && gp.length > 1) {
      kinds.add("step");
      continue;
    }
    const wantAt = new Map(wp.map(([v, t]) => [t, v]));
    const shift = wp[0]![1] - gp[0]![1];
    let valuesDiffer = false;
    for (const [v, t] of gp) if (wantAt.has(t) && !sameValue(wantAt.get(t)!, v)) valuesDiffer = true;
    if (shift !== 0) kinds.add(`${shift === (wStep || gStep) ? "window" : "range"}${valuesDiffer ? "+values" : ""}`);
    else if (wp.length !== gp.length) kinds.add(valuesDiffer ? "count+values" : "count");
    else if (valuesDiffer) kinds.add("values");
  }
  return [...kinds].sort().join(",") || "same";
}
