import { test } from "node:test";
import assert from "node:assert/strict";
import { ParseError } from "../../src/lib/errors.js";
import { compileTarget, parseTarget, firstPathExpression, type Expr } from "../../src/query/index.js";

/** A compact rendering of a tree: paths bare, strings quoted, calls f(a,b,k=v). */
function show(e: Expr): string {
  switch (e.kind) {
    case "path":
      return e.path;
    case "string":
      return JSON.stringify(e.value);
    case "number":
      return `#${e.value}`;
    case "bool":
      return e.value ? "True" : "False";
    case "none":
      return "None";
    case "call":
      return `${e.name}(${[...e.args.map(show), ...Object.entries(e.kwargs).map(([k, v]) => `${k}=${show(v)}`)].join(",")})`;
  }
}

test("parses Graphite targets", async (t) => {
  const cases: Array<[string, string]> = [
    ["servers.web1.cpu.total.user", "servers.web1.cpu.total.user"],
    ["servers.*.cpu.{user,system}", "servers.*.cpu.{user,system}"],
    ["servers.web[1-3]?.cpu", "servers.web[1-3]?.cpu"],
    ["host-1_a.disk:sda.free#x", "host-1_a.disk:sda.free#x"],
    ["sumSeries(a.*.b)", "sumSeries(a.*.b)"],
    ["sumSeries( a.b , c.{d,e} )", "sumSeries(a.b,c.{d,e})"],
    ["scale(a.b, -1.5e3)", "scale(a.b,#-1500)"],
    ["summarize(a.b, '1h', \"max\", true)", 'summarize(a.b,"1h","max",True)'],
    ["asPercent(a.*, None, 1)", "asPercent(a.*,None,#1)"],
    ["movingAverage(a.b, windowSize='5min', xFilesFactor=0.5)", 'movingAverage(a.b,windowSize="5min",xFilesFactor=#0.5)'],
    ["aliasByNode(sumSeries(scale(a.b.c, 2)), 0, 2)", "aliasByNode(sumSeries(scale(a.b.c,#2)),#0,#2)"],
    ["a.b.c|scale(2)|alias('x')", 'alias(scale(a.b.c,#2),"x")'],
    ['aliasSub(a.b, "(^.*$)", "\\1 A")', 'aliasSub(a.b,"(^.*$)","\\\\1 A")'],
    ["seriesByTag('name=cpu', 'host=~web.*')", 'seriesByTag("name=cpu","host=~web.*")'],
    ["constantLine(5)", "constantLine(#5)"],
    ["group()", "group()"],
    ["keepLastValue(a.b, TRUE)", "keepLastValue(a.b,True)"],
  ];
  for (const [target, want] of cases) await t.test(target, () => assert.equal(show(parseTarget(target)), want));
});

test("a string keeps its backslashes verbatim (as graphite-web's removeQuotes)", () => {
  const e = parseTarget('aliasSub(a, "\\d+\\"x", "\\1")');
  assert.ok(e.kind === "call");
  assert.deepEqual(
    e.args.slice(1).map((a) => (a.kind === "string" ? a.value : "?")),
    ['\\d+\\"x', "\\1"],
  );
});

test("syntax errors name the column", async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ["", 1, /empty target/],
    ["sumSeries(a.b", 14, /missing '\)'/],
    ["sumSeries(a.b))", 15, /unexpected "\)"/],
    ["sumSeries(a.b,,c)", 15, /unexpected ","/],
    ["scale(a.b, 'x)", 12, /unterminated string/],
    ["a.{b,c", 1, /unclosed '\{'/],
    ["a.b|", 5, /function name/],
    ["a.b|scale", 10, /expected '\('/],
    ["scale(a.b, factor=2, 3)", 22, /positional argument after a keyword/],
    ["1x.b(2)", 1, /not a function name/],
    ["sumSeries(a.b) c.d", 16, /unexpected "c"/],
  ];
  for (const [target, column, message] of cases)
    await t.test(JSON.stringify(target), () => {
      assert.throws(
        () => parseTarget(target),
        (err: unknown) => err instanceof ParseError && err.code === "target_syntax" && err.location?.column === column && message.test(err.message) && err.status === 400,
      );
    });
});

test("unknown functions are refused with their column and a suggestion", () => {
  assert.throws(
    () => compileTarget("alias(sumSerie(a.b), 'x')"),
    (err: unknown) => err instanceof ParseError && err.code === "unknown_function" && err.location?.column === 7 && /did you mean sumSeries/.test(err.message),
  );
  assert.doesNotThrow(() => compileTarget("sum(avg(a.*))"));
});

test("firstPathExpression finds the innermost first path of a series name", () => {
  assert.equal(firstPathExpression("scale(a.b.c,2)"), "a.b.c");
  assert.equal(firstPathExpression("sumSeries(movingAverage(x.y,5),z)"), "x.y");
  assert.equal(firstPathExpression("a.b"), "a.b");
  assert.equal(firstPathExpression("constantLine(5)"), undefined);
});

test("deep nesting is a syntax error, not a stack overflow", () => {
  const deep = `${"scale(".repeat(100)}a.b${",2)".repeat(100)}`;
  assert.throws(() => parseTarget(deep), (err: unknown) => err instanceof ParseError && /nested deeper than 64/.test(err.message));
  const ok = `${"scale(".repeat(60)}a.b${",2)".repeat(60)}`;
  assert.doesNotThrow(() => parseTarget(ok));
});

test("fuzz: 30,000 random and mutated targets either parse or throw a ParseError with a column inside the text", () => {
  let seed = 42;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = "abc.*?[]{},()'\"\\|=~ -_019xyz;:#\t";
  const seeds = ['sumSeries(a.*.b, c.{d,e})', "aliasSub(a.b, \"(^.*$)\", \"\\1 A\")", "a.b|scale(2)|alias('x')", "movingAverage(a.b, windowSize='5min')", "seriesByTag('name=x','y=~z')"];
  for (let k = 0; k < 30_000; k++) {
    let text: string;
    if (k % 2 === 0) {
      const len = rnd(40);
      text = Array.from({ length: len }, () => alphabet[rnd(alphabet.length)]!).join("");
    } else {
      const chars = [...seeds[rnd(seeds.length)]!];
      for (let m = 0, n = 1 + rnd(4); m < n; m++) {
        const at = rnd(chars.length + 1);
        const op = rnd(3);
        if (op === 0) chars.splice(at, 1);
        else if (op === 1) chars.splice(at, 0, alphabet[rnd(alphabet.length)]!);
        else chars[at] = alphabet[rnd(alphabet.length)]!;
      }
      text = chars.join("");
    }
    try {
      parseTarget(text);
    } catch (err) {
      assert.ok(err instanceof ParseError, `${JSON.stringify(text)} threw ${String(err)}`);
      const col = err.location?.column ?? 0;
      assert.ok(col >= 1 && col <= text.length + 1, `${JSON.stringify(text)}: column ${col}`);
    }
  }
});
