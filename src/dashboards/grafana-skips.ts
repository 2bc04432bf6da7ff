/**
 * The import's skipped list folded to one line per reason, with how many panels it hit and which:
 * a dashboard of 63 panels with the same unsupported option reads as one line, not 63.
 * Pure (no I/O), so the page that shows an import result uses it too.
 */
export interface SkipLike {
  readonly panel: string;
  readonly reason: string;
}

export interface SkipGroup {
  readonly reason: string;
  readonly count: number;
  /** The panels (or variables, rows…) it hit, in order, each once. */
  readonly panels: string[];
}

export function groupSkips(skipped: readonly SkipLike[]): SkipGroup[] {
  const byReason = new Map<string, { count: number; panels: string[] }>();
  for (const s of skipped) {
    let g = byReason.get(s.reason);
    if (g === undefined) byReason.set(s.reason, (g = { count: 0, panels: [] }));
    g.count++;
    if (!g.panels.includes(s.panel)) g.panels.push(s.panel);
  }
  return [...byReason].map(([reason, g]) => ({ reason, count: g.count, panels: g.panels }));
}

/** `reason (3): a, b, c` — panel names beyond `max` are counted, not listed. */
export function formatSkipGroup(g: SkipGroup, max = 8): string {
  const shown = g.panels.slice(0, max).join(", ");
  const more = g.panels.length > max ? ` and ${g.panels.length - max} more` : "";
  return `${g.reason} (${g.count}): ${shown}${more}`;
}
