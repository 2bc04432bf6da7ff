// Size check run by `npm test` (and `npm run lint:size`): no file in src/ or web/ over MAX_FILE_LINES lines,
// no function (declaration, method, arrow or function expression) over MAX_FUNCTION_LINES lines.
// Lines are counted from the first to the last line of the node, comments and blank lines included.
// Exceptions are read from one list, scripts/size-exceptions.json, which docs/ARCHITECTURE.md mirrors.
//
//   node --import tsx scripts/check-size.ts         check src/ and web/ (npm run lint:size)
//   node --import tsx scripts/check-size.ts --all   also print what the exceptions cover
import ts from "typescript";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";

export const MAX_FILE_LINES = 400;
export const MAX_FUNCTION_LINES = 80;

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

export interface Oversize {
  readonly file: string;
  readonly kind: "file" | "function";
  readonly name: string;
  readonly line: number;
  readonly lines: number;
}

interface SizeException {
  readonly file: string;
  readonly function?: string;
  readonly why?: string;
  readonly group: string;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (name === "node_modules") continue;
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function functionName(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  if (node.name) return node.name.getText(sf);
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(sf);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(sf);
  if (parent && ts.isCallExpression(parent)) {
    return `(callback of ${parent.expression.getText(sf).slice(0, 40)})`;
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  return "(anonymous)";
}

function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

/** Every over-limit file and function of one source text: `{ file, name, line, lines, kind }`. */
export function measure(file: string, text: string, limits = { file: MAX_FILE_LINES, fn: MAX_FUNCTION_LINES }): Oversize[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Oversize[] = [];
  const fileLines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
  if (fileLines > limits.file) found.push({ file, kind: "file", name: "", line: 1, lines: fileLines });
  const visit = (node: ts.Node): void => {
    if (isFunctionLike(node) && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > limits.fn) found.push({ file, kind: "function", name: functionName(node, sf), line: start + 1, lines });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function loadExceptions(): SizeException[] {
  const raw = JSON.parse(readFileSync(join(root, "scripts", "size-exceptions.json"), "utf8")) as Record<string, unknown>;
  const all: SizeException[] = [];
  for (const [group, entries] of Object.entries(raw)) {
    if (group.startsWith("//")) continue;
    for (const e of entries as Array<Omit<SizeException, "group">>) all.push({ ...e, group });
  }
  return all;
}

function covers(exc: SizeException, v: Oversize): boolean {
  if (exc.file !== v.file) return false;
  if (exc.function === "*") return true;
  if (v.kind === "file") return exc.function === undefined || exc.function === "";
  return exc.function === v.name;
}

function main(): void {
  const t0 = Date.now();
  const showAll = process.argv.includes("--all");
  const exceptions = loadExceptions();
  const files = [...listTs(join(root, "src")), ...listTs(join(root, "web"))];
  const violations: Oversize[] = [];
  const excused: Array<Oversize & { group: string }> = [];
  for (const abs of files) {
    const file = relative(root, abs);
    for (const v of measure(file, readFileSync(abs, "utf8"))) {
      const exc = exceptions.find((e) => covers(e, v));
      if (exc) excused.push({ ...v, group: exc.group });
      else violations.push(v);
    }
  }
  const label = (v: Oversize): string => (v.kind === "file" ? `${v.file}: ${v.lines} lines (max ${MAX_FILE_LINES})` : `${v.file}:${v.line} function ${v.name}: ${v.lines} lines (max ${MAX_FUNCTION_LINES})`);
  if (showAll) for (const v of excused) console.error(`excepted (${v.group}): ${label(v)}`);
  const unused = exceptions.filter((e) => !excused.some((v) => covers(e, v)));
  // a stale entry is a warning, not a failure: branches merged in parallel may split a listed function
  for (const e of unused) console.error(`  warn stale-exception: scripts/size-exceptions.json lists ${e.file}${e.function ? " " + e.function : ""}, which is no longer over the limit: remove it`);
  for (const v of violations) console.error(`  error size: ${label(v)}`);
  const ms = Date.now() - t0;
  if (violations.length > 0) {
    console.error(`\nx ${violations.length} over the limit: split by concern, or (data tables only) list it in scripts/size-exceptions.json and docs/ARCHITECTURE.md (${files.length} files, ${ms} ms)`);
    process.exit(1);
  }
  console.error(`✔ no file over ${MAX_FILE_LINES} lines, no function over ${MAX_FUNCTION_LINES} (${files.length} files, ${excused.length} excepted, ${ms} ms)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
