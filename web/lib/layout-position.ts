/**
 * Puts the dashboard's panel elements on the CSS grid, and the "View" mode (one panel, full width,
 * as tall as the window). Positions are set through the CSSOM, which the CSP (style-src 'self')
 * allows, unlike style attributes.
 */
import type { PlacedPanel } from "./grid.js";

const GAP_PX = 6;

/** Each element (by panel key) at its placed cell; the grid gets as many rows as the layout needs. */
export function positionPanels(grid: HTMLElement, rowPx: number, placed: readonly PlacedPanel[], elements: Iterable<{ readonly key: string; readonly el: HTMLElement }>): void {
  const rows = placed.reduce((m, p) => Math.max(m, p.y + p.h), 0);
  grid.style.gridTemplateRows = `repeat(${rows}, ${rowPx}px)`;
  const byKey = new Map(placed.map((p) => [p.key, p]));
  for (const { key, el } of elements) {
    const p = byKey.get(key);
    if (p === undefined) continue;
    el.style.gridColumn = `${p.x + 1} / span ${p.w}`;
    el.style.gridRow = `${p.y + 1} / span ${p.h}`;
  }
}

/** With a `viewKey` (?viewPanel=<key>) that exists: only that panel, full width, filling the window. */
export function placeView(grid: HTMLElement, rowPx: number, placed: PlacedPanel[], viewKey: string | null): PlacedPanel[] {
  const one = viewKey === null ? undefined : placed.find((p) => p.key === viewKey);
  grid.classList.toggle("viewing", one !== undefined);
  if (one === undefined) return placed;
  const rows = Math.max(8, Math.floor((window.innerHeight - grid.getBoundingClientRect().top - 16) / (rowPx + GAP_PX)));
  return [{ ...one, x: 0, y: 0, w: 24, h: rows }];
}
