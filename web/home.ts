/** Dashboards list page: new dashboard and import (Loupe export or Grafana JSON). */
import { initCommon } from "./lib/theme.js";
import { byId, h } from "./lib/dom.js";
import { postJson } from "./lib/api.js";
import { button, openModal, toast } from "./lib/dialogs.js";
import { formatSkipGroup, groupSkips } from "../src/dashboards/grafana-skips.js";
import { openTrashDialog } from "./lib/trash-dialog.js";

interface ImportResult {
  uid: string;
  title: string;
  source: "loupe" | "grafana";
  skipped: Array<{ panel: string; reason: string }>;
}

function newUid(): string {
  const abc = "abcdefghijklmnopqrstuvwxyz0123456789";
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(10))) s += abc[b % abc.length];
  return s;
}

function newDashboard(): void {
  const title = h("input", { type: "text", id: "new-title", placeholder: "Title", maxlength: 200 });
  const create = button("Create", { class: "btn primary", id: "new-create" });
  const m = openModal("New dashboard", [h("label", {}, "Title", title)], [button("Cancel", {}, () => m.close()), create], "new-dialog");
  const go = (): void => {
    const t = title.value.trim();
    if (t === "") return title.focus();
    const dashboard = {
      uid: newUid(),
      title: t,
      panels: [{ id: 1, type: "timeseries", title: "New panel", gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ refId: "A", target: "" }] }],
    };
    postJson<{ uid: string }>("/api/dashboards", { dashboard, message: "created" })
      .then((r) => location.assign(`/d/${encodeURIComponent(r.uid)}/panel/1/edit`))
      .catch((e: Error) => toast(`Could not create: ${e.message}`, "error"));
  };
  create.addEventListener("click", go);
  title.addEventListener("keydown", (e) => {
    if (e.key === "Enter") go();
  });
}

export function importDialog(): void {
  const file = h("input", { type: "file", id: "import-file", accept: ".json,application/json" });
  const text = h("textarea", { id: "import-text", class: "code", rows: 14, placeholder: "…or paste a Loupe export or a Grafana dashboard JSON", spellcheck: "false" });
  const overwrite = h("input", { type: "checkbox", id: "import-overwrite" });
  const result = h("div", { id: "import-result" });
  const go = button("Import", { class: "btn primary", id: "import-go" });
  const m = openModal("Import dashboard", [file, text, h("label", { class: "check" }, overwrite, "Overwrite a dashboard with the same uid"), result], [button("Close", {}, () => m.close()), go], "import-dialog");
  file.addEventListener("change", () => {
    const f = file.files?.[0];
    if (f) void f.text().then((t) => (text.value = t));
  });
  go.addEventListener("click", () => {
    let json: unknown;
    try {
      json = JSON.parse(text.value);
    } catch (e) {
      result.replaceChildren(h("div", { class: "error-text" }, `Not valid JSON: ${(e as Error).message}`));
      return;
    }
    postJson<ImportResult>(`/api/dashboards/import${overwrite.checked ? "?overwrite=true" : ""}`, json)
      .then((r) => {
        result.replaceChildren(
          h("p", {}, `Imported ${r.source === "grafana" ? "Grafana dashboard" : "dashboard"} `, h("a", { href: `/d/${encodeURIComponent(r.uid)}`, id: "import-link" }, r.title), "."),
          r.skipped.length === 0
            ? h("p", { class: "muted" }, "Everything was converted.")
            : h("div", {}, h("p", {}, `Skipped ${r.skipped.length}:`), h("ul", { id: "import-skipped" }, ...groupSkips(r.skipped).map((g) => h("li", { "data-count": g.count }, formatSkipGroup(g))))),
        );
      })
      .catch((e: Error) => result.replaceChildren(h("div", { class: "error-text" }, `Import failed: ${e.message}`)));
  });
}

initCommon();
byId("new-dashboard")?.addEventListener("click", newDashboard);
byId("import-open")?.addEventListener("click", importDialog);
byId("trash-open")?.addEventListener("click", openTrashDialog);
