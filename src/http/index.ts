export { createApp } from "./app.js";
export type { AppParts } from "./app.js";
export { access, principalOf, roleAtLeast, OPEN_PRINCIPAL } from "./access.js";
export type { Access, Principal, Role } from "./access.js";
export { healthRoutes } from "./routes/health.js";
export { startHttpServer, isLoopbackAddress } from "./server.js";
export type { HttpServer } from "./server.js";
