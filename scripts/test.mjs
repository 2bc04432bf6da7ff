// `npm test`: system dependencies → type check → dependency rules → size limits → build → every test file on Node's test runner (through tsx).
// Node 20's runner neither expands globs nor finds .ts files in a folder, so the file list is built here,
// and a run that executes no test is a failure. In CI (CI=true) a skipped test is a failure too.
//
//   npm test                       the whole suite
//   npm test -- test/store/x.test.ts [...]   only these files (no setup, type check or build)
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const inCI = process.env.CI === "true" || process.env.CI === "1";
const picked = process.argv.slice(2);

function step(name, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`\nnpm test: ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(1);
  }
  console.error(`npm test: ${name} ok (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === "fixtures" || name === "artifacts" || name === "node_modules") continue;
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith(".test.ts")) out.push(relative(root, p));
  }
  return out;
}

if (picked.length === 0) {
  const deps = spawnSync("bash", ["scripts/setup-test-deps.sh"], { cwd: root, stdio: "inherit" });
  if (deps.status !== 0) {
    if (inCI) {
      console.error("npm test: system test dependencies are missing (CI=true: this is a failure)");
      process.exit(1);
    }
    console.error("npm test: some system test dependencies are missing; the tests that need them will be skipped");
  }
  step("type check", "npx", ["tsc", "--noEmit", "-p", "."]);
  if (readdirSync(join(root, "web")).some((f) => f.endsWith(".ts"))) step("type check (web)", "npx", ["tsc", "--noEmit", "-p", "web"]);
  step("dependency rules", process.execPath, ["scripts/check-deps.mjs"]);
  step("size limits", process.execPath, ["--import", "tsx", "scripts/check-size.ts"]);
  step("build", "npm", ["run", "--silent", "build"]);
}

const files = picked.length > 0 ? picked : findTests(join(root, "test"));
if (files.length === 0) {
  console.error("npm test: no test files found");
  process.exit(1);
}

const args = ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", "--test-timeout=300000", ...files];
const child = spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, LOUPE_TEST: "1" } });
let tail = "";
child.stdout.on("data", (buf) => {
  process.stdout.write(buf);
  tail = (tail + buf.toString("utf8")).slice(-4000);
});
child.on("close", (code) => {
  const num = (label) => {
    const m = new RegExp(`ℹ ${label} (\\d+)`).exec(tail);
    return m ? Number(m[1]) : undefined;
  };
  const tests = num("tests") ?? 0;
  const pass = num("pass") ?? 0;
  const fail = num("fail") ?? 0;
  const skipped = num("skipped") ?? 0;
  const todo = num("todo") ?? 0;
  let failed = fail + (code !== 0 && fail === 0 ? 1 : 0);
  console.log(`\n${pass} passed, ${failed} failed, ${skipped} skipped`);
  if (tests === 0) {
    console.error("npm test: the runner executed no test: that is a failure");
    process.exit(1);
  }
  if (inCI && (skipped > 0 || todo > 0)) {
    console.error(`npm test: ${skipped} skipped and ${todo} todo tests in CI: every test must run here`);
    process.exit(1);
  }
  process.exit(code === 0 && fail === 0 ? 0 : 1);
});
