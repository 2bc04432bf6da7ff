/**
 * The pure parts of the generic OAuth, proxy and LDAP providers: the JMESPath subset, the OAuth
 * policy, proxy header and whitelist parsing, LDAP escaping and group mapping, the config checks
 * (file, section, key; secrets masked by check-config).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/index.js";
import { runCli } from "../../src/cli.js";
import { evaluatePath, parseAttributePath, searchString } from "../../src/auth/attribute-path.js";
import { decideOAuthLogin, oauthPolicyOf } from "../../src/auth/oauth-policy.js";
import { parseProxyHeaders, parseWhitelist } from "../../src/auth/proxy.js";
import { escapeDn, escapeFilter, mapLdapRole } from "../../src/auth/ldap.js";
import { authProviderConfigured, checkAuthConfig, loginProviders } from "../../src/auth/provider.js";
import { tempDir } from "../helpers/tmp.js";

const cfg = (text: string) => loadConfig({ text, env: {} });
const claims = { sub: "42", email: "Ann@Example.com", preferred_username: "ann", name: "Ann", groups: ["ops", "dev"], info: { roles: ["editor"], nested: { a: 1 } }, teams: [{ name: "t1" }, { name: "t2" }], admin: true, n: 7 };

test("attribute paths: the JMESPath subset Grafana's examples use", () => {
  const cases: Array<[string, unknown]> = [
    ["email", "Ann@Example.com"],
    ["info.roles[0]", "editor"],
    ["info.roles[-1]", "editor"],
    ["info.missing.deeper", null],
    ["teams[*].name", ["t1", "t2"]],
    ["\"preferred_username\"", "ann"],
    ["contains(groups[*], 'ops')", true],
    ["contains(groups[*], 'nope')", false],
    ["contains(email, '@Example')", true],
    ["contains(groups[*], 'admins') && 'Admin' || contains(groups[*], 'ops') && 'Editor' || 'Viewer'", "Editor"],
    ["contains(groups[*], 'x') && 'Admin' || 'Viewer'", "Viewer"],
    ["admin && 'Admin' || 'Viewer'", "Admin"],
    ["!admin && 'Viewer' || 'Admin'", "Admin"],
    ["preferred_username == 'ann' && 'Admin'", "Admin"],
    ["preferred_username != 'ann' && 'Admin' || `null`", null],
    ["(missing || email)", "Ann@Example.com"],
    ["groups[5] || ''", ""],
    ["`\"lit\"`", "lit"],
  ];
  for (const [src, want] of cases) assert.deepEqual(evaluatePath(parseAttributePath(src), claims), want, src);
  assert.equal(searchString(parseAttributePath("n"), claims), "7");
  assert.equal(searchString(parseAttributePath("groups"), claims), "", "a list is not a string");
});

test("attribute paths: syntax errors say what and where", () => {
  for (const [src, re] of [
    ["", /empty/],
    ["contains(groups[*], 'x'", /expected "\)"/],
    ["a.", /field name/],
    ["a[x]", /index or \*/],
    ["'open", /unterminated/],
    ["a && ", /end of expression/],
    ["a $ b", /unexpected "\$" at column 3/],
    ["a b", /unexpected b/],
  ] as const) {
    assert.throws(() => parseAttributePath(src), re, src);
  }
});

test("OAuth policy: login fallback, allowed_domains, allowed_groups, role_attribute_path and strictness", () => {
  const policy = (extra: string) => oauthPolicyOf(cfg(`[auth.generic_oauth]\n${extra}`));
  const ok = decideOAuthLogin(claims, policy(""));
  assert.deepEqual(ok, { ok: true, groups: ["ops", "dev"], identity: { provider: "oauth", subject: "42", login: "ann", name: "Ann", email: "Ann@Example.com", mappedRole: undefined } });
  assert.equal((decideOAuthLogin({ email: "x@y.z" }, policy("")) as { identity: { login: string } }).identity.login, "x@y.z", "email when no username claim");
  assert.deepEqual(decideOAuthLogin({ sub: "1" }, policy("")), { ok: false, code: "no_login" });
  assert.equal(decideOAuthLogin(claims, policy("allowed_domains = example.com")).ok, true, "domain case-insensitive");
  assert.deepEqual(decideOAuthLogin(claims, policy("allowed_domains = other.org")), { ok: false, code: "email_domain" });
  assert.equal(decideOAuthLogin(claims, policy("allowed_groups = dev")).ok, true);
  assert.deepEqual(decideOAuthLogin(claims, policy("allowed_groups = admins")), { ok: false, code: "missing_group" });
  assert.deepEqual(decideOAuthLogin(claims, policy("groups_attribute_path = teams[*].name\nallowed_groups = t2")).ok, true);
  const role = (path: string, extra = "") => decideOAuthLogin(claims, policy(`role_attribute_path = ${path}\n${extra}`));
  assert.equal((role("info.roles[0]") as { identity: { mappedRole: string } }).identity.mappedRole, "Editor", "any case");
  assert.equal((role("name") as { identity: { mappedRole: string } }).identity.mappedRole, "Viewer", "not a role: default_role");
  assert.equal((role("name", "default_role = Editor") as { identity: { mappedRole: string } }).identity.mappedRole, "Editor");
  assert.deepEqual(role("name", "role_attribute_strict = true"), { ok: false, code: "no_role" });
  assert.equal((decideOAuthLogin(claims, policy("login_attribute_path = sub\nname_attribute_path = info.roles[0]")) as { identity: { login: string; name: string } }).identity.login, "42");
});

test("proxy: headers and whitelist parsing", () => {
  assert.deepEqual([...parseProxyHeaders("Email:X-User-Email Name:X-User-Name Role:X-User-Role Groups:X-User-Groups")], [
    ["Email", "x-user-email"],
    ["Name", "x-user-name"],
    ["Role", "x-user-role"],
    ["Groups", "x-user-groups"],
  ]);
  assert.deepEqual([...parseProxyHeaders("")], []);
  for (const bad of ["Email", "Mail:X-Mail", "Email:X Mail:", ":X-A", "Email:bad header!"]) assert.throws(() => parseProxyHeaders(bad), /is not KEY:Header-Name/, bad);
  const wl = parseWhitelist("127.0.0.1, 10.1.0.0/16 ::1");
  assert.equal(wl.check("127.0.0.1", "ipv4"), true);
  assert.equal(wl.check("10.1.200.3", "ipv4"), true);
  assert.equal(wl.check("10.2.0.1", "ipv4"), false);
  assert.equal(wl.check("::1", "ipv6"), true);
  for (const bad of ["localhost", "10.0.0.0/33", "10.0.0.1/x", "1.2.3.4/8/9"]) assert.throws(() => parseWhitelist(bad), /not an IP address or CIDR/, bad);
});

test("LDAP: filter and DN escaping (RFC 4515, 4514); group DNs to roles", () => {
  assert.equal(escapeFilter("a*b(c)\\d\0"), "a\\2ab\\28c\\29\\5cd\\00");
  assert.equal(escapeFilter("*)(uid=*"), "\\2a\\29\\28uid=\\2a");
  assert.equal(escapeDn("Smith, John+x=\"y\"<z>;"), "Smith\\, John\\+x\\=\\\"y\\\"\\<z\\>\\;");
  assert.equal(escapeDn(" #lead trail "), "\\ #lead trail\\ ");
  const l = cfg("[auth.ldap]\nadmin_group_dn = cn=admins,dc=x\neditor_group_dn = cn=eds,dc=x | cn=more,dc=x\nviewer_group_dn = *")["auth.ldap"];
  assert.deepEqual(mapLdapRole(l, ["CN=Admins, DC=x"]), { configured: true, role: "Admin" }, "DNs compared case- and space-insensitively");
  assert.deepEqual(mapLdapRole(l, ["cn=more,dc=x"]), { configured: true, role: "Editor" });
  assert.deepEqual(mapLdapRole(l, []), { configured: true, role: "Viewer" }, "* matches anyone");
  assert.deepEqual(mapLdapRole(cfg("")["auth.ldap"], ["cn=a"]), { configured: false, role: undefined });
});

test("providers: every enabled one counts and is listed; the checks name file, section and key", () => {
  assert.equal(authProviderConfigured(cfg("[auth.proxy]\nenabled = true\nwhitelist = 127.0.0.1")), true);
  assert.equal(authProviderConfigured(cfg("[auth.ldap]\nenabled = true\nhost = h\nsearch_base_dns = dc=x")), true);
  assert.equal(authProviderConfigured(cfg("[auth.generic_oauth]\nenabled = true\nclient_id = a\nissuer = https://id.example.com")), true);
  assert.deepEqual(
    loginProviders(cfg("[auth.github]\nenabled = true\n[auth.generic_oauth]\nenabled = true\nname = Keycloak\n[auth.basic]\nenabled = true")).map((p) => [p.id, p.kind, p.label]),
    [["github", "redirect", "GitHub"], ["generic_oauth", "redirect", "Keycloak"], ["basic", "form", "Local users"]],
  );
  const bad: Array<[string, string, string, RegExp]> = [
    ["[auth.generic_oauth]\nenabled = true\nissuer = https://x", "auth.generic_oauth", "client_id", /client_id is empty/],
    ["[auth.generic_oauth]\nenabled = true\nclient_id = a\nclient_secret = s", "auth.generic_oauth", "auth_url", /set issuer/],
    ["[auth.generic_oauth]\nenabled = true\nclient_id = a\nissuer = id.example.com", "auth.generic_oauth", "issuer", /not an absolute http/],
    ["[auth.generic_oauth]\nrole_attribute_path = contains(groups, 'x'", "auth.generic_oauth", "role_attribute_path", /expected "\)"/],
    ["[auth.generic_oauth]\nenabled = true\nclient_id = a\nissuer = https://x\ntls_client_ca = /nonexistent/ca.pem", "auth.generic_oauth", "tls_client_ca", /cannot read/],
    ["[auth.proxy]\nenabled = true", "auth.proxy", "whitelist", /whitelist is empty/],
    ["[auth.proxy]\nwhitelist = proxy.local", "auth.proxy", "whitelist", /not an IP address/],
    ["[auth.proxy]\nheaders = Mail:X-Mail", "auth.proxy", "headers", /KEY:Header-Name/],
    ["[auth.ldap]\nenabled = true\nsearch_base_dns = dc=x", "auth.ldap", "host", /host is empty/],
    ["[auth.ldap]\nenabled = true\nhost = h\nsearch_base_dns = dc=x\nsearch_filter = (uid=bob)", "auth.ldap", "search_filter", /no %s/],
    ["[auth.ldap]\nenabled = true\nhost = h", "auth.ldap", "search_base_dns", /search_base_dns is empty/],
    ["[auth.ldap]\nenabled = true\nhost = h\nsearch_base_dns = dc=x\nuse_ssl = true\nstart_tls = true", "auth.ldap", "start_tls", /exclude each other/],
    ["[auth.ldap]\nenabled = true\nhost = h\nsearch_base_dns = dc=x\nbind_dn = cn=admin,dc=x", "auth.ldap", "bind_password", /bind_password is empty/],
  ];
  for (const [text, section, key, re] of bad) {
    assert.throws(
      () => checkAuthConfig(cfg(text)),
      (e: Error & { location?: { section?: string; key?: string } }) => re.test(e.message) && e.location?.section === section && e.location.key === key,
      `${section} ${key}: ${text}`,
    );
  }
});

test("check-config: validates the provider sections (file named) and masks client_secret and bind_password", async () => {
  const dir = tempDir("loupe-auth-check-");
  const f = join(dir, "loupe.ini");
  let out = "";
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (out += s) };
  writeFileSync(f, "[auth.generic_oauth]\nenabled = true\nclient_id = a\nclient_secret = oauth-secret-xyz\nissuer = https://id.example.com\n[auth.ldap]\nenabled = true\nhost = ldap.example.com\nsearch_base_dns = dc=example,dc=com\nbind_dn = cn=svc,dc=example,dc=com\nbind_password = ldap-secret-xyz\n");
  assert.equal(await runCli(["check-config", "--config", f], io), 0);
  assert.match(out, /client_secret = \*\*\*/);
  assert.match(out, /bind_password = \*\*\*/);
  assert.ok(!out.includes("oauth-secret-xyz") && !out.includes("ldap-secret-xyz"), "secrets masked");
  out = "";
  writeFileSync(f, "[auth.proxy]\nenabled = true\nwhitelist = 127.0.0.1, proxy.local\n[auth.ldap]\nbind_password = ldap-secret-xyz\n");
  assert.equal(await runCli(["check-config", "--config", f], io), 1);
  assert.match(out, /loupe\.ini/);
  assert.match(out, /auth\.proxy/);
  assert.match(out, /whitelist/);
  assert.ok(!out.includes("ldap-secret-xyz"));
});
