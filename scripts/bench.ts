// `npm run bench`: runs every scripts/bench/*.ts in its own process (so RSS figures are its own) and
// lets each print its table. `npm run bench -- store` runs only files whose name contains "store".
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { cpus, totalmem } from "node:os";
import { PROJECT_ROOT } from "../src/lib/package-info.js";

// `npm run bench -- vs-vm --scale 0.1`: names filter the files, `--options` (and their values) go to them
const argv = process.argv.slice(2);
const firstOpt = argv.findIndex((a) => a.startsWith("--"));
const filter = firstOpt < 0 ? argv : argv.slice(0, firstOpt);
const passed = firstOpt < 0 ? [] : argv.slice(firstOpt);
const dir = join(PROJECT_ROOT, "scripts", "bench");
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  // side-by-side runs (vs-*.ts) and the VictoriaMetrics store backend need other servers and minutes: only when named
  .filter((f) => !(f.startsWith("vs-") || f === "vm-backend.ts") || filter.some((x) => f.includes(x)))
  .sort();
console.log(`# Loupe benchmarks — ${new Date().toISOString().slice(0, 10)} — ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}\n`);
let failed = 0;
for (const f of files) {
  const r = spawnSync(process.execPath, ["--expose-gc", "--import", "tsx", join(dir, f), ...passed], { cwd: PROJECT_ROOT, stdio: "inherit" });
  if (r.status !== 0) {
    failed++;
    console.error(`bench ${f} failed (exit ${r.status ?? r.signal})`);
  }
}
process.exit(failed > 0 ? 1 : 0);
