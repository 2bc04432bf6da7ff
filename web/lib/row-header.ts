/** The heading of a dashboard row (web/lib/rows.ts): a button that folds or opens it. */
import { h } from "./dom.js";
import type { PlacedRow } from "./rows.js";

export function rowHeader(r: PlacedRow, onToggle: (rowId: number) => void): HTMLElement {
  const caret = h("span", { class: "row-caret", "aria-hidden": "true" }, r.collapsed ? "▸" : "▾");
  const title = h("span", { class: "row-title" }, r.title === "" ? "Row" : r.title);
  const count = h("span", { class: "row-count muted" }, r.collapsed ? `(${r.count} panel${r.count === 1 ? "" : "s"})` : "");
  const btn = h("button", { type: "button", class: "row-toggle", "aria-expanded": String(!r.collapsed) }, caret, title, count);
  btn.addEventListener("click", () => onToggle(r.row.id));
  const el = h("div", { class: "dash-row", "data-row-key": r.key, "data-row-id": r.row.id, "data-collapsed": String(r.collapsed) }, btn);
  el.style.gridColumn = "1 / span 24";
  el.style.gridRow = `${r.y + 1} / span 1`;
  return el;
}
