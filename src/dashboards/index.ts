/** The dashboards module: the JSON model, the services' contracts, import/export, the built-in dashboard, provisioning. */
export * from "./model.js";
export type * from "./service.js";
export type * from "./repository.js";
export { RepositoryDashboardService, RepositorySnapshotService } from "./service-on-repository.js";
export { exportDashboard, readImport, EXPORT_FORMAT } from "./exchange.js";
export type { ExportFile, ReadImport } from "./exchange.js";
export { convertGrafanaDashboard, isGrafanaDashboard } from "./grafana.js";
export type { GrafanaConversion } from "./grafana.js";
export type { Skip } from "./grafana-templating.js";
export { hostOverviewDashboard, HOST_OVERVIEW_UID } from "./host-overview.js";
export type { HostOverviewOptions } from "./host-overview.js";
export { provisionDashboards, installHostOverview, BUILTIN_AUTHOR, PROVISIONING_AUTHOR } from "./provision.js";
export type { ProvisionReport } from "./provision.js";
export { formatZodIssues, parseOrThrow } from "./validation.js";
export { newUid, uidFromTitle, UID_RE } from "./uid.js";
export { packPanels } from "./layout.js";
export { dashboardCommand } from "./cli-dashboard.js";
