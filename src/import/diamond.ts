/**
 * `loupe import diamond /etc/diamond/diamond.conf [--collectors-dir DIR] [--handlers-dir DIR] [-o loupe.ini]`:
 * reads diamond.conf and its collectors (and handlers) config folders, maps them (diamond-map.ts),
 * validates the result with Loupe's own config loader and collector options, then writes it
 * (never over an existing file without --force) or prints it. Warnings go to stderr.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { CliIo } from "../cli-support.js";
import { BUILTIN_COLLECTORS, checkCollectorsConfig, fullSpec } from "../collectors/index.js";
import { DYNAMIC_SECTION_PREFIXES, loadConfig } from "../config/index.js";
import { errorMessage } from "../lib/errors.js";
import { asText, parseConfigObj } from "./configobj.js";
import { mapDiamond, type ConfFile, type LoupeCollectorInfo } from "./diamond-map.js";

const USAGE = "loupe import diamond /etc/diamond/diamond.conf [--collectors-dir DIR] [--handlers-dir DIR] [-o loupe.ini] [--force]";

function readConf(file: string): ConfFile {
  return { file, root: parseConfigObj(readFileSync(file, "utf8"), file) };
}

/** `*.conf` files of a folder by stem (`CPUCollector.conf` → CPUCollector). */
function readConfDir(dir: string | undefined): Map<string, ConfFile> {
  const out = new Map<string, ConfFile>();
  if (dir === undefined || !existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) if (name.endsWith(".conf")) out.set(name.slice(0, -5), readConf(join(dir, name)));
  return out;
}

function loupeCollectors(): LoupeCollectorInfo[] {
  return BUILTIN_COLLECTORS.map((def) => ({
    name: def.name,
    path: def.path ?? def.name,
    enabledByDefault: def.enabledByDefault,
    options: new Map(Object.entries(fullSpec(def)).map(([k, o]) => [k, o.kind])),
  }));
}

/** The folder diamond.conf names for `key`, resolved against diamond.conf's own folder. */
function confDir(main: ConfFile, key: string, given: string | undefined, warnings: string[]): string | undefined {
  if (given !== undefined) return resolve(given);
  const v = main.root.sections.get("server")?.keys.get(key);
  const text = asText(v);
  if (text === undefined || text === "") return undefined;
  const dir = resolve(dirname(main.file), text);
  if (!existsSync(dir)) warnings.push(`${main.file}:${v!.line}: [server] ${key}: ${dir} does not exist here (give --${key.startsWith("collectors") ? "collectors" : "handlers"}-dir to read another folder)`);
  return dir;
}

export async function diamondCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { "collectors-dir": { type: "string" }, "handlers-dir": { type: "string" }, output: { type: "string", short: "o" }, force: { type: "boolean" } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) {
    io.err(`loupe import diamond: give the diamond.conf to read\n\nUsage: ${USAGE}`);
    return 1;
  }
  const out = values.output === undefined ? undefined : resolve(values.output);
  if (out !== undefined && existsSync(out) && values.force !== true) {
    io.err(`loupe import diamond: ${out} exists; give another -o file or --force to replace it`);
    return 1;
  }
  const main = readConf(resolve(positionals[0]!));
  const dirWarnings: string[] = [];
  const collectorFiles = readConfDir(confDir(main, "collectors_config_path", values["collectors-dir"], dirWarnings));
  const handlerFiles = readConfDir(confDir(main, "handlers_config_path", values["handlers-dir"], dirWarnings));
  const forwarders = (DYNAMIC_SECTION_PREFIXES as readonly string[]).includes("forward.");
  const mapped = mapDiamond({ main, collectorFiles, handlerFiles, collectors: loupeCollectors(), forwarders });
  // Loupe's own loader and collector options judge the result before anything is written
  try {
    const config = loadConfig({ text: mapped.ini, textName: out ?? "<loupe import diamond>", env: {} });
    await checkCollectorsConfig(config);
  } catch (err) {
    io.err(`loupe import diamond: the INI made from ${main.file} is not valid for Loupe (nothing written):\n${errorMessage(err)}\n\n${mapped.ini}`);
    return 1;
  }
  const warnings = [...dirWarnings, ...mapped.warnings];
  for (const w of warnings) io.err(`warning: ${w}`);
  if (out !== undefined) {
    writeFileSync(out, mapped.ini, { mode: 0o600 });
    io.out(`wrote ${out} (${warnings.length} warning(s)); check it with: loupe check-config --config ${out}`);
  } else io.out(mapped.ini);
  return 0;
}
