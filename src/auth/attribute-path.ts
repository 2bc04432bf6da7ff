/**
 * The subset of JMESPath that Grafana's *_attribute_path options are written in, enough for
 * `email`, `info.roles[0]`, `groups[*].name` and
 * `contains(groups[*], 'admins') && 'Admin' || contains(groups[*], 'editors') && 'Editor' || 'Viewer'`.
 *
 *   expr    := or
 *   or      := and ('||' and)*
 *   and     := cmp ('&&' cmp)*
 *   cmp     := unary (('==' | '!=') unary)?
 *   unary   := '!' unary | primary
 *   primary := '(' expr ')' | 'raw string' | `json literal` | contains(expr, expr) | path
 *   path    := name ('.' name | '[' N ']' | '[*]')*      name: identifier or "quoted"
 *
 * JMESPath's meaning: `a || b` is a when a is truthy, else b; `a && b` is a when a is falsy, else b;
 * false, null, "", [] and {} are falsy; a missing field is null; `[*]` projects the rest of the path
 * over a list, dropping nulls. Pure: parse once (config check), evaluate per sign-in.
 */

export type PathExpr =
  | { readonly t: "lit"; readonly v: unknown }
  | { readonly t: "path"; readonly steps: readonly Step[] }
  | { readonly t: "or" | "and" | "eq" | "ne"; readonly a: PathExpr; readonly b: PathExpr }
  | { readonly t: "not"; readonly a: PathExpr }
  | { readonly t: "contains"; readonly a: PathExpr; readonly b: PathExpr };

type Step = { readonly field: string } | { readonly index: number } | { readonly project: true };

export class PathSyntaxError extends Error {}

type Tok = { k: "op"; v: string } | { k: "name"; v: string } | { k: "str"; v: string } | { k: "lit"; v: unknown } | { k: "num"; v: number };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (["||", "&&", "==", "!=", "[*"].includes(two)) {
      out.push({ k: "op", v: two === "[*" ? "[*" : two });
      i += 2;
      continue;
    }
    if ("().,[]!*".includes(c)) {
      out.push({ k: "op", v: c });
      i++;
      continue;
    }
    if (c === "'" || c === '"' || c === "`") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new PathSyntaxError(`unterminated ${c} at column ${i + 1}`);
      const body = src.slice(i + 1, end);
      if (c === "'") out.push({ k: "str", v: body });
      else if (c === '"') out.push({ k: "name", v: body });
      else {
        try {
          out.push({ k: "lit", v: JSON.parse(body) as unknown });
        } catch {
          out.push({ k: "str", v: body });
        }
      }
      i = end + 1;
      continue;
    }
    const m = /^(?:-?\d+|[A-Za-z_][A-Za-z0-9_-]*)/.exec(src.slice(i));
    if (m === null) throw new PathSyntaxError(`unexpected "${c}" at column ${i + 1}`);
    out.push(/^-?\d/.test(m[0]) ? { k: "num", v: Number(m[0]) } : { k: "name", v: m[0] });
    i += m[0].length;
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  parse(): PathExpr {
    const e = this.or();
    if (this.i < this.toks.length) throw new PathSyntaxError(`unexpected ${describe(this.toks[this.i]!)}`);
    return e;
  }

  private peekOp(v: string): boolean {
    const t = this.toks[this.i];
    return t !== undefined && t.k === "op" && t.v === v;
  }

  private expect(v: string): void {
    if (!this.peekOp(v)) throw new PathSyntaxError(`expected "${v}"${this.toks[this.i] !== undefined ? ` before ${describe(this.toks[this.i]!)}` : " at the end"}`);
    this.i++;
  }

  private or(): PathExpr {
    let a = this.and();
    while (this.peekOp("||")) {
      this.i++;
      a = { t: "or", a, b: this.and() };
    }
    return a;
  }

  private and(): PathExpr {
    let a = this.cmp();
    while (this.peekOp("&&")) {
      this.i++;
      a = { t: "and", a, b: this.cmp() };
    }
    return a;
  }

  private cmp(): PathExpr {
    const a = this.unary();
    for (const [op, t] of [["==", "eq"], ["!=", "ne"]] as const) {
      if (this.peekOp(op)) {
        this.i++;
        return { t, a, b: this.unary() };
      }
    }
    return a;
  }

  private unary(): PathExpr {
    if (this.peekOp("!")) {
      this.i++;
      return { t: "not", a: this.unary() };
    }
    return this.primary();
  }

  private primary(): PathExpr {
    const t = this.toks[this.i];
    if (t === undefined) throw new PathSyntaxError("unexpected end of expression");
    if (t.k === "op" && t.v === "(") {
      this.i++;
      const e = this.or();
      this.expect(")");
      return e;
    }
    if (t.k === "str") return this.i++, { t: "lit", v: t.v };
    if (t.k === "lit") return this.i++, { t: "lit", v: t.v };
    if (t.k === "name" && t.v === "contains" && this.toks[this.i + 1]?.k === "op" && (this.toks[this.i + 1] as { v: string }).v === "(") {
      this.i += 2;
      const a = this.or();
      this.expect(",");
      const b = this.or();
      this.expect(")");
      return { t: "contains", a, b };
    }
    if (t.k === "name") return this.path();
    throw new PathSyntaxError(`unexpected ${describe(t)}`);
  }

  private path(): PathExpr {
    const steps: Step[] = [{ field: (this.toks[this.i++] as { v: string }).v }];
    for (;;) {
      if (this.peekOp(".")) {
        this.i++;
        const n = this.toks[this.i];
        if (n?.k !== "name") throw new PathSyntaxError(`expected a field name after "."`);
        steps.push({ field: n.v });
        this.i++;
      } else if (this.peekOp("[*")) {
        this.i++;
        this.expect("]");
        steps.push({ project: true });
      } else if (this.peekOp("[")) {
        this.i++;
        const n = this.toks[this.i];
        if (n?.k !== "num") throw new PathSyntaxError(`expected an index or * inside [ ]`);
        this.i++;
        this.expect("]");
        steps.push({ index: n.v });
      } else return { t: "path", steps };
    }
  }
}

function describe(t: Tok): string {
  return t.k === "op" ? `"${t.v}"` : t.k === "str" ? `'${t.v}'` : String(t.v);
}

/** Parses an expression; throws PathSyntaxError saying what is wrong. "" is not an expression. */
export function parseAttributePath(src: string): PathExpr {
  if (src.trim() === "") throw new PathSyntaxError("empty expression");
  return new Parser(tokenize(src)).parse();
}

function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function walk(v: unknown, steps: readonly Step[]): unknown {
  let cur = v;
  for (let k = 0; k < steps.length; k++) {
    const s = steps[k]!;
    if ("project" in s) {
      if (!Array.isArray(cur)) return null;
      const rest = steps.slice(k + 1);
      return cur.map((x) => walk(x, rest)).filter((x) => x !== null && x !== undefined);
    }
    if ("index" in s) {
      if (!Array.isArray(cur)) return null;
      cur = cur[s.index < 0 ? cur.length + s.index : s.index] ?? null;
    } else {
      if (cur === null || typeof cur !== "object" || Array.isArray(cur)) return null;
      cur = Object.hasOwn(cur, s.field) ? (cur as Record<string, unknown>)[s.field] : null;
    }
  }
  return cur ?? null;
}

export function evaluatePath(e: PathExpr, data: unknown): unknown {
  switch (e.t) {
    case "lit":
      return e.v;
    case "path":
      return walk(data, e.steps);
    case "or": {
      const a = evaluatePath(e.a, data);
      return truthy(a) ? a : evaluatePath(e.b, data);
    }
    case "and": {
      const a = evaluatePath(e.a, data);
      return truthy(a) ? evaluatePath(e.b, data) : a;
    }
    case "not":
      return !truthy(evaluatePath(e.a, data));
    case "eq":
    case "ne": {
      const same = JSON.stringify(evaluatePath(e.a, data)) === JSON.stringify(evaluatePath(e.b, data));
      return e.t === "eq" ? same : !same;
    }
    case "contains": {
      const hay = evaluatePath(e.a, data);
      const needle = evaluatePath(e.b, data);
      if (typeof hay === "string") return typeof needle === "string" && hay.includes(needle);
      if (Array.isArray(hay)) return hay.some((x) => JSON.stringify(x) === JSON.stringify(needle));
      return false;
    }
  }
}

/** Evaluates to a string ("" for null, a list, an object, or a non-text result); numbers become text. */
export function searchString(e: PathExpr | undefined, data: unknown): string {
  if (e === undefined) return "";
  const v = evaluatePath(e, data);
  return typeof v === "string" ? v : typeof v === "number" ? String(v) : "";
}

/** Evaluates to a list of strings (a single string is a list of one). */
export function searchStrings(e: PathExpr | undefined, data: unknown): string[] {
  if (e === undefined) return [];
  const v = evaluatePath(e, data);
  if (typeof v === "string") return v === "" ? [] : [v];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}
