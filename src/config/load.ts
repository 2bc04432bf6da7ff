/**
 * INI file → validated, frozen Config. The only module that reads process.env and the file system
 * for configuration. Lookup order: --config, $LOUPE_CONFIG, ./loupe.ini, /etc/loupe/loupe.ini,
 * else embedded defaults. Environment overrides LOUPE_<SECTION>_<KEY> (dots → underscores).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, isAbsolute, join, resolve } from "node:path";
import ini from "ini";
import { ConfigError, type SourceLocation } from "../lib/errors.js";
import { closest } from "../lib/levenshtein.js";
import type { SectionSpec, SectionValues } from "./options.js";
import { schema, DYNAMIC_SECTION_PREFIXES, type ConfigValues, type SectionName } from "./schema.js";
import { scanIni, ConfigErrors } from "./ini-scan.js";

export { ConfigErrors };

/** A raw value with where it came from. */
export interface RawValue {
  readonly text: string;
  readonly location: SourceLocation;
}

/** A section as written, before validation (used for dynamic sections such as [collector.nginx]). */
export interface RawSection {
  readonly name: string;
  readonly values: ReadonlyMap<string, RawValue>;
  readonly location: SourceLocation;
}

export interface ConfigMeta {
  /** The file read, or undefined for embedded defaults. */
  readonly file: string | undefined;
  /** Effective value text of every static option, for printing. */
  readonly effective: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** Dynamic sections as written (`collector.nginx` → values). */
  readonly dynamic: ReadonlyMap<string, RawSection>;
  /** LOUPE_* environment variables at load time, for dynamic sections' overrides. */
  readonly env: ReadonlyMap<string, string>;
  /**
   * The folder relative paths were resolved against: the config file's folder, or undefined when no
   * file was read (embedded defaults or text), where relative paths stay relative to the working directory.
   */
  readonly baseDir: string | undefined;
}

export type Config = ConfigValues & { readonly meta: ConfigMeta };

export interface LoadOptions {
  /** --config from the command line. */
  readonly configPath?: string | undefined;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Config text to use instead of a file (tests). */
  readonly text?: string;
  readonly textName?: string;
}

export const DEFAULT_LOCATIONS = ["./loupe.ini", "/etc/loupe/loupe.ini"] as const;

/** Finds and loads the configuration; throws ConfigError (with every problem) when it is not valid. */
export function loadConfig(options: LoadOptions = {}): Config {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let file: string | undefined;
  let text = "";
  if (options.text !== undefined) {
    file = options.textName ?? "<config>";
    text = options.text;
  } else {
    file = locateConfig(options.configPath, env, cwd);
    if (file !== undefined) {
      try {
        text = readFileSync(file, "utf8");
      } catch (err) {
        throw new ConfigError(`cannot read config file: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { file }, err);
      }
    }
  }
  // relative paths in a file mean "next to this file", whatever folder Loupe was started from
  const baseDir = options.text === undefined && file !== undefined ? dirname(file) : undefined;
  return buildConfig(text, file, env, baseDir);
}

function locateConfig(explicit: string | undefined, env: NodeJS.ProcessEnv, cwd: string): string | undefined {
  if (explicit !== undefined && explicit !== "") {
    const p = resolve(cwd, explicit);
    if (!existsSync(p)) throw new ConfigError("config file not found (given by --config)", { file: p });
    return p;
  }
  const fromEnv = env["LOUPE_CONFIG"];
  if (fromEnv !== undefined && fromEnv !== "") {
    const p = resolve(cwd, fromEnv);
    if (!existsSync(p)) throw new ConfigError("config file not found (given by $LOUPE_CONFIG)", { file: p });
    return p;
  }
  for (const candidate of DEFAULT_LOCATIONS) {
    const p = resolve(cwd, candidate);
    if (existsSync(p)) return p;
  }
  return undefined;
}

function envName(section: string, key: string): string {
  return `LOUPE_${section.replace(/\./g, "_")}_${key}`.toUpperCase();
}

function isDynamic(section: string): boolean {
  return DYNAMIC_SECTION_PREFIXES.some((p) => section.startsWith(p) && section.length > p.length);
}

/** Flattens ini's nested objects back into "a.b" section names. */
function flatten(parsed: Record<string, unknown>, file: string | undefined): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  const walk = (name: string, obj: Record<string, unknown>): void => {
    const values = new Map<string, string>();
    out.set(name, values);
    for (const [k, v] of Object.entries(obj)) {
      if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(`${name}.${k}`, v as Record<string, unknown>);
      else if (Array.isArray(v)) throw new ConfigError(`"${k}[]" arrays are not supported: use a comma-separated list`, { ...(file !== undefined ? { file } : {}), section: name, key: k });
      else values.set(k, v === null ? "" : String(v));
    }
  };
  for (const [k, v] of Object.entries(parsed)) {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) walk(k, v as Record<string, unknown>);
  }
  return out;
}

/**
 * Options naming a file or folder: given relative (in the file, by default or from the environment),
 * they are resolved against the config file's folder. `[database] path` and `[backup] dir` are
 * resolved after `[paths] data`, which their empty defaults derive from.
 */
export const PATH_OPTIONS: ReadonlyArray<readonly [SectionName, string]> = [
  ["paths", "data"],
  ["paths", "plugins"],
  ["database", "path"],
  ["dashboards", "path"],
  ["alerting", "rules_path"],
  ["backup", "dir"],
];

function resolvePaths(values: Record<string, Record<string, unknown>>, effective: Map<string, Map<string, string>>, baseDir: string | undefined): void {
  const set = (section: string, key: string, value: string): void => {
    values[section]![key] = value;
    effective.get(section)!.set(key, value);
  };
  for (const [section, key] of PATH_OPTIONS) {
    const v = values[section]?.[key];
    if (baseDir !== undefined && typeof v === "string" && v !== "" && v !== ":memory:" && !isAbsolute(v)) set(section, key, resolve(baseDir, v));
  }
  const data = values["paths"]!["data"] as string;
  if (values["database"]!["path"] === "") set("database", "path", join(data, "loupe.db"));
  if (values["backup"]!["dir"] === "") set("backup", "dir", join(data, "backups"));
}

function buildConfig(text: string, file: string | undefined, env: NodeJS.ProcessEnv, baseDir?: string): Config {
  const problems: ConfigError[] = [];
  const fileLoc = file !== undefined ? { file } : {};
  const scanned = scanIni(text, file ?? "<defaults>");
  const sections = flatten(ini.parse(text) as Record<string, unknown>, file);

  const effective = new Map<string, Map<string, string>>();
  const values: Record<string, Record<string, unknown>> = {};
  const dynamic = new Map<string, RawSection>();
  const staticNames = Object.keys(schema);

  for (const [name, kv] of sections) {
    if (kv.size === 0 && !scanned.sections.has(name)) continue; // parent of a dotted section, e.g. "auth" of [auth.github]
    const line = scanned.sections.get(name);
    const secLoc: SourceLocation = { ...fileLoc, ...(line !== undefined ? { line } : {}), section: name };
    if (name in schema) continue;
    if (isDynamic(name)) {
      const raw = new Map<string, RawValue>();
      for (const [k, v] of kv) raw.set(k, { text: v, location: { ...fileLoc, ...lineOf(scanned, name, k), section: name, key: k } });
      dynamic.set(name, { name, values: raw, location: secLoc });
      continue;
    }
    const guess = closest(name, [...staticNames, ...DYNAMIC_SECTION_PREFIXES.map((p) => `${p}<name>`)]);
    problems.push(new ConfigError(`unknown section${guess !== undefined ? ` (did you mean [${guess}]?)` : ""}`, { ...fileLoc, ...(line !== undefined ? { line } : {}), section: name }));
  }

  for (const section of staticNames as SectionName[]) {
    const spec: SectionSpec = schema[section];
    const given = sections.get(section) ?? new Map<string, string>();
    for (const key of given.keys()) {
      if (!(key in spec)) {
        const guess = closest(key, Object.keys(spec));
        problems.push(new ConfigError(`unknown key${guess !== undefined ? ` (did you mean "${guess}"?)` : ""}`, { ...fileLoc, ...lineOf(scanned, section, key), section, key }));
      }
    }
    const raw = new Map<string, RawValue>();
    for (const [k, v] of given) if (k in spec) raw.set(k, { text: v, location: { ...fileLoc, ...lineOf(scanned, section, k), section, key: k } });
    const result = validateRaw(spec, section, raw, env, problems);
    values[section] = result.values;
    effective.set(section, result.effective);
  }

  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);

  resolvePaths(values, effective, baseDir);

  const envSnapshot = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) if (k.startsWith("LOUPE_") && v !== undefined) envSnapshot.set(k, v);

  const meta: ConfigMeta = { file, effective, dynamic, env: envSnapshot, baseDir };
  const config = { ...values, meta } as unknown as Config;
  return deepFreeze(config);
}

function lineOf(scanned: ReturnType<typeof scanIni>, section: string, key: string): { line?: number } {
  const line = scanned.keys.get(section)?.get(key);
  return line !== undefined ? { line } : {};
}

function validateRaw(
  spec: SectionSpec,
  section: string,
  raw: ReadonlyMap<string, RawValue>,
  env: NodeJS.ProcessEnv | ReadonlyMap<string, string>,
  problems: ConfigError[],
): { values: Record<string, unknown>; effective: Map<string, string> } {
  const values: Record<string, unknown> = {};
  const effective = new Map<string, string>();
  for (const [key, option] of Object.entries(spec)) {
    const name = envName(section, key);
    const fromEnv = env instanceof Map ? env.get(name) : (env as NodeJS.ProcessEnv)[name];
    let text = option.default;
    let location: SourceLocation = { file: "<default>", section, key };
    if (fromEnv !== undefined) {
      text = fromEnv;
      location = { file: `environment variable ${name}`, section, key };
    } else {
      const given = raw.get(key);
      if (given !== undefined) {
        text = given.text;
        location = given.location;
      }
    }
    const parsed = option.schema.safeParse(text);
    if (!parsed.success) {
      problems.push(new ConfigError(`invalid value ${JSON.stringify(text)}: expected ${option.expected}`, location));
      continue;
    }
    values[key] = parsed.data;
    effective.set(key, text);
  }
  return { values, effective };
}

/**
 * Validates a dynamic section (e.g. [collector.nginx]) against its owner's spec, applying
 * LOUPE_COLLECTOR_NGINX_* overrides. Unknown keys are errors with a suggestion.
 */
export function validateSection<S extends SectionSpec>(config: Config, section: string, spec: S): SectionValues<S> {
  const problems: ConfigError[] = [];
  const raw = config.meta.dynamic.get(section);
  if (raw !== undefined) {
    for (const [key, v] of raw.values) {
      if (!(key in spec)) {
        const guess = closest(key, Object.keys(spec));
        problems.push(new ConfigError(`unknown key${guess !== undefined ? ` (did you mean "${guess}"?)` : ""}`, v.location));
      }
    }
  }
  const result = validateRaw(spec, section, raw?.values ?? new Map(), config.meta.env, problems);
  if (problems.length > 0) throw problems.length === 1 ? problems[0]! : new ConfigErrors(problems);
  return Object.freeze(result.values) as SectionValues<S>;
}

/** Effective value texts of a dynamic section validated by validateSection (for printing). */
export function effectiveSection(config: Config, section: string, spec: SectionSpec): Map<string, string> {
  const problems: ConfigError[] = [];
  return validateRaw(spec, section, config.meta.dynamic.get(section)?.values ?? new Map(), config.meta.env, problems).effective;
}

/** Prints the effective static config as INI, secrets masked. */
export function formatEffectiveConfig(config: Config): string {
  let out = `; effective configuration (${config.meta.file ?? "embedded defaults"})\n`;
  for (const [section, kv] of config.meta.effective) {
    out += `\n[${section}]\n`;
    const spec: SectionSpec = schema[section as SectionName];
    for (const [key, text] of kv) out += `${key} = ${spec[key]?.secret === true && text !== "" ? "***" : text}\n`;
  }
  return out;
}

/** Embedded defaults (no file, no environment). */
export function defaultConfig(overrides: string = ""): Config {
  return buildConfig(overrides, overrides === "" ? undefined : "<config>", {});
}

function deepFreeze<T>(obj: T): T {
  if (obj !== null && typeof obj === "object" && !(obj instanceof Map) && !Object.isFrozen(obj)) {
    Object.freeze(obj);
    for (const v of Object.values(obj as Record<string, unknown>)) deepFreeze(v);
  }
  return obj;
}
