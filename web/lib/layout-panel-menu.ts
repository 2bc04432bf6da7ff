/**
 * A panel's menu (the ⋮ in its header), as in Grafana: View (full size), Inspect (data and query)
 * for everyone; Edit, Duplicate, Remove for Editors only (the API refuses Viewers anyway).
 */
import { h } from "./dom.js";
import { button, openModal, openPopover } from "./dialogs.js";
import { errorText, type Panel, type QueryResult } from "./types.js";

export interface PanelMenuActions {
  readonly canEdit: boolean;
  view(key: string): void;
  inspect(key: string): void;
  editHref(panelId: number): string;
  duplicate(panelId: number): void;
  remove(panelId: number): void;
}

/** The ⋮ button of a panel header; `original` is false for a repeated copy (not editable on its own). */
export function panelMenuButton(key: string, panelId: number, original: boolean, a: PanelMenuActions): HTMLButtonElement {
  const btn = h("button", { type: "button", class: "panel-menu-btn", title: "Panel menu", "aria-haspopup": "menu" }, "⋮");
  btn.addEventListener("click", (e) => {
    e.stopPropagation();
    const r = btn.getBoundingClientRect();
    const item = (action: string, label: string, run: () => void): HTMLButtonElement => {
      const b = h("button", { type: "button", class: "menu-item", role: "menuitem", "data-action": action }, label);
      b.addEventListener("click", () => {
        pop.close();
        run();
      });
      return b;
    };
    const items: HTMLElement[] = [item("view", "View", () => a.view(key))];
    if (a.canEdit && original) {
      items.push(item("edit", "Edit", () => location.assign(a.editHref(panelId))));
      items.push(item("duplicate", "Duplicate", () => a.duplicate(panelId)));
    }
    items.push(item("inspect", "Inspect data / query", () => a.inspect(key)));
    if (a.canEdit && original) items.push(item("remove", "Remove", () => a.remove(panelId)));
    const pop = openPopover(r.left - 140, r.bottom - 8, [h("div", { class: "panel-menu", role: "menu" }, ...items)], "panel-menu");
  });
  return btn;
}

export interface InspectInput {
  readonly title: string;
  readonly queries: ReadonlyArray<{ readonly refId: string; readonly target: string; readonly interpolated: string }>;
  readonly results: readonly QueryResult[];
}

function stats(values: ReadonlyArray<number | null>): { n: number; min: string; max: string; last: string } {
  const nums = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const fmt = (v: number | undefined): string => (v === undefined ? "—" : String(Math.round(v * 1e6) / 1e6));
  return { n: nums.length, min: fmt(nums.length ? Math.min(...nums) : undefined), max: fmt(nums.length ? Math.max(...nums) : undefined), last: fmt(nums[nums.length - 1]) };
}

/** Inspect: the queries (as written and as sent) and the data each returned, with the raw JSON. */
export function openInspectDialog(s: InspectInput): void {
  const qRows = s.queries.map((q) => h("tr", {}, h("td", {}, q.refId), h("td", { class: "code" }, q.target), h("td", { class: "code" }, q.interpolated)));
  const dRows = s.results.flatMap((r) => {
    if (r.error !== undefined) return [h("tr", { class: "inspect-error" }, h("td", {}, r.id), h("td", { colspan: 5 }, errorText(r.error)))];
    return r.series.map((se) => {
      const st = stats(se.values);
      return h("tr", {}, h("td", {}, r.id), h("td", { class: "code" }, se.target), h("td", {}, `${st.n}/${se.values.length}`), h("td", {}, st.min), h("td", {}, st.max), h("td", {}, st.last));
    });
  });
  const raw = h("textarea", { class: "code inspect-json", rows: 10, readonly: true, spellcheck: "false" });
  raw.value = JSON.stringify(s.results, null, 1).slice(0, 200_000);
  const content = [
    h("h4", {}, "Query"),
    s.queries.length ? h("table", { class: "data inspect-queries" }, h("thead", {}, h("tr", {}, h("th", {}, "Ref"), h("th", {}, "Target"), h("th", {}, "As sent"))), h("tbody", {}, ...qRows)) : h("p", { class: "muted" }, "This panel has no queries."),
    h("h4", {}, "Data"),
    dRows.length ? h("table", { class: "data inspect-data" }, h("thead", {}, h("tr", {}, h("th", {}, "Query"), h("th", {}, "Series"), h("th", {}, "Points"), h("th", {}, "Min"), h("th", {}, "Max"), h("th", {}, "Last"))), h("tbody", {}, ...dRows)) : h("p", { class: "muted" }, "No data."),
    h("details", {}, h("summary", {}, "JSON"), raw),
  ];
  const m = openModal(`Inspect: ${s.title || "panel"}`, content, [button("Close", {}, () => m.close())], "inspect-dialog");
}

/** A panel's queries as written and as sent (`interpolate` fills in the variables). */
export function inspectQueries(panel: Panel, interpolate: (target: string) => string): InspectInput["queries"] {
  if (panel.type === "text") return [];
  return panel.targets.filter((t) => !t.hide && t.target.trim() !== "").map((t) => ({ refId: t.refId, target: t.target, interpolated: interpolate(t.target) }));
}

export interface HeaderInput {
  readonly key: string;
  readonly panel: Panel;
  /** Not a repeated copy, on a live dashboard: editable. */
  readonly original: boolean;
  readonly editHref: string;
  /** The Explore link for the panel's first query, computed at click time. */
  readonly explore: (() => string) | undefined;
  readonly actions: PanelMenuActions;
}

/** The header of a dashboard panel: title, edit and Explore links, the ⋮ menu. */
export function panelHeader(i: HeaderInput): HTMLElement {
  const header = h("div", { class: "panel-header" }, h("span", { class: "panel-title", title: i.panel.title }, i.panel.title));
  if (i.actions.canEdit && i.original) header.append(h("a", { class: "panel-edit", href: i.editHref, title: "Edit panel" }, "✎"));
  const explore = i.explore;
  if (explore) {
    const link = h("a", { class: "panel-edit panel-explore", href: "/explore", title: "Open in Explore" }, "⤢");
    const point = (): void => void (link.href = explore());
    link.addEventListener("mousedown", point);
    link.addEventListener("click", point);
    header.append(link);
  }
  header.append(panelMenuButton(i.key, i.panel.id, i.original, i.actions));
  return header;
}
