/**
 * `[forward.<name>]` sections: validated with the config module's validateSection (file, line, key,
 * did-you-mean), plus what a type needs (an address, a URL, valid globs and headers).
 */
import { existsSync } from "node:fs";
import { ConfigError, type SourceLocation } from "../lib/errors.js";
import { compileGlob } from "../lib/graphite-glob.js";
import { ConfigErrors, forwardSection, validateSection, type Config, type SectionValues } from "../config/index.js";

export const FORWARD_PREFIX = "forward.";

export type ForwardOptions = SectionValues<typeof forwardSection>;

export interface ForwarderConfig extends ForwardOptions {
  readonly name: string;
  /** `headers` as name → value, plus Authorization built from username/password or bearer_token (remote_write). */
  readonly httpHeaders: Readonly<Record<string, string>>;
}

/** The `<name>` of config.example.ini's placeholder section is not a forwarder. */
const isPlaceholder = (name: string): boolean => name.includes("<");

/** Every `[forward.<name>]` (enabled or not); throws ConfigError(s) naming the section and key of each problem. */
export function readForwarders(config: Config): ForwarderConfig[] {
  const out: ForwarderConfig[] = [];
  const problems: ConfigError[] = [];
  for (const [section, raw] of config.meta.dynamic) {
    if (!section.startsWith(FORWARD_PREFIX)) continue;
    const name = section.slice(FORWARD_PREFIX.length);
    if (isPlaceholder(name)) continue;
    if (!/^[A-Za-z0-9_-]+$/.test(name)) {
      problems.push(new ConfigError("forwarder names are letters, digits, _ and - (they name a folder and a metric label)", raw.location));
      continue;
    }
    let o: ForwardOptions;
    try {
      o = validateSection(config, section, forwardSection);
    } catch (err) {
      if (err instanceof ConfigErrors) problems.push(...err.problems);
      else if (err instanceof ConfigError) problems.push(err);
      else throw err;
      continue;
    }
    const loc = (key: string): SourceLocation => raw.values.get(key)?.location ?? { ...raw.location, key };
    const before = problems.length;
    checkForwarder(o, loc, problems);
    const httpHeaders = parseHeaders(o, loc, problems);
    if (problems.length === before) out.push({ ...o, name, httpHeaders });
  }
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)); // not localeCompare: ICU's collator costs an agent 5 MiB
}

function checkForwarder(o: ForwardOptions, loc: (key: string) => SourceLocation, problems: ConfigError[]): void {
  if (o.type === "graphite" && o.addr === null) problems.push(new ConfigError("a graphite forwarder needs addr (host:port of the plaintext receiver)", loc("addr")));
  if (o.type !== "graphite") {
    if (o.url === "") problems.push(new ConfigError(`a ${o.type} forwarder needs url`, loc("url")));
    else if (!isHttpUrl(o.url)) problems.push(new ConfigError(`invalid value ${JSON.stringify(o.url)}: expected an http(s) URL`, loc("url")));
  }
  if (o.type === "influx" && (o.org !== "") !== (o.bucket !== "")) problems.push(new ConfigError("influx 2.x needs both org and bucket (neither for 1.x)", loc(o.org === "" ? "org" : "bucket")));
  if (o.retry_min > o.retry_max) problems.push(new ConfigError(`retry_min (${o.retry_min} ms) is longer than retry_max (${o.retry_max} ms)`, loc("retry_min")));
  if (o.queue_max_bytes < 64 * 1024) problems.push(new ConfigError("queue_max_bytes must be at least 64KB", loc("queue_max_bytes")));
  if (o.tls_ca_file !== "" && !existsSync(o.tls_ca_file)) problems.push(new ConfigError(`tls_ca_file ${o.tls_ca_file} does not exist`, loc("tls_ca_file")));
  for (const key of ["include", "exclude"] as const) {
    for (const glob of o[key]) {
      try {
        compileGlob(glob);
      } catch (err) {
        problems.push(new ConfigError(`invalid glob ${JSON.stringify(glob)}: ${(err as Error).message}`, loc(key)));
      }
    }
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

function parseHeaders(o: ForwardOptions, loc: (key: string) => SourceLocation, problems: ConfigError[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const h of o.headers) {
    const m = /^([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*:\s*(.*)$/.exec(h);
    if (m === null) problems.push(new ConfigError(`invalid header ${JSON.stringify(h)}: expected "Name: value"`, loc("headers")));
    else headers[m[1]!] = m[2]!;
  }
  if (o.type === "remote_write") {
    if (o.bearer_token !== "") headers["Authorization"] = `Bearer ${o.bearer_token}`;
    else if (o.username !== "") headers["Authorization"] = `Basic ${Buffer.from(`${o.username}:${o.password}`).toString("base64")}`;
  }
  return headers;
}
