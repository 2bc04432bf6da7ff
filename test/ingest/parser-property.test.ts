// Property tests of the ingest parsers (issue 10: close the classes, not the cases):
// - parseDecimal / parseInteger over the whole grammar (signs, leading zeros, 1..30 digits around the
//   15-significant-digit fast path, exponents around ±22 and far beyond), always equal to Number() on
//   valid text and NaN on anything else, at any offset inside a larger buffer;
// - the Graphite plaintext parser against a small reference model written from its documented rules
//   (fields, blanks, CRLF, nan, -1, seconds vs milliseconds at 1e11, the 1e16 bound, control bytes,
//   UTF-8 paths), on random lines mixing valid and broken ones; the fast path and the full line parser
//   must agree with the model and with each other.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseDecimal, parseInteger } from "../../src/ingest/ascii-number.js";
import { parseGraphite, parseLine, PathInterner, type GraphiteRowHandler } from "../../src/ingest/graphite/parser.js";

const SEED = 20261203;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parses `text` placed inside junk, so the start/end bounds are exercised too. */
function dec(text: string): number {
  const buf = Buffer.from(`9.${text}7e`, "latin1");
  return parseDecimal(buf, 2, 2 + Buffer.byteLength(text, "latin1"));
}
function int(text: string): number {
  const buf = Buffer.from(`12${text}34`, "latin1");
  return parseInteger(buf, 2, 2 + text.length);
}

const digits = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom("0", "1", "2", "5", "9", "3", "7"), minLength: min, maxLength: max });
const numberText = fc
  .tuple(
    fc.constantFrom("", "-", "+"),
    fc.constantFrom("", "0", "00", "000000000000000000"),
    digits(0, 30),
    fc.option(digits(0, 30), { nil: undefined }),
    fc.option(fc.tuple(fc.constantFrom("e", "E"), fc.constantFrom("", "-", "+"), fc.oneof(digits(0, 3), fc.integer({ min: 0, max: 400 }).map(String), fc.constantFrom("22", "23", "21", "308", "309", "324", "325", "100000", "0000022"))), { nil: undefined }),
  )
  .map(([sign, zeros, a, frac, exp]) => `${sign}${zeros}${a}${frac === undefined ? "" : `.${frac}`}${exp === undefined ? "" : exp.join("")}`);

test("parseDecimal equals Number() on every text of the grammar and is NaN elsewhere (property)", () => {
  fc.assert(
    fc.property(numberText, (t) => {
      const got = dec(t);
      if (DECIMAL.test(t)) assert.ok(Object.is(got, Number(t)), `${t}: ${got} !== ${Number(t)}`);
      else assert.ok(Number.isNaN(got), `${t} is not a decimal: ${got}`);
    }),
    { seed: SEED, numRuns: 3000 },
  );
});

test("parseDecimal: 15 and 16 significant digits, exponents at ±22 and the fast-path edges", () => {
  const cases = [
    "123456789012345", "1234567890123456", "999999999999999", "9999999999999999", "0.000000000000000000001",
    "1e22", "1e23", "1e-22", "1e-23", "123456789012345e22", "123456789012345e-22", "123456789012345e23", "12345678901234.5e-22",
    "1234567890123450", "12345678901234500000", "1234567890123451", "0.1234567890123456", "1.000000000000001", "1.0000000000000001",
    "100000000000000000000000", "-0.0", "+0", "0e5", "0.000e-400", "9007199254740993", "4.9e-324", "2.4e-324", "1.8e308",
    "7e22", "7e-22", "0000000000000000001e-1", "1000000000000000e-1", "10000000000000000e-2", "1e+0", "1E+22", "1e0000022",
    "100000000000000", "100000000000000.5", "1000000000000000.5", "0.9999999999999999", "123456789012345678e-3",
  ];
  for (const t of cases) assert.ok(Object.is(dec(t), Number(t)), `${t}: ${dec(t)} !== ${Number(t)}`);
  // ":" and "/" sit right after and before the digits in ASCII: an exponent check off by one lets them in
  for (const t of ["1e", "e1", ".", "+.", "-.e1", "1..2", "1e1.5", "1e+-1", "--1", "+-1", "1-", "1+", "1e5x", "x", "١", " 1", "1 ", "1e1:", "1e0/", "1e:", "1e/", "1:", "1/", ":1", "1.:", "1./"]) assert.ok(Number.isNaN(dec(t)), t);
  assert.ok(Number.isNaN(parseDecimal(Buffer.from("5"), 1, 1)), "empty range");
  assert.equal(parseDecimal(Buffer.from("12345"), 1, 3), 23, "a sub-range");
});

test("parseInteger: digits with one optional sign, exactly like Number() for up to 15 digits (property)", () => {
  fc.assert(
    fc.property(fc.constantFrom("", "-", "+"), digits(0, 15), fc.constantFrom("", ".", "e1", "x", " ", "-"), (sign, d, tail) => {
      const t = `${sign}${d}${tail}`;
      const got = int(t);
      if (d.length > 0 && tail === "") assert.ok(Object.is(got, Number(t)) || (got === 0 && Number(t) === 0), `${t}: ${got}`);
      else assert.ok(Number.isNaN(got), `${t}: ${got}`);
    }),
    { seed: SEED, numRuns: 2000 },
  );
  assert.ok(Object.is(int("-0"), -0));
  assert.ok(Number.isNaN(parseInteger(Buffer.from("7"), 0, 0)));
});

// ---------- Graphite plaintext: reference model ----------

interface Out {
  rows: Array<[string, number, number]>;
  invalid: Array<[string, string]>;
}

const NOW = 1_750_000_000_000;

/** The documented rules, written plainly (strings and a regex; no speed tricks). */
function model(text: string): Out {
  const out: Out = { rows: [], invalid: [] };
  const lines = text.split("\n");
  for (const raw of lines) {
    const line = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    const body = raw.replace(/^[ \t\r]+/, "").replace(/[ \t\r]+$/, "");
    if (body === "") continue;
    const bad = (reason: string): void => void out.invalid.push([line, reason]);
    const pathEnd = body.search(/[ \t]/);
    const path = pathEnd < 0 ? body : body.slice(0, pathEnd);
    if (/[\u0000-\u001f\u007f]/.test(path)) {
      bad("control character in path");
      continue;
    }
    const rest = pathEnd < 0 ? "" : body.slice(pathEnd).replace(/^[ \t]+/, "");
    if (rest === "") {
      bad("missing value");
      continue;
    }
    const fields = rest.split(/[ \t]+/);
    const vText = fields[0]!;
    const value = DECIMAL.test(vText) ? Number(vText) : NaN;
    const isNan = /^[+-]?nan$/i.test(vText);
    if (!Number.isFinite(value) && !isNan) {
      bad("value is not a finite number");
      continue;
    }
    let ts = NOW;
    if (fields.length > 2) {
      bad("too many fields");
      continue;
    }
    if (fields.length === 2) {
      const tText = fields[1]!;
      const t = DECIMAL.test(tText) ? Number(tText) : NaN;
      if (t === -1) ts = NOW;
      else if (!(t >= 0) || t > 1e16) {
        bad("bad timestamp");
        continue;
      } else ts = t >= 1e11 ? Math.trunc(t) : Math.round(t * 1000);
    }
    if (isNan) continue;
    out.rows.push([Buffer.from(path, "latin1").toString("utf8"), value, ts]);
  }
  return out;
}

function recorder(interner?: PathInterner): { h: GraphiteRowHandler; out: Out } {
  const out: Out = { rows: [], invalid: [] };
  const h: GraphiteRowHandler = {
    row: (path, value, ts) => void out.rows.push([path, value, ts]),
    invalid: (buf, s, e, reason) => void out.invalid.push([buf.toString("latin1", s, e), reason]),
    ...(interner === undefined ? {} : { paths: interner }),
  };
  return { h, out };
}

const PATHS = ["a.b", "servers.web1.cpu.total.user", "x", "é.ü", "a\u0001b", "a\u007fb", "tag;k=v", "a.b\u00ff", "n"];
const VALUES = ["1", "0", "-1.5e-3", "42.25", "nan", "NaN", "-nan", "+NAN", "nanx", "1e400", "-1e400", "0x10", "abc", "123456789012345", "1234567890123456", "12345678901234567", ".5", "5.", "1e", "+7", "-0", "00012", "1e22", "9".repeat(20)];
const TIMES = ["1700000000", "-1", "-2", "1700000000.25", "1700000000.0005", "99999999999", "99999999999.5", "100000000000", "1e11", "1e16", "10000000000000001", "1e17", "0", "abc", "1700000000123", "-0", "123456789012345", "1234567890123456", "1.5", "2e3"];
const SEPS = [" ", "\t", "  ", " \t "];

const graphiteLine = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom("", " ", "\t"), fc.constantFrom(...PATHS), fc.constantFrom(...SEPS), fc.constantFrom(...VALUES), fc.option(fc.tuple(fc.constantFrom(...SEPS), fc.constantFrom(...TIMES)), { nil: undefined }), fc.option(fc.tuple(fc.constantFrom(...SEPS), fc.constantFrom("x", "1")), { freq: 8, nil: undefined }), fc.constantFrom("", " ", "\t", "\r")).map(([lead, p, s, v, t, extra, trail]) => `${lead}${p}${s}${v}${t === undefined ? "" : t.join("")}${extra === undefined ? "" : extra.join("")}${trail}`) },
  { weight: 1, arbitrary: fc.constantFrom("", " ", "\r", "a.b", "a.b ", " \t ", "a.b\t\t", "\u0000", "a.b 1 1 1") },
);

test("graphite: random lines parse exactly as the reference model says, with and without the path interner (property)", () => {
  fc.assert(
    fc.property(fc.array(graphiteLine, { maxLength: 12 }), fc.boolean(), (lines, lastNewline) => {
      const text = lines.join("\n") + (lastNewline && lines.length > 0 ? "\n" : "");
      const buf = Buffer.from(text, "latin1");
      const want = model(text);
      for (const interner of [undefined, new PathInterner(4)]) {
        const { h, out } = recorder(interner);
        assert.equal(parseGraphite(buf, 0, buf.length, NOW, h, true), buf.length);
        assert.deepEqual(out, want, JSON.stringify(text));
      }
      // every line through the full parser alone gives the same
      const { h, out } = recorder();
      let ls = 0;
      while (ls <= buf.length) {
        let le = buf.indexOf(0x0a, ls);
        if (le < 0) le = buf.length;
        if (le > ls) parseLine(buf, ls, le, NOW, h);
        ls = le + 1;
      }
      assert.deepEqual(out, want, `parseLine: ${JSON.stringify(text)}`);
    }),
    { seed: SEED, numRuns: 1500 },
  );
});

test("graphite: without `final`, an unterminated last line is left for the next packet at every cut", () => {
  const text = "a.b 1 1700000000\r\nc\t2\n  d 3 -1\ne 4 1700000000123\n";
  const buf = Buffer.from(text, "latin1");
  const full = model(text);
  for (let cut = 0; cut <= buf.length; cut++) {
    const { h, out } = recorder(new PathInterner(3));
    const used = parseGraphite(buf, 0, cut, NOW, h);
    const lastNl = buf.lastIndexOf(0x0a, cut - 1);
    assert.equal(used, cut === 0 ? 0 : lastNl + 1 === 0 ? 0 : lastNl + 1, `cut ${cut}`);
    const rest = parseGraphite(buf, used, buf.length, NOW, h, true);
    assert.equal(rest, buf.length);
    assert.deepEqual(out, full, `cut ${cut}`);
  }
});

test("graphite: the path interner hands back the same string for the same bytes, and a new one when they differ", () => {
  const interner = new PathInterner(2);
  const seen: string[] = [];
  const h: GraphiteRowHandler = { row: (p) => void seen.push(p), invalid: () => assert.fail("no invalid lines"), paths: interner };
  const names = ["a", "b", "c", "d", "e", "ab", "ba", "a"];
  const text = names.map((n) => `${n} 1 1700000000\n`).join("");
  parseGraphite(Buffer.from(text), 0, text.length, NOW, h);
  parseGraphite(Buffer.from(text), 0, text.length, NOW, h);
  assert.deepEqual(seen, [...names, ...names]);
  const slot = interner.lastSlot;
  assert.ok(slot >= 0 && slot < 4);
  interner.refs[slot] = 7;
  parseGraphite(Buffer.from("a 1 1\n"), 0, 6, NOW, h);
  assert.equal(interner.lastSlot, slot, "same path, same slot");
  assert.equal(interner.refs[slot], 7, "its owner's integer is kept");
});
