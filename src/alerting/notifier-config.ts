/**
 * `[notifier.<name>]` sections: validated with the config module's validateSection (file, line,
 * key, did-you-mean), plus what a type needs (a URL, recipients) and the route matchers.
 */
import { ConfigError } from "../lib/errors.js";
import { ConfigErrors, effectiveSection, validateSection, type Config, type SectionValues } from "../config/index.js";
import { notifierSection } from "../config/index.js";
import type { LabelMatcher } from "./model.js";
import { parseMatcher } from "./matchers.js";

export const NOTIFIER_PREFIX = "notifier.";

export type NotifierOptions = SectionValues<typeof notifierSection>;

export interface NotifierConfig extends NotifierOptions {
  readonly name: string;
  readonly matchers: readonly LabelMatcher[];
}

/** The `<name>` of config.example.ini's placeholder section is not a notifier. */
const isPlaceholder = (name: string): boolean => name.includes("<");

/** Every configured notifier; throws ConfigError(s) naming the section and key of each problem. */
export function readNotifiers(config: Config): NotifierConfig[] {
  const out: NotifierConfig[] = [];
  const problems: ConfigError[] = [];
  for (const [section, raw] of config.meta.dynamic) {
    if (!section.startsWith(NOTIFIER_PREFIX)) continue;
    const name = section.slice(NOTIFIER_PREFIX.length);
    if (isPlaceholder(name)) continue;
    const loc = (key: string) => raw.values.get(key)?.location ?? { ...raw.location, key };
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      problems.push(new ConfigError("notifier names are letters, digits, _ and -", raw.location));
      continue;
    }
    let o: NotifierOptions;
    try {
      o = validateSection(config, section, notifierSection);
    } catch (err) {
      if (err instanceof ConfigErrors) problems.push(...err.problems);
      else if (err instanceof ConfigError) problems.push(err);
      else throw err;
      continue;
    }
    if (o.type !== "email" && o.url === "") problems.push(new ConfigError(`a ${o.type} notifier needs url`, loc("url")));
    if (o.url !== "" && !/^https?:\/\/[^\s]+$/.test(o.url)) problems.push(new ConfigError(`invalid value ${JSON.stringify(o.url)}: expected an http(s) URL`, loc("url")));
    if (o.type === "email" && o.to.length === 0) problems.push(new ConfigError("an email notifier needs to (recipients)", loc("to")));
    const matchers: LabelMatcher[] = [];
    for (const m of o.match) {
      try {
        matchers.push(parseMatcher(m));
      } catch (err) {
        problems.push(new ConfigError((err as Error).message, loc("match")));
      }
    }
    out.push({ ...o, name, matchers });
  }
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Effective `[notifier.<name>]` sections as INI, secrets masked (check-config). */
export function formatNotifiers(config: Config, notifiers: readonly NotifierConfig[]): string {
  let text = "";
  for (const n of notifiers) {
    const section = `${NOTIFIER_PREFIX}${n.name}`;
    text += `\n[${section}]\n`;
    for (const [key, value] of effectiveSection(config, section, notifierSection)) {
      const secret = notifierSection[key as keyof typeof notifierSection]?.secret === true && value !== "";
      text += `${key} = ${secret ? "***" : key === "url" ? maskUrlPath(value) : value}\n`;
    }
  }
  return text;
}

/** `https://hooks.slack.com/***`: webhook paths and queries often hold a token. */
export function maskUrlPath(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname === "/" && u.search === "" ? url : `${u.protocol}//${u.host}/***`;
  } catch {
    return url === "" ? "" : "***";
  }
}
