/** Settings page: shows the current theme name (the toggle is in the top bar). */
import { initCommon, currentTheme } from "./lib/theme.js";
import { byId } from "./lib/dom.js";
import { sendJson } from "./lib/api.js";
import { toast } from "./lib/dialogs.js";

initCommon();
const name = byId("theme-name");
const show = (): void => {
  if (name) name.textContent = currentTheme();
};
show();
window.addEventListener("loupe:theme", show);

const pub = byId<HTMLInputElement>("snapshots-public");
pub?.addEventListener("change", () => {
  sendJson<{ snapshots_public: boolean }>("PUT", "/api/settings", { snapshots_public: pub.checked })
    .then((r) => {
      pub.checked = r.snapshots_public;
      toast(r.snapshots_public ? "Snapshot links work without signing in" : "Snapshot links need a signed-in viewer");
    })
    .catch((e: Error) => {
      pub.checked = !pub.checked;
      toast(`Could not save: ${e.message}`, "error");
    });
});
