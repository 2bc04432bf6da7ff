/** The one error-mapping middleware: LoupeError → its status and `{"error":{"code","message"}}`. */
import type { NextFunction, Request, Response } from "express";
import { LoupeError } from "../../lib/errors.js";
import type { Logger } from "../../lib/logger.js";

interface HttpishError {
  status?: number;
  statusCode?: number;
  type?: string;
  expose?: boolean;
}

export function errorBody(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

export function errorMiddleware(log: Logger) {
  return (err: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) return next(err);
    let status = 500;
    let code = "internal";
    let message = "internal error";
    if (err instanceof LoupeError) {
      status = err.status;
      code = err.code;
      message = err.message;
    } else if (err !== null && typeof err === "object") {
      // body-parser and friends (http-errors shape)
      const e = err as HttpishError & { message?: string };
      const s = e.status ?? e.statusCode;
      if (s !== undefined && s >= 400 && s < 500) {
        status = s;
        code = (e.type ?? "bad_request").replace(/\./g, "_");
        message = e.message ?? "bad request";
      }
    }
    if (status >= 500) log.error("request failed", { method: req.method, path: req.path, err: err instanceof Error ? err.stack ?? err.message : String(err) });
    else log.debug("request refused", { method: req.method, path: req.path, status, code });
    const wantsHtml = req.method === "GET" && (req.get("accept") ?? "").includes("text/html") && !req.path.startsWith("/api/");
    if (status === 401 && wantsHtml) {
      res.redirect(302, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    res.status(status).json(errorBody(code, message));
  };
}
