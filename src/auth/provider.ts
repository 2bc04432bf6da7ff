/** What counts as "a login provider is configured", and checks of the auth options at start. */
import type { Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { parseTeamIds } from "./github-policy.js";

/** GitHub OAuth or local logins: only then may Loupe listen on a non-loopback address. */
export function authProviderConfigured(config: Config): boolean {
  return config["auth.github"].enabled || config["auth.basic"].enabled;
}

/** Throws ConfigError for settings that cannot work (never printing a secret). */
export function checkAuthConfig(config: Config): void {
  const g = config["auth.github"];
  if (g.enabled) {
    if (g.client_id === "") throw new ConfigError("GitHub login is enabled but client_id is empty", { section: "auth.github", key: "client_id" });
    if (g.client_secret === "") throw new ConfigError("GitHub login is enabled but client_secret is empty", { section: "auth.github", key: "client_secret" });
  }
  for (const key of ["team_ids", "admin_team_ids", "editor_team_ids"] as const) {
    try {
      parseTeamIds(g[key], key);
    } catch (err) {
      throw new ConfigError((err as Error).message.replace(/^\[auth\.github\] \w+: /, ""), { section: "auth.github", key });
    }
  }
}
