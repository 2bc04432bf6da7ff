// The Graphite parser's fast path is a performance feature (issue 11 measured it): an ordinary line must
// be read in one pass, never through buf.indexOf + parseLine. The full-line parser gives the same rows,
// so only watching the fallback tells a fast path that quietly gave up from one that works. The buffer
// here records its indexOf calls (the first thing the fallback does); every case also checks the rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGraphite, PathInterner, type GraphiteRowHandler } from "../../src/ingest/graphite/parser.js";

const NOW = 1_750_000_000_000;
type Row = [string, number, number];

function spied(text: string): { buf: Buffer; calls: () => number } {
  const buf = Buffer.from(text, "latin1");
  let calls = 0;
  const indexOf = buf.indexOf.bind(buf);
  Object.defineProperty(buf, "indexOf", {
    value: (...args: Parameters<Buffer["indexOf"]>) => {
      calls++;
      return indexOf(...args);
    },
  });
  return { buf, calls: () => calls };
}

function run(text: string, interner: PathInterner | undefined, final = true): { rows: Row[]; invalid: string[]; fallbacks: number; used: number } {
  const { buf, calls } = spied(text);
  const rows: Row[] = [];
  const invalid: string[] = [];
  const h: GraphiteRowHandler = {
    row: (p, v, ts) => void rows.push([p, v, ts]),
    invalid: (_b, _s, _e, reason) => void invalid.push(reason),
    ...(interner === undefined ? {} : { paths: interner }),
  };
  const used = parseGraphite(buf, 0, buf.length, NOW, h, final);
  return { rows, invalid, fallbacks: calls(), used };
}

const FAST: Array<[string, Row]> = [
  ["a.b 1 1700000000\n", ["a.b", 1, 1_700_000_000_000]],
  ["a.b 1\n", ["a.b", 1, NOW]],
  ["a.b 7\r\n", ["a.b", 7, NOW]],
  ["a.b\t2\t1700000000\r\n", ["a.b", 2, 1_700_000_000_000]],
  ["a.b  -1.5e-3   1700000000.25 \n", ["a.b", -0.0015, 1_700_000_000_250]],
  ["a.b 3 1700000000\t \r\n", ["a.b", 3, 1_700_000_000_000]],
  ["a.b 1 \n", ["a.b", 1, NOW]],
  ["a.b 123456789012345 1700000000123\n", ["a.b", 123456789012345, 1_700_000_000_123]],
  ["a.b 1234567890123456 1\n", ["a.b", 1234567890123456, 1000]],
  ["a.b 0.5 -1\n", ["a.b", 0.5, NOW]],
  ["a.b 0 0\n", ["a.b", 0, 0]],
  ["x 5 99999999999\n", ["x", 5, 99_999_999_999_000]],
  ["x 5 99999999999.5\n", ["x", 5, 99_999_999_999_500]],
  ["x 5 100000000000\n", ["x", 5, 100_000_000_000]],
  ["x 5 100000000000.7\n", ["x", 5, 100_000_000_000]],
  ["x 5 1234567890123456\n", ["x", 5, 1234567890123456]],
  ["x 5 1e16\n", ["x", 5, 1e16]],
  ["~!a/b;k=v 9 1\n", ["~!a/b;k=v", 9, 1000]],
];

for (const interner of [undefined, new PathInterner(4)]) {
  const label = interner === undefined ? "no interner" : "interner";
  test(`graphite fast path (${label}): ordinary lines are read in one pass with the right rows`, () => {
    for (const [line, row] of FAST) {
      const got = run(line, interner);
      assert.deepEqual(got.rows, [row], JSON.stringify(line));
      assert.deepEqual(got.invalid, []);
      assert.equal(got.fallbacks, 0, `fell back on ${JSON.stringify(line)}`);
      assert.equal(got.used, line.length);
    }
    // many lines in one buffer, still no fallback
    const all = run(FAST.map(([l]) => l).join(""), interner);
    assert.deepEqual(all.rows, FAST.map(([, r]) => r));
    assert.equal(all.fallbacks, 0);
  });
}

const SLOW: Array<[string, Row[], string[]]> = [
  [" a.b 1 1\n", [["a.b", 1, 1000]], []],
  ["\ta.b 1 1\n", [["a.b", 1, 1000]], []],
  ["\n", [], []],
  ["a\u0001b 1 1\n", [], ["control character in path"]],
  ["a\u007fb 1 1\n", [], ["control character in path"]],
  ["\u00c3\u00a9 1 1\n", [["\u00e9", 1, 1000]], []], // UTF-8 bytes of "é"
  ["a.b nan 1\n", [], []],
  ["a.b 1e400 1\n", [], ["value is not a finite number"]],
  ["a.b x\n", [], ["value is not a finite number"]],
  ["a.b 1 1 1\n", [], ["too many fields"]],
  ["a.b\n", [], ["missing value"]],
  ["a.b \n", [], ["missing value"]],
  ["a.b 1 abc\n", [], ["bad timestamp"]],
  ["a.b 1 -2\n", [], ["bad timestamp"]],
  ["a.b 1 10000000000000002\n", [], ["bad timestamp"]],
  ["a.b 1 1\r\r\n", [["a.b", 1, 1000]], []],
  ["a.b 1 1\u0001\n", [], ["bad timestamp"]],
];

test("graphite fast path: anything unusual goes to the full line parser, which has the rules", () => {
  for (const [line, rows, invalid] of SLOW) {
    const got = run(line, undefined);
    assert.deepEqual(got.rows, rows, JSON.stringify(line));
    assert.deepEqual(got.invalid, invalid, JSON.stringify(line));
    assert.equal(got.fallbacks, 1, `one fallback for ${JSON.stringify(line)}`);
  }
  // an ordinary line after an unusual one is back on the fast path
  const mixed = run(" a 1 1\nb 2 2\nc 3 3\n", undefined);
  assert.equal(mixed.fallbacks, 1);
  assert.deepEqual(mixed.rows, [["a", 1, 1000], ["b", 2, 2000], ["c", 3, 3000]]);
});

test("graphite fast path: a last line without newline is left alone, or parsed in full when final", () => {
  for (const tail of ["a.b", "a.b ", "a.b 1", "a.b 1 ", "a.b 1 1700000000", "a.b 1 1700000000 ", "a.b 1 1700000000\r"]) {
    const kept = run(`z 1 1\n${tail}`, undefined, false);
    assert.equal(kept.used, 6, JSON.stringify(tail));
    assert.deepEqual(kept.rows, [["z", 1, 1000]]);
    const done = run(`z 1 1\n${tail}`, undefined, true);
    assert.equal(done.used, 6 + tail.length);
    assert.equal(done.rows.length + done.invalid.length, 2, JSON.stringify(tail));
  }
});
