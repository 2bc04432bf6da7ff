/**
 * The express application: shared middleware, then each area's routers, then 404 and the one
 * error-mapping middleware. Routers are built by their modules and handed in by main.ts.
 */
import express, { type Express, type RequestHandler, type Router } from "express";
import { NotFoundError } from "../lib/errors.js";
import type { Logger } from "../lib/logger.js";
import { errorMiddleware } from "./middleware/errors.js";
import { requestLog } from "./middleware/request-log.js";

export interface AppParts {
  readonly log: Logger;
  /** Middleware that runs before every route: auth sets res.locals.principal here. */
  readonly before: readonly RequestHandler[];
  readonly routers: readonly Router[];
}

export function createApp(parts: AppParts): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback");
  app.set("query parser", "extended");
  app.use(requestLog(parts.log));
  for (const mw of parts.before) app.use(mw);
  for (const r of parts.routers) app.use(r);
  app.use((req, _res, next) => next(new NotFoundError(`no route for ${req.method} ${req.path}`)));
  app.use(errorMiddleware(parts.log));
  return app;
}
