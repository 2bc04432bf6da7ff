export { SqliteSettingsService, instanceSettingsSchema, DEFAULT_SETTINGS } from "./settings-store.js";
export type { InstanceSettings, SettingsService } from "./settings-store.js";
