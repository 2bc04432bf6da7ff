// The full text of config.example.ini: static sections plus [collector.<name>] sections.
import { formatExampleIni, type ExtraSection } from "../src/config/index.js";
import { notifierSection } from "../src/config/sections/alerting.js";
import { BUILTIN_COLLECTORS, fullSpec, sectionName } from "../src/collectors/index.js";

/** Dynamic sections documented in the example: every built-in collector's section. */
export function exampleSections(): ExtraSection[] {
  return [
    ...BUILTIN_COLLECTORS.map((def) => ({
      name: sectionName(def.name),
      help: `Collector ${def.name}: ${def.help}.${def.enabledByDefault ? "" : " Off by default."}`,
      spec: fullSpec(def),
    })),
    { name: "notifier.<name>", help: "A notification destination (several allowed: [notifier.ops], [notifier.mail] …); none by default.", spec: notifierSection },
  ];
}

export function exampleIniText(): string {
  return formatExampleIni(exampleSections());
}
