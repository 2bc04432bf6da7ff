/**
 * Places panels on Loupe's 24-column grid in reading order: each panel keeps its column and size
 * and falls up to the lowest free row ("gravity"), so flattened Grafana rows never overlap.
 */
export interface Box {
  x: number;
  w: number;
  h: number;
}

export const GRID_COLUMNS = 24;

export function packPanels<T extends Box>(boxes: readonly T[]): Array<T & { y: number }> {
  const heights = new Array<number>(GRID_COLUMNS).fill(0);
  return boxes.map((b) => {
    const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(b.w)));
    const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(b.x)));
    const h = Math.min(100, Math.max(1, Math.round(b.h)));
    let y = 0;
    for (let c = x; c < x + w; c++) y = Math.max(y, heights[c]!);
    for (let c = x; c < x + w; c++) heights[c] = y + h;
    return { ...b, x, w, h, y };
  });
}
