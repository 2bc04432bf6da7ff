/** The dashboard page's dialogs: share a snapshot, edit the dashboard JSON, add an annotation. */
import { clear, h } from "./dom.js";
import { postJson } from "./api.js";
import { button, openModal, openPopover, toast } from "./dialogs.js";
import type { AbsRange } from "./time.js";
import type { Annotation, Dashboard } from "./types.js";

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

/** The popover to add an annotation where a chart was clicked; `onAdded` gets the stored annotation. */
export function openAnnotationPopover(dashboardUid: string, time: number, x: number, y: number, onAdded: (a: Annotation) => void): void {
  const text = h("input", { type: "text", id: "anno-text", placeholder: "What happened?", maxlength: 1000 });
  const tags = h("input", { type: "text", id: "anno-tags", placeholder: "tags, comma separated" });
  const save = button("Add annotation", { class: "btn primary", id: "anno-save" });
  const pop = openPopover(x, y, [h("div", { class: "popover-title" }, `Annotation at ${new Date(time).toLocaleString()}`), text, tags, h("div", { class: "modal-buttons" }, save)], "anno-popover");
  const submit = async (): Promise<void> => {
    if (text.value.trim() === "") return text.focus();
    try {
      const tagList = tags.value.split(",").map((t) => t.trim()).filter((t) => t !== "");
      const a = await postJson<Annotation | { annotation: Annotation }>("/api/annotations", { time, text: text.value.trim(), tags: tagList, dashboardUid });
      pop.close();
      onAdded("annotation" in a ? a.annotation : a);
    } catch (err) {
      toast(`Could not add annotation: ${(err as Error).message}`, "error");
    }
  };
  save.addEventListener("click", () => void submit());
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter") void submit();
  });
}
