/**
 * The dashboard's edit mode for Editors: an "Edit layout" toggle (drag a header to move, the corner
 * to resize), duplicate/remove a panel, delete the dashboard. Every change is saved at once through
 * POST /api/dashboards with the version it was loaded at (a concurrent edit is refused, 409), so
 * each step is one entry in the dashboard's version history.
 */
import { h, byId } from "./dom.js";
import { sendJson, postJson, getJson } from "./api.js";
import { button, openModal, toast } from "./dialogs.js";
import { enableLayoutDrag } from "./layout-drag.js";
import { compact, firstFreeSlot, type GridBox } from "./layout-engine.js";
import type { Dashboard, Panel } from "./types.js";

export interface LayoutHost {
  readonly dash: Dashboard;
  readonly grid: HTMLElement;
  readonly rowPx: number;
  /** The stored version the next save is based on. */
  version: number;
  /** Re-positions the panel elements for `panels` (default: the dashboard's), without redrawing data. */
  relayout(panels?: readonly Panel[]): void;
  /** Rebuilds the panels and reloads their data (a panel was added or removed). */
  rebuild(): void;
}

export interface LayoutEditor {
  duplicatePanel(id: number): void;
  removePanel(id: number): void;
  deleteDashboard(): void;
}

const boxesOf = (panels: readonly Panel[]): GridBox[] => panels.map((p) => ({ id: p.id, ...p.gridPos }));

function withLayout(panels: readonly Panel[], layout: readonly GridBox[]): Panel[] {
  const by = new Map(layout.map((b) => [b.id, b]));
  return panels.map((p) => {
    const b = by.get(p.id);
    return b ? { ...p, gridPos: { x: b.x, y: b.y, w: b.w, h: b.h } } : p;
  });
}

export function createLayoutEditor(host: LayoutHost): LayoutEditor {
  const { dash, grid } = host;
  let editing = false;

  let saving: Promise<unknown> = Promise.resolve();
  /**
   * Shows `panels` as the dashboard's at once and saves them; saves run one after another (each
   * based on the version the previous one stored). On failure the dashboard is put back as it was.
   */
  function save(panels: Panel[], message: string): Promise<boolean> {
    const before = dash.panels;
    dash.panels = panels;
    const run = async (): Promise<boolean> => {
      try {
        const r = await postJson<{ uid: string; version: number }>("/api/dashboards", { dashboard: { ...dash, panels }, expectedVersion: host.version, message });
        host.version = r.version;
        return true;
      } catch (err) {
        if (dash.panels === panels) dash.panels = before;
        toast(`Save failed: ${(err as Error).message}`, "error");
        return false;
      }
    };
    const done = saving.then(run);
    saving = done;
    return done;
  }

  enableLayoutDrag(
    {
      grid,
      rowPx: host.rowPx,
      boxes: () => boxesOf(dash.panels),
      preview: (layout) => host.relayout(withLayout(dash.panels, layout)),
      cancel: () => host.relayout(),
      commit: (layout, what) => {
        const title = dash.panels.find((p) => p.id === what.id)?.title ?? String(what.id);
        const panels = withLayout(dash.panels, layout);
        void save(panels, `${what.kind === "move" ? "moved" : "resized"} panel "${title}"`).then((ok) => ok || host.relayout());
        host.relayout();
      },
    },
    () => editing && !grid.classList.contains("viewing"),
  );

  addHeadButtons(grid, (on) => (editing = on), () => editor.deleteDashboard());

  const editor: LayoutEditor = {
    duplicatePanel(id) {
      const src = dash.panels.find((p) => p.id === id);
      if (!src) return;
      const copy: Panel = { ...structuredClone(src), id: dash.panels.reduce((m, p) => Math.max(m, p.id), 0) + 1 };
      copy.gridPos = firstFreeSlot(dash.panels.map((p) => p.gridPos), src.gridPos.w, src.gridPos.h);
      void save([...dash.panels, copy], `duplicated panel "${src.title}"`).then((ok) => ok || host.rebuild());
      host.rebuild();
    },
    removePanel(id) {
      const p = dash.panels.find((x) => x.id === id);
      if (!p) return;
      confirmRemove(p.title || String(id), () => {
        const rest = dash.panels.filter((x) => x.id !== id);
        void save(withLayout(rest, compact(boxesOf(rest))), `removed panel "${p.title}"`).then((done) => done || host.rebuild());
        host.rebuild();
      });
    },
    deleteDashboard() {
      openDeleteDialog(dash);
    },
  };
  return editor;
}

/** "Edit layout" (toggles the grid's edit mode) before Add panel, and "Delete" at the end of the header. */
function addHeadButtons(grid: HTMLElement, setEditing: (on: boolean) => void, onDelete: () => void): void {
  const toggle = h("button", { type: "button", class: "btn", id: "edit-layout", title: "Drag a panel's header to move it, its lower right corner to resize it", "aria-pressed": "false" }, "Edit layout");
  toggle.addEventListener("click", () => {
    const on = !grid.classList.contains("editing");
    setEditing(on);
    grid.classList.toggle("editing", on);
    toggle.classList.toggle("primary", on);
    toggle.textContent = on ? "Done" : "Edit layout";
    toggle.setAttribute("aria-pressed", String(on));
  });
  const del = h("button", { type: "button", class: "btn danger", id: "delete-dashboard", title: "Delete this dashboard" }, "Delete");
  del.addEventListener("click", onDelete);
  const anchor = byId("add-panel");
  if (anchor) anchor.before(toggle);
  else document.querySelector(".dash-head")?.append(toggle);
  document.querySelector(".dash-head")?.append(del);
}

function confirmRemove(title: string, onOk: () => void): void {
  const ok = button("Remove", { class: "btn danger", id: "remove-panel-confirm" });
  const m = openModal("Remove panel", [h("p", {}, `Remove the panel "${title}"? Version history keeps the dashboard as it was.`)], [button("Cancel", {}, () => m.close()), ok], "remove-panel-dialog");
  ok.addEventListener("click", () => {
    m.close();
    onOk();
  });
}

/**
 * Deleting a dashboard moves it to "Recently deleted" with its version history, where an Admin can
 * restore it until [dashboards] trash_retention passes; the dialog says so and offers the export.
 */
function openDeleteDialog(dash: Dashboard): void {
  const uid = encodeURIComponent(dash.uid);
  const count = h("span", {}, "");
  void getJson<unknown[]>(`/api/dashboards/${uid}/versions`)
    .then((v) => (count.textContent = ` (${v.length} version${v.length === 1 ? "" : "s"})`))
    .catch(() => undefined);
  const ok = button("Delete dashboard", { class: "btn danger", id: "delete-dashboard-confirm" });
  const text = [
    h("p", {}, `Delete "${dash.title}"? It moves to "Recently deleted" with its version history`, count, "; an Admin can restore it there for 30 days (", h("code", {}, "[dashboards] trash_retention"), "), then it is deleted for good."),
    h("p", { class: "muted" }, "To keep a copy of your own, ", h("a", { href: `/api/dashboards/${uid}/export`, download: `${dash.uid}.json`, id: "delete-export" }, "export its JSON"), " first."),
  ];
  const m = openModal("Delete dashboard", text, [button("Cancel", {}, () => m.close()), ok], "delete-dashboard-dialog");
  ok.addEventListener("click", () => {
    ok.disabled = true;
    sendJson<void>("DELETE", `/api/dashboards/${uid}`)
      .then(() => location.assign("/dashboards"))
      .catch((err: Error) => {
        ok.disabled = false;
        toast(`Delete failed: ${err.message}`, "error");
      });
  });
}
