// Influx line protocol at its boundaries (src/ingest/influx/parser.ts): every precision and its rounding,
// the timestamp range limits, every field-value form and its near misses, escapes, blanks and comments,
// every error message, line numbering, and the series-key cache.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseLineProtocol, parseOneLine, parsePrecision, SeriesKeyCache, type Precision } from "../../src/ingest/influx/index.js";

const NOW = 1_750_000_000_000;
const one = (line: string, p: Precision = "ns"): { samples: unknown[]; error?: string } => parseOneLine(line, p, NOW);

test("influx: precision names of InfluxDB 1.x and 2.x, every spelling", () => {
  const cases: Array<[string | undefined, Precision | undefined]> = [
    [undefined, "ns"], ["", "ns"], ["n", "ns"], ["ns", "ns"], ["u", "us"], ["us", "us"], ["µ", "us"], ["µs", "us"],
    ["ms", "ms"], ["s", "s"], ["m", "m"], ["h", "h"], ["x", undefined], ["NS", undefined], ["mss", undefined], ["d", undefined],
  ];
  for (const [text, want] of cases) assert.equal(parsePrecision(text), want, String(text));
});

test("influx: timestamps in every precision become ms (ns and us truncate)", () => {
  const cases: Array<[string, Precision, number]> = [
    ["1700000000123456789", "ns", 1_700_000_000_123],
    ["1700000000123999999", "ns", 1_700_000_000_123],
    ["999999", "ns", 0],
    ["1000000", "ns", 1],
    ["1700000000123456", "us", 1_700_000_000_123],
    ["999", "us", 0],
    ["1000", "us", 1],
    ["1700000000123", "ms", 1_700_000_000_123],
    ["1700000000", "s", 1_700_000_000_000],
    ["28333333", "m", 28_333_333 * 60_000],
    ["472222", "h", 472_222 * 3_600_000],
    ["-1000000", "ns", -1],
    ["-5", "s", -5000],
    ["0", "ms", 0],
    ["00000000000001", "ms", 1],
  ];
  for (const [ts, p, want] of cases) {
    const r = one(`m f=1 ${ts}`, p);
    assert.equal(r.error, undefined, `${ts} ${p}`);
    assert.deepEqual(r.samples, [{ name: "m.f", ts: want, value: 1 }], `${ts} ${p}`);
  }
});

test("influx: timestamps out of range or not digits are refused", () => {
  const cases: Array<[string, Precision, RegExp]> = [
    ["12345678901234567", "ms", /timestamp out of range/], // 17 digits
    ["9999999999999999", "ms", /timestamp out of range/], // 16 digits > 8.64e15
    ["8640000000000000", "ms", /^(?!.)/], // exactly the limit: accepted (checked below)
    ["8640000000000001", "ms", /timestamp out of range/],
    ["12345678901234567890123", "ns", /timestamp out of range/], // 23 digits, 17 after dropping 6
    ["8640000000001", "s", /timestamp out of range/],
    ["-", "ns", /bad timestamp/],
    ["1-", "ns", /bad timestamp/],
    ["+1", "ns", /bad timestamp/],
    ["1.5", "ns", /bad timestamp/],
    ["1e9", "ns", /bad timestamp/],
    ["12 13", "ns", /bad timestamp/],
    ["1/", "ns", /bad timestamp/],
    ["1:", "ns", /bad timestamp/],
  ];
  for (const [ts, p, re] of cases) {
    const r = one(`m f=1 ${ts}`, p);
    if (ts === "8640000000000000") {
      assert.equal(r.error, undefined);
      assert.deepEqual(r.samples, [{ name: "m.f", ts: 8.64e15, value: 1 }]);
      continue;
    }
    assert.deepEqual(r.samples, [], `${ts} ${p}`);
    assert.match(r.error ?? "", re, `${ts} ${p}`);
  }
  assert.equal(one("m f=1 1234567890123456789012", "ns").error, undefined, "22 ns digits is 16 ms digits");
  assert.match(one("m f=1 1234567890123456789012", "ms").error ?? "", /timestamp out of range/);
});

test("influx: field values: floats, integers, unsigned, booleans, and their near misses", () => {
  const good: Array<[string, number]> = [
    ["1", 1], ["-1.5e3", -1500], [".5", 0.5], ["1.", 1], ["+2", 2], ["1e-3", 0.001], ["0", 0],
    ["1i", 1], ["-3i", -3], ["0i", 0], ["123456789i", 123456789], ["3u", 3], ["0u", 0],
    ["t", 1], ["T", 1], ["true", 1], ["True", 1], ["TRUE", 1], ["f", 0], ["F", 0], ["false", 0], ["False", 0], ["FALSE", 0],
  ];
  for (const [v, want] of good) {
    const r = one(`m f=${v} 0`);
    assert.equal(r.error, undefined, v);
    assert.deepEqual(r.samples, [{ name: "m.f", ts: 0, value: want }], v);
  }
  const bad = ["", "i", "u", "-i", "-u", "-1u", "1.5i", "1.5u", "1ei", "+1i", "1i2", "tRUE", "tru", "truee", "fals", "FaLse", "yes", "NaN", "inf", "1e999", "-1e999", "1x", "0x10", "--1", "1ii", "1iu", "9e999i"];
  for (const v of bad) {
    const r = one(`m f=${v} 0`);
    assert.deepEqual(r.samples, [], v);
    assert.match(r.error ?? "", /bad value for field f/, v);
  }
  assert.match(one('m s="x"').error ?? "", /^string field s is not supported \(numbers and booleans only\)$/);
  assert.match(one('m a=1,b\\ c="x"').error ?? "", /^string field b c is not supported/);
  assert.equal(one(`m f=${"9".repeat(60)}x`).error, `bad value for field f: "${"9".repeat(40)}"`, "the value is quoted, at most 40 bytes");
});

test("influx: keys, tags and escapes; several fields; tags frozen and shared", () => {
  const r = parseLineProtocol(Buffer.from("cpu\\,x\\ y,host=a\\ b,dc=eu\\=1 usage=1,idle\\,x=2i,ok=t 1000000\n"), "ns", NOW);
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.samples, [
    { name: "cpu,x y.usage", tags: { host: "a b", dc: "eu=1" }, ts: 1, value: 1 },
    { name: "cpu,x y.idle,x", tags: { host: "a b", dc: "eu=1" }, ts: 1, value: 2 },
    { name: "cpu,x y.ok", tags: { host: "a b", dc: "eu=1" }, ts: 1, value: 1 },
  ]);
  assert.ok(Object.isFrozen(r.samples[0]!.tags));
  assert.equal(r.samples[0]!.tags, r.samples[1]!.tags);
  assert.deepEqual(one("m\\x,t=\\a f\\y=1 0").samples, [{ name: "m\\x.f\\y", tags: { t: "\\a" }, ts: 0, value: 1 }], "other backslashes stay");
  assert.deepEqual(one("é,t=ü f=1 0").samples, [{ name: "é.f", tags: { t: "ü" }, ts: 0, value: 1 }], "UTF-8");
  assert.deepEqual(one("m f=1").samples, [{ name: "m.f", ts: NOW, value: 1 }], "no timestamp: now");
  assert.deepEqual(one("m    f=1    0").samples, [{ name: "m.f", ts: 0, value: 1 }], "runs of spaces");
  assert.deepEqual(one("m f=1\\").samples.length, 0, "a trailing backslash in a value is not a number");
});

test("influx: every structural error names what is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["m", /^missing fields$/],
    ["m   ", /^missing fields$/],
    ["m,t=1", /^missing fields$/],
    [",t=1 f=1", /^missing measurement$/],
    [" ,t=1 f=1", /^missing measurement$/],
    ["m\u0001 f=1", /^control character in measurement$/],
    ["m\u007f f=1", /^control character in measurement$/],
    ["m,t\u0001=1 f=1", /^control character$/],
    ["m,t=v\u0002 f=1", /^control character$/],
    ["m f\u0003=1", /^control character$/],
    ["m,=v f=1", /^empty tag key$/],
    ["m,t= f=1", /^empty tag value$/],
    ["m,t f=1", /^tag without =$/],
    ["m,t=v, f=1", /^empty tag key$/],
    ["m,t=a=b f=1", /^unescaped = in tag value$/],
    ["m =1", /^empty field key$/],
    ["m f=1,=2", /^empty field key$/],
    ["m f", /^field without =$/],
    ["m f=1,g", /^field without =$/],
    ["m f=1, 0", /^empty field key$/],
  ];
  for (const [line, re] of cases) {
    const r = one(line);
    assert.deepEqual(r.samples, [], line);
    assert.match(r.error ?? "(none)", re, JSON.stringify(line));
  }
});

test("influx: blank lines, comments, CRLF and surrounding blanks; errors carry 1-based line numbers", () => {
  const body = "\n  \t\n# comment\n  # indented comment\r\na f=1 0\r\n\tb f=2 0 \t\r\nbad\n\nc f=3 0\nd f=x 0\ne f=4 0";
  const r = parseLineProtocol(Buffer.from(body), "ns", NOW);
  assert.deepEqual(r.samples.map((s) => [s.name, s.value]), [["a.f", 1], ["b.f", 2], ["c.f", 3], ["e.f", 4]]);
  assert.deepEqual(r.errors, [
    { line: 7, message: "missing fields" },
    { line: 10, message: 'bad value for field f: "x"' },
  ]);
  assert.equal(r.lines, 6, "point lines only: blanks and comments do not count");
  assert.deepEqual(parseLineProtocol(Buffer.alloc(0), "ns", NOW), { samples: [], errors: [], lines: 0 });
  const late = parseLineProtocol(Buffer.from("m a=1,b=2,c=x 0\nn a=1 0"), "ns", NOW);
  assert.deepEqual(late.samples.map((s) => s.name), ["n.a"], "a bad field drops the points of its whole line");
});

test("influx: the series-key cache gives the same results, and empties itself past its size", () => {
  const cache = new SeriesKeyCache(2);
  const lines = ["a,t=1 f=1,g=2 0", "b f=3 0", "c,t=2 f=4 0", "a,t=1 f=5,h=6 0", "b f=7 0"].join("\n");
  const cached = parseLineProtocol(Buffer.from(lines), "ns", NOW, cache);
  const again = parseLineProtocol(Buffer.from(lines), "ns", NOW, cache);
  const plain = parseLineProtocol(Buffer.from(lines), "ns", NOW);
  assert.deepEqual(cached, plain);
  assert.deepEqual(again, plain);
  assert.deepEqual(plain.samples.map((s) => s.name), ["a.f", "a.g", "b.f", "c.f", "a.f", "a.h", "b.f"]);
  const c = new SeriesKeyCache(1);
  c.set("x", { measurement: "x", tags: undefined, names: new Map() });
  assert.ok(c.get("x") !== undefined);
  c.set("y", { measurement: "y", tags: undefined, names: new Map() });
  assert.equal(c.get("x"), undefined, "cleared when full");
  assert.ok(c.get("y") !== undefined);
  // an error in the key is not cached as a good key
  const ec = new SeriesKeyCache();
  assert.equal(parseLineProtocol(Buffer.from("m,t= f=1 0\nm,t= f=1 0"), "ns", NOW, ec).errors.length, 2);
  // many field names of one key
  const many = Array.from({ length: 1200 }, (_, i) => `f${i}=${i}`).join(",");
  const r = parseLineProtocol(Buffer.from(`m ${many} 0\nm ${many} 0`), "ns", NOW, new SeriesKeyCache());
  assert.equal(r.samples.length, 2400);
  assert.equal(r.samples[1199]!.name, "m.f1199");
  assert.equal(r.samples[2399]!.name, "m.f1199");
});
