// StrykerJS configuration for `npm run mutate` (issue 10). Not run by `npm test` or CI: it is slow.
// One Stryker run per module (MUTATE_MODULE=<name>, driven by scripts/mutate.mjs), each with only the
// test files that exercise that module, so a mutant runs a few seconds of tests, not the whole suite.
//
// Runner: @stryker-mutator/tap-runner. It spawns `node <file>` per test file and, unlike the `command`
// runner, records which test file covers which mutant, so each mutant only runs the files that reach it,
// and a file that bails stops the run. The `command` runner would run every listed test file for every
// mutant (measured in BENCHMARKS.md, "Mutation testing").
// Build: `buildCommand` (scripts/mutate-build.mjs) transpiles the sandbox's src/ and test/ to .js once per
// run, after instrumentation, so each test process is plain `node test/x.test.js` (no tsx loader).
export const MODULES = {
  chunkenc: {
    mutate: ["src/store/tsdb/chunkenc/**/*.ts", "!src/store/tsdb/chunkenc/index.ts"],
    // the shared conformance suite is left out here: it is several times slower under instrumentation and
    // its timeouts dominated the run; the property file covers the same code at every boundary
    tests: ["test/store/chunkenc-property.test.ts"],
  },
  wal: {
    mutate: ["src/store/tsdb/wal.ts"],
    // wal.test.ts (the store-level replay) killed no mutant the format tests did not: left out for speed
    tests: ["test/store/wal-format.test.ts", "test/store/mutation-wal-faults.test.ts", "test/store/mutation-wal-api.test.ts", "test/store/wal-edges.test.ts", "test/store/wal-groups.test.ts", "test/store/wal-fsync.test.ts"],
  },
  // the ingest parsers in three runs, each with the test files that reach it
  "ingest-number": {
    mutate: ["src/ingest/ascii-number.ts"],
    tests: ["test/ingest/parser-property.test.ts", "test/ingest/ascii-number.test.ts"],
  },
  "ingest-graphite": {
    mutate: ["src/ingest/graphite/parser.ts"],
    tests: ["test/ingest/mutation-graphite.test.ts", "test/ingest/parser-property.test.ts", "test/ingest/graphite-parser.test.ts"],
  },
  "ingest-influx": {
    mutate: ["src/ingest/influx/parser.ts"],
    tests: ["test/ingest/influx-boundaries.test.ts", "test/ingest/influx-parser.test.ts"],
  },
  access: {
    mutate: ["src/http/access.ts"],
    tests: ["test/auth/access-unit.test.ts", "test/auth/route-access.test.ts"],
  },
  // src/auth/** in four runs (each reports when it ends), fast unit tests first: a mutant stops at the
  // first test file that kills it, and the server-level files only run for what the unit tests miss.
  "auth-request": {
    mutate: ["src/auth/{cookies,secrets,credentials,oauth-state,security-headers}.ts"],
    tests: ["test/auth/auth-unit.test.ts", "test/auth/oauth-state.test.ts"],
  },
  "auth-policy": {
    mutate: ["src/auth/{password,provider,github-policy}.ts"],
    tests: ["test/auth/mutation-policy.test.ts", "test/auth/auth-unit.test.ts", "test/auth/github-policy.test.ts", "test/auth/users-unit.test.ts"],
  },
  "auth-services": {
    mutate: ["src/auth/{sessions,tokens,users,rate-limit}.ts"],
    tests: ["test/auth/mutation-rate-limit.test.ts", "test/auth/auth-unit.test.ts", "test/auth/users-unit.test.ts", "test/auth/local.test.ts", "test/auth/tokens.test.ts"],
  },
  "auth-web": {
    mutate: ["src/auth/{middleware,github,github-api,cli-user}.ts"],
    tests: ["test/auth/mutation-middleware.test.ts", "test/auth/mutation-github-api.test.ts", "test/auth/mutation-cli-user.test.ts", "test/auth/csrf-methods.test.ts", "test/auth/tokens.test.ts", "test/auth/github.test.ts", "test/auth/local.test.ts"],
  },
};

const name = process.env.MUTATE_MODULE ?? "chunkenc";
const mod = MODULES[name];
if (mod === undefined) throw new Error(`MUTATE_MODULE=${name}: not one of ${Object.keys(MODULES).join(", ")}`);

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: "npm",
  testRunner: "tap",
  buildCommand: "node scripts/mutate-build.mjs",
  tap: {
    testFiles: mod.tests.map((f) => f.replace(/\.ts$/, ".js")),
    nodeArgs: ["-r", "{{hookFile}}", "--test-reporter=tap", "{{testFile}}"],
    forceBail: true,
  },
  plugins: ["@stryker-mutator/tap-runner"],
  mutate: mod.mutate,
  coverageAnalysis: "perTest",
  concurrency: Number(process.env.MUTATE_CONCURRENCY ?? 1),
  timeoutMS: 6_000,
  timeoutFactor: 2,
  incremental: true,
  incrementalFile: `reports/mutation/${name}.incremental.json`,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: `.stryker-tmp/${name}`,
  ignorePatterns: ["data", "dist", "test/artifacts", "reports", ".stryker-tmp", "*.db", "*.db-wal", "*.db-shm"],
  cleanTempDir: "always",
};
