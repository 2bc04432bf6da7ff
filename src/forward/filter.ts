/**
 * `include` / `exclude` of a forwarder: Graphite globs over series names, matched segment by segment in
 * linear time (lib/graphite-glob.ts). Answers are cached per name (names repeat every interval).
 */
import { compileGlob, type SegmentMatcher } from "../lib/graphite-glob.js";

const CACHE_LIMIT = 100_000;

export type NameFilter = (name: string) => boolean;

function matches(glob: readonly SegmentMatcher[], parts: readonly string[]): boolean {
  if (parts.length !== glob.length) return false;
  for (let i = 0; i < glob.length; i++) {
    const m = glob[i]!;
    const p = parts[i]!;
    if ("literal" in m ? m.literal !== p : !m.re.test(p)) return false;
  }
  return true;
}

/** A predicate true for names matching some include (or any name when none) and no exclude. */
export function nameFilter(include: readonly string[], exclude: readonly string[]): NameFilter {
  if (include.length === 0 && exclude.length === 0) return () => true;
  const inc = include.map(compileGlob);
  const exc = exclude.map(compileGlob);
  const cache = new Map<string, boolean>();
  return (name) => {
    const hit = cache.get(name);
    if (hit !== undefined) return hit;
    const parts = name.split(".");
    const ok = (inc.length === 0 || inc.some((g) => matches(g, parts))) && !exc.some((g) => matches(g, parts));
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(name, ok);
    return ok;
  };
}
