// The full text of config.example.ini: static sections plus [collector.<name>] sections.
import { formatExampleIni, type ExtraSection } from "../src/config/index.js";

/** Dynamic sections documented in the example (built-in collectors add theirs here). */
export function exampleSections(): ExtraSection[] {
  return [];
}

export function exampleIniText(): string {
  return formatExampleIni(exampleSections());
}
