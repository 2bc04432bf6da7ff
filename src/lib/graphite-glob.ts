/**
 * Graphite globs: a pattern is split on dots (outside braces) into segments; each segment may use
 * `*` (any run within the segment), `?` (one character), `[a-z]` / `[!a-z]` (a character class) and
 * `{a,b}` (alternatives). A segment without metacharacters is matched by exact lookup.
 *
 * Matching is linear in the segment's length whatever the glob: a segment with at most one `*` and
 * no `{…}` becomes a JavaScript RegExp `^c…c[^.]*c…c$` (single-character matchers around one star),
 * whose only backtracking choice is the star's length, so a test costs O(length × pattern); any
 * other segment (`*a*a*a*b`, nested `{…}`, which a backtracking engine explores combinatorially)
 * is matched by the RE2 engine of lib/safe-regex.ts.
 */
import { compileRegex } from "./safe-regex.js";

export type SegmentMatcher = { readonly literal: string } | { readonly re: { test(segment: string): boolean } };

const META = /[*?[\]{}]/;

/** Splits a glob on the dots that are not inside `{…}` or `[…]`. */
export function splitGlob(glob: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cls = false;
  let cur = "";
  for (const ch of glob) {
    if (cls) {
      if (ch === "]") cls = false;
      cur += ch;
    } else if (ch === "[") {
      cls = true;
      cur += ch;
    } else if (ch === "{") {
      depth++;
      cur += ch;
    } else if (ch === "}") {
      if (depth > 0) depth--;
      cur += ch;
    } else if (ch === "." && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function escapeRe(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}

/** Regular expression source for one segment pattern. */
function segmentSource(seg: string): string {
  let re = "";
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i]!;
    if (ch === "*") re += "[^.]*";
    else if (ch === "?") re += "[^.]";
    else if (ch === "[") {
      // as fnmatch: a ] right after [ or [! is a member, not the end
      let first = i + 1;
      if (seg[first] === "!" || seg[first] === "^") first++;
      if (seg[first] === "]") first++;
      const end = seg.indexOf("]", first);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let body = seg.slice(i + 1, end);
      const negate = body.startsWith("!") || body.startsWith("^");
      if (negate) body = body.slice(1);
      // escaped the same way for V8 and RE2 (RE2 would read "[:" as a POSIX class)
      re += `[${negate ? "^" : ""}${body.replace(/[\\\][]/g, "\\$&")}]`;
      i = end;
    } else if (ch === "{") {
      // find the matching brace
      let depth = 1;
      let j = i + 1;
      for (; j < seg.length && depth > 0; j++) {
        if (seg[j] === "{") depth++;
        else if (seg[j] === "}") depth--;
      }
      if (depth !== 0) {
        re += "\\{";
        continue;
      }
      const body = seg.slice(i + 1, j - 1);
      re += `(?:${splitAlternatives(body).map(segmentSource).join("|")})`;
      i = j - 1;
    } else re += escapeRe(ch);
  }
  return re;
}

function splitAlternatives(body: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of body) {
    if (ch === "{") depth++;
    else if (ch === "}") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** At most one `*` and no alternatives: V8's backtracking stays linear (see the header). */
function backtracksLinearly(seg: string): boolean {
  return !seg.includes("{") && seg.indexOf("*") === seg.lastIndexOf("*");
}

export function compileSegment(seg: string): SegmentMatcher {
  if (!META.test(seg)) return { literal: seg };
  const source = segmentSource(seg);
  if (backtracksLinearly(seg)) {
    try {
      return { re: new RegExp(`^${source}$`) };
    } catch {
      // a class V8 refuses ([z-a]): RE2 below names the problem
    }
  }
  const re = compileRegex(source, `glob segment ${JSON.stringify(seg)}`);
  return { re: { test: (segment) => re.testWhole(segment) } };
}

/** Compiles a whole glob into per-segment matchers. */
export function compileGlob(glob: string): SegmentMatcher[] {
  return splitGlob(glob).map(compileSegment);
}

/** Whether a dotted name matches a glob (tests, small lists). */
export function matchGlob(glob: string, name: string): boolean {
  const segs = compileGlob(glob);
  const parts = name.split(".");
  if (parts.length !== segs.length) return false;
  return segs.every((m, i) => ("literal" in m ? m.literal === parts[i] : m.re.test(parts[i]!)));
}
