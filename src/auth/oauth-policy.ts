/**
 * Who may sign in through [auth.generic_oauth], and as whom, as a pure function of the claims (the
 * verified ID token's, completed by the user info endpoint's). Grafana's meaning:
 *
 * - login: login_attribute_path, else preferred_username, login, username, then email.
 * - allowed_domains: the email's domain must be listed (case-insensitive).
 * - allowed_groups: one of the groups (groups_attribute_path) must be listed.
 * - role_attribute_path: Viewer / Editor / Admin (any case); when it gives nothing valid the sign-in
 *   is refused with role_attribute_strict, else the user gets default_role. Empty: roles not synced.
 */
import type { Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { parseAttributePath, PathSyntaxError, searchString, searchStrings, type PathExpr } from "./attribute-path.js";
import type { Role } from "./principal.js";
import type { ExternalIdentity } from "./users.js";

export interface OAuthPolicy {
  readonly loginPath: PathExpr | undefined;
  readonly emailPath: PathExpr | undefined;
  readonly namePath: PathExpr | undefined;
  readonly groupsPath: PathExpr | undefined;
  readonly rolePath: PathExpr | undefined;
  readonly roleStrict: boolean;
  readonly defaultRole: Role;
  readonly allowedDomains: readonly string[];
  readonly allowedGroups: readonly string[];
}

export type OAuthRefusal = "missing_group" | "email_domain" | "no_role" | "no_login";
export type OAuthDecision = { readonly ok: true; readonly identity: ExternalIdentity; readonly groups: readonly string[] } | { readonly ok: false; readonly code: OAuthRefusal };

const PATH_KEYS = ["login_attribute_path", "email_attribute_path", "name_attribute_path", "groups_attribute_path", "role_attribute_path"] as const;

/** Parses the section's paths; a syntax error is a ConfigError naming the key. */
export function oauthPolicyOf(config: Config): OAuthPolicy {
  const g = config["auth.generic_oauth"];
  const parsed = {} as Record<(typeof PATH_KEYS)[number], PathExpr | undefined>;
  for (const key of PATH_KEYS) {
    const src = g[key];
    try {
      parsed[key] = src.trim() === "" ? undefined : parseAttributePath(src);
    } catch (err) {
      if (!(err instanceof PathSyntaxError)) throw err;
      throw new ConfigError(`${err.message} in "${src}"`, { ...(config.meta.file !== undefined ? { file: config.meta.file } : {}), section: "auth.generic_oauth", key });
    }
  }
  return {
    loginPath: parsed.login_attribute_path,
    emailPath: parsed.email_attribute_path,
    namePath: parsed.name_attribute_path,
    groupsPath: parsed.groups_attribute_path,
    rolePath: parsed.role_attribute_path,
    roleStrict: g.role_attribute_strict,
    defaultRole: g.default_role,
    allowedDomains: g.allowed_domains,
    allowedGroups: g.allowed_groups,
  };
}

const str = (v: unknown): string => (typeof v === "string" ? v : typeof v === "number" ? String(v) : "");

function roleOf(text: string): Role | undefined {
  const l = text.trim().toLowerCase();
  return l === "admin" ? "Admin" : l === "editor" ? "Editor" : l === "viewer" ? "Viewer" : undefined;
}

export function decideOAuthLogin(claims: Record<string, unknown>, p: OAuthPolicy): OAuthDecision {
  const email = p.emailPath !== undefined ? searchString(p.emailPath, claims) : str(claims["email"]);
  const login =
    p.loginPath !== undefined ? searchString(p.loginPath, claims) : str(claims["preferred_username"]) || str(claims["login"]) || str(claims["username"]) || email;
  if (login === "") return { ok: false, code: "no_login" };
  const name = (p.namePath !== undefined ? searchString(p.namePath, claims) : str(claims["name"])) || login;
  const groups = searchStrings(p.groupsPath, claims);
  if (p.allowedDomains.length > 0) {
    const at = email.lastIndexOf("@");
    const domain = at >= 0 ? email.slice(at + 1).toLowerCase() : "";
    if (!p.allowedDomains.some((d) => d.toLowerCase() === domain)) return { ok: false, code: "email_domain" };
  }
  if (p.allowedGroups.length > 0 && !groups.some((g) => p.allowedGroups.includes(g))) return { ok: false, code: "missing_group" };
  let mappedRole: Role | undefined;
  if (p.rolePath !== undefined) {
    mappedRole = roleOf(searchString(p.rolePath, { ...claims, groups: claims["groups"] ?? groups }));
    if (mappedRole === undefined) {
      if (p.roleStrict) return { ok: false, code: "no_role" };
      mappedRole = p.defaultRole;
    }
  }
  const subject = str(claims["sub"]) || str(claims["id"]) || login;
  return { ok: true, groups, identity: { provider: "oauth", subject, login, name, email, mappedRole } };
}
