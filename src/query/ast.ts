/**
 * The syntax tree of a Graphite target. Every node keeps `pos`, its 0-based offset in the target
 * text, so evaluation errors can name where in the target they come from.
 */

export type Expr = PathExpr | CallExpr | NumberLit | StringLit | BoolLit | NoneLit;

export interface PathExpr {
  readonly kind: "path";
  readonly pos: number;
  /** The path as written, globs included: `servers.*.cpu.{user,system}`. */
  readonly path: string;
}

export interface CallExpr {
  readonly kind: "call";
  readonly pos: number;
  readonly name: string;
  readonly args: readonly Expr[];
  readonly kwargs: Readonly<Record<string, Expr>>;
  /** The call's source text (Graphite uses it as the path expression of seriesByTag). */
  readonly text: string;
}

export interface NumberLit {
  readonly kind: "number";
  readonly pos: number;
  readonly value: number;
  /** Written without `.` or exponent (Python int): constantLine(5) names its series "5", not "5.0". */
  readonly isInt: boolean;
}

export interface StringLit {
  readonly kind: "string";
  readonly pos: number;
  /** Content between the quotes, backslashes kept verbatim (as graphite-web's removeQuotes does). */
  readonly value: string;
}

export interface BoolLit {
  readonly kind: "bool";
  readonly pos: number;
  readonly value: boolean;
}

export interface NoneLit {
  readonly kind: "none";
  readonly pos: number;
}
