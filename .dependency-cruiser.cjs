// Loupe's layering (../shared/STYLE.md, docs/ARCHITECTURE.md), checked by `npm test` and `npm run lint:deps`.
// A violation names the rule and the offending import (`from → to`). Property reads the tool can't see
// (process.env) are checked by scripts/check-env.ts in the same step.
//
// LAYERS is the whole architecture in one table: for each top-level folder of src/, the other top-level
// folders (and root files) it may import. The table must stay acyclic (checked below, when this file loads),
// so no two folders can import each other. A new top-level folder fails the check until it has a row here.

/** folder → what it may import besides itself. Future folders (alerting/, forward/) already have their row. */
const LAYERS = {
  lib: [],
  model: ["lib"],
  config: ["lib", "model"],
  collectors: ["lib", "model", "config"],
  ingest: ["lib", "model", "config"],
  forward: ["lib", "model", "config"],
  store: ["lib", "model", "config"],
  query: ["lib", "model", "config", "store"],
  alerting: ["lib", "model", "config", "query"],
  // domain modules above the store: they declare the persistence interfaces they need; main.ts wires the
  // store's implementations in. The CLI commands they register (`loupe user`, `loupe dashboard`) use
  // the shared CLI toolkit (src/cli-support.ts) and open the store through its façade.
  dashboards: ["lib", "model", "config", "store", "cli-support.ts"],
  auth: ["lib", "model", "config", "store", "cli-support.ts"],
  http: ["lib", "model", "config", "store", "query", "ingest", "dashboards", "auth", "alerting"],
  // `loupe import`: reads the old stack's files and APIs, maps them (ingest's line protocol parser,
  // collectors' option specs for diamond.conf) and writes through the store's façade
  import: ["lib", "model", "config", "store", "ingest", "collectors", "cli-support.ts"],
  // root files
  "cli-support.ts": ["lib", "config", "store"],
};

/** Files outside the table that may import anything in src/ (the composition root and the command line). */
const ROOTS = ["main.ts", "main-agent.ts", "cli.ts", "entry.ts"];

/**
 * Folders other folders import only through `src/<folder>/index.ts` (STYLE.md convention 2). lib/ is a
 * set of leaf helpers imported file by file, so it has no façade.
 */
const FACADE_FOLDERS = ["model", "config", "collectors", "ingest", "forward", "store", "query", "alerting", "dashboards", "auth", "http", "import"];

/** Files that may be imported past a façade, and why. */
const FACADE_EXCEPTIONS = [
  // the TimeSeriesStore contract (types only): query depends on it, not on the store's implementation;
  // a remote store implements the same file
  "^src/store/api\\.ts$",
];

/** The only src/ files web/ may import: pure, dependency-free code shared by the server and the browser. */
const WEB_SHARED = [
  "^src/lib/time-expr\\.ts$", // one parser of `now-6h/d` for the server and the browser
  "^src/dashboards/model\\.ts$", // the dashboard JSON types, inferred from the zod schema (type-only: see rule)
  "^src/dashboards/grafana-skips\\.ts$", // the import's skipped list grouped per reason (the import page)
];

function assertAcyclic(layers) {
  const state = new Map();
  const visit = (n, path) => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "open") throw new Error(`.dependency-cruiser.cjs: LAYERS has a cycle: ${[...path, n].join(" → ")}`);
    state.set(n, "open");
    for (const m of layers[n] ?? []) visit(m, [...path, n]);
    state.set(n, "done");
  };
  for (const n of Object.keys(layers)) visit(n, []);
}
assertAcyclic(LAYERS);

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const unitPath = (u) => (u.endsWith(".ts") ? `^src/${esc(u)}$` : `^src/${esc(u)}/`);

const layerRules = Object.entries(LAYERS).map(([unit, allowed]) => ({
  name: `layer-${unit.replace(/\.ts$/, "")}`,
  severity: "error",
  comment: allowed.length === 0 ? `src/${unit} imports nothing of the project (LAYERS in .dependency-cruiser.cjs)` : `src/${unit} may import only ${allowed.map((a) => `src/${a}`).join(", ")} (LAYERS in .dependency-cruiser.cjs)`,
  from: { path: unitPath(unit) },
  to: { path: "^src/", pathNot: [unitPath(unit), ...allowed.map(unitPath)] },
}));

const known = [...Object.keys(LAYERS), ...ROOTS];

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: "unknown-top-level",
      severity: "error",
      comment: "a new top-level folder or file of src/ needs its row in LAYERS (.dependency-cruiser.cjs) and a place in docs/ARCHITECTURE.md",
      from: { path: "^src/", pathNot: known.map(unitPath) },
      to: { path: "^src/" },
    },
    {
      name: "entry-only-cli",
      severity: "error",
      comment: "src/entry.ts only starts the command line",
      from: { path: "^src/entry\\.ts$" },
      to: { path: "^src/", pathNot: ["^src/cli\\.ts$"] },
    },
    {
      name: "no-import-of-roots",
      severity: "error",
      comment: "nothing imports the composition root or the command line (only cli.ts imports main.ts, only entry.ts imports cli.ts)",
      from: { pathNot: ["^src/cli\\.ts$", "^src/entry\\.ts$"] },
      to: { path: ["^src/main\\.ts$", "^src/cli\\.ts$", "^src/entry\\.ts$"] },
    },
    {
      name: "facade",
      severity: "error",
      comment: "import another folder only through its index.ts façade (STYLE.md convention 2); export what you need from it",
      from: { path: "^src/([^/]+)/" },
      to: {
        path: `^src/(${FACADE_FOLDERS.join("|")})/.+`,
        pathNot: ["^src/$1/", `^src/(${FACADE_FOLDERS.join("|")})/index\\.ts$`, ...FACADE_EXCEPTIONS],
      },
    },
    {
      name: "facade-from-root-files",
      severity: "error",
      comment: "main.ts, cli.ts and cli-support.ts import folders only through their index.ts façade (routes are registered by the http module: createHttp)",
      from: { path: "^src/[^/]+\\.ts$" },
      to: { path: `^src/(${FACADE_FOLDERS.join("|")})/.+`, pathNot: [`^src/(${FACADE_FOLDERS.join("|")})/index\\.ts$`, ...FACADE_EXCEPTIONS] },
    },
    {
      name: "only-store-sqlite",
      severity: "error",
      comment: "only src/store/ talks to SQLite (STYLE.md: only store/ has SQL)",
      from: { pathNot: "^src/store/" },
      to: { path: ["(^|/)node_modules/better-sqlite3/", "^node:sqlite$", "(^|/)node_modules/sqlite3/"] },
    },
    {
      name: "web-not-src",
      severity: "error",
      comment: "the browser code imports nothing of the server but the pure shared modules listed in WEB_SHARED",
      from: { path: "^web/" },
      to: { path: "^src/", pathNot: WEB_SHARED },
    },
    {
      name: "web-shared-model-type-only",
      severity: "error",
      comment: "web/ takes only the types of the dashboard model (the zod schema stays on the server)",
      from: { path: "^web/" },
      to: { path: "^src/dashboards/model\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "web-shared-leaf",
      severity: "error",
      comment: "a module shared with the browser (WEB_SHARED) imports nothing of the project",
      from: { path: WEB_SHARED },
      to: { path: "^(src|web)/" },
    },
    {
      name: "src-not-web",
      severity: "error",
      comment: "the server serves web/'s build output (dist/web), it never imports web/ sources",
      from: { path: "^src/" },
      to: { path: "^web/" },
    },
    {
      name: "no-scripts",
      severity: "error",
      comment: "scripts/ (setup, benchmarks, checks) is never imported by src/ or web/",
      from: { path: "^(src|web)/" },
      to: { path: "^scripts/" },
    },
    {
      name: "no-tests",
      severity: "error",
      comment: "src/ and web/ never import test code",
      from: { path: "^(src|web)/" },
      to: { path: "^test/" },
    },
    {
      name: "no-circular",
      severity: "error",
      comment: "no import cycle between modules (a cycle between folders is already a layer violation)",
      from: { path: "^(src|web)/" },
      to: { circular: true },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "an import that does not resolve (a typo, or a package missing from package.json)",
      from: { path: "^(src|web)/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".js", ".mjs", ".cjs", ".d.ts"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
