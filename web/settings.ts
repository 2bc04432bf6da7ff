/** Settings page: shows the current theme name (the toggle is in the top bar). */
import { initCommon, currentTheme } from "./lib/theme.js";
import { byId } from "./lib/dom.js";

initCommon();
const name = byId("theme-name");
const show = (): void => {
  if (name) name.textContent = currentTheme();
};
show();
window.addEventListener("loupe:theme", show);
