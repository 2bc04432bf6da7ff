import { opt } from "../options.js";

export const authSection = {
  admins: opt.list("", "logins (GitHub or local) that are always Admin, comma separated"),
  session_idle: opt.duration("7d", "a session unused this long ends", { min: 60_000 }),
  session_max: opt.duration("30d", "a session ends this long after login whatever its use", { min: 60_000 }),
  login_max_attempts: opt.int(10, "failed logins per login name per minute before that name is locked (any password, any address); also wrong API tokens per address per minute", { min: 1 }),
  login_max_attempts_per_address: opt.int(50, "failed logins per client address per minute before that address may only try names with no recent failure", { min: 1 }),
  login_lockout_max: opt.duration("15m", "longest lock of a login name: each lock in a row doubles from one minute up to this", { min: 60_000 }),
} as const;

export const githubAuthSection = {
  enabled: opt.bool(false, "log in with GitHub OAuth"),
  allow_sign_up: opt.bool(true, "create a Loupe user for a GitHub user signing in the first time"),
  client_id: opt.string("", "OAuth app client id"),
  client_secret: opt.secret("OAuth app client secret"),
  scopes: opt.list("user:email,read:org", "OAuth scopes requested"),
  auth_url: opt.url("https://github.com/login/oauth/authorize", "authorize endpoint (GitHub Enterprise: https://HOST/login/oauth/authorize)"),
  token_url: opt.url("https://github.com/login/oauth/access_token", "token endpoint"),
  api_url: opt.url("https://api.github.com/user", "API user endpoint (GitHub Enterprise: https://HOST/api/v3/user)"),
  allowed_organizations: opt.list("", "only members of these organizations may log in (empty: any)"),
  team_ids: opt.list("", "only members of one of these numeric GitHub team ids may log in (empty: any)"),
  allowed_domains: opt.list("", "only users whose email (public, else primary; verified) is in one of these domains may log in (empty: any)"),
  admin_organizations: opt.list("", "members of these organizations get the Admin role (any role mapping set: roles are synced at each sign-in)"),
  editor_organizations: opt.list("", "members of these organizations get the Editor role"),
  admin_team_ids: opt.list("", "members of these numeric team ids get the Admin role"),
  editor_team_ids: opt.list("", "members of these numeric team ids get the Editor role"),
  default_role: opt.enum(["Viewer", "Editor", "Admin"] as const, "Viewer", "role of a new user (GitHub or local) no mapping matches; the first user ever is Admin"),
} as const;

export const basicAuthSection = {
  enabled: opt.bool(false, "log in with local users and passwords (loupe user add)"),
} as const;

export const anonymousAuthSection = {
  enabled: opt.bool(false, "let visitors in without login"),
  role: opt.enum(["Viewer", "Editor", "Admin"] as const, "Viewer", "role given to anonymous visitors"),
} as const;
