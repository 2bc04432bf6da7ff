/**
 * The whole static INI schema, section by section. Order here is the order of config.example.ini
 * and of `loupe check-config`. Sections named `collector.<name>` are dynamic: collectors (built-in
 * or plugins) validate their own with validateSection(); so do notifiers and forwarders.
 */
import type { SectionSpec, SectionValues } from "./options.js";
import { serverSection, pathsSection, databaseSection, logSection } from "./sections/core.js";
import { collectorsSection } from "./sections/collectors.js";
import { storeSection, retentionSection } from "./sections/store.js";
import { graphiteIngestSection, influxIngestSection, prometheusExportSection, remoteWriteIngestSection } from "./sections/ingest.js";
import { authSection, githubAuthSection, basicAuthSection, anonymousAuthSection } from "./sections/auth.js";
import { genericOAuthSection, ldapAuthSection, proxyAuthSection } from "./sections/auth-providers.js";
import { dashboardsSection } from "./sections/dashboards.js";
import { querySection } from "./sections/query.js";
import { alertingSection } from "./sections/alerting.js";
import { hostsSection } from "./sections/hosts.js";
import { backupSection } from "./sections/backup.js";

export const schema = {
  server: serverSection,
  paths: pathsSection,
  database: databaseSection,
  log: logSection,
  collectors: collectorsSection,
  store: storeSection,
  retention: retentionSection,
  query: querySection,
  "ingest.graphite": graphiteIngestSection,
  "ingest.influx": influxIngestSection,
  "ingest.remote_write": remoteWriteIngestSection,
  "export.prometheus": prometheusExportSection,
  auth: authSection,
  "auth.github": githubAuthSection,
  "auth.basic": basicAuthSection,
  "auth.anonymous": anonymousAuthSection,
  "auth.generic_oauth": genericOAuthSection,
  "auth.proxy": proxyAuthSection,
  "auth.ldap": ldapAuthSection,
  dashboards: dashboardsSection,
  alerting: alertingSection,
  hosts: hostsSection,
  backup: backupSection,
} as const satisfies Record<string, SectionSpec>;

export type Schema = typeof schema;
export type SectionName = keyof Schema;

/** Prefixes of dynamic sections: `[collector.nginx]`, `[notifier.ops]`, `[forward.vm]`. */
export const DYNAMIC_SECTION_PREFIXES = ["collector.", "notifier.", "forward."] as const;

export type ConfigValues = { readonly [S in SectionName]: SectionValues<Schema[S]> };
