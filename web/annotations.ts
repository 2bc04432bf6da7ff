/** Annotations list: delete buttons (editors). */
import { initCommon } from "./lib/theme.js";
import { sendJson } from "./lib/api.js";
import { toast } from "./lib/dialogs.js";

initCommon();
for (const b of Array.from(document.querySelectorAll<HTMLButtonElement>("button.anno-delete"))) {
  b.addEventListener("click", () => {
    b.disabled = true;
    sendJson<unknown>("DELETE", `/api/annotations/${encodeURIComponent(b.dataset["id"] ?? "")}`)
      .then(() => b.closest("tr")?.remove())
      .catch((e: Error) => {
        b.disabled = false;
        toast(`Could not delete: ${e.message}`, "error");
      });
  });
}
