/**
 * [auth.generic_oauth], [auth.proxy] and [auth.ldap]: Grafana's option names where Grafana has one
 * (LDAP's TOML file becomes INI keys here). Cross-key checks (a URL or the issuer is set, a
 * whitelist entry is an address, a role path parses) are in src/auth/provider.ts (checkAuthConfig).
 */
import { opt } from "../options.js";

const ROLES = ["Viewer", "Editor", "Admin"] as const;

export const genericOAuthSection = {
  enabled: opt.bool(false, "log in with an OAuth2 / OpenID Connect provider (Keycloak, Google, GitLab, Authentik, …)"),
  name: opt.string("OAuth", "provider name shown on the login button (\"Sign in with NAME\")"),
  allow_sign_up: opt.bool(true, "create a Loupe user for someone signing in the first time"),
  client_id: opt.string("", "OAuth client id"),
  client_secret: opt.secret("OAuth client secret"),
  scopes: opt.list("openid,email,profile", "scopes requested (comma or space separated)"),
  issuer: opt.string("", "OpenID Connect issuer URL: endpoints come from ISSUER/.well-known/openid-configuration and ID tokens are verified (signature by the issuer's JWKS, iss, aud, exp, nonce); set auth_url/token_url/api_url to override one"),
  auth_url: opt.string("", "authorize endpoint (without issuer: required)"),
  token_url: opt.string("", "token endpoint (without issuer: required)"),
  api_url: opt.string("", "user info endpoint (JSON claims merged under the ID token's; optional)"),
  auth_style: opt.enum(["AutoDetect", "InHeader", "InParams"] as const, "AutoDetect", "how the client secret goes to token_url: HTTP basic auth (InHeader), form fields (InParams), or header first then fields (AutoDetect)"),
  use_pkce: opt.bool(true, "send a PKCE S256 code challenge (RFC 7636)"),
  login_attribute_path: opt.string("", "path to the login name in the claims (empty: preferred_username, login, username, then email)"),
  email_attribute_path: opt.string("email", "path to the email address in the claims"),
  name_attribute_path: opt.string("", "path to the display name (empty: name, then the login)"),
  groups_attribute_path: opt.string("groups", "path to the user's groups (a list of strings) for allowed_groups and role_attribute_path"),
  role_attribute_path: opt.string("", "expression giving Viewer, Editor or Admin from the claims, e.g. contains(groups[*], 'ops') && 'Admin' || 'Viewer' (subset of JMESPath: paths, [*], ==, !=, &&, ||, !, contains(), 'literals'; roles are synced at each sign-in when set)"),
  role_attribute_strict: opt.bool(false, "refuse the sign-in when role_attribute_path gives no valid role (else default_role)"),
  default_role: opt.enum(ROLES, "Viewer", "role of a new user when role_attribute_path is empty or (not strict) gives no role"),
  allowed_domains: opt.list("", "only emails in these domains may log in (empty: any)"),
  allowed_groups: opt.list("", "only members of one of these groups (from groups_attribute_path) may log in (empty: any)"),
  tls_skip_verify_insecure: opt.bool(false, "accept any TLS certificate from the provider (testing only)"),
  tls_client_ca: opt.string("", "PEM file of the CA that signed the provider's certificate (added to the system CAs)"),
  timeout: opt.duration("10s", "timeout of each request to the provider (discovery, token, user info, JWKS)", { min: 1000 }),
} as const;

export const proxyAuthSection = {
  enabled: opt.bool(false, "trust a login name in a header set by an authenticating reverse proxy (oauth2-proxy, Authelia, Pomerium)"),
  header_name: opt.string("X-WEBAUTH-USER", "header carrying the user"),
  header_property: opt.enum(["username", "email"] as const, "username", "what header_name carries: the login (username) or the email address"),
  auto_sign_up: opt.bool(true, "create a Loupe user for a name seen the first time"),
  whitelist: opt.string("", "addresses or CIDRs of the proxy, comma or space separated (required): the header from any other peer is refused with 403"),
  headers: opt.string("", "more headers, Grafana's syntax: \"Email:X-User-Email Name:X-User-Name Role:X-User-Role Groups:X-User-Groups\""),
  admin_groups: opt.list("", "users whose Groups header lists one of these get Admin (a Role header wins over groups)"),
  editor_groups: opt.list("", "users whose Groups header lists one of these get Editor"),
  default_role: opt.enum(ROLES, "Viewer", "role of a new user when neither a Role header nor a group mapping gives one"),
  sync_ttl: opt.duration("60m", "a proxy session older than this is refreshed from the headers (name, email, role)", { min: 60_000 }),
} as const;

export const ldapAuthSection = {
  enabled: opt.bool(false, "check logins of the login form against an LDAP directory (then local users when [auth.basic] is on)"),
  host: opt.string("", "LDAP server host name"),
  port: opt.int(389, "LDAP port (636 with use_ssl)", { min: 1, max: 65535 }),
  use_ssl: opt.bool(false, "LDAPS: TLS from the first byte"),
  start_tls: opt.bool(false, "upgrade the plain connection with StartTLS"),
  ssl_skip_verify: opt.bool(false, "accept any TLS certificate (testing only)"),
  root_ca_cert: opt.string("", "PEM file of the CA that signed the server's certificate"),
  bind_dn: opt.string("", "DN to bind as to search for the user (empty: anonymous search); with %s the user binds directly (e.g. uid=%s,ou=people,dc=example,dc=org)"),
  bind_password: opt.secret("password of bind_dn"),
  search_filter: opt.string("(uid=%s)", "filter finding the user, %s is the login typed (escaped); Active Directory: (sAMAccountName=%s)"),
  search_base_dns: opt.string("", "bases searched for the user, separated by | (a DN has commas; ';' starts an INI comment), e.g. ou=people,dc=example,dc=org"),
  group_search_filter: opt.string("", "filter finding the user's groups, %s is the user's DN, e.g. (&(objectClass=groupOfNames)(member=%s)); empty: the member_of attribute"),
  group_search_base_dns: opt.string("", "bases searched for groups, separated by |"),
  attribute_username: opt.string("uid", "attribute holding the login name (Active Directory: sAMAccountName)"),
  attribute_name: opt.string("cn", "attribute holding the display name"),
  attribute_email: opt.string("mail", "attribute holding the email address"),
  attribute_member_of: opt.string("memberOf", "attribute of the user listing its group DNs (when group_search_filter is empty)"),
  admin_group_dn: opt.string("", "members of this group DN get Admin; several separated by |; * matches everyone"),
  editor_group_dn: opt.string("", "members of this group DN get Editor; several separated by |"),
  viewer_group_dn: opt.string("", "members of this group DN get Viewer; several separated by |. With any *_group_dn set, roles are synced at each login and a user in none of them is refused"),
  allow_sign_up: opt.bool(true, "create a Loupe user for a directory user logging in the first time"),
  default_role: opt.enum(ROLES, "Viewer", "role of a new user when no *_group_dn is set"),
  timeout: opt.duration("10s", "connect and operation timeout", { min: 1000 }),
} as const;
