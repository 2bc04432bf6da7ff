// `npm run lint:deps` and a step of `npm test`: the layering rules of .dependency-cruiser.cjs over src/ and
// web/ (each violation printed as `error <rule>: <from> → <to>`), then scripts/check-env.ts (only
// src/config/ reads process.env, which dependency-cruiser cannot see).
import { spawnSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bin = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");
const cruise = spawnSync(process.execPath, [bin, "src", "web", "--config", ".dependency-cruiser.cjs", "--output-type", "err-long"], { cwd: root, stdio: "inherit" });
const env = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "check-env.ts")], { cwd: root, stdio: "inherit" });
process.exit(cruise.status === 0 && env.status === 0 ? 0 : 1);
