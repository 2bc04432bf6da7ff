/**
 * Regular expressions from user input, matched in linear time. Every place where a query, a URL
 * parameter or a config value becomes a regex compiles it here, on RE2JS (a JavaScript port of
 * RE2: an automaton, no backtracking, so `(a+)+$` costs microseconds on any input instead of
 * freezing the event loop). See BENCHMARKS.md "Regex engine" for why re2js and not re2-wasm or the
 * native re2 addon.
 *
 * Patterns follow Python's `re` where RE2 can (graphite-web hands them to Python): `(?P<name>…)`,
 * `\A`, `\Z`, `{,n}`, `(?i)`; replacement templates `\1`, `\g<1>`, `\g<name>`, `\\`, `\n` as re.sub reads
 * them. What needs backtracking — backreferences, lookahead/lookbehind, atomic groups, possessive
 * quantifiers, conditionals — is refused with a RegexSyntaxError (`bad_regex`, HTTP 400) naming
 * where the pattern came from and the construct.
 */
import { RE2JS } from "re2js";
import { LoupeError } from "./errors.js";

/** A pattern RE2 cannot take; `where` names the function and parameter (or config key). */
export class RegexSyntaxError extends LoupeError {
  readonly pattern: string;
  constructor(where: string, pattern: string, reason: string, cause?: unknown, code = "bad_regex") {
    super(code, `${where}: invalid regular expression ${JSON.stringify(pattern)}: ${reason}`, { status: 400, cause });
    this.pattern = pattern;
  }
}

/**
 * The largest compiled program accepted, in RE2 instructions (`[query] max_regex_size`): matching
 * is linear in the input but also in the program, so `(a|b){1000}`-sized patterns are refused
 * (code regex_too_large). An alternation of 500 host names is ~160 instructions.
 */
export const DEFAULT_MAX_REGEX_SIZE = 2000;
let maxSize = DEFAULT_MAX_REGEX_SIZE;

/** Sets the process-wide bound once at start (main.ts, from the config). */
export function configureRegexLimits(limits: { readonly maxSize: number }): void {
  maxSize = limits.maxSize;
}

export interface SafeRegex {
  /** The pattern as given. */
  readonly source: string;
  /** Whether the pattern matches anywhere in text (Python's re.search). */
  test(text: string): boolean;
  /** Whether the pattern matches the whole text (Python's re.fullmatch). */
  testWhole(text: string): boolean;
  /** Whether the pattern matches at the start of text (Python's re.match). */
  testStart(text: string): boolean;
  /** Python's re.sub(pattern, template, text): every match replaced by the template. */
  replace(text: string, template: string): string;
}

/** Why RE2 refuses a construct Python accepts, found by a scan outside character classes. */
const UNSUPPORTED: ReadonlyArray<readonly [RegExp, string]> = [
  [/^\(\?P=/, "backreferences ((?P=name)) need backtracking"],
  [/^\(\?[=!]/, "lookahead ((?=…), (?!…)) needs backtracking"],
  [/^\(\?<[=!]/, "lookbehind ((?<=…), (?<!…)) needs backtracking"],
  [/^\(\?>/, "atomic groups ((?>…)) need backtracking"],
  [/^\(\?\(/, "conditionals ((?(1)…|…)) need backtracking"],
  [/^\\[1-9]/, "backreferences (\\1) need backtracking"],
  [/^[*+?}][+]/, "possessive quantifiers (*+, ++, ?+) need backtracking"],
];

const NOTE = "Loupe matches regexes in linear time (RE2 syntax), so this construct is not available";

/** Python → RE2 spelling (`\Z` → `\z`, `{,n}` → `{0,n}`), and a clear reason for what RE2 cannot take (undefined if none found). */
function translate(pattern: string): { readonly re2: string; readonly unsupported: string | undefined } {
  let out = "";
  let unsupported: string | undefined;
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (!inClass && unsupported === undefined) {
      const rest = pattern.slice(i, i + 4);
      for (const [re, why] of UNSUPPORTED) if (re.test(rest)) unsupported ??= why;
    }
    if (c === "\\" && i + 1 < pattern.length) {
      const n = pattern[i + 1]!;
      out += n === "Z" && !inClass ? "\\z" : `\\${n}`;
      i++;
      continue;
    }
    if (c === "[" && !inClass) {
      inClass = true;
      out += c;
      // a ] right after [ or [^ is a literal
      if (pattern[i + 1] === "^") out += pattern[++i];
      if (pattern[i + 1] === "]") out += pattern[++i];
      continue;
    }
    if (c === "]" && inClass) inClass = false;
    // Python reads a{,3} as a{0,3}; RE2 would take it literally
    if (c === "{" && !inClass && /^\{,\d+\}/.test(pattern.slice(i, i + 12))) {
      out += "{0";
      continue;
    }
    out += c;
  }
  return { re2: out, unsupported };
}

const CACHE_SIZE = 512;
const cache = new Map<string, RE2JS>();

function compileRe2(pattern: string, where: string): RE2JS {
  const hit = cache.get(pattern);
  if (hit !== undefined && hit.programSize() <= maxSize) {
    // refresh its place: the map's order is the eviction order
    cache.delete(pattern);
    cache.set(pattern, hit);
    return hit;
  }
  const { re2, unsupported } = translate(pattern);
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(re2);
  } catch (err) {
    const msg = err instanceof Error ? err.message.replace(/^error parsing regexp: /, "") : String(err);
    throw new RegexSyntaxError(where, pattern, unsupported !== undefined ? `${unsupported}; ${NOTE}` : msg, err);
  }
  const size = compiled.programSize();
  if (size > maxSize)
    throw new RegexSyntaxError(where, pattern.length > 200 ? `${pattern.slice(0, 200)}…` : pattern, `it compiles to ${size} instructions, more than [query] max_regex_size = ${maxSize}`, undefined, "regex_too_large");
  cache.set(pattern, compiled);
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
  return compiled;
}

type Part = string | number | { readonly name: string };

const ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", a: "\x07", f: "\f", v: "\v" };

/** A Python replacement template as literal text and group references. */
export function parseReplacement(template: string): Part[] {
  const parts: Part[] = [];
  let lit = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "\\" || i + 1 >= template.length) {
      lit += c;
      continue;
    }
    const n = template[i + 1]!;
    let m: RegExpExecArray | null;
    if (n >= "0" && n <= "9") {
      m = /^\d{1,2}/.exec(template.slice(i + 1, i + 3));
      parts.push(lit, Number(m![0]));
      lit = "";
      i += m![0].length;
    } else if (n === "g" && (m = /^g<([^>]{1,100})>/.exec(template.slice(i + 1, i + 104))) !== null) {
      parts.push(lit, /^\d+$/.test(m[1]!) ? Number(m[1]) : { name: m[1]! });
      lit = "";
      i += m[0].length;
    } else {
      lit += ESCAPES[n] ?? `\\${n}`;
      i++;
    }
  }
  parts.push(lit);
  return parts.filter((p) => p !== "");
}

function checkReplacement(re: RE2JS, parts: readonly Part[], where: string, template: string): void {
  const groups = re.groupCount();
  const names = re.namedGroups();
  for (const p of parts) {
    if (typeof p === "number" && p > groups)
      throw new RegexSyntaxError(where, template, `invalid group reference ${p} in the replacement (the pattern has ${groups} group${groups === 1 ? "" : "s"})`);
    if (typeof p === "object" && !(p.name in names)) throw new RegexSyntaxError(where, template, `unknown group name ${JSON.stringify(p.name)} in the replacement`);
  }
}

function substitute(re: RE2JS, text: string, parts: readonly Part[]): string {
  const m = re.matcher(text);
  let out = "";
  let last = 0;
  while (m.find()) {
    out += text.slice(last, m.start());
    for (const p of parts) out += typeof p === "string" ? p : ((typeof p === "number" ? m.group(p) : m.group(p.name)) ?? "");
    last = m.end();
  }
  return out + text.slice(last);
}

/**
 * Compiles a user-supplied pattern (Python `re` syntax within RE2's). `where` names its origin for
 * errors: `grep pattern`, `seriesByTag "name=~…"`, `[collector.cpu] metrics_whitelist`.
 */
export function compileRegex(pattern: string, where: string): SafeRegex {
  const re = compileRe2(pattern, where);
  return {
    source: pattern,
    test: (text) => re.test(text),
    testWhole: (text) => re.testExact(text),
    testStart: (text) => re.matcher(text).lookingAt(),
    replace: (text, template) => {
      const parts = parseReplacement(template);
      checkReplacement(re, parts, where, template);
      return substitute(re, text, parts);
    },
  };
}

/** Checks a pattern without keeping it (config validation). Throws RegexSyntaxError. */
export function checkRegex(pattern: string, where: string): void {
  compileRe2(pattern, where);
}

/** A regex source that matches `text` literally (RE2 and JavaScript syntax alike). */
export function quoteRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, "\\$&");
}
