/**
 * Instance-wide settings changed at run time by an admin (the `settings` table of 0001), as
 * opposed to the INI file read at start. Each setting is one row holding its JSON value; rows of
 * keys this schema does not know (other modules' settings) are left alone.
 */
import { z } from "zod";
import type { Db } from "../db.js";
import type { Clock } from "../../lib/clock.js";

export const instanceSettingsSchema = z.object({
  /** Snapshot links open without login. */
  snapshots_public: z.boolean(),
});

export type InstanceSettings = z.infer<typeof instanceSettingsSchema>;

export const DEFAULT_SETTINGS: InstanceSettings = Object.freeze({ snapshots_public: false });

export type SettingsPatch = { readonly [K in keyof InstanceSettings]?: InstanceSettings[K] | undefined };

export interface SettingsService {
  get(): InstanceSettings;
  /** Changes the given settings (absent or undefined fields keep their value); returns all of them. */
  update(patch: SettingsPatch): InstanceSettings;
}

export class SqliteSettingsService implements SettingsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  get(): InstanceSettings {
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    const keys = Object.keys(instanceSettingsSchema.shape);
    const rows = this.db.prepare("SELECT key, value FROM settings WHERE key IN (SELECT value FROM json_each(?))").all(JSON.stringify(keys)) as Array<{ key: string; value: string }>;
    for (const r of rows) {
      const field = instanceSettingsSchema.shape[r.key as keyof InstanceSettings];
      try {
        const parsed = field.safeParse(JSON.parse(r.value));
        if (parsed.success) out[r.key] = parsed.data;
      } catch {
        // an unreadable value falls back to the default
      }
    }
    return instanceSettingsSchema.parse(out);
  }

  update(patch: SettingsPatch): InstanceSettings {
    const valid = instanceSettingsSchema.partial().strict().parse(patch);
    const put = this.db.prepare(
      "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    );
    const now = this.clock.now();
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(valid)) if (v !== undefined) put.run(k, JSON.stringify(v), now);
    })();
    return this.get();
  }
}
