import type { NextFunction, Request, Response } from "express";
import type { Logger } from "../../lib/logger.js";

/** Request logging at debug level (method, path, status, duration). Query strings are left out: they may carry tokens. */
export function requestLog(log: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!log.isLevelEnabled("debug")) return next();
    const start = process.hrtime.bigint();
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      log.debug("http request", { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    next();
  };
}
