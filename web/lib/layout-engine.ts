/**
 * Grid layout rules of the dashboard editor, pure (no DOM): Grafana's 24-column gridPos, moving and
 * resizing a box pushes the boxes it lands on down, then everything floats up as far as it can
 * (react-grid-layout's vertical compaction, which Grafana uses); new boxes go to the first free slot.
 */
export const GRID_COLUMNS = 24;
export const MAX_H = 100;

export interface GridBox {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

type Mutable = { id: number; x: number; y: number; w: number; h: number };

export function overlaps(a: Omit<GridBox, "id">, b: Omit<GridBox, "id">): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

/** Keeps a box inside the grid: 1 ≤ w ≤ 24, 0 ≤ x ≤ 24 − w, y ≥ 0, 1 ≤ h ≤ 100. */
export function clampBox<T extends GridBox>(b: T): T {
  const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(b.w)));
  const h = Math.min(MAX_H, Math.max(1, Math.round(b.h)));
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(b.x)));
  const y = Math.max(0, Math.round(b.y));
  return { ...b, x, y, w, h };
}

/**
 * Makes room for `b`: a box it lands on moves up above it when that space is free (so dragging a
 * panel down past another swaps them, as in Grafana), else down to just below it, cascading.
 */
function makeRoom(all: Mutable[], b: Mutable, userMove: boolean, depth = 0): void {
  if (depth > all.length) return;
  for (const o of all) {
    if (o === b || !overlaps(o, b)) continue;
    if (userMove) {
      const up = { ...o, y: b.y - o.h };
      if (up.y >= 0 && !all.some((p) => p !== o && overlaps(up, p))) {
        o.y = up.y;
        continue;
      }
    }
    o.y = b.y + b.h;
    makeRoom(all, o, false, depth + 1);
  }
}

/**
 * Vertical compaction: in reading order (`first` wins ties, it is the box being dragged), each box
 * rises while the row above is free of the boxes already placed.
 */
export function compact<T extends GridBox>(boxes: readonly T[], first?: number): T[] {
  const order = boxes.map((b, i) => ({ b: { ...b } as Mutable, i })).sort((p, q) => p.b.y - q.b.y || (p.b.id === first ? -1 : q.b.id === first ? 1 : p.b.x - q.b.x));
  const placed: Mutable[] = [];
  for (const { b } of order) {
    while (b.y > 0 && !placed.some((p) => overlaps({ ...b, y: b.y - 1 }, p))) b.y--;
    while (placed.some((p) => overlaps(b, p))) b.y++;
    placed.push(b);
  }
  const out = new Array<T>(boxes.length);
  order.forEach(({ b, i }) => (out[i] = { ...boxes[i]!, x: b.x, y: b.y, w: b.w, h: b.h }));
  return out;
}

/** Moves and/or resizes box `id` to `to`, pushes what it lands on down and compacts. */
export function placeBox<T extends GridBox>(boxes: readonly T[], id: number, to: { x: number; y: number; w: number; h: number }): T[] {
  const all = boxes.map((b) => ({ ...b }) as Mutable);
  const moved = all.find((b) => b.id === id);
  if (moved === undefined) return compact(boxes);
  Object.assign(moved, clampBox({ id, ...to }));
  // boxes that were above the moved one keep their place first; those it lands on go below it
  makeRoom(all, moved, true);
  const compacted = compact(all, id);
  return boxes.map((b, i) => ({ ...b, x: compacted[i]!.x, y: compacted[i]!.y, w: compacted[i]!.w, h: compacted[i]!.h }));
}

/** Removes a box and lets the ones below float up. */
export function removeBox<T extends GridBox>(boxes: readonly T[], id: number): T[] {
  return compact(boxes.filter((b) => b.id !== id));
}

/**
 * The first free slot for a `w`×`h` box in reading order (top to bottom, left to right), like
 * Grafana's "add panel": the top-left-most position where it overlaps nothing.
 */
export function firstFreeSlot(boxes: readonly Omit<GridBox, "id">[], w: number, h: number): { x: number; y: number; w: number; h: number } {
  const ww = Math.min(GRID_COLUMNS, Math.max(1, Math.round(w)));
  const hh = Math.min(MAX_H, Math.max(1, Math.round(h)));
  const bottom = boxes.reduce((m, b) => Math.max(m, b.y + b.h), 0);
  for (let y = 0; y <= bottom; y++) {
    for (let x = 0; x + ww <= GRID_COLUMNS; x++) {
      const cand = { x, y, w: ww, h: hh };
      if (!boxes.some((b) => overlaps(cand, b))) return cand;
    }
  }
  return { x: 0, y: bottom, w: ww, h: hh };
}

/** Did any box change position or size? */
export function layoutChanged(a: readonly GridBox[], b: readonly GridBox[]): boolean {
  if (a.length !== b.length) return true;
  return a.some((p, i) => {
    const q = b[i]!;
    return p.id !== q.id || p.x !== q.x || p.y !== q.y || p.w !== q.w || p.h !== q.h;
  });
}
