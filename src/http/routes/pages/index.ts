/** The server-rendered pages, one router each; main.ts mounts `pageRoutes(...)` and `staticRoutes(...)`. */
import { Router } from "express";
import { homePages } from "./home.js";
import { dashboardPages } from "./dashboard.js";
import { editorPages } from "./editor.js";
import { explorePages } from "./explore.js";
import { annotationPages } from "./annotations.js";
import { settingsPages, type SettingsSection } from "./settings.js";
import { snapshotPages } from "./snapshot.js";
import type { PageDeps } from "./deps.js";

export type { PageDeps } from "./deps.js";
export type { SettingsSection } from "./settings.js";

export function pageRoutes(deps: PageDeps, options: { readonly settingsSections?: readonly SettingsSection[] } = {}): Router {
  const router = Router();
  router.use(homePages(deps), editorPages(deps), dashboardPages(deps), explorePages(), annotationPages(deps), settingsPages(deps, options.settingsSections), snapshotPages(deps));
  return router;
}
