/**
 * Python `re` patterns and replacement templates in JavaScript, for aliasSub, exclude and grep:
 * `(?P<name>…)` → `(?<name>…)`, `(?P=name)` → `\k<name>`; replacements `\1`, `\g<1>`, `\g<name>`,
 * `\\`, `\n` as Python's re.sub reads them. re.sub replaces every match, so the regex is global.
 */
import { BadRequestError } from "../lib/errors.js";

export function pythonRegex(pattern: string, global = false): RegExp {
  const js = pattern.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, "(?<$1>").replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, "\\k<$1>");
  try {
    return new RegExp(js, global ? "g" : "");
  } catch (err) {
    throw new BadRequestError(`invalid regular expression ${JSON.stringify(pattern)}: ${(err as Error).message}`, "bad_regex", err);
  }
}

type Part = string | number | { readonly name: string };

function parseTemplate(repl: string): Part[] {
  const parts: Part[] = [];
  let lit = "";
  for (let i = 0; i < repl.length; i++) {
    const c = repl[i]!;
    if (c !== "\\" || i + 1 >= repl.length) {
      lit += c;
      continue;
    }
    const n = repl[i + 1]!;
    let m: RegExpExecArray | null;
    if (/\d/.test(n)) {
      m = /^\d{1,2}/.exec(repl.slice(i + 1));
      parts.push(lit, Number(m![0]));
      lit = "";
      i += m![0].length;
    } else if (n === "g" && (m = /^g<([^>]+)>/.exec(repl.slice(i + 1))) !== null) {
      parts.push(lit, /^\d+$/.test(m[1]!) ? Number(m[1]) : { name: m[1]! });
      lit = "";
      i += m[0].length;
    } else {
      const esc: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", a: "\x07", f: "\f", v: "\v" };
      lit += esc[n] ?? `\\${n}`;
      i++;
    }
  }
  parts.push(lit);
  return parts.filter((p) => p !== "");
}

/** Python's re.sub(pattern, repl, text). */
export function pythonSub(pattern: string, repl: string, text: string): string {
  const re = pythonRegex(pattern, true);
  const parts = parseTemplate(repl);
  return text.replace(re, (...m: unknown[]) => {
    const last = m[m.length - 1];
    const groups = typeof last === "object" && last !== null ? (last as Record<string, string | undefined>) : undefined;
    let out = "";
    for (const p of parts) {
      if (typeof p === "string") out += p;
      else if (typeof p === "number") {
        const g = m[p];
        if (p > 0 && (typeof g === "string" || g === undefined) && p < m.length - 2) out += (g as string | undefined) ?? "";
        else if (p === 0) out += m[0] as string;
        else throw new BadRequestError(`invalid group reference ${p} in replacement ${JSON.stringify(repl)}`, "bad_regex");
      } else {
        if (groups === undefined || !(p.name in groups)) throw new BadRequestError(`unknown group name ${JSON.stringify(p.name)} in replacement`, "bad_regex");
        out += groups[p.name] ?? "";
      }
    }
    return out;
  });
}
