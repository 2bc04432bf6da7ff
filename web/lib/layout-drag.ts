/**
 * Drag to move and drag-a-corner to resize on the dashboard's CSS grid, with pointer events (mouse,
 * pen and touch alike). Positions snap to grid cells while dragging; the layout rules (push down,
 * compaction) are web/lib/layout-engine.ts. Nothing here writes inline style attributes: CSS grid
 * placement is set through the CSSOM, which the CSP (style-src 'self') allows.
 */
import { GRID_COLUMNS, layoutChanged, placeBox, type GridBox } from "./layout-engine.js";

export interface DragHost {
  /** The `.panels` grid element; panels are its children with `data-layout-id`. */
  readonly grid: HTMLElement;
  readonly rowPx: number;
  /** The stored layout when a drag starts. */
  boxes(): GridBox[];
  /** Shows a layout while dragging (no save). */
  preview(layout: readonly GridBox[]): void;
  /** Called on drop when the layout changed. */
  commit(layout: readonly GridBox[], what: { readonly id: number; readonly kind: "move" | "resize" }): void;
  /** Called on drop when nothing changed (restores the stored layout). */
  cancel(): void;
}

interface Drag {
  readonly id: number;
  readonly kind: "move" | "resize";
  readonly el: HTMLElement;
  readonly pointer: number;
  readonly startX: number;
  readonly startY: number;
  readonly start: GridBox[];
  readonly orig: GridBox;
  readonly colPx: number;
  readonly rowPx: number;
  layout: GridBox[];
}

/** Grid cell size in px (column width and row height, each with the gap). */
function cellSize(host: DragHost): { col: number; row: number } {
  const cs = getComputedStyle(host.grid);
  const colGap = parseFloat(cs.columnGap) || 0;
  const rowGap = parseFloat(cs.rowGap) || 0;
  return { col: (host.grid.clientWidth + colGap) / GRID_COLUMNS, row: host.rowPx + rowGap };
}

/** The panel a pointerdown started a drag on, if any: its header (not a link/button in it) or its resize corner. */
function dragTarget(e: PointerEvent): { el: HTMLElement; kind: "move" | "resize" } | undefined {
  const t = e.target as HTMLElement;
  const el = t.closest<HTMLElement>("[data-layout-id]");
  if (el === null || e.button !== 0) return undefined;
  if (t.closest(".panel-resize")) return { el, kind: "resize" };
  if (t.closest(".panel-header") && !t.closest("a, button, input, select")) return { el, kind: "move" };
  return undefined;
}

/** Listens on the grid while `enabled()`; returns a function removing the listeners. */
export function enableLayoutDrag(host: DragHost, enabled: () => boolean): () => void {
  let drag: Drag | undefined;

  const onDown = (e: PointerEvent): void => {
    if (!enabled() || drag) return;
    const target = dragTarget(e);
    if (!target) return;
    const id = Number(target.el.dataset["layoutId"]);
    const start = host.boxes();
    const orig = start.find((b) => b.id === id);
    if (orig === undefined) return;
    e.preventDefault();
    const cell = cellSize(host);
    drag = { id, kind: target.kind, el: target.el, pointer: e.pointerId, startX: e.pageX, startY: e.pageY, start, orig, colPx: cell.col, rowPx: cell.row, layout: start };
    target.el.setPointerCapture(e.pointerId);
    target.el.classList.add(target.kind === "move" ? "dragging" : "resizing");
    host.grid.classList.add("layout-active");
  };

  const onMove = (e: PointerEvent): void => {
    if (!drag || e.pointerId !== drag.pointer) return;
    // near the window's top or bottom edge, scroll (the next move picks up the new page position)
    if (e.clientY > window.innerHeight - 30) window.scrollBy(0, 24);
    else if (e.clientY < 30) window.scrollBy(0, -24);
    const dx = Math.round((e.pageX - drag.startX) / drag.colPx);
    const dy = Math.round((e.pageY - drag.startY) / drag.rowPx);
    const o = drag.orig;
    const to = drag.kind === "move" ? { x: o.x + dx, y: o.y + dy, w: o.w, h: o.h } : { x: o.x, y: o.y, w: Math.min(GRID_COLUMNS - o.x, o.w + dx), h: o.h + dy };
    const next = placeBox(drag.start, drag.id, to);
    if (!layoutChanged(next, drag.layout)) return;
    drag.layout = next;
    host.preview(next);
  };

  const onUp = (e: PointerEvent): void => {
    if (!drag || e.pointerId !== drag.pointer) return;
    const d = drag;
    drag = undefined;
    d.el.classList.remove("dragging", "resizing");
    host.grid.classList.remove("layout-active");
    if (d.el.hasPointerCapture(e.pointerId)) d.el.releasePointerCapture(e.pointerId);
    if (e.type === "pointerup" && layoutChanged(d.layout, d.start)) host.commit(d.layout, { id: d.id, kind: d.kind });
    else host.cancel();
  };

  const g = host.grid;
  g.addEventListener("pointerdown", onDown);
  g.addEventListener("pointermove", onMove);
  g.addEventListener("pointerup", onUp);
  g.addEventListener("pointercancel", onUp);
  return () => {
    g.removeEventListener("pointerdown", onDown);
    g.removeEventListener("pointermove", onMove);
    g.removeEventListener("pointerup", onUp);
    g.removeEventListener("pointercancel", onUp);
  };
}
