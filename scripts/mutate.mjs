// `npm run mutate [-- module ...]`: StrykerJS, one module at a time (see stryker.config.mjs), then the
// mutation score per module. Modules: chunkenc, wal, ingest-number, ingest-graphite, ingest-influx,
// access, auth-request, auth-policy, auth-services, auth-web ("ingest" and "auth" name their runs;
// all modules when none is named).
// Incremental: a re-run only tests mutants whose code or tests changed (reports/mutation/*.incremental.json).
// MUTATE_CONCURRENCY (default 1) sets the worker count; keep it at 1 on a shared machine.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { MODULES } from "../stryker.config.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const picked = process.argv.slice(2);
const ALIASES = { ingest: ["ingest-number", "ingest-graphite", "ingest-influx"], auth: ["auth-request", "auth-policy", "auth-services", "auth-web"] };
const names = (picked.length > 0 ? picked : Object.keys(MODULES)).flatMap((n) => ALIASES[n] ?? [n]);
for (const n of names) if (!(n in MODULES)) { console.error(`mutate: unknown module ${n} (${Object.keys(MODULES).join(", ")})`); process.exit(2); }

const KILLED = new Set(["Killed", "Timeout"]);
const rows = [];
let failed = false;
for (const name of names) {
  const t0 = Date.now();
  const r = spawnSync("npx", ["stryker", "run", "stryker.config.mjs"], { cwd: root, stdio: "inherit", env: { ...process.env, MUTATE_MODULE: name } });
  if (r.status !== 0) { failed = true; console.error(`mutate: ${name} failed (exit ${r.status ?? r.signal})`); continue; }
  const report = JSON.parse(readFileSync(join(root, "reports/mutation", `${name}.json`), "utf8"));
  for (const [file, f] of Object.entries(report.files)) {
    const counted = f.mutants.filter((m) => m.status !== "Ignored" && m.status !== "CompileError");
    const killed = counted.filter((m) => KILLED.has(m.status)).length;
    const covered = counted.filter((m) => m.status !== "NoCoverage").length;
    rows.push({ name, file, killed, total: counted.length, covered });
  }
  console.error(`mutate: ${name} done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
console.log("\nmodule    file                                          killed/total  score");
const byModule = new Map();
for (const r of rows) {
  console.log(`${r.name.padEnd(9)} ${r.file.padEnd(45)} ${`${r.killed}/${r.total}`.padStart(12)}  ${((100 * r.killed) / Math.max(1, r.total)).toFixed(1)} %`);
  const m = byModule.get(r.name) ?? { killed: 0, total: 0 };
  m.killed += r.killed; m.total += r.total;
  byModule.set(r.name, m);
}
for (const [n, m] of byModule) console.log(`${n.padEnd(9)} ${"(module)".padEnd(45)} ${`${m.killed}/${m.total}`.padStart(12)}  ${((100 * m.killed) / Math.max(1, m.total)).toFixed(1)} %`);
process.exit(failed ? 1 : 0);
