/** Checks of [auth.generic_oauth], [auth.proxy] and [auth.ldap] beyond each key's own type. */
import { accessSync, constants } from "node:fs";
import type { Config } from "../config/index.js";
import { ConfigError } from "../lib/errors.js";
import { oauthPolicyOf } from "./oauth-policy.js";
import { parseProxyHeaders, parseWhitelist } from "./proxy.js";
import { splitDns } from "./ldap.js";

type Section = "auth.generic_oauth" | "auth.proxy" | "auth.ldap";

function fail(config: Config, section: Section, key: string, message: string): never {
  throw new ConfigError(message, { ...(config.meta.file !== undefined ? { file: config.meta.file } : {}), section, key });
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}

function readable(config: Config, section: Section, key: string, path: string): void {
  if (path === "") return;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    fail(config, section, key, `cannot read ${path}`);
  }
}

export function checkGenericOAuth(config: Config): void {
  const g = config["auth.generic_oauth"];
  const s = "auth.generic_oauth";
  oauthPolicyOf(config); // attribute path syntax, named by key
  if (!g.enabled) return;
  if (g.client_id === "") fail(config, s, "client_id", "generic OAuth login is enabled but client_id is empty");
  if (g.client_secret === "" && !g.use_pkce) fail(config, s, "client_secret", "client_secret is empty and use_pkce is off: the provider could not tell Loupe from anyone");
  for (const key of ["issuer", "auth_url", "token_url", "api_url"] as const) {
    if (g[key] !== "" && !isHttpUrl(g[key])) fail(config, s, key, `"${g[key]}" is not an absolute http(s) URL`);
  }
  if (g.issuer === "") {
    if (g.auth_url === "") fail(config, s, "auth_url", "set issuer (OpenID Connect discovery) or auth_url and token_url");
    if (g.token_url === "") fail(config, s, "token_url", "set issuer (OpenID Connect discovery) or auth_url and token_url");
  }
  if (g.scopes.length === 0) fail(config, s, "scopes", "no scope requested (OpenID Connect needs openid)");
  readable(config, s, "tls_client_ca", g.tls_client_ca);
}

export function checkProxy(config: Config): void {
  const p = config["auth.proxy"];
  const s = "auth.proxy";
  try {
    parseProxyHeaders(p.headers);
  } catch (err) {
    fail(config, s, "headers", (err as Error).message);
  }
  try {
    parseWhitelist(p.whitelist);
  } catch (err) {
    fail(config, s, "whitelist", (err as Error).message);
  }
  if (!p.enabled) return;
  if (!/^[A-Za-z0-9-]+$/.test(p.header_name)) fail(config, s, "header_name", `"${p.header_name}" is not a header name`);
  if (p.whitelist.trim() === "") fail(config, s, "whitelist", "the auth proxy is enabled but whitelist is empty: name the proxy's address (e.g. 127.0.0.1), or anyone could send the header");
}

export function checkLdap(config: Config): void {
  const l = config["auth.ldap"];
  const s = "auth.ldap";
  if (!l.enabled) return;
  if (l.host === "") fail(config, s, "host", "LDAP is enabled but host is empty");
  if (l.use_ssl && l.start_tls) fail(config, s, "start_tls", "use_ssl and start_tls exclude each other (ldaps:// is already TLS)");
  if (!l.search_filter.includes("%s")) fail(config, s, "search_filter", `"${l.search_filter}" has no %s for the login typed`);
  if (!/^\(.*\)$/.test(l.search_filter.trim())) fail(config, s, "search_filter", `"${l.search_filter}" is not a filter in parentheses`);
  if (splitDns(l.search_base_dns).length === 0) fail(config, s, "search_base_dns", "LDAP is enabled but search_base_dns is empty");
  if (l.group_search_filter !== "" && splitDns(l.group_search_base_dns).length === 0) fail(config, s, "group_search_base_dns", "group_search_filter is set but group_search_base_dns is empty");
  if (l.bind_dn !== "" && !l.bind_dn.includes("%s") && l.bind_password === "") fail(config, s, "bind_password", "bind_dn is set but bind_password is empty");
  readable(config, s, "root_ca_cert", l.root_ca_cert);
}
