// Bundles the browser code in web/ into dist/web/ with esbuild (no CDN: Loupe serves every asset itself).
// Entry points: every web/*.ts file that is not a declaration (modules they share live in web/lib/ and
// web/panels/); web/*.css copied, with uPlot's stylesheet appended to loupe.css so a page loads one
// stylesheet (fewer requests per page). `node scripts/build-web.mjs --out <dir>` builds elsewhere.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? process.argv[outArg + 1] : join(root, "dist", "web");
mkdirSync(out, { recursive: true });

const entries = readdirSync(join(root, "web"))
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
  .map((f) => join(root, "web", f));

if (entries.length > 0) {
  await build({
    entryPoints: entries,
    outdir: out,
    bundle: true,
    format: "esm",
    target: "es2022",
    minify: true,
    sourcemap: true,
    logLevel: "warning",
  });
}

const require = createRequire(import.meta.url);
const uplotCss = join(dirname(require.resolve("uplot")), "uPlot.min.css");
for (const f of readdirSync(join(root, "web"))) {
  if (f.endsWith(".css") || f.endsWith(".svg") || f.endsWith(".ico")) copyFileSync(join(root, "web", f), join(out, f));
}
if (existsSync(uplotCss) && existsSync(join(out, "loupe.css"))) {
  writeFileSync(join(out, "loupe.css"), readFileSync(uplotCss, "utf8") + "\n" + readFileSync(join(out, "loupe.css"), "utf8"));
}
