/**
 * "Recently deleted" on the dashboards list (Admins, as in Grafana): deleted dashboards with when and
 * by whom, each with Restore (POST /api/dashboards/uid/:uid/restore), which brings it back as it was.
 */
import { h } from "./dom.js";
import { getJson, postJson } from "./api.js";
import { button, openModal, toast } from "./dialogs.js";

interface Trashed {
  uid: string;
  title: string;
  version: number;
  deletedAt: number;
  deletedBy: string | null;
}

function row(t: Trashed, done: (t: Trashed) => void): HTMLTableRowElement {
  const restore = button("Restore", { class: "btn", "data-uid": t.uid });
  restore.addEventListener("click", () => {
    restore.disabled = true;
    postJson<unknown>(`/api/dashboards/uid/${encodeURIComponent(t.uid)}/restore`, {})
      .then(() => done(t))
      .catch((e: Error) => {
        restore.disabled = false;
        toast(`Restore failed: ${e.message}`, "error");
      });
  });
  const when = new Date(t.deletedAt).toLocaleString();
  return h("tr", { "data-uid": t.uid }, h("td", {}, t.title), h("td", {}, when), h("td", {}, t.deletedBy ?? "—"), h("td", {}, restore));
}

export function openTrashDialog(): void {
  const body = h("div", { id: "trash-list" }, h("p", { class: "muted" }, "Loading…"));
  const m = openModal("Recently deleted", [h("p", { class: "muted" }, "Deleted dashboards are kept with their versions for [dashboards] trash_retention (30 days by default), then deleted for good."), body], [button("Close", {}, () => m.close())], "trash-dialog");
  getJson<Trashed[]>("/api/dashboards/trash")
    .then((list) => {
      if (list.length === 0) {
        body.replaceChildren(h("p", { class: "empty" }, "Nothing was deleted recently."));
        return;
      }
      const tbody = h("tbody", {});
      const restored = (t: Trashed): void => {
        tbody.querySelector(`tr[data-uid="${CSS.escape(t.uid)}"]`)?.remove();
        toast(`Restored "${t.title}"`);
        body.prepend(h("p", {}, "Restored ", h("a", { href: `/d/${encodeURIComponent(t.uid)}`, class: "restored-link" }, t.title), "."));
      };
      for (const t of list) tbody.append(row(t, restored));
      body.replaceChildren(h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, "Title"), h("th", {}, "Deleted"), h("th", {}, "By"), h("th", {}, ""))), tbody));
    })
    .catch((e: Error) => body.replaceChildren(h("div", { class: "error-text" }, `Could not load: ${e.message}`)));
}
