/**
 * The linear-time regex wrapper: Python `re` spelling (named groups, \Z, replacement templates),
 * syntax RE2 cannot take refused with a message naming where and what, and the patterns that
 * freeze a backtracking engine answered in microseconds.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkRegex, compileRegex, configureRegexLimits, DEFAULT_MAX_REGEX_SIZE, quoteRegex, RegexSyntaxError } from "../../src/lib/safe-regex.js";

const searches: Array<[pattern: string, text: string, found: boolean]> = [
  ["web", "servers.web1.cpu", true],
  ["^web", "servers.web1.cpu", false],
  ["cpu$", "servers.web1.cpu", true],
  ["cpu\\Z", "servers.web1.cpu", true],
  ["\\Acpu", "servers.web1.cpu", false],
  ["(?i)WEB", "servers.web1.cpu", true],
  ["(?P<host>web\\d+)\\.cpu", "servers.web1.cpu", true],
  ["(?<host>web\\d+)\\.cpu", "servers.web1.cpu", true],
  ["[]a]", "x]y", true],
  ["[^]a]", "]]]", false],
  ["a\\Zb|b", "b", true],
  ["^ab{,2}c$", "abbc", true],
  ["^ab{,2}c$", "abbbc", false],
  ["^ab{,2}c$", "ac", true],
  ["^a[{,2}]$", "a,", true],
  ["(a+)+$", "a".repeat(39) + "!", false],
  ["(a+)+$", "a".repeat(40), true],
];
for (const [pattern, text, found] of searches)
  test(`search ${pattern} in ${JSON.stringify(text)} → ${found}`, () => assert.equal(compileRegex(pattern, "t").test(text), found));

test("testWhole anchors both ends of an alternation, testStart only the start", () => {
  const re = compileRegex("web|db", "t");
  assert.equal(re.testWhole("web"), true);
  assert.equal(re.testWhole("webx"), false);
  assert.equal(re.testWhole("xdb"), false);
  assert.equal(re.testStart("webx"), true);
  assert.equal(re.testStart("xweb"), false);
});

const subs: Array<[pattern: string, template: string, text: string, out: string]> = [
  ["(^.*$)", "\\1 A", "servers.web1.cpu", "servers.web1.cpu A"],
  ["servers\\.(?P<host>[^.]+)\\..*", "\\g<host>", "servers.web1.cpu.user", "web1"],
  ["servers\\.([^.]+)\\.(.*)", "\\2@\\g<1>", "servers.web1.cpu.user", "cpu.user@web1"],
  ["\\.", "_", "a.b.c", "a_b_c"],
  ["x", "y", "a.b.c", "a.b.c"],
  ["a*", "-", "baac", "-b--c-"],
  ["(a)|(b)", "[\\2]", "ab", "[][b]"],
  ["b", "\\\\n\\n\\t", "abc", "a\\n\n\tc"],
  ["(b)", "\\g<0>\\g<0>", "abc", "abbc"],
  ["(b)", "\\q", "abc", "a\\qc"],
];
for (const [pattern, template, text, out] of subs)
  test(`re.sub(${JSON.stringify(pattern)}, ${JSON.stringify(template)}, ${JSON.stringify(text)}) = ${JSON.stringify(out)}`, () =>
    assert.equal(compileRegex(pattern, "t").replace(text, template), out));

const refused: Array<[pattern: string, message: RegExp]> = [
  ["(a)\\1", /backreferences \(\\1\) need backtracking/],
  ["(?P<x>a)(?P=x)", /backreferences \(\(\?P=name\)\)/],
  ["a(?=b)", /lookahead/],
  ["a(?!b)", /lookahead/],
  ["(?<=a)b", /lookbehind/],
  ["(?<!a)b", /lookbehind/],
  ["(?>a+)b", /atomic groups/],
  ["a++", /possessive quantifiers/],
  ["(a)?(?(1)b|c)", /conditionals/],
  ["[", /missing closing \]/],
  ["a{2000}", /invalid repeat count/],
  ["(?P<x>a", /missing closing \)/],
];
for (const [pattern, message] of refused)
  test(`${pattern} is refused with a clear bad_regex`, () => {
    assert.throws(
      () => compileRegex(pattern, "grep: pattern"),
      (err: unknown) => {
        assert.ok(err instanceof RegexSyntaxError);
        assert.equal(err.code, "bad_regex");
        assert.equal(err.status, 400);
        assert.equal(err.pattern, pattern);
        assert.ok(err.message.startsWith(`grep: pattern: invalid regular expression ${JSON.stringify(pattern)}: `), err.message);
        assert.match(err.message, message);
        return true;
      },
    );
  });

test("a backslash-escaped \\1 or (?= is a literal, not refused", () => {
  assert.equal(compileRegex("a\\\\1", "t").test("a\\1"), true);
  assert.equal(compileRegex("\\(?=", "t").test("(="), true);
  assert.equal(compileRegex("[(?=]", "t").test("="), true);
});

test("a replacement naming a group the pattern lacks is refused, naming where", () => {
  assert.throws(() => compileRegex("(a)", "aliasSub: search").replace("a", "\\2"), /aliasSub: search: .*invalid group reference 2 in the replacement \(the pattern has 1 group\)/);
  assert.throws(() => compileRegex("(?P<x>a)", "aliasSub: search").replace("a", "\\g<y>"), /unknown group name "y"/);
  assert.throws(() => compileRegex("(a)", "t").replace("zzz", "\\2"), RegexSyntaxError, "refused even when nothing matches");
});

test("checkRegex validates without keeping; quoteRegex makes a literal", () => {
  assert.doesNotThrow(() => checkRegex("a|b", "t"));
  assert.throws(() => checkRegex("(?=x)", "[collector.cpu] metrics_whitelist"), /^RegexSyntaxError: \[collector\.cpu\] metrics_whitelist: /);
  const lit = "a.b*c(d)[e]{2}|^$\\";
  assert.equal(compileRegex(quoteRegex(lit), "t").testWhole(lit), true);
  assert.equal(new RegExp(`^${quoteRegex(lit)}$`).test(lit), true);
});

test("catastrophic patterns on long inputs answer at once (linear time)", () => {
  const cases: Array<[string, string]> = [
    ["(a+)+$", "a".repeat(10_000) + "!"],
    ["(a|a)*b", "a".repeat(10_000)],
    ["(a*)*(b*)*c", "ab".repeat(5_000)],
    ["(.*a){20}", "a".repeat(19) + "b".repeat(5_000)],
    ["^(\\w+\\s?)*$", "word ".repeat(2_000) + "!"],
  ];
  for (const [pattern, text] of cases) {
    const re = compileRegex(pattern, "t");
    const t0 = performance.now();
    re.test(text);
    re.testWhole(text);
    re.replace(text, "x");
    // generous: a backtracking engine takes longer than the universe has left on these
    assert.ok(performance.now() - t0 < 2_000, `${pattern} took ${performance.now() - t0} ms`);
  }
});

test("[query] max_regex_size: a pattern compiling to more instructions is refused as regex_too_large, naming the key", () => {
  assert.doesNotThrow(() => compileRegex(Array.from({ length: 500 }, (_, i) => `web${i}`).join("|"), "t"), "500 host names fit the default");
  assert.throws(
    () => compileRegex("(a|b)".repeat(1000), "grep: pattern"),
    (err: unknown) =>
      err instanceof RegexSyntaxError &&
      err.code === "regex_too_large" &&
      err.status === 400 &&
      /^grep: pattern: invalid regular expression "\(a\|b\)\(a\|b\).*…": it compiles to \d+ instructions, more than \[query\] max_regex_size = 2000$/.test(err.message),
  );
  configureRegexLimits({ maxSize: 20 });
  try {
    assert.doesNotThrow(() => compileRegex("web.*", "t"));
    assert.throws(() => compileRegex("[a-z]{30}", "t"), /more than \[query\] max_regex_size = 20/);
    assert.throws(() => compileRegex("web|db|cache|queue|mail|proxy|lb", "t"), /max_regex_size = 20/);
  } finally {
    configureRegexLimits({ maxSize: DEFAULT_MAX_REGEX_SIZE });
  }
  assert.doesNotThrow(() => compileRegex("web|db|cache|queue|mail|proxy|lb", "t"), "a cached pattern is checked against the bound in force");
});
