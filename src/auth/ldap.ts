/**
 * [auth.ldap]: the login form's name and password checked against an LDAP directory with ldapts.
 *
 * 1. Connect (ldaps:// with use_ssl, else ldap:// upgraded by StartTLS with start_tls; root_ca_cert
 *    is the CA trusted, ssl_skip_verify turns checking off).
 * 2. Find the user: bind as bind_dn / bind_password (none: anonymous) and search search_base_dns
 *    with search_filter, %s being the login typed (RFC 4515 escaped). With %s in bind_dn the user
 *    binds directly (DN escaped per RFC 4514) and the search runs as the user.
 * 3. Bind as the user's DN with the password typed (an empty password is refused first: LDAP would
 *    take it as an anonymous bind).
 * 4. Groups: group_search_filter (%s = the user's DN) under group_search_base_dns, else the
 *    attribute_member_of values. admin_group_dn / editor_group_dn / viewer_group_dn map them to a
 *    role (first match in that order; "*" matches anyone); with any set, a user in none is refused.
 *
 * Returns "not_found" when no entry matches, so the caller may try local users next.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { Client, InvalidCredentialsError, type Entry } from "ldapts";
import type { Config } from "../config/index.js";
import type { Role } from "./principal.js";
import type { ExternalIdentity } from "./users.js";

export type LdapOutcome =
  | { readonly ok: true; readonly identity: ExternalIdentity; readonly dn: string; readonly groups: readonly string[] }
  | { readonly ok: false; readonly code: "not_found" | "bad_credentials" | "no_group" };

/** RFC 4515: a value inside a search filter. */
export function escapeFilter(value: string): string {
  return value.replace(/[\\*()\0]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** RFC 4514: a value inside a DN. */
export function escapeDn(value: string): string {
  return value
    .replace(/[\\,+"<>;=\0]/g, (c) => (c === "\0" ? "\\00" : `\\${c}`))
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

/** `a | b` lists of DNs (DNs contain commas, and ';' starts an INI comment). */
export function splitDns(text: string): string[] {
  return text
    .split("|")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

const lower = (xs: readonly string[]): string[] => xs.map((x) => x.replace(/\s*,\s*/g, ",").toLowerCase());

export function mapLdapRole(l: Config["auth.ldap"], groups: readonly string[]): { configured: boolean; role: Role | undefined } {
  const mine = new Set(lower(groups));
  const table: [Role, string[]][] = [
    ["Admin", lower(splitDns(l.admin_group_dn))],
    ["Editor", lower(splitDns(l.editor_group_dn))],
    ["Viewer", lower(splitDns(l.viewer_group_dn))],
  ];
  const configured = table.some(([, dns]) => dns.length > 0);
  for (const [role, dns] of table) if (dns.some((d) => d === "*" || mine.has(d))) return { configured, role };
  return { configured, role: undefined };
}

function attr(entry: Entry, name: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === name.toLowerCase());
  const v = key === undefined ? undefined : entry[key];
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x)));
}

export class LdapAuth {
  private readonly l: Config["auth.ldap"];
  private readonly tls: ConnectionOptions;

  constructor(config: Config) {
    this.l = config["auth.ldap"];
    this.tls = {
      ...(isIP(this.l.host) === 0 ? { servername: this.l.host } : {}),
      rejectUnauthorized: !this.l.ssl_skip_verify,
      ...(this.l.root_ca_cert !== "" ? { ca: [readFileSync(this.l.root_ca_cert, "utf8")] } : {}),
    };
  }

  private async connect(): Promise<Client> {
    const l = this.l;
    const url = `${l.use_ssl ? "ldaps" : "ldap"}://${l.host.includes(":") ? `[${l.host}]` : l.host}:${l.port}`;
    // ldapts speaks TLS from the first byte whenever tlsOptions is given, so only for ldaps://
    const client = new Client({ url, timeout: l.timeout, connectTimeout: l.timeout, strictDN: false, ...(l.use_ssl ? { tlsOptions: this.tls } : {}) });
    if (l.start_tls && !l.use_ssl) await client.startTLS(this.tls);
    return client;
  }

  /** Checks login + password; errors other than wrong credentials (unreachable server, TLS) are thrown. */
  async authenticate(login: string, password: string): Promise<LdapOutcome> {
    const l = this.l;
    if (password === "" || login.trim() === "") return { ok: false, code: "bad_credentials" };
    const client = await this.connect();
    try {
      const direct = l.bind_dn.includes("%s");
      try {
        if (direct) await client.bind(l.bind_dn.replaceAll("%s", escapeDn(login)), password);
        else if (l.bind_dn !== "") await client.bind(l.bind_dn, l.bind_password);
      } catch (err) {
        if (direct && err instanceof InvalidCredentialsError) return { ok: false, code: "bad_credentials" };
        throw err;
      }
      const entry = await this.findUser(client, login);
      if (entry === undefined) return { ok: false, code: direct ? "bad_credentials" : "not_found" };
      if (!direct) {
        try {
          await client.bind(entry.dn, password);
        } catch (err) {
          if (err instanceof InvalidCredentialsError) return { ok: false, code: "bad_credentials" };
          throw err;
        }
      }
      const groups = await this.groupsOf(client, entry);
      const mapped = mapLdapRole(l, groups);
      if (mapped.configured && mapped.role === undefined) return { ok: false, code: "no_group" };
      const username = attr(entry, l.attribute_username)[0] ?? login;
      const identity: ExternalIdentity = {
        provider: "ldap",
        subject: username.toLowerCase(),
        login: username,
        name: attr(entry, l.attribute_name)[0] ?? username,
        email: attr(entry, l.attribute_email)[0] ?? "",
        mappedRole: mapped.role,
      };
      return { ok: true, identity, dn: entry.dn, groups };
    } finally {
      await client.unbind().catch(() => undefined);
    }
  }

  private async findUser(client: Client, login: string): Promise<Entry | undefined> {
    const l = this.l;
    const filter = l.search_filter.replaceAll("%s", escapeFilter(login));
    const attributes = ["dn", l.attribute_username, l.attribute_name, l.attribute_email, l.attribute_member_of];
    const found: Entry[] = [];
    for (const base of splitDns(l.search_base_dns)) {
      const { searchEntries } = await client.search(base, { scope: "sub", filter, attributes, sizeLimit: 2 });
      found.push(...searchEntries);
    }
    if (found.length > 1) throw new Error(`[auth.ldap] search_filter matches ${found.length} entries for one login: make it more specific`);
    return found[0];
  }

  private async groupsOf(client: Client, entry: Entry): Promise<string[]> {
    const l = this.l;
    if (l.group_search_filter === "") return attr(entry, l.attribute_member_of);
    const filter = l.group_search_filter.replaceAll("%s", escapeFilter(entry.dn));
    const out: string[] = [];
    for (const base of splitDns(l.group_search_base_dns)) {
      const { searchEntries } = await client.search(base, { scope: "sub", filter, attributes: ["dn"] });
      out.push(...searchEntries.map((e) => e.dn));
    }
    return out;
  }
}
