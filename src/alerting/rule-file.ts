/**
 * Provisioned rules: a folder of YAML files shaped like Prometheus rule files
 * (`groups: [{ name, interval, rules: [{ alert, expr, … }] }]`). Every problem names its file, line
 * and field; a file with a problem contributes no rule (the others still load).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from "yaml";
import { errorMessage } from "../lib/errors.js";
import type { Rule, RuleGroup } from "./model.js";
import { fieldName, GROUP_FIELDS, groupInterval, isRecord, unknownKeys, validateRule, type FieldPath, type FieldProblem } from "./validate.js";

export interface RuleFileProblem {
  readonly file: string;
  readonly line?: number;
  readonly field?: string;
  readonly message: string;
}

export function formatRuleProblem(p: RuleFileProblem): string {
  return `${p.file}${p.line !== undefined ? `:${p.line}` : ""}${p.field !== undefined && p.field !== "" ? ` ${p.field}` : ""}: ${p.message}`;
}

export interface IntervalLimits {
  readonly defaultInterval: number;
  readonly minInterval: number;
}

export interface LoadedRules {
  readonly groups: RuleGroup[];
  readonly problems: RuleFileProblem[];
  readonly files: string[];
}

/** 1-based line of the value (or key) at `path` in a parsed YAML document. */
function lineAt(doc: { contents: unknown }, lc: LineCounter, path: FieldPath, atKey: boolean): number | undefined {
  let node: unknown = doc.contents;
  let best: number | undefined;
  const lineOf = (n: unknown): number | undefined => {
    const r = (n as Node | null)?.range;
    return r ? lc.linePos(r[0]).line : undefined;
  };
  best = lineOf(node);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return best;
      if (i === path.length - 1 && atKey) return lineOf(pair.key) ?? best;
      node = pair.value;
      best = lineOf(node) ?? lineOf(pair.key) ?? best;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
      best = lineOf(node) ?? best;
    } else return best;
  }
  return best;
}

/** Parses one rule file's text. Rule uids are `<group>/<alert>` (made unique by the caller). */
export function parseRuleFile(text: string, file: string, limits: IntervalLimits): { groups: RuleGroup[]; problems: RuleFileProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return { groups: [], problems: doc.errors.map((e) => ({ file, line: lc.linePos(e.pos[0]).line, message: e.message.split("\n")[0]! })) };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 100 });
  const fp: FieldProblem[] = [];
  const groups: RuleGroup[] = [];
  if (data === null || data === undefined) return { groups, problems: [] };
  if (!isRecord(data)) fp.push({ path: [], message: "expected a map with groups:" });
  else {
    unknownKeys(data, ["groups"], [], fp);
    const gs = data["groups"];
    if (!Array.isArray(gs)) fp.push({ path: ["groups"], message: "expected a list of groups" });
    else gs.forEach((g, gi) => {
      const group = parseGroup(g, ["groups", gi], file, limits, fp, (path) => lineAt(doc, lc, path, false));
      if (group !== undefined) groups.push(group);
    });
  }
  const problems = fp.map((p) => {
    const line = lineAt(doc, lc, p.path, p.atKey === true);
    return { file, ...(line !== undefined ? { line } : {}), field: fieldName(p.path), message: p.message };
  });
  return problems.length > 0 ? { groups: [], problems } : { groups, problems };
}

function parseGroup(g: unknown, at: FieldPath, file: string, limits: IntervalLimits, fp: FieldProblem[], line: (p: FieldPath) => number | undefined): RuleGroup | undefined {
  if (!isRecord(g)) {
    fp.push({ path: at, message: "expected a group (name, interval, rules)" });
    return undefined;
  }
  unknownKeys(g, GROUP_FIELDS, at, fp);
  const name = g["name"];
  if (typeof name !== "string" || name.trim() === "") fp.push({ path: [...at, "name"], message: "required: the group's name" });
  const interval = groupInterval(g["interval"], [...at, "interval"], fp, limits.defaultInterval, limits.minInterval);
  const rs = g["rules"];
  if (!Array.isArray(rs)) {
    fp.push({ path: [...at, "rules"], message: "expected a list of rules" });
    return undefined;
  }
  const rules: Rule[] = [];
  rs.forEach((r, ri) => {
    const path = [...at, "rules", ri];
    const { spec, problems } = validateRule(r, path);
    fp.push(...problems);
    if (spec !== undefined) rules.push({ ...spec, uid: `${String(name)}/${spec.alert}`, group: String(name), source: { kind: "file", file, line: line(path) ?? 1 } });
  });
  return { name: String(name), interval, rules };
}

function yamlFiles(dir: string, depth = 0): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".")) continue;
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory() && depth < 3) out.push(...yamlFiles(p, depth + 1));
    else if (st.isFile() && /\.ya?ml$/i.test(name)) out.push(p);
  }
  return out;
}

/**
 * Every rule file under `dir`. Groups of the same name in several files are refused (as
 * Prometheus does); rule uids are made unique within a group with a `~2`, `~3` suffix.
 */
export function loadRuleDir(dir: string, limits: IntervalLimits): LoadedRules {
  const res: LoadedRules = { groups: [], problems: [], files: [] };
  if (dir === "") return res;
  let files: string[];
  try {
    files = yamlFiles(dir);
  } catch (err) {
    res.problems.push({ file: dir, message: `rules folder unreadable: ${errorMessage(err)} ([alerting] rules_path)` });
    return res;
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const rel = relative(dir, file) || file;
    res.files.push(rel);
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      res.problems.push({ file, message: errorMessage(err) });
      continue;
    }
    const parsed = parseRuleFile(text, file, limits);
    res.problems.push(...parsed.problems);
    for (const g of parsed.groups) {
      const other = seen.get(g.name);
      if (other !== undefined) {
        res.problems.push({ file, field: "groups", message: `group "${g.name}" is already defined in ${other}` });
        continue;
      }
      seen.set(g.name, file);
      res.groups.push(uniqueUids(g));
    }
  }
  return res;
}

export function uniqueUids(g: RuleGroup): RuleGroup {
  const count = new Map<string, number>();
  return {
    ...g,
    rules: g.rules.map((r) => {
      const n = (count.get(r.uid) ?? 0) + 1;
      count.set(r.uid, n);
      return n === 1 ? r : { ...r, uid: `${r.uid}~${n}` };
    }),
  };
}
