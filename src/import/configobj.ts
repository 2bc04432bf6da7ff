/**
 * The INI dialect Diamond reads (Python's configobj), parsed with where each key was written:
 * nested sections by bracket depth (`[collectors]`, `[[CPUCollector]]`), `key = value`, `#`
 * comments (also after an unquoted value), values in '…' or "…", and comma lists (`a, b, c`,
 * `'^/export/home',`). No I/O.
 */
import { LoupeError } from "../lib/errors.js";

export interface ConfValue {
  /** A string, or a list when the value held an unquoted comma. */
  readonly value: string | readonly string[];
  readonly line: number;
}

export interface ConfSection {
  readonly name: string;
  readonly line: number;
  readonly keys: Map<string, ConfValue>;
  readonly sections: Map<string, ConfSection>;
}

export function newSection(name: string, line = 0): ConfSection {
  return { name, line, keys: new Map(), sections: new Map() };
}

/** Splits a value at commas outside quotes; strips quotes and an inline comment. */
function parseValue(raw: string, file: string, line: number): string | string[] {
  const items: string[] = [];
  let cur = "";
  let quote: string | undefined;
  let quoted = false;
  let list = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else cur += c;
      continue;
    }
    if ((c === '"' || c === "'") && cur.trim() === "") {
      quote = c;
      quoted = true;
      cur = "";
    } else if (c === "#") break;
    else if (c === ",") {
      list = true;
      items.push(quoted ? cur : cur.trim());
      cur = "";
      quoted = false;
    } else if (!quoted) cur += c;
  }
  if (quote !== undefined) throw new LoupeError("diamond_conf", `${file}:${line}: unterminated ${quote} quote`);
  const last = quoted ? cur : cur.trim();
  if (!list) return last;
  if (last !== "" || quoted) items.push(last);
  return items.filter((s, i) => s !== "" || i < items.length - 1);
}

/** Parses configobj text into its root section (keys before any section header live there). */
export function parseConfigObj(text: string, file: string): ConfSection {
  const root = newSection("", 0);
  const stack: ConfSection[] = [root];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const n = i + 1;
    const t = lines[i]!.trim();
    if (t === "" || t.startsWith("#")) continue;
    if (t.startsWith("[")) {
      const m = /^(\[+)\s*([^\]]*?)\s*(\]+)\s*(#.*)?$/.exec(t);
      if (m === null || m[1]!.length !== m[3]!.length) throw new LoupeError("diamond_conf", `${file}:${n}: a section header is [name], [[name]] …, got ${t}`);
      const depth = m[1]!.length;
      if (depth > stack.length) throw new LoupeError("diamond_conf", `${file}:${n}: section ${t} is nested deeper than the section around it`);
      stack.length = depth;
      const parent = stack[depth - 1]!;
      const name = m[2]!.replace(/^["']|["']$/g, "");
      let s = parent.sections.get(name);
      if (s === undefined) parent.sections.set(name, (s = newSection(name, n)));
      stack.push(s);
      continue;
    }
    const eq = t.indexOf("=");
    if (eq <= 0) throw new LoupeError("diamond_conf", `${file}:${n}: expected key = value, got ${t}`);
    if (/^('''|""")/.test(t.slice(eq + 1).trim())) throw new LoupeError("diamond_conf", `${file}:${n}: multi-line (triple-quoted) values are not read`);
    const key = t.slice(0, eq).trim().replace(/^["']|["']$/g, "");
    stack[stack.length - 1]!.keys.set(key, { value: parseValue(t.slice(eq + 1), file, n), line: n });
  }
  return root;
}

/** A value as one string (a list joined by ", "). */
export function asText(v: ConfValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v.value === "string" ? v.value : v.value.join(", ");
}

/** A value as a list (one string split at commas). */
export function asList(v: ConfValue | undefined): string[] {
  if (v === undefined) return [];
  const items = typeof v.value === "string" ? v.value.split(",") : [...v.value];
  return items.map((s) => s.trim()).filter((s) => s !== "");
}
