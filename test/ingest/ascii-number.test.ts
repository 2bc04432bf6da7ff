import { test } from "node:test";
import assert from "node:assert/strict";
import { parseDecimal, parseInteger } from "../../src/ingest/ascii-number.js";

const dec = (s: string): number => parseDecimal(Buffer.from(s), 0, Buffer.byteLength(s));

const valid: Array<[string, number]> = [
  ["0", 0],
  ["-0", -0],
  ["42", 42],
  ["+2", 2],
  ["-7.25", -7.25],
  ["0.1", 0.1],
  ["0.30000000000000004", 0.30000000000000004],
  [".5", 0.5],
  ["5.", 5],
  ["1e3", 1000],
  ["1E-3", 0.001],
  ["123.456e-7", 0.0000123456],
  ["12345678901234567890", 12345678901234567890],
  ["1.7976931348623157e308", 1.7976931348623157e308],
  ["5e-324", 5e-324],
  ["1e999", Infinity],
];
for (const [text, want] of valid) test(`decimal ${text}`, () => assert.ok(Object.is(dec(text), want), `${dec(text)} !== ${want}`));

for (const text of ["", ".", "-", "+", "e5", "1e", "1e+", "--1", "0x10", "nan", "inf", "1_0", "1 ", " 1", "1.2.3", "1e5.5"]) {
  test(`not a decimal: ${JSON.stringify(text)}`, () => assert.ok(Number.isNaN(dec(text))));
}

test("random doubles round-trip exactly through every notation", () => {
  let s = 12345;
  const rnd = (): number => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let k = 0; k < 20_000; k++) {
    const x = (rnd() - 0.5) * 10 ** (Math.floor(rnd() * 40) - 20);
    for (const t of [String(x), x.toFixed(Math.floor(rnd() * 10)), x.toExponential(Math.floor(rnd() * 16))]) {
      assert.ok(Object.is(dec(t), Number(t)) || (dec(t) === 0 && Number(t) === 0), t);
    }
  }
});

test("integers", () => {
  const int = (t: string): number => parseInteger(Buffer.from(t), 0, t.length);
  assert.equal(int("123"), 123);
  assert.equal(int("-45"), -45);
  assert.ok(Number.isNaN(int("1.5")));
  assert.ok(Number.isNaN(int("")));
  assert.ok(Number.isNaN(int("-")));
});
