/** The http module: `createHttp(deps)` builds the whole app from the services main.ts hands in. */
export { createApp, createHttp } from "./app.js";
export type { AppParts } from "./app.js";
export { buildRoutes } from "./routes/index.js";
export type { AppRoutes, DashboardServices, HttpDeps } from "./routes/index.js";
export { access, principalOf, roleAtLeast, OPEN_PRINCIPAL } from "./access.js";
export type { Access, Principal, Role } from "./access.js";
export { healthRoutes } from "./routes/health.js";
export { startHttpServer, isLoopbackAddress } from "./server.js";
export type { HttpServer } from "./server.js";
export { StatusService, type StatusServiceOptions } from "./status/service.js";
export type { ForwarderStatus, ForwarderStatusSource, StatusReport } from "./status/model.js";
export { statusCommand } from "./cli-status.js";
