/**
 * The login form's check: LDAP first when [auth.ldap] is on, then local users when [auth.basic] is
 * on. A user LDAP finds is decided by LDAP alone (a wrong password there is refused, local users are
 * not tried); a name LDAP does not know, or an LDAP server that cannot be reached (logged, counted),
 * falls through to local users so an Admin can still get in. The caller applies the login limits.
 */
import type { Config } from "../config/index.js";
import type { Logger } from "../lib/logger.js";
import type { UserRow } from "../store/index.js";
import type { LdapAuth } from "./ldap.js";
import { SignInError, type UserService } from "./users.js";

export class PasswordLogin {
  ldapErrors = 0;
  ldapLogins = 0;

  constructor(
    private readonly config: Config,
    private readonly users: UserService,
    private readonly ldap: LdapAuth | undefined,
    private readonly log: Logger,
  ) {}

  get enabled(): boolean {
    return this.config["auth.basic"].enabled || this.ldap !== undefined;
  }

  /** The user signed in, or SignInError (bad_credentials without saying which part was wrong). */
  async verify(login: string, password: string): Promise<UserRow> {
    const basic = this.config["auth.basic"].enabled;
    if (this.ldap !== undefined) {
      const l = this.config["auth.ldap"];
      let outcome: Awaited<ReturnType<LdapAuth["authenticate"]>> | undefined;
      try {
        outcome = await this.ldap.authenticate(login, password);
      } catch (err) {
        this.ldapErrors++;
        this.log.warn("ldap unavailable", { login, err: err instanceof Error ? err.message : "unknown error", fallback: basic ? "local users" : "none" });
        if (!basic) throw new SignInError("ldap_unavailable", "the directory cannot be reached");
      }
      if (outcome?.ok === true) {
        const user = this.users.signInExternal(outcome.identity, { allowSignUp: l.allow_sign_up, defaultRole: l.default_role, matchByLogin: false });
        this.ldapLogins++;
        return user;
      }
      if (outcome?.code === "bad_credentials") throw new SignInError("bad_credentials", "wrong login or password");
      if (outcome?.code === "no_group") throw new SignInError("ldap_no_group", "your directory groups give no Loupe role");
      if (!basic) throw new SignInError("bad_credentials", "wrong login or password");
    }
    return await this.users.verifyLocal(login, password);
  }

  metrics(): { name: string; help: string; type: "counter"; value: number }[] {
    if (this.ldap === undefined) return [];
    return [
      { name: "loupe_auth_ldap_errors_total", help: "logins where the [auth.ldap] server could not be reached or answered an error", type: "counter", value: this.ldapErrors },
      { name: "loupe_auth_ldap_logins_total", help: "logins checked by LDAP", type: "counter", value: this.ldapLogins },
    ];
  }
}
