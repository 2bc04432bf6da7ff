/**
 * Dashboard rows (Grafana's row panels): a full-width heading that folds the panels below it.
 * An open row's panels follow it in the dashboard's `panels`; a collapsed row (`collapsed: true`)
 * holds them in its own `panels`, so they are not laid out and not queried until it is opened.
 * A row with `repeat` is drawn once per value of its variable, its panels scoped to that value.
 * Titles get `$var`, `${var}` and `[[var]]` filled in when drawn (several values joined by ", ").
 */
import type { Panel } from "./types.js";

// Pure (no DOM, no fetch): unit-tested under node. The page passes grid.ts's placePanels in, and
// the shapes below are the structural parts of variables.ts's VarState and grid.ts's PlacedPanel.

/** What a variable stands for (VarState of variables.ts). */
export interface VarValues {
  readonly name: string;
  readonly options: readonly string[];
  readonly selected: readonly string[];
}

/** A panel on the grid (PlacedPanel of grid.ts). */
export interface PlacedPanel {
  readonly key: string;
  readonly panel: Panel;
  readonly scoped: Readonly<Record<string, string>>;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

/** Lays out a run of panels (grid.ts's placePanels: repeated panels expanded). */
export type PlaceFn<V extends VarValues> = (panels: readonly Panel[], vars: readonly V[]) => PlacedPanel[];

const ALL = "$__all";
const valuesOf = (v: VarValues): string[] => (v.selected.includes(ALL) ? [...v.options] : [...v.selected]);

export interface PlacedRow {
  /** `row-<id>`, `row-<id>_<n>` for the copies of a repeated row. */
  readonly key: string;
  readonly row: Panel;
  readonly title: string;
  readonly collapsed: boolean;
  /** Panels the row folds (collapsed) or shows (open). */
  readonly count: number;
  readonly y: number;
}

export interface RowLayout {
  readonly panels: PlacedPanel[];
  readonly rows: PlacedRow[];
  /** Grid lines used. */
  readonly height: number;
}

/** A title with variables filled in: the repeat's own value first, then the selection (All → every option). */
export function interpolateTitle(text: string, vars: readonly VarValues[], scoped: Readonly<Record<string, string>> = {}): string {
  if (!text.includes("$") && !text.includes("[[")) return text;
  const byName = new Map(vars.map((v) => [v.name, v]));
  return text.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g, (whole, a?: string, b?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    if (scoped[name] !== undefined) return scoped[name];
    const v = byName.get(name);
    if (v === undefined) return whole;
    const vals = v.selected.includes(ALL) && v.options.length === 0 ? ["All"] : valuesOf(v);
    return vals.join(", ");
  });
}

const byPos = (a: Panel, b: Panel): number => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x;

interface Section {
  readonly row: Panel | undefined;
  readonly panels: Panel[];
}

/** The top-level panels cut at each row, in reading order. */
function sections(panels: readonly Panel[]): Section[] {
  const out: Section[] = [{ row: undefined, panels: [] }];
  for (const p of [...panels].sort(byPos)) {
    if (p.type === "row") out.push({ row: p, panels: [] });
    else out[out.length - 1]!.panels.push(p);
  }
  return out;
}

/** Panels relative to the top of their section (so folded space never leaves a gap). */
function relative(panels: readonly Panel[]): Panel[] {
  const top = panels.reduce((m, p) => Math.min(m, p.gridPos.y), Infinity);
  return panels.map((p) => ({ ...p, gridPos: { ...p.gridPos, y: p.gridPos.y - top } }));
}

/** Rows and the panels to draw, on the 24-column grid, with repeated panels and rows expanded. */
export function layoutRows<V extends VarValues>(panels: readonly Panel[], vars: readonly V[], placePanels: PlaceFn<V>): RowLayout {
  const out: PlacedPanel[] = [];
  const rows: PlacedRow[] = [];
  let cursor = 0;
  for (const s of sections(panels)) {
    const v = s.row?.repeat ? vars.find((x) => x.name === s.row!.repeat) : undefined;
    const values = v ? valuesOf(v) : [];
    const copies: Array<Record<string, string>> = v && values.length > 0 ? values.map((value) => ({ [v.name]: value })) : [{}];
    copies.forEach((scope, i) => {
      const suffix = i === 0 ? "" : `_r${i}`;
      if (s.row !== undefined) {
        const collapsed = s.row.collapsed === true;
        const count = collapsed ? (s.row.panels ?? []).length : s.panels.length;
        rows.push({ key: `row-${s.row.id}${suffix}`, row: s.row, title: interpolateTitle(s.row.title, vars, scope), collapsed, count, y: cursor });
        cursor += 1;
      }
      const placed = placePanels(relative(s.panels), vars);
      for (const p of placed) {
        const scoped = { ...p.scoped, ...scope };
        out.push({ ...p, key: `${p.key}${suffix}`, scoped, panel: { ...p.panel, title: interpolateTitle(p.panel.title, vars, scoped) }, y: cursor + p.y });
      }
      cursor += placed.reduce((m, p) => Math.max(m, p.y + p.h), 0);
    });
  }
  return { panels: out, rows, height: cursor };
}

function shiftBelow(panels: Panel[], y: number, dy: number): Panel[] {
  const move = (p: Panel): Panel => (p.gridPos.y > y ? { ...p, gridPos: { ...p.gridPos, y: Math.max(0, p.gridPos.y + dy) } } : p);
  return panels.map((p) => (p.type === "row" && p.panels ? { ...move(p), panels: p.panels.map(move) } : move(p)));
}

/**
 * Opens or folds a row, as Grafana does: folding moves the panels after it (up to the next row)
 * into the row and closes the gap; opening puts them back below it and moves later panels down.
 */
export function toggleRow(panels: readonly Panel[], rowId: number): Panel[] {
  const row = panels.find((p) => p.id === rowId && p.type === "row");
  if (row === undefined) return [...panels];
  const rest = panels.filter((p) => p !== row);
  if (row.collapsed === true) {
    const inner = relative(row.panels ?? []);
    const height = inner.reduce((m, p) => Math.max(m, p.gridPos.y + p.gridPos.h), 0);
    const opened = inner.map((p) => ({ ...p, gridPos: { ...p.gridPos, y: row.gridPos.y + 1 + p.gridPos.y } }));
    const { panels: _folded, ...open } = row;
    return [...shiftBelow(rest, row.gridPos.y, height), { ...open, collapsed: false }, ...opened].sort(byPos);
  }
  const nextRowY = rest.filter((p) => p.type === "row" && p.gridPos.y > row.gridPos.y).reduce((m, p) => Math.min(m, p.gridPos.y), Infinity);
  const inner = rest.filter((p) => p.type !== "row" && p.gridPos.y > row.gridPos.y && p.gridPos.y < nextRowY);
  const others = rest.filter((p) => !inner.includes(p));
  const height = inner.reduce((m, p) => Math.max(m, p.gridPos.y + p.gridPos.h), row.gridPos.y + 1) - row.gridPos.y - 1;
  return [...shiftBelow(others, row.gridPos.y, -height), { ...row, collapsed: true, panels: inner }].sort(byPos);
}
