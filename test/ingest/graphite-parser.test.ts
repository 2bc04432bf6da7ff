import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseGraphite, GraphiteStream, type GraphiteRowHandler } from "../../src/ingest/graphite/index.js";
import { FakeClock } from "../../src/lib/clock.js";
import { PROJECT_ROOT } from "../../src/lib/package-info.js";
import { assertGolden } from "./golden.js";

const NOW = 1_750_000_000_000;
const DIR = join(PROJECT_ROOT, "test", "fixtures", "ingest", "graphite");

interface Out {
  rows: Array<{ path: string; value: number; ts: number }>;
  invalid: Array<{ line: string; reason: string }>;
}

function recorder(): { h: GraphiteRowHandler; out: Out } {
  const out: Out = { rows: [], invalid: [] };
  return {
    out,
    h: {
      row: (path, value, ts) => out.rows.push({ path, value, ts }),
      invalid: (buf, s, e, reason) => out.invalid.push({ line: Buffer.from(buf.subarray(s, e)).toString("utf8"), reason }),
    },
  };
}

function parseAll(input: Buffer): Out {
  const { h, out } = recorder();
  const used = parseGraphite(input, 0, input.length, NOW, h, true);
  assert.equal(used, input.length);
  return out;
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith(".txt")).sort()) {
  test(`golden: ${file}`, () => {
    const input = readFileSync(join(DIR, file));
    const whole = parseAll(input);
    assertGolden(join(DIR, file.replace(/\.txt$/, ".golden.json")), whole);
    // The same bytes split at every position over two packets give the same rows.
    for (let cut = 0; cut <= input.length; cut++) {
      const { h, out } = recorder();
      const s = new GraphiteStream(h, new FakeClock(NOW));
      s.push(input.subarray(0, cut));
      s.push(input.subarray(cut));
      s.end();
      assert.deepEqual(out, whole, `split at byte ${cut}`);
    }
    // and one byte per packet
    const { h, out } = recorder();
    const s = new GraphiteStream(h, new FakeClock(NOW));
    for (let i = 0; i < input.length; i++) s.push(input.subarray(i, i + 1));
    s.end();
    assert.deepEqual(out, whole, "byte by byte");
  });
}

const valid: Array<[string, string, { path: string; value: number; ts: number }]> = [
  ["seconds", "a.b 1 1700000000\n", { path: "a.b", value: 1, ts: 1_700_000_000_000 }],
  ["milliseconds", "a.b 1 1700000000123\n", { path: "a.b", value: 1, ts: 1_700_000_000_123 }],
  ["-1 is now", "a.b 1 -1\n", { path: "a.b", value: 1, ts: NOW }],
  ["missing is now", "a.b 2.5\n", { path: "a.b", value: 2.5, ts: NOW }],
  ["CRLF", "a.b 3 1700000000\r\n", { path: "a.b", value: 3, ts: 1_700_000_000_000 }],
  ["tabs and extra spaces", "  a.b\t 4   1700000000  \n", { path: "a.b", value: 4, ts: 1_700_000_000_000 }],
  ["negative exponent", "a.b -1.5e-3 1700000000\n", { path: "a.b", value: -0.0015, ts: 1_700_000_000_000 }],
  ["fractional seconds", "a.b 1 1700000000.25\n", { path: "a.b", value: 1, ts: 1_700_000_000_250 }],
];
for (const [name, line, want] of valid) {
  test(`valid: ${name}`, () => {
    const out = parseAll(Buffer.from(line));
    assert.deepEqual(out, { rows: [want], invalid: [] });
  });
}

const invalid: Array<[string, string, string]> = [
  ["no value", "a.b\n", "missing value"],
  ["word value", "a.b x 1\n", "value is not a finite number"],
  ["infinite", "a.b 1e400 1\n", "value is not a finite number"],
  ["hex", "a.b 0x10 1\n", "value is not a finite number"],
  ["four fields", "a.b 1 2 3\n", "too many fields"],
  ["bad timestamp", "a.b 1 abc\n", "bad timestamp"],
  ["negative timestamp", "a.b 1 -2\n", "bad timestamp"],
  ["control byte", "a\u0000b 1 1\n", "control character in path"],
];
for (const [name, line, reason] of invalid) {
  test(`invalid: ${name}`, () => {
    const out = parseAll(Buffer.from(line));
    assert.equal(out.rows.length, 0);
    assert.equal(out.invalid.length, 1);
    assert.equal(out.invalid[0]!.reason, reason);
  });
}

test("a nan value (collectd's unknown rate) is skipped without counting as malformed", () => {
  assert.deepEqual(parseAll(Buffer.from("a.b nan 1700000000\na.c -NaN\n")), { rows: [], invalid: [] });
});

test("an unterminated last line waits for the next packet unless final", () => {
  const { h, out } = recorder();
  const buf = Buffer.from("a 1 1700000000\nb 2");
  assert.equal(parseGraphite(buf, 0, buf.length, NOW, h), 15);
  assert.equal(out.rows.length, 1);
});

test("an over-long line is reported once and skipped to its newline", () => {
  const { h, out } = recorder();
  const s = new GraphiteStream(h, new FakeClock(NOW), 100);
  s.push(Buffer.from("x".repeat(80)));
  s.push(Buffer.from("y".repeat(80)));
  s.push(Buffer.from("z".repeat(80)));
  s.push(Buffer.from(" 1 1700000000\nok 1 1700000000\n"));
  s.end();
  assert.equal(out.invalid.length, 1);
  assert.deepEqual(out.rows, [{ path: "ok", value: 1, ts: 1_700_000_000_000 }]);
});
