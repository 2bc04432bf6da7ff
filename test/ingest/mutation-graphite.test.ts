// The Graphite parser's fast path is a performance feature (issue 11 measured it): an ordinary line must
// be read in one pass, never through buf.indexOf + parseLine. The full-line parser gives the same rows,
// so only watching the fallback tells a fast path that quietly gave up from one that works. The buffer
// here records its indexOf calls (the first thing the fallback does); every case also checks the rows.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseGraphite, parseLine, PathInterner, type GraphiteRowHandler } from "../../src/ingest/graphite/parser.js";

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

function run(text: string, interner: PathInterner | undefined, final = true): { rows: Row[]; invalid: string[]; lines: string[]; fallbacks: number; used: number } {
  const { buf, calls } = spied(text);
  const rows: Row[] = [];
  const invalid: string[] = [];
  const lines: string[] = [];
  const h: GraphiteRowHandler = {
    row: (p, v, ts, slot) => {
      rows.push([p, v, ts]);
      // the slot is the interner's entry for this path, -1 when not interned
      assert.equal(slot, interner === undefined || /[^\x00-\x7f]/.test(p) ? -1 : interner.lastSlot, `slot of ${p}`);
      if (slot >= 0) assert.equal(interner!.refs[slot], 0);
    },
    invalid: (b, s, e, reason) => {
      invalid.push(reason);
      lines.push(b.toString("latin1", s, e));
    },
    ...(interner === undefined ? {} : { paths: interner }),
  };
  const used = parseGraphite(buf, 0, buf.length, NOW, h, final);
  return { rows, invalid, lines, fallbacks: calls(), used };
}

const FAST: Array<[string, Row]> = [
  ["a.b 1 1700000000\n", ["a.b", 1, 1_700_000_000_000]],
  ["a.b 1\n", ["a.b", 1, NOW]],
  ["a.b 7\r\n", ["a.b", 7, NOW]],
  ["a.b\t2\t1700000000\r\n", ["a.b", 2, 1_700_000_000_000]],
  ["a.b\t\t2 \t1700000000\n", ["a.b", 2, 1_700_000_000_000]],
  ["a.b \t 2\t\t1700000000\t\n", ["a.b", 2, 1_700_000_000_000]],
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
  ["a.b 1 1:\n", [], ["bad timestamp"]],
  ["a.b 1 :\n", [], ["bad timestamp"]],
  ["a.b 1: 1\n", [], ["value is not a finite number"]],
  ["a.b : 1\n", [], ["value is not a finite number"]],
  ["\u00e9 1 1\n", [["\ufffd", 1, 1000]], []], // one byte 0xE9: not UTF-8, decoded as such
  ["\u0080 1 1\n", [["\ufffd", 1, 1000]], []],
  ["a\u0080 1 1\n", [["a\ufffd", 1, 1000]], []],
  ["\u007f 1 1\n", [], ["control character in path"]],
  ["a.b xnan 1\n", [], ["value is not a finite number"]],
  ["a.b -nanx 1\n", [], ["value is not a finite number"]],
  ["a.b xan 1\n", [], ["value is not a finite number"]],
  ["a.b nxn 1\n", [], ["value is not a finite number"]],
  ["a.b nax 1\n", [], ["value is not a finite number"]],
  ["a.b +NaN 1\n", [], []],
];

test("graphite fast path: anything unusual goes to the full line parser, which has the rules", () => {
  for (const [line, rows, invalid] of SLOW) {
    const got = run(line, undefined);
    assert.deepEqual(got.rows, rows, JSON.stringify(line));
    assert.deepEqual(got.invalid, invalid, JSON.stringify(line));
    assert.equal(got.fallbacks, 1, `one fallback for ${JSON.stringify(line)}`);
  }
  // invalid lines are reported without their CR (and without their last byte only when it is a CR)
  assert.deepEqual(run("a.b x\r\n", undefined).lines, ["a.b x"]);
  assert.deepEqual(run("a.b x\n", undefined).lines, ["a.b x"]);
  assert.deepEqual(run("a.b x", undefined).lines, ["a.b x"]);
  // through the full parser with an interner: interned, with its slot (checked in run)
  const interner = new PathInterner(4);
  assert.deepEqual(run(" a.b 1 1\n", interner).rows, [["a.b", 1, 1000]]);
  assert.ok(interner.lastSlot >= 0, "an ASCII path through the full parser is interned too");
  assert.deepEqual(run("a.b nan\nc 2 2\n", interner).rows, [["c", 2, 2000]]);
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

test("graphite parseLine: a blank range inside blanks is blank, whatever lies before it", () => {
  const buf = Buffer.from("  \t  \r", "latin1");
  const got: string[] = [];
  const h: GraphiteRowHandler = { row: (p) => void got.push(p), invalid: (_b, _s, _e, r) => void got.push(r) };
  for (let s = 0; s <= buf.length; s++) for (let e = s; e <= buf.length; e++) parseLine(buf, s, e, NOW, h);
  assert.deepEqual(got, []);
});

test("graphite PathInterner: entries by hash then bytes, four probes, first free entry, refs kept while the path stays", () => {
  const it = new PathInterner(4); // 16 entries
  assert.equal(it.lastSlot, -1);
  const b = Buffer.from("xxab|a|ac|abc|p1|p2|p3|p4|p5", "latin1");
  const at = (text: string): [number, number] => {
    const s = b.indexOf(text === "a" ? "|a|" : text) + (text === "a" ? 1 : 0);
    return [s, s + text.length];
  };
  const H = 12345;
  const base = (H ^ (H >>> 15)) & 15;
  assert.equal(base, 9);
  const intern = (text: string, hash = H): [string, number] => {
    const [s, e] = at(text);
    const str = it.intern(b, s, e, hash);
    return [str, it.lastSlot];
  };
  assert.deepEqual(intern("ab"), ["ab", base], "from an offset inside the buffer");
  it.refs[base] = 11;
  assert.deepEqual(intern("ab"), ["ab", base]);
  assert.equal(it.refs[base], 11, "found again: its ref is kept");
  // same hash, other length or other bytes: other entries, the next free ones
  assert.deepEqual(intern("a"), ["a", (base + 1) & 15]);
  assert.deepEqual(intern("ac"), ["ac", (base + 2) & 15]);
  assert.deepEqual(intern("abc"), ["abc", (base + 3) & 15]);
  it.refs[(base + 1) & 15] = 21;
  assert.deepEqual(intern("a"), ["a", (base + 1) & 15]);
  assert.equal(it.refs[(base + 1) & 15], 21);
  assert.equal(it.refs[base], 11);
  // all four probes taken by other paths: the first is replaced, its ref reset
  assert.deepEqual(intern("p1"), ["p1", base]);
  assert.equal(it.refs[base], 0);
  assert.deepEqual(intern("ab"), ["ab", base], "ab was evicted: it comes back in the first entry");
  // a different hash lands elsewhere; the same bytes under another hash are another entry
  const other = (5 ^ (5 >>> 15)) & 15; // 5, away from base (9)
  assert.deepEqual(intern("p2", 5), ["p2", other]);
  assert.deepEqual(intern("ab", 5)[1], (other + 1) & 15);
});
