export { loadConfig, defaultConfig, validateSection, effectiveSection, formatEffectiveConfig, ConfigErrors, DEFAULT_LOCATIONS } from "./load.js";
export type { Config, ConfigMeta, LoadOptions, RawSection, RawValue } from "./load.js";
export { opt, parseDuration, formatDuration, parseSize } from "./options.js";
export type { Option, SectionSpec, SectionValues } from "./options.js";
export { schema, DYNAMIC_SECTION_PREFIXES } from "./schema.js";
export type { ConfigValues, SectionName, Schema } from "./schema.js";
export { formatExampleIni, SECTION_HELP } from "./example.js";
export type { ExtraSection } from "./example.js";
export { notifierSection } from "./sections/alerting.js";
