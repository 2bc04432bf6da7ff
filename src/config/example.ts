/**
 * Renders config.example.ini from the schema: every section and option with its help and default,
 * commented out. `npm run gen:config` writes the file; a test checks the file stays in sync.
 */
import type { SectionSpec } from "./options.js";
import { schema, type SectionName } from "./schema.js";

export const SECTION_HELP: Readonly<Record<SectionName, string>> = {
  server: "HTTP server for the dashboard and the APIs.",
  paths: "Where Loupe keeps its state and finds plugins. Relative paths in a config file (also [database] path, [dashboards] path, [alerting] rules_path, [backup] dir) are resolved against that file's folder.",
  database: "The SQLite file holding everything.",
  log: "Logging to stderr.",
  collectors: "Settings shared by all collectors; each collector's own options are in [collector.<name>] below.",
  store: "Time-series store: write-ahead log, chunks, size guard.",
  retention: "How long each resolution is kept.",
  query: "Bounds of one /render or /api/query request (every target together): run time, series and points read.",
  "ingest.graphite": "Graphite plaintext listener (Diamond, collectd write_graphite, carbon relays).",
  "ingest.influx": "Influx line protocol on the HTTP port (Telegraf, influx CLI).",
  "ingest.remote_write": "Prometheus remote_write in on the HTTP port (Prometheus, vmagent, Grafana Agent): labels become tagged series, __name__ the name.",
  "export.prometheus": "Prometheus exposition on /metrics.",
  auth: "Sessions and administrators. Without a provider below, Loupe serves only on loopback.",
  "auth.github": "GitHub OAuth login, with Grafana's option names.",
  "auth.basic": "Local users with passwords.",
  "auth.anonymous": "Visitors without login.",
  "auth.generic_oauth": "OAuth2 / OpenID Connect login (Keycloak, Google, GitLab, …), with Grafana's option names. Callback URL: <root_url>login/generic_oauth.",
  "auth.proxy": "Login by a header from an authenticating reverse proxy (oauth2-proxy, Authelia), with Grafana's option names.",
  "auth.ldap": "LDAP / Active Directory logins through the login form (tried before local users).",
  dashboards: "Dashboards and their provisioning.",
  alerting: "Alert rules: evaluation, history, built-in rules. Notifiers are [notifier.<name>] sections (below).",
  hosts: "The hosts page (/hosts): every host that sends points, up or silent.",
  backup: "Automatic local backups by the running server (the same as `loupe backup FILE`; restore with `loupe restore FILE --data DIR`).",
};

export interface ExtraSection {
  readonly name: string;
  readonly help: string;
  readonly spec: SectionSpec;
}

function renderSection(name: string, help: string, spec: SectionSpec): string {
  let out = `\n;; ${help}\n[${name}]\n`;
  for (const [key, option] of Object.entries(spec)) {
    out += `; ${option.help}\n;${key} = ${option.default}\n`;
  }
  return out;
}

export function formatExampleIni(extra: readonly ExtraSection[] = []): string {
  let out =
    "; Loupe configuration: every option with its default (lines starting with ; are comments).\n" +
    "; Uncomment and change what you need. Loupe looks for --config, $LOUPE_CONFIG, ./loupe.ini,\n" +
    "; /etc/loupe/loupe.ini, in that order; without any it runs on these defaults.\n" +
    "; Any option can also be set from the environment as LOUPE_<SECTION>_<KEY>, dots in the section\n" +
    "; name becoming underscores: LOUPE_SERVER_HTTP_PORT=3001, LOUPE_AUTH_GITHUB_CLIENT_ID=...\n" +
    "; Durations: 250ms, 10s, 5m, 1h, 7d, 2y. Sizes: 512MB, 2GB. Lists: comma separated.\n" +
    "; Quote values containing ; or # (they start a comment otherwise).\n";
  for (const name of Object.keys(schema) as SectionName[]) out += renderSection(name, SECTION_HELP[name], schema[name]);
  for (const s of extra) out += renderSection(s.name, s.help, s.spec);
  return out;
}
