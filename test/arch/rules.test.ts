// The architecture checks of `npm test` (issue 11): the dependency rules of .dependency-cruiser.cjs, the
// environment check and the size check. Each rule is shown to fire on a small tree that breaks it, and
// the project's own tree is shown to pass.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { findEnvReads } from "../../scripts/check-env.js";
import { measure, MAX_FILE_LINES, MAX_FUNCTION_LINES } from "../../scripts/check-size.js";
import { tempDir } from "../helpers/tmp.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const depcruise = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

interface Violation {
  readonly rule: { readonly name: string };
  readonly from: string;
  readonly to: string;
}

function writeTree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** Runs the project's rules over a tree and returns its violations as `rule: from → to`. */
function cruise(files: Record<string, string>): string[] {
  const dir = tempDir("loupe-arch-");
  writeTree(dir, { "tsconfig.json": JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }), ...files });
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  const r = spawnSync(process.execPath, [depcruise, "src", "web", "--config", join(root, ".dependency-cruiser.cjs"), "--output-type", "json"], { cwd: dir, encoding: "utf8" });
  assert.ok(r.stdout.trim().startsWith("{"), `depcruise printed no result: ${r.stderr}`);
  const result = JSON.parse(r.stdout) as { summary: { violations: Violation[] } };
  // a package resolves through the node_modules symlink to its real path: name it from node_modules/ on
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to.replace(/^.*?node_modules\//, "node_modules/")}`).sort();
}

const TREE: Record<string, string> = {
  // allowed: façades, the store contract, layers in order
  "src/lib/clock.ts": "export const now = (): number => 0;\n",
  "src/model/index.ts": 'import { now } from "../lib/clock.js";\nexport const t = now();\n',
  "src/store/index.ts": 'export { t } from "../model/index.js";\nexport type { Api } from "./api.js";\n',
  "src/store/api.ts": "export interface Api { readonly n: number }\n",
  "src/store/tsdb/engine.ts": "export const engine = 1;\n",
  "src/query/index.ts": 'import type { Api } from "../store/api.js";\nimport { t } from "../store/index.js";\nexport const q = (a: Api): number => a.n + t;\n',
  "src/http/index.ts": 'import { q } from "../query/index.js";\nexport const h = q;\n',
  "src/main.ts": 'import { h } from "./http/index.js";\nexport const m = h;\n',
  "web/shared.ts": 'import type { Dashboard } from "../src/dashboards/model.js";\nimport { parse } from "../src/lib/time-expr.js";\nexport const w = (d: Dashboard): number => parse(d.title);\n',
  "src/lib/time-expr.ts": "export const parse = (s: string): number => s.length;\n",
  "src/dashboards/model.ts": "export interface Dashboard { readonly title: string }\nexport const schema = 1;\n",
};

test("the rules accept a tree that follows the layering", () => {
  assert.deepEqual(cruise(TREE), []);
});

/** main.ts reaching past two façades: the store's engine and an http route module. */
const MAIN_PAST_FACADES: Record<string, string> = {
  "src/http/routes/admin.ts": "export const adminRoutes = 1;\n",
  "src/main.ts": 'import { h } from "./http/index.js";\nimport { adminRoutes } from "./http/routes/admin.js";\nimport { engine } from "./store/tsdb/engine.js";\nexport const m = [h, adminRoutes, engine];\n',
};

// Each case breaks one rule in files of its own; they are cruised together (one run: the tool takes seconds to start).
const BROKEN: Array<[string, Record<string, string>, string]> = [
  ["lib imports nothing of the project", { "src/lib/bad.ts": 'import { t } from "../model/index.js";\nexport const b = t;\n' }, "layer-lib: src/lib/bad.ts → src/model/index.ts"],
  ["the store never imports what sits above it", { "src/store/bad-query.ts": 'import { q } from "../query/index.js";\nexport const b = q;\n' }, "layer-store: src/store/bad-query.ts → src/query/index.ts"],
  ["the store never imports alerting", { "src/store/bad-alerting.ts": 'import { a } from "../alerting/index.js";\nexport const b = a;\n' }, "layer-store: src/store/bad-alerting.ts → src/alerting/index.ts"],
  ["alerting does not reach the store", { "src/alerting/index.ts": 'import { t } from "../store/index.js";\nexport const a = t;\n' }, "layer-alerting: src/alerting/index.ts → src/store/index.ts"],
  ["another folder is imported only through its index.ts", { "src/http/bad-facade.ts": 'import { engine } from "../store/tsdb/engine.js";\nexport const b = engine;\n' }, "facade: src/http/bad-facade.ts → src/store/tsdb/engine.ts"],
  ["main.ts goes through façades too", MAIN_PAST_FACADES, "facade-from-root-files: src/main.ts → src/store/tsdb/engine.ts"],
  ["main.ts mounts no route module: the http module builds its routes (createHttp)", MAIN_PAST_FACADES, "facade-from-root-files: src/main.ts → src/http/routes/admin.ts"],
  ["a new top-level folder needs its row in LAYERS", { "src/newthing/index.ts": 'import { now } from "../lib/clock.js";\nexport const n = now;\n' }, "unknown-top-level: src/newthing/index.ts → src/lib/clock.ts"],
  ["only the store opens SQLite", { "src/query/bad.ts": 'import Database from "better-sqlite3";\nexport const b = Database;\n' }, "only-store-sqlite: src/query/bad.ts → node_modules/better-sqlite3/lib/index.js"],
  ["web imports no server module", { "web/bad-store.ts": 'import { t } from "../src/store/index.js";\nexport const b = t;\n' }, "web-not-src: web/bad-store.ts → src/store/index.ts"],
  ["web takes only the dashboard model's types", { "web/bad-model.ts": 'import { schema } from "../src/dashboards/model.js";\nexport const b = schema;\n' }, "web-shared-model-type-only: web/bad-model.ts → src/dashboards/model.ts"],
  ["a module shared with the browser imports nothing of the project", { "src/lib/time-expr.ts": 'import { now } from "./clock.js";\nexport const parse = (s: string): number => s.length + now();\n' }, "web-shared-leaf: src/lib/time-expr.ts → src/lib/clock.ts"],
  ["src never imports web sources", { "src/http/bad-web.ts": 'import { w } from "../../web/shared.js";\nexport const b = w;\n' }, "src-not-web: src/http/bad-web.ts → web/shared.ts"],
  ["src never imports scripts", { "scripts/x.ts": "export const x = 1;\n", "src/http/bad-scripts.ts": 'import { x } from "../../scripts/x.js";\nexport const b = x;\n' }, "no-scripts: src/http/bad-scripts.ts → scripts/x.ts"],
  ["nothing imports main.ts but cli.ts", { "src/http/bad-main.ts": 'import { m } from "../main.js";\nexport const b = m;\n' }, "no-import-of-roots: src/http/bad-main.ts → src/main.ts"],
  [
    "no import cycle",
    { "src/http/a.ts": 'import { b } from "./b.js";\nexport const a = (): number => b();\n', "src/http/b.ts": 'import { a } from "./a.js";\nexport const b = (): number => a();\n' },
    "no-circular: src/http/a.ts → src/http/b.ts",
  ],
];

let brokenFound: string[] | undefined;
const broken = (): string[] => (brokenFound ??= cruise(Object.assign({}, TREE, ...BROKEN.map(([, files]) => files)) as Record<string, string>));

for (const [name, , expected] of BROKEN) {
  test(`rule fires: ${name}`, () => {
    const found = broken();
    assert.ok(found.includes(expected), `expected "${expected}" among:\n${found.join("\n")}`);
  });
}

test("the project's own tree passes the dependency rules and the environment check (npm run lint:deps)", () => {
  const r = spawnSync(process.execPath, [join(root, "scripts", "check-deps.mjs")], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const ENV_CASES: Array<[string, string, number]> = [
  ["process.env.X", "export const p = process.env.LOUPE_PORT;\n", 1],
  ['process["env"]', 'export const p = process["env"]["X"];\n', 1],
  ["globalThis.process.env", "export const p = globalThis.process.env.X;\n", 1],
  ["destructured from process", "const { env } = process;\nexport const p = env.X;\n", 1],
  ["renamed destructuring", "const { env: e } = process;\nexport const p = e.X;\n", 1],
  ["import { env } from node:process", 'import { env } from "node:process";\nexport const p = env.X;\n', 1],
  ["argv is not the environment", "export const a = process.argv.slice(2);\n", 0],
  ["a field called env elsewhere", "const o = { env: 1 };\nexport const p = o.env;\n", 0],
];

for (const [name, text, count] of ENV_CASES) {
  test(`environment check: ${name}`, () => {
    assert.equal(findEnvReads("x.ts", text).length, count);
  });
}

function fn(name: string, lines: number): string {
  return [`export function ${name}(): number {`, ...Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`), "  return 0;", "}"].slice(0, lines - 1).join("\n") + "\n}\n";
}

test("size check: a function of MAX_FUNCTION_LINES passes, one more line fails, named with its line", () => {
  assert.deepEqual(measure("a.ts", fn("ok", MAX_FUNCTION_LINES)), []);
  const found = measure("a.ts", `// header\n${fn("long", MAX_FUNCTION_LINES + 1)}`);
  assert.deepEqual(found, [{ file: "a.ts", kind: "function", name: "long", line: 2, lines: MAX_FUNCTION_LINES + 1 }]);
});

test("size check: arrow functions, methods and callbacks count; a file over MAX_FILE_LINES fails", () => {
  const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `    const v${i} = ${i};`).join("\n");
  const text = `export const arrow = (): void => {\n${body}\n};\nclass C {\n  method(): void {\n${body}\n  }\n}\n[1].map((x) => {\n${body}\n  return x;\n});\n`;
  assert.deepEqual(
    measure("b.ts", text).map((v) => v.name),
    ["arrow", "method", "(callback of [1].map)"],
  );
  const long = Array.from({ length: MAX_FILE_LINES + 1 }, (_, i) => `export const c${i} = ${i};`).join("\n") + "\n";
  assert.deepEqual(measure("c.ts", long), [{ file: "c.ts", kind: "file", name: "", line: 1, lines: MAX_FILE_LINES + 1 }]);
  assert.deepEqual(measure("d.ts", long.split("\n").slice(1).join("\n")), []);
});

test("the project's own src/ and web/ pass the size check (npm run lint:size)", () => {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(root, "scripts", "check-size.ts")], { cwd: root, encoding: "utf8" });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
