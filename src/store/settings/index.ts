export { SqliteSettingsService, instanceSettingsSchema, DEFAULT_SETTINGS } from "./settings-store.js";
export type { InstanceSettings, SettingsPatch, SettingsService } from "./settings-store.js";
