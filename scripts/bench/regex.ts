// Regex engines for user patterns (issue 10): V8's RegExp (reference, backtracking), re2js (the one
// Loupe uses, src/lib/safe-regex.ts), and re2-wasm / re2 (native addon) when resolvable — they are
// not dependencies; to include them: `npm i --no-save re2-wasm re2` (re2 compiles C++ if its
// prebuilt binary cannot be downloaded), or set REGEX_BENCH_MODULES to a node_modules that has them.
// (a) compile, (b) test() on 40-character names, (c) the catastrophic (a+)+$, plus Loupe's wrapper.
import { createRequire } from "node:module";
import { join } from "node:path";
import { RE2JS } from "re2js";
import { compileRegex } from "../../src/lib/safe-regex.js";
import { printTable } from "./_table.js";

interface Engine {
  compile(p: string): { test(s: string): boolean };
}

const require = createRequire(join(process.env["REGEX_BENCH_MODULES"] ?? join(process.cwd(), "node_modules"), "..", "noop.js"));
function optional(name: string, make: (mod: unknown) => Engine): Engine | string {
  try {
    return make(require(name));
  } catch (err) {
    return `not installed (${(err as Error).message.split("\n")[0]!.slice(0, 60)})`;
  }
}

const PATTERNS = [
  "^servers\\.web[0-9]+\\.cpu\\..*user$",
  "(?P<host>[^.]+)\\.cpu\\.(?P<m>.*)",
  "web|db|cache",
  "^[a-z]{3,8}\\d*$",
  "(foo|bar)+baz",
  ".*\\.(count|mean|p99)$",
  "servers\\.([^.]+)\\.(?:disk|network)\\..*",
  "(a+)+$",
];
const js = (p: string): string => p.replace(/\(\?P</g, "(?<");
const NAMES = Array.from({ length: 1000 }, (_, i) => `servers.web${i % 97}.cpu.total.${["user", "system", "idle", "iowait"][i % 4]}`.padEnd(40, "x").slice(0, 40));

const engines: Array<[string, Engine | string]> = [
  ["RegExp (V8, backtracking)", { compile: (p) => new RegExp(js(p)) }],
  ["re2js 2.10 (chosen)", { compile: (p) => RE2JS.compile(p) }],
  ["Loupe compileRegex (re2js + cache)", { compile: (p) => compileRegex(p, "bench") }],
  ["re2-wasm", optional("re2-wasm", (m) => ({ compile: (p) => new (m as { RE2: new (p: string, f: string) => { test(s: string): boolean } }).RE2(p, "u") }))],
  ["re2 (native addon)", optional("re2", (m) => ({ compile: (p) => new (m as new (p: string, f: string) => { test(s: string): boolean })(js(p), "u") }))],
];

function nsPer(n: number, fn: (i: number) => void): number {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) fn(i);
  return Number(process.hrtime.bigint() - t0) / n;
}

const rows: Array<Array<string | number>> = [];
for (const [name, e] of engines) {
  if (typeof e === "string") {
    rows.push([name, e, "", "", ""]);
    continue;
  }
  for (let i = 0; i < 300; i++) e.compile(PATTERNS[i % PATTERNS.length]! + "x".repeat(i % 5));
  // distinct sources so that a cache (Loupe's wrapper) does not make compile free
  const compileUs = nsPer(2000, (i) => e.compile(`${PATTERNS[i % (PATTERNS.length - 1)]!}|q${i}`)) / 1000;
  const compiled = PATTERNS.slice(0, -1).map((p) => e.compile(p));
  let hits = 0;
  const matchNs = nsPer(300_000, (i) => {
    if (compiled[i % compiled.length]!.test(NAMES[i % NAMES.length]!)) hits++;
  });
  const evil = e.compile("(a+)+$");
  let catastrophic: string;
  if (name.startsWith("RegExp")) {
    const t0 = performance.now();
    evil.test(`${"a".repeat(23)}!`);
    const ms = performance.now() - t0;
    catastrophic = `${ms.toFixed(0)} ms at 24 characters (doubles per character: at 40 ≈ ${((ms * 2 ** 16) / 60_000).toFixed(0)} min)`;
  } else {
    const us40 = nsPer(200, () => evil.test(`${"a".repeat(39)}!`)) / 1000;
    const us10k = nsPer(20, () => evil.test(`${"a".repeat(9999)}!`)) / 1000;
    catastrophic = `${us40.toFixed(1)} µs at 40, ${(us10k / 1000).toFixed(2)} ms at 10,000 characters`;
  }
  rows.push([name, compileUs, matchNs, catastrophic, hits > 0 ? "" : "no hits?"]);
}

printTable(
  "Regex engine",
  `(a) compile of 7 typical patterns (distinct sources, µs), (b) test() of those on 40-character metric names (ns per test, 300,000 tests), (c) \`(a+)+$\` on a run of a's ending in "!".`,
  ["engine", "compile µs", "test ns (40 chars)", "(a+)+$", ""],
  rows,
);
