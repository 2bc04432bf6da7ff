// Stryker's `buildCommand` for `npm run mutate` (see stryker.config.mjs): runs once per module run, inside the
// sandbox, after Stryker has written the instrumented sources. It transpiles every src/ and test/ TypeScript file
// to a .js file next to it (esbuild, no bundling), so the tap runner starts plain `node test/x.test.js` per test
// file and mutant instead of `node --import tsx test/x.test.ts`: no loader, no per-process TypeScript transform.
// Imports keep working unchanged because the sources import each other as "./x.js" (NodeNext), and
// import.meta.url keeps pointing at the same folder.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const roots = process.argv.length > 2 ? process.argv.slice(2) : ["src", "test"];
const entryPoints = roots.flatMap((dir) =>
  readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts"))
    .map((f) => join(dir, f)),
);
const t0 = Date.now();
await build({
  entryPoints,
  outdir: ".",
  outbase: ".",
  bundle: false,
  format: "esm",
  platform: "node",
  target: "node20",
  logLevel: "warning",
});
process.stderr.write(`mutate-build: ${entryPoints.length} files transpiled in ${Date.now() - t0} ms\n`);
