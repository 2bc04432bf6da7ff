/**
 * URLs of the browser assets in dist/web with a content version (`/public/dashboard.js?v=…`), so
 * browsers may cache them for good and a rebuilt bundle still reaches them at once.
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "../../lib/package-info.js";

export const WEB_DIST_DIR = join(PROJECT_ROOT, "dist", "web");

let cached: { version: string; at: number } | undefined;

/** A short hash of the names, sizes and modification times of dist/web's files (re-read at most every 2 s). */
export function assetVersion(dir: string = WEB_DIST_DIR): string {
  const now = Date.now();
  if (cached !== undefined && now - cached.at < 2000) return cached.version;
  const h = createHash("sha1");
  try {
    for (const f of readdirSync(dir).sort()) {
      if (f.endsWith(".map")) continue;
      const s = statSync(join(dir, f));
      h.update(`${f}:${s.size}:${s.mtimeMs};`);
    }
  } catch {
    h.update("missing");
  }
  cached = { version: h.digest("hex").slice(0, 10), at: now };
  return cached.version;
}

export function assetUrl(name: string): string {
  return `/public/${name}?v=${assetVersion()}`;
}
