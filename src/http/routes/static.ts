/**
 * GET /public/* — the browser bundles and stylesheet built into dist/web by scripts/build-web.mjs.
 * Served by Loupe itself (no CDN). File names are stable, so caches revalidate (ETag) rather than
 * keep them blindly.
 */
import { join } from "node:path";
import express, { Router } from "express";
import { access } from "../access.js";
import { PROJECT_ROOT } from "../../lib/package-info.js";

export const WEB_DIST_DIR = join(PROJECT_ROOT, "dist", "web");

export function staticRoutes(dir: string = WEB_DIST_DIR): Router {
  const router = Router();
  router.use(
    "/public",
    access("public"),
    express.static(dir, {
      index: false,
      fallthrough: true,
      etag: true,
      maxAge: 0,
      setHeaders: (res, path) => {
        if (path.endsWith(".map")) res.setHeader("Cache-Control", "no-cache");
        res.setHeader("X-Content-Type-Options", "nosniff");
      },
    }),
  );
  return router;
}
