/** Label matchers (silences, notifier routes): `name=value`, `name!=value`, `name=~regex`, `name!~regex` (anchored). */
import type { LabelMatcher } from "./model.js";

const MATCHER_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

/** Parses `host=web1` etc.; throws an Error naming the text when it is not a matcher. */
export function parseMatcher(text: string): LabelMatcher {
  const m = MATCHER_RE.exec(text);
  if (m === null) throw new Error(`${JSON.stringify(text)} is not a label matcher (name=value, name!=value, name=~regex, name!~regex)`);
  let value = m[3]!;
  if (/^".*"$/.test(value)) value = value.slice(1, -1);
  const matcher: LabelMatcher = { name: m[1]!, op: m[2] as LabelMatcher["op"], value };
  checkMatcher(matcher);
  return matcher;
}

/** Throws when a regex matcher's pattern does not compile. */
export function checkMatcher(m: LabelMatcher): void {
  if (m.op === "=~" || m.op === "!~") {
    try {
      new RegExp(`^(?:${m.value})$`);
    } catch (err) {
      throw new Error(`${m.name}${m.op}${m.value}: invalid regular expression (${(err as Error).message})`);
    }
  }
}

const cache = new Map<string, RegExp>();
function regex(p: string): RegExp {
  let r = cache.get(p);
  if (r === undefined) {
    if (cache.size > 1000) cache.clear();
    cache.set(p, (r = new RegExp(`^(?:${p})$`)));
  }
  return r;
}

export function matches(labels: Readonly<Record<string, string>>, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) {
    const v = labels[m.name] ?? "";
    const ok = m.op === "=" ? v === m.value : m.op === "!=" ? v !== m.value : m.op === "=~" ? regex(m.value).test(v) : !regex(m.value).test(v);
    if (!ok) return false;
  }
  return true;
}

export function formatMatcher(m: LabelMatcher): string {
  return `${m.name}${m.op}${JSON.stringify(m.value)}`;
}
