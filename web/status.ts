/** Admin → Status: refreshes the server-rendered `#status` section every 15 s while the tab is visible. */
import { initCommon } from "./lib/theme.js";

initCommon();
const REFRESH_MS = 15_000;

async function refresh(): Promise<void> {
  if (document.hidden) return;
  const res = await fetch(location.pathname, { headers: { accept: "text/html" }, credentials: "same-origin" });
  if (!res.ok) return;
  const next = new DOMParser().parseFromString(await res.text(), "text/html").getElementById("status");
  const current = document.getElementById("status");
  if (next !== null && current !== null) current.replaceWith(document.importNode(next, true));
}

setInterval(() => void refresh().catch(() => undefined), REFRESH_MS);
