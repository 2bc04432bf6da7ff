/**
 * Panel layout: Grafana's 24-column grid; repeated panels expand to one copy per selected value of
 * their variable, laid side by side (wrapping), or below each other with `repeatDirection: "v"`, and
 * panels below move down to make room.
 */
import type { Panel } from "./types.js";
import { valuesOf, type VarState } from "./variables.js";

export interface PlacedPanel {
  /** `<panelId>` or `<panelId>_<n>` for repeats; query ids are `<key>-<refId>`. */
  readonly key: string;
  readonly panel: Panel;
  /** Variable values fixed for this copy (repeat). */
  readonly scoped: Readonly<Record<string, string>>;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export function placePanels(panels: readonly Panel[], vars: readonly VarState[]): PlacedPanel[] {
  const sorted = [...panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const out: PlacedPanel[] = [];
  let shift = 0;
  let lastY = -1;
  let pendingShift = 0;
  for (const p of sorted) {
    if (p.gridPos.y !== lastY) {
      shift += pendingShift;
      pendingShift = 0;
      lastY = p.gridPos.y;
    }
    const g = p.gridPos;
    const v = p.repeat ? vars.find((x) => x.name === p.repeat) : undefined;
    const values = v ? valuesOf(v) : [];
    if (v === undefined || values.length <= 1) {
      out.push({ key: String(p.id), panel: p, scoped: {}, x: g.x, y: g.y + shift, w: g.w, h: g.h });
      continue;
    }
    // repeatDirection v: one copy below the other at the panel's own x (several panels of a row can repeat so)
    const perRow = p.repeatDirection === "v" ? 1 : Math.max(1, Math.floor(24 / g.w));
    values.forEach((value, i) => {
      const col = i % perRow;
      const row = Math.floor(i / perRow);
      out.push({
        key: i === 0 ? String(p.id) : `${p.id}_${i}`,
        panel: { ...p, title: `${p.title}${p.title ? " · " : ""}${value}` },
        scoped: { [v.name]: value },
        x: perRow === 1 ? g.x : col * g.w,
        y: g.y + shift + row * g.h,
        w: g.w,
        h: g.h,
      });
    });
    pendingShift = Math.max(pendingShift, (Math.ceil(values.length / perRow) - 1) * g.h);
  }
  return out;
}
