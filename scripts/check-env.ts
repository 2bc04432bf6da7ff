// Only src/config/ reads the environment (STYLE.md). dependency-cruiser sees imports, not property reads,
// so this step of `npm run lint:deps` parses src/ and web/ with the TypeScript compiler and fails on any
// `process.env`, `process["env"]`, `const { env } = process` or `import { env } from "node:process"`
// outside src/config/ (and the files of ALLOWED, none today). `node --import tsx scripts/check-env.ts`.
import ts from "typescript";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, dirname } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Files besides src/config/ that may read the environment, each with its reason. Keep it empty if you can. */
export const ALLOWED: ReadonlyArray<{ readonly file: string; readonly why: string }> = [];

const isProcess = (e: ts.Expression): boolean => (ts.isIdentifier(e) && e.text === "process") || (ts.isPropertyAccessExpression(e) && e.name.text === "process");

/** Every environment read of one source text: `{ line, text }` (1-based line). */
export function findEnvReads(file: string, text: string): Array<{ line: number; text: string }> {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: Array<{ line: number; text: string }> = [];
  const hit = (node: ts.Node): number => found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf).slice(0, 80) });
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && node.name.text === "env" && isProcess(node.expression)) hit(node);
    else if (ts.isElementAccessExpression(node) && isProcess(node.expression) && ts.isStringLiteralLike(node.argumentExpression) && node.argumentExpression.text === "env") hit(node);
    else if (ts.isVariableDeclaration(node) && node.initializer && isProcess(node.initializer) && ts.isObjectBindingPattern(node.name)) {
      if (node.name.elements.some((el) => (el.propertyName ?? el.name).getText(sf) === "env")) hit(node);
    } else if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && /^(node:)?process$/.test(node.moduleSpecifier.text)) {
      const b = node.importClause?.namedBindings;
      if (b && ts.isNamedImports(b) && b.elements.some((el) => (el.propertyName ?? el.name).text === "env")) hit(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...listTs(p));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(p);
  }
  return out;
}

function main(): void {
  const files = [...listTs(join(root, "src")), ...listTs(join(root, "web"))].map((f) => relative(root, f));
  let bad = 0;
  for (const file of files) {
    if (file.startsWith("src/config/") || ALLOWED.some((a) => a.file === file)) continue;
    for (const r of findEnvReads(file, readFileSync(join(root, file), "utf8"))) {
      console.error(`  error only-config-reads-env: ${file}:${r.line} reads the environment (${r.text}); only src/config/ does: add an option there`);
      bad++;
    }
  }
  if (bad > 0) {
    console.error(`\nx ${bad} environment reads outside src/config/ (scripts/check-env.ts)`);
    process.exit(1);
  }
  console.error(`✔ no environment read outside src/config/ (${files.length} files)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
