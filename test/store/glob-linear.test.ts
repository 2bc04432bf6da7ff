/**
 * Globs and tag matchers in linear time: segments that a backtracking engine explores
 * combinatorially (many stars, nested alternatives) answer at once, and the hybrid matcher (V8 for
 * one-star segments, RE2 for the rest) agrees with a plain backtracking RegExp on random small cases.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileSegment, matchGlob } from "../../src/store/tsdb/glob.js";
import { SeriesIndex, type IndexedSeries } from "../../src/store/tsdb/series-index.js";
import { seededRandom } from "../helpers/rng.js";

const A40 = "a".repeat(40);

const slow: Array<[glob: string, name: string, matches: boolean]> = [
  [`x.${"*a".repeat(12)}*b`, `x.${A40}`, false],
  [`x.${"{a,a}".repeat(30)}b`, `x.${"a".repeat(30)}`, false],
  [`x.${"{a*,*a}".repeat(15)}c`, `x.${A40}`, false],
  [`x.{${"{a,".repeat(20)}b${"}".repeat(20)},*}`, `x.${A40}`, true],
  [`x.${"*a".repeat(12)}*`, `x.${A40}`, true],
];
for (const [glob, name, matches] of slow)
  test(`glob ${glob.slice(0, 40)}… over a 40-character segment answers at once (${matches})`, () => {
    const t0 = performance.now();
    assert.equal(matchGlob(glob, name), matches);
    // generous: a backtracking engine needs minutes to years here
    assert.ok(performance.now() - t0 < 1_000, `${performance.now() - t0} ms`);
  });

test("a glob with a class V8 refuses ([z-a]) is a clear bad_regex, not a crash", () => {
  assert.throws(() => compileSegment("web[z-a]"), (err: Error & { code?: string }) => err.code === "bad_regex" && /glob segment "web\[z-a\]"/.test(err.message));
});

/** The plain backtracking reference: the segment → regex translation graphite-web's fnmatch does. */
function reference(seg: string): RegExp {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === "*") re += "[^.]*";
    else if (c === "?") re += "[^.]";
    else if (c === "{") {
      const end = seg.indexOf("}", i);
      re += `(?:${seg.slice(i + 1, end).split(",").map((alt) => reference(alt).source.slice(1, -1)).join("|")})`;
      i = end;
    } else re += c;
  }
  return new RegExp(`^${re}$`);
}

test("random globs over {a,b,*,?,{…}}: the hybrid matcher agrees with a backtracking RegExp", () => {
  const rnd = seededRandom(10);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const atom = (): string => pick(["a", "b", "*", "?", "a", "b"]);
  for (let n = 0; n < 2000; n++) {
    let seg = "";
    const len = 1 + Math.floor(rnd() * 6);
    for (let i = 0; i < len; i++) seg += rnd() < 0.15 ? `{${atom()}${atom()},${atom()}}` : atom();
    const text = Array.from({ length: Math.floor(rnd() * 8) }, () => pick(["a", "b"])).join("");
    const m = compileSegment(seg);
    const got = "literal" in m ? m.literal === text : m.re.test(text);
    assert.equal(got, reference(seg).test(text), `segment ${seg} on ${JSON.stringify(text)}`);
  }
});

test("tag matchers: =~ and !=~ anchor both ends in linear time", () => {
  const index = new SeriesIndex<IndexedSeries>();
  index.add({ id: 1, key: "m;host=web1", name: "m", tags: { host: "web1" } });
  index.add({ id: 2, key: `m;host=${A40}!`, name: "m", tags: { host: `${A40}!` } });
  const ids = (op: "=~" | "!=~", value: string): number[] => index.match([{ key: "host", op, value }]).map((s) => s.id);
  assert.deepEqual(ids("=~", "web\\d|db"), [1]);
  assert.deepEqual(ids("=~", "web"), [], "anchored at the end");
  assert.deepEqual(ids("!=~", "web.*"), [2]);
  const t0 = performance.now();
  assert.deepEqual(ids("=~", "(a+)+"), []);
  assert.deepEqual(ids("!=~", "(a|a)*"), [2, 1], "sorted by key");
  assert.ok(performance.now() - t0 < 1_000);
  assert.throws(() => index.match([{ key: "host", op: "=~", value: "(a)\\1" }]), /tag matcher host=~: invalid regular expression "\(a\)\\\\1": backreferences/);
});

test("both engines read classes alike (fnmatch: a ] right after [ or [! is a member; [:…] is literal)", () => {
  const segments = ["[]]*", "*[!]]", "[[]*", "[[:a:]]*", "[a-c\\]*", "web[0-9]*", "*[^a]", "[!a-c]?*", "a/b*", "x(y)*"];
  const texts = ["]", "]]", "a]", "[", "[x", ":", "a", "]x", "b", "\\", "web1", "webx", "ba", "aa", "d1", "a/bc", "x(y)z", "xyz"];
  for (const seg of segments) {
    const v8 = compileSegment(seg);
    const re2 = compileSegment(`${seg}{,}`); // an empty alternative: same language, forced onto RE2
    assert.ok("re" in v8 && "re" in re2);
    for (const t of texts) assert.equal(v8.re.test(t), re2.re.test(t), `${seg} on ${JSON.stringify(t)}`);
  }
  assert.equal(matchGlob("a.[]]x", "a.]x"), true);
  assert.equal(matchGlob("a.[!]]x", "a.]x"), false);
  assert.equal(matchGlob("a.[!]]x", "a.bx"), true);
});
