/**
 * [auth.proxy]: an authenticating reverse proxy (oauth2-proxy, Authelia, Pomerium) in front of Loupe
 * names the user in `header_name` (X-WEBAUTH-USER). Grafana's meaning:
 *
 * - The header is believed only when the TCP peer (never X-Forwarded-For) is in `whitelist`; from any
 *   other peer a request carrying it is refused with 403, logged and counted
 *   (loupe_auth_proxy_refused_total) whatever else it carries.
 * - Like Grafana, a session is created for the user (cookie set on the answer) and reused while the
 *   header names the same user; it is refreshed from the headers after `sync_ttl`. Logging out only
 *   ends that session: the next request through the proxy signs in again.
 * - `headers` ("Email:X-User-Email Name:X-User-Name Role:X-User-Role Groups:X-User-Groups") fill the
 *   profile; the role comes from Role (Viewer/Editor/Admin), else from Groups through
 *   admin_groups / editor_groups (default_role when none matches), else is not synced.
 * - An existing Loupe user with the same login is that person (the proxy vouches for them).
 */
import { BlockList, isIP } from "node:net";
import type { Request } from "express";
import type { Config } from "../config/index.js";
import type { Clock } from "../lib/clock.js";
import { ForbiddenError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import type { Role } from "./principal.js";
import type { SessionService } from "./sessions.js";
import { SignInError, type UserService } from "./users.js";

export const PROXY_HEADER_KEYS = ["Login", "Email", "Name", "Role", "Groups"] as const;
export type ProxyHeaderKey = (typeof PROXY_HEADER_KEYS)[number];

/** "Email:X-User-Email Name:X-User-Name" → Map(Email → x-user-email); throws naming the bad entry. */
export function parseProxyHeaders(text: string): Map<ProxyHeaderKey, string> {
  const out = new Map<ProxyHeaderKey, string>();
  for (const part of text.split(/[\s,]+/).filter((p) => p !== "")) {
    const i = part.indexOf(":");
    const key = PROXY_HEADER_KEYS.find((k) => k.toLowerCase() === part.slice(0, Math.max(i, 0)).toLowerCase());
    const header = part.slice(i + 1);
    if (i <= 0 || key === undefined || !/^[A-Za-z0-9-]+$/.test(header)) {
      throw new Error(`"${part}" is not KEY:Header-Name with KEY one of ${PROXY_HEADER_KEYS.join(", ")}`);
    }
    out.set(key, header.toLowerCase());
  }
  return out;
}

/** The whitelist as a BlockList; throws naming an entry that is neither an address nor a CIDR. */
export function parseWhitelist(text: string): BlockList {
  const list = new BlockList();
  for (const entry of text.split(/[\s,]+/).filter((p) => p !== "")) {
    const [addr, bits, more] = entry.split("/");
    const family = isIP(addr ?? "");
    const prefix = bits === undefined ? undefined : Number(bits);
    if (family === 0 || more !== undefined || (prefix !== undefined && (!/^\d+$/.test(bits!) || prefix > (family === 4 ? 32 : 128)))) {
      throw new Error(`"${entry}" is not an IP address or CIDR`);
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (prefix === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, prefix, type);
  }
  return list;
}

/** The TCP peer's address, IPv4-mapped IPv6 written as IPv4. */
function peerOf(req: Request): string {
  const a = req.socket.remoteAddress ?? "";
  return a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a;
}

function roleOf(text: string): Role | undefined {
  const l = text.trim().toLowerCase();
  return l === "admin" ? "Admin" : l === "editor" ? "Editor" : l === "viewer" ? "Viewer" : undefined;
}

export class AuthProxy {
  private readonly p: Config["auth.proxy"];
  private readonly whitelist: BlockList;
  private readonly headers: Map<ProxyHeaderKey, string>;
  private readonly header: string;
  refusedUntrusted = 0;
  signIns = 0;

  constructor(
    config: Config,
    private readonly users: UserService,
    private readonly sessions: SessionService,
    private readonly log: Logger,
    private readonly clock: Clock,
  ) {
    this.p = config["auth.proxy"];
    this.whitelist = parseWhitelist(this.p.whitelist);
    this.headers = parseProxyHeaders(this.p.headers);
    this.header = this.p.header_name.toLowerCase();
  }

  private value(req: Request, header: string | undefined): string {
    if (header === undefined) return "";
    const v = req.headers[header];
    return (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).trim().slice(0, 1000);
  }

  /** The user the proxy names, or undefined when the header is absent; throws 403 from a peer not whitelisted. */
  named(req: Request): string | undefined {
    const name = this.value(req, this.header);
    if (name === "") return undefined;
    const peer = peerOf(req);
    const family = isIP(peer);
    if (family === 0 || !this.whitelist.check(peer, family === 4 ? "ipv4" : "ipv6")) {
      this.refusedUntrusted++;
      this.log.warn("auth proxy header from a peer not in the whitelist", { header: this.p.header_name, peer });
      throw new ForbiddenError(`${this.p.header_name} is accepted only from the auth proxy ([auth.proxy] whitelist)`, "proxy_untrusted");
    }
    return name;
  }

  /**
   * The session cookie value this request goes on with: the browser's own when it belongs to the
   * named user and is younger than sync_ttl, else a new session (its cookie handed to `setCookie`).
   */
  sessionFor(req: Request, name: string, sid: string | undefined, setCookie: (value: string) => void): string {
    const s = sid !== undefined && sid !== "" ? this.sessions.resolve(sid) : undefined;
    const subject = name.toLowerCase();
    const login = this.value(req, this.headers.get("Login")) || name;
    // the browser's session goes on when it is this person's (matched as signInExternal matches) and fresh
    const same = s !== undefined && (s.user.externalId === `proxy:${subject}` || s.user.login.toLowerCase() === login.toLowerCase());
    if (same && this.clock.now() - s.session.createdAt < this.p.sync_ttl) return sid!;
    const email = this.p.header_property === "email" ? name : this.value(req, this.headers.get("Email"));
    let user;
    try {
      user = this.users.signInExternal(
        { provider: "proxy", subject, login, name: this.value(req, this.headers.get("Name")) || login, email, mappedRole: this.roleFrom(req) },
        { allowSignUp: this.p.auto_sign_up, defaultRole: this.p.default_role, matchByLogin: true },
      );
    } catch (err) {
      if (!(err instanceof SignInError)) throw err;
      this.log.warn("auth proxy sign-in refused", { login, reason: err.code });
      throw new ForbiddenError(err.message, err.code);
    }
    if (sid !== undefined && sid !== "") this.sessions.destroy(sid);
    const { cookieValue } = this.sessions.create(user.id);
    setCookie(cookieValue);
    this.signIns++;
    this.log.info("login", { login: user.login, provider: "proxy", role: user.role, ip: peerOf(req) });
    return cookieValue;
  }

  private roleFrom(req: Request): Role | undefined {
    const header = roleOf(this.value(req, this.headers.get("Role")));
    if (header !== undefined) return header;
    if (this.p.admin_groups.length + this.p.editor_groups.length === 0) return undefined;
    const groups = new Set(
      this.value(req, this.headers.get("Groups"))
        .split(",")
        .map((g) => g.trim())
        .filter((g) => g !== ""),
    );
    if (this.p.admin_groups.some((g) => groups.has(g))) return "Admin";
    if (this.p.editor_groups.some((g) => groups.has(g))) return "Editor";
    return this.p.default_role;
  }

  metrics(): { name: string; help: string; type: "counter"; value: number }[] {
    return [
      { name: "loupe_auth_proxy_refused_total", help: "requests refused because [auth.proxy] header_name came from a peer not in whitelist", type: "counter", value: this.refusedUntrusted },
      { name: "loupe_auth_proxy_logins_total", help: "sessions created for users named by the auth proxy", type: "counter", value: this.signIns },
    ];
  }
}
