/**
 * Graphite target parser: paths with globs (`*`, `?`, `[a-z]`, `{a,b}`), function calls, nested
 * calls, string / number / boolean / None arguments, keyword arguments (`name=value`) and the pipe
 * form (`a.b.c|scale(2)` is `scale(a.b.c,2)`). Pure: text in, tree out. A syntax error is a
 * ParseError (code `target_syntax`) naming the 1-based column.
 */
import { ParseError } from "../lib/errors.js";
import type { CallExpr, Expr } from "./ast.js";

/** Characters that end a path token (graphite-web's grammar symbols, minus the glob characters). */
const PATH_STOP = new Set(["(", ")", ",", "=", "'", '"', "|", " ", "\t", "\n", "\r"]);
// unambiguous (no two quantifiers over the same digits), so linear on a long bare token
const NUMBER_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function syntaxError(target: string, pos: number, message: string, code = "target_syntax"): ParseError {
  return new ParseError(`${message} at column ${pos + 1} of target ${JSON.stringify(target)}`, { column: pos + 1 }, code);
}

/** Deeper nesting than this is refused (a syntax error, not a stack overflow). */
export const MAX_DEPTH = 64;

class Parser {
  private i = 0;
  private depth = 0;
  constructor(private readonly src: string) {}

  parse(): Expr {
    this.ws();
    if (this.i >= this.src.length) throw syntaxError(this.src, this.i, "empty target");
    const e = this.pipeline();
    this.ws();
    if (this.i < this.src.length) throw syntaxError(this.src, this.i, `unexpected ${JSON.stringify(this.src[this.i])}`);
    return e;
  }

  private ws(): void {
    while (this.i < this.src.length && /\s/.test(this.src[this.i]!)) this.i++;
  }

  /** expr ( '|' call )* */
  private pipeline(): Expr {
    let e = this.expr();
    this.ws();
    while (this.src[this.i] === "|") {
      this.i++;
      this.ws();
      const start = this.i;
      const name = this.token();
      if (!IDENT_RE.test(name)) throw syntaxError(this.src, start, "expected a function name after '|'");
      this.ws();
      if (this.src[this.i] !== "(") throw syntaxError(this.src, this.i, `expected '(' after ${name}`);
      const call = this.callRest(name, start);
      e = { ...call, args: [e, ...call.args], text: this.src.slice(0, this.i) };
      this.ws();
    }
    return e;
  }

  /** A bare token of path characters (braces may hold commas). */
  private token(): string {
    const start = this.i;
    let depth = 0;
    let tagged = false;
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      // a tagged path (`disk.used;dc=east`): after its first ';' an '=' belongs to the path
      if (c === ";") tagged = true;
      if (c === "=" && tagged && depth === 0) {
        this.i++;
        continue;
      }
      if (c === "{") depth++;
      else if (c === "}") {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && PATH_STOP.has(c)) break;
      else if (depth > 0 && (c === "(" || c === ")" || c === "'" || c === '"' || c === "|")) break;
      this.i++;
    }
    if (depth > 0) throw syntaxError(this.src, start, "unclosed '{' in path");
    return this.src.slice(start, this.i);
  }

  private expr(): Expr {
    this.ws();
    const pos = this.i;
    const c = this.src[this.i];
    if (c === undefined) throw syntaxError(this.src, pos, "unexpected end of target");
    if (c === '"' || c === "'") return { kind: "string", pos, value: this.string() };
    const tok = this.token();
    if (tok === "") throw syntaxError(this.src, pos, `unexpected ${JSON.stringify(c)}`);
    this.ws();
    if (this.src[this.i] === "(") {
      if (!IDENT_RE.test(tok)) throw syntaxError(this.src, pos, `${JSON.stringify(tok)} is not a function name`);
      return this.callRest(tok, pos);
    }
    if (NUMBER_RE.test(tok)) return { kind: "number", pos, value: Number(tok), isInt: /^[+-]?\d+$/.test(tok) };
    const lower = tok.toLowerCase();
    if (lower === "true" || lower === "false") return { kind: "bool", pos, value: lower === "true" };
    if (tok === "None" || tok === "none" || tok === "null") return { kind: "none", pos };
    return { kind: "path", pos, path: tok };
  }

  /** Quoted string; a backslash escapes the next character but both stay in the value (removeQuotes). */
  private string(): string {
    const q = this.src[this.i]!;
    const start = this.i;
    this.i++;
    let out = "";
    while (this.i < this.src.length) {
      const c = this.src[this.i]!;
      if (c === "\\" && this.i + 1 < this.src.length) {
        out += c + this.src[this.i + 1]!;
        this.i += 2;
        continue;
      }
      if (c === q) {
        this.i++;
        return out;
      }
      out += c;
      this.i++;
    }
    throw syntaxError(this.src, start, "unterminated string");
  }

  /** After the function name, at '(' */
  private callRest(name: string, pos: number): CallExpr {
    if (++this.depth > MAX_DEPTH) throw syntaxError(this.src, pos, `calls nested deeper than ${MAX_DEPTH}`);
    try {
      return this.callBody(name, pos);
    } finally {
      this.depth--;
    }
  }

  private callBody(name: string, pos: number): CallExpr {
    this.i++; // (
    const args: Expr[] = [];
    const kwargs: Record<string, Expr> = {};
    this.ws();
    if (this.src[this.i] === ")") {
      this.i++;
      return { kind: "call", pos, name, args, kwargs, text: this.src.slice(pos, this.i) };
    }
    for (;;) {
      this.ws();
      const argPos = this.i;
      // keyword argument: ident '=' value
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*=(?!~)/.exec(this.src.slice(this.i));
      if (m) {
        this.i += m[0].length;
        const key = m[1]!;
        if (key in kwargs) throw syntaxError(this.src, argPos, `keyword argument ${key} given twice`);
        kwargs[key] = this.pipeline();
      } else {
        if (Object.keys(kwargs).length > 0) throw syntaxError(this.src, argPos, "positional argument after a keyword argument");
        args.push(this.pipeline());
      }
      this.ws();
      const c = this.src[this.i];
      if (c === ",") {
        this.i++;
        continue;
      }
      if (c === ")") {
        this.i++;
        return { kind: "call", pos, name, args, kwargs, text: this.src.slice(pos, this.i) };
      }
      if (c === undefined) throw syntaxError(this.src, this.i, `missing ')' to close ${name}(`);
      throw syntaxError(this.src, this.i, `expected ',' or ')' but found ${JSON.stringify(c)}`);
    }
  }
}

/** Parses one Graphite target. */
export function parseTarget(target: string): Expr {
  return new Parser(target).parse();
}

/** Every function call in a tree, outermost first (for unknown-function checks). */
export function* walkCalls(e: Expr): Generator<CallExpr> {
  if (e.kind !== "call") return;
  yield e;
  for (const a of e.args) yield* walkCalls(a);
  for (const a of Object.values(e.kwargs)) yield* walkCalls(a);
}

/** The first path expression in a series name such as `scale(a.b.c,2)` (graphite's _getFirstPathExpression). */
export function firstPathExpression(name: string): string | undefined {
  let e: Expr;
  try {
    e = parseTarget(name);
  } catch {
    return undefined;
  }
  for (;;) {
    if (e.kind === "path") return e.path;
    if (e.kind === "call" && e.args[0] !== undefined) e = e.args[0];
    else return undefined;
  }
}
