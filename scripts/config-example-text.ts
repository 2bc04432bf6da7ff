// The full text of config.example.ini: static sections plus [collector.<name>] sections.
import { formatExampleIni, type ExtraSection } from "../src/config/index.js";
import { BUILTIN_COLLECTORS, fullSpec, sectionName } from "../src/collectors/index.js";

/** Dynamic sections documented in the example: every built-in collector's section. */
export function exampleSections(): ExtraSection[] {
  return BUILTIN_COLLECTORS.map((def) => ({
    name: sectionName(def.name),
    help: `Collector ${def.name}: ${def.help}.${def.enabledByDefault ? "" : " Off by default."}`,
    spec: fullSpec(def),
  }));
}

export function exampleIniText(): string {
  return formatExampleIni(exampleSections());
}
