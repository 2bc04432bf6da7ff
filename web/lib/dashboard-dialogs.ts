/** The dashboard page's dialogs: share a snapshot, edit the dashboard JSON. */
import { clear, h } from "./dom.js";
import { postJson } from "./api.js";
import { button, openModal, toast } from "./dialogs.js";
import type { AbsRange } from "./time.js";
import type { Dashboard } from "./types.js";

export interface SnapshotInput {
  readonly title: string;
  /** The dashboard as shown (variables' current selection filled in). */
  readonly dashboard: Dashboard;
  readonly range: AbsRange;
  /** `<panelKey>-<refId>` → the query result drawn (plus `__annotations`). */
  readonly data: Record<string, unknown>;
}

export function openSnapshotDialog(s: SnapshotInput): void {
  const name = h("input", { type: "text", id: "snapshot-name", value: `${s.title} ${new Date().toLocaleString()}` });
  const expiry = h("select", { id: "snapshot-expiry" }, h("option", { value: "" }, "Never"), h("option", { value: "3600" }, "1 hour"), h("option", { value: "86400" }, "1 day"), h("option", { value: "604800" }, "7 days"), h("option", { value: "2592000" }, "30 days"));
  const out = h("div", { class: "snapshot-result" });
  const create = button("Create snapshot", { class: "btn primary", id: "snapshot-create" });
  const m = openModal("Share snapshot", [h("p", { class: "muted" }, "Freezes this dashboard with the data shown now. The link works without querying live data."), h("label", {}, "Name", name), h("label", {}, "Expires", expiry), out], [button("Close", {}, () => m.close()), create], "snapshot-dialog");
  create.addEventListener("click", () => {
    const body: Record<string, unknown> = { name: name.value.trim() || s.title, dashboard: s.dashboard, range: { from: Math.round(s.range.from), to: Math.round(s.range.to) }, data: s.data };
    if (expiry.value !== "") body["expiresIn"] = Number(expiry.value);
    create.disabled = true;
    postJson<{ key: string; url: string }>("/api/snapshots", body)
      .then((r) => {
        const href = r.url || `/snapshot/${r.key}`;
        clear(out);
        out.append(h("span", {}, "Snapshot link: "), h("a", { href, id: "snapshot-link", target: "_blank" }, new URL(href, location.href).href));
      })
      .catch((err: Error) => {
        create.disabled = false;
        toast(`Snapshot failed: ${err.message}`, "error");
      });
  });
}

export function openJsonEditor(dash: Dashboard, version: number): void {
  const ta = h("textarea", { id: "json-editor", class: "code", rows: 24, spellcheck: "false" });
  ta.value = JSON.stringify(dash, null, 2);
  const save = button("Save", { class: "btn primary", id: "json-save" });
  const m = openModal("Dashboard JSON", [ta], [button("Cancel", {}, () => m.close()), save], "json-dialog");
  save.addEventListener("click", () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(ta.value);
    } catch (err) {
      return toast(`Invalid JSON: ${(err as Error).message}`, "error");
    }
    postJson<{ uid: string; version: number }>("/api/dashboards", { dashboard: parsed, expectedVersion: version, message: "edited JSON" })
      .then((r) => location.assign(`/d/${encodeURIComponent(r.uid)}${location.search}`))
      .catch((err: Error) => toast(`Save failed: ${err.message}`, "error"));
  });
}

/** Stores the view shown (range, refresh, variable values) as the dashboard's defaults. */
export function saveView(dash: Dashboard, version: number): void {
  postJson<{ uid: string; version: number }>("/api/dashboards", { dashboard: dash, expectedVersion: version, message: "saved the view as default" })
    .then(() => {
      toast("Saved as this dashboard's default view");
      location.assign(`/d/${encodeURIComponent(dash.uid)}`);
    })
    .catch((err: Error) => toast(`Save failed: ${err.message}`, "error"));
}
