/**
 * The login providers: which are enabled (the login page lists them, and any of them lets Loupe
 * listen on a non-loopback address), and checks of their options at start and by `loupe check-config`.
 *
 * Every provider ends in the same place: a UserRow from UserService (signInGithub for GitHub,
 * signInExternal for generic OAuth, LDAP and the proxy, verifyLocal for local users) and then a
 * session (SessionService.create), so sessions, roles, CSRF and logout work alike for all.
 */
import type { Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { parseTeamIds } from "./github-policy.js";
import { checkGenericOAuth, checkLdap, checkProxy } from "./provider-checks.js";

/** How the login page offers a provider: a button to a redirect flow, or the login form. */
export interface LoginProvider {
  readonly id: "github" | "generic_oauth" | "ldap" | "basic" | "proxy";
  readonly kind: "redirect" | "form" | "header";
  /** Button or form label. */
  readonly label: string;
  /** Redirect providers: where the button goes. */
  readonly href?: string;
}

export function loginProviders(config: Config): LoginProvider[] {
  const out: LoginProvider[] = [];
  if (config["auth.github"].enabled) out.push({ id: "github", kind: "redirect", label: "GitHub", href: "/login/github" });
  const g = config["auth.generic_oauth"];
  if (g.enabled) out.push({ id: "generic_oauth", kind: "redirect", label: g.name, href: "/login/generic_oauth" });
  if (config["auth.ldap"].enabled) out.push({ id: "ldap", kind: "form", label: "LDAP" });
  if (config["auth.basic"].enabled) out.push({ id: "basic", kind: "form", label: "Local users" });
  if (config["auth.proxy"].enabled) out.push({ id: "proxy", kind: "header", label: "Auth proxy" });
  return out;
}

/** Any login provider: only then may Loupe listen on a non-loopback address. */
export function authProviderConfigured(config: Config): boolean {
  return loginProviders(config).length > 0;
}

/** Throws ConfigError for settings that cannot work (section, key; the file too for the newer providers), never printing a secret. */
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
  checkGenericOAuth(config);
  checkProxy(config);
  checkLdap(config);
}
