/**
 * Python `re` patterns for the Graphite functions (grep, exclude, aliasSub, applyByNode's search…),
 * matched in linear time by src/lib/safe-regex.ts. `where` names the function and parameter so a
 * refused pattern answers 400 `bad_regex` saying which.
 */
import { compileRegex, type SafeRegex } from "../lib/safe-regex.js";

export type { SafeRegex } from "../lib/safe-regex.js";

/** A compiled Python-syntax regex (RE2 semantics); throws RegexSyntaxError (400 bad_regex). */
export function pythonRegex(pattern: string, where = "regex"): SafeRegex {
  return compileRegex(pattern, where);
}

/** Python's re.sub(pattern, repl, text). */
export function pythonSub(pattern: string, repl: string, text: string, where = "regex"): string {
  return compileRegex(pattern, where).replace(text, repl);
}
