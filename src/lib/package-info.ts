import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The project's root folder (where package.json, migrations/ and web/ live). Both src/lib (run
 * through tsx) and dist/lib (compiled) sit two levels below it.
 */
export const PROJECT_ROOT: string = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "0.0.0";
  } catch {
    return "0.0.0";
  }
})();
