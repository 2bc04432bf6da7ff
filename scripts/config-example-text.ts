// The full text of config.example.ini: static sections plus [collector.<name>] sections.
import { formatExampleIni, type ExtraSection } from "../src/config/index.js";
import { notifierSection } from "../src/config/sections/alerting.js";
import { forwardSection } from "../src/config/sections/forward.js";
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
    {
      name: "forward.<name>",
      help: "A destination every collected and ingested point is also sent to, through a disk queue at <paths.data>/forward/<name>/ (several allowed: [forward.vm], [forward.central] …); none by default. Agent mode needs one.",
      spec: forwardSection,
    },
  ];
}

export function exampleIniText(): string {
  return formatExampleIni(exampleSections());
}
