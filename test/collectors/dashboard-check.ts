/**
 * For the collector tests: evaluates every target of a built-in dashboard over the samples a
 * collector really produced (an in-memory store), so a dashboard naming a path or function the
 * collectors do not produce fails here. Not a test file.
 */
import type { Dashboard } from "../../src/dashboards/index.js";
import type { Sample } from "../../src/model/index.js";
import { evaluateTargets } from "../../src/query/index.js";
import { MemoryStore } from "../query/memory-store.js";

/** Targets (after variable substitution) that gave an error or no series with a value. */
export function emptyTargets(d: Dashboard, samples: readonly Sample[], vars: Readonly<Record<string, string>>): string[] {
  const byName = new Map<string, Array<[number, number]>>();
  for (const s of samples) {
    const pts = byName.get(s.name) ?? [];
    pts.push([s.ts, s.value]);
    byName.set(s.name, pts);
  }
  const store = new MemoryStore(10_000);
  for (const [name, pts] of byName) store.add(name, pts);
  const ts = samples.map((s) => s.ts);
  const from = Math.min(...ts) - 60_000;
  const to = Math.max(...ts) + 10_000;
  const bad: string[] = [];
  for (const p of d.panels.flatMap((q) => [q, ...(q.panels ?? [])])) {
    for (const t of p.targets) {
      const target = t.target.replace(/\$(\w+)/g, (_, v: string) => vars[v] ?? `$${v}`);
      const [r] = evaluateTargets(store, [target], from, to);
      const ok = r !== undefined && r.error === undefined && r.series.some((s) => [...s.values].some((v) => v !== null && Number.isFinite(v)));
      if (!ok) bad.push(`${p.title}: ${target}${r?.error !== undefined ? ` (${r.error.message})` : ""}`);
    }
  }
  return bad;
}
