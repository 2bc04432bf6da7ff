/**
 * GET /public/* — the browser bundles and stylesheet built into dist/web by scripts/build-web.mjs.
 * Served by Loupe itself (no CDN). Pages link them with a content version (`?v=…`, views/assets.ts):
 * those responses may be cached for good; unversioned ones revalidate (ETag).
 */
import express, { Router } from "express";
import { access } from "../access.js";
import { WEB_DIST_DIR } from "../views/assets.js";

export { WEB_DIST_DIR };

export function staticRoutes(dir: string = WEB_DIST_DIR): Router {
  const router = Router();
  router.use(
    "/public",
    access("public"),
    (req, res, next) => {
      res.setHeader("Cache-Control", typeof req.query["v"] === "string" ? "public, max-age=31536000, immutable" : "no-cache");
      next();
    },
    express.static(dir, {
      index: false,
      fallthrough: true,
      etag: true,
      cacheControl: false,
      setHeaders: (res) => {
        res.setHeader("X-Content-Type-Options", "nosniff");
      },
    }),
  );
  return router;
}
