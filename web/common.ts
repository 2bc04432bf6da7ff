/** Script for pages with no page-specific code (login, settings, admin): the theme toggle. */
import { initCommon } from "./lib/theme.js";

initCommon();
