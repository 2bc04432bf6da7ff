/**
 * Locates what the `ini` package parses: for every section and key, the line it is on. Also finds
 * what `ini` silently accepts but a user almost certainly did not mean: duplicate keys, lines that
 * are neither a section, a key = value nor a comment, and keys before any section.
 */
import { ConfigError } from "../lib/errors.js";

export interface ScannedIni {
  /** section name → key → 1-based line */
  readonly keys: Map<string, Map<string, number>>;
  /** section name → line of its (first) header */
  readonly sections: Map<string, number>;
}

export function scanIni(text: string, file: string): ScannedIni {
  const keys = new Map<string, Map<string, number>>();
  const sections = new Map<string, number>();
  const problems: ConfigError[] = [];
  let section: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith(";") || line.startsWith("#")) continue;
    if (line.startsWith("[")) {
      const m = /^\[([^\]]+)\]\s*(?:[;#].*)?$/.exec(line);
      if (m === null) {
        problems.push(new ConfigError(`malformed section header ${JSON.stringify(line)}: expected [name]`, { file, line: lineNo }));
        continue;
      }
      section = m[1]!.trim().replace(/\\\./g, ".");
      if (!sections.has(section)) sections.set(section, lineNo);
      if (!keys.has(section)) keys.set(section, new Map());
      continue;
    }
    const eq = line.indexOf("=");
    if (eq <= 0) {
      problems.push(new ConfigError(`expected "key = value", got ${JSON.stringify(line)}`, { file, line: lineNo, ...(section !== undefined ? { section } : {}) }));
      continue;
    }
    const key = line.slice(0, eq).trim();
    if (section === undefined) {
      problems.push(new ConfigError(`key outside any section: put it under a [section]`, { file, line: lineNo, key }));
      continue;
    }
    const seen = keys.get(section)!;
    const first = seen.get(key);
    if (first !== undefined) {
      problems.push(new ConfigError(`duplicate key (first set on line ${first})`, { file, line: lineNo, section, key }));
      continue;
    }
    seen.set(key, lineNo);
  }
  if (problems.length > 0) throw new ConfigErrors(problems);
  return { keys, sections };
}

/** Several configuration problems, reported together. */
export class ConfigErrors extends ConfigError {
  readonly problems: readonly ConfigError[];
  constructor(problems: readonly ConfigError[]) {
    super(problems.map((p) => p.message).join("\n"), problems[0]?.location ?? {});
    this.problems = problems;
  }
  override get message(): string {
    return this.problems.map((p) => p.message).join("\n");
  }
  override set message(_: string) {
    // fixed by the problems list
  }
}
