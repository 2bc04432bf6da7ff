/**
 * The express application: shared middleware, then each area's routers, then 404 and the one
 * error-mapping middleware. `createHttp` builds it from the services main.ts hands in (the route
 * table is routes/index.ts); `createApp` takes ready routers (tests mount just the ones they need).
 */
import express, { type Express, type RequestHandler, type Router } from "express";
import { ConfigError, NotFoundError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { errorMiddleware } from "./middleware/errors.js";
import { requestLog } from "./middleware/request-log.js";
import { buildRoutes, type HttpDeps } from "./routes/index.js";

export interface AppParts {
  readonly log: Logger;
  /** Middleware that runs before every route: auth sets res.locals.principal here. */
  readonly before: readonly RequestHandler[];
  readonly routers: readonly Router[];
  /**
   * [server] trust_proxy: the proxies whose X-Forwarded-For gives req.ip. Empty (the default)
   * trusts none: req.ip is the socket's peer, whatever the request claims.
   */
  readonly trustProxy?: readonly string[];
}

/** Express's `trust proxy` from [server] trust_proxy; a bad entry is a ConfigError naming the key. */
export function setTrustProxy(app: Express, proxies: readonly string[]): void {
  try {
    app.set("trust proxy", proxies.length === 0 ? false : [...proxies]);
  } catch (err) {
    throw new ConfigError(`${err instanceof Error ? err.message : String(err)}: use addresses or CIDRs such as 127.0.0.1, 10.0.0.0/8`, { section: "server", key: "trust_proxy" }, err);
  }
}

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  setTrustProxy(app, parts.trustProxy ?? []);
  app.set("query parser", "extended");
  app.use(requestLog(parts.log));
  for (const mw of parts.before) app.use(mw);
  for (const r of parts.routers) app.use(r);
  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(parts.log));
  return app;
}

/** The whole app: every route of routes/index.ts, built from the module services in `deps`. */
export function createHttp(deps: HttpDeps): Express {
  return createApp({ log: deps.log.child({ module: "http" }), ...buildRoutes(deps), trustProxy: deps.config.server.trust_proxy });
}
