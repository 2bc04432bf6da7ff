/**
 * Who is asking, and what each route requires. Every route declares its level with `access(...)`;
 * the route-table test reads these declarations. The auth module sets `res.locals.principal`
 * before routes run; with no auth provider configured (Loupe then serves on loopback only) every
 * request is the local operator with the Admin role.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { roleAtLeast, type Principal, type Role } from "../auth/index.js";
import { ForbiddenError, UnauthorizedError } from "../lib/errors.js";

export type Access = "public" | "viewer" | "editor" | "admin";
export { OPEN_PRINCIPAL, roleAtLeast, type Principal, type Role } from "../auth/index.js";

const NEEDED: Record<Exclude<Access, "public">, Role> = { viewer: "Viewer", editor: "Editor", admin: "Admin" };

export function principalOf(res: Response): Principal | undefined {
  return (res.locals as { principal?: Principal }).principal;
}

/** A handler carrying its access level, so route listings can show and test it. */
export type AccessHandler = RequestHandler & { readonly access: Access };

/**
 * Route guard: `router.get("/api/x", access("viewer"), handler)`. Requests without a principal get
 * 401 (the page layer turns that into a redirect to /login for HTML requests); a principal whose
 * role is too low gets 403. A read-scoped token is refused on routes that need more than viewer.
 */
export function access(level: Access): AccessHandler {
  const handler = (_req: Request, res: Response, next: NextFunction): void => {
    if (level === "public") return next();
    const p = principalOf(res);
    if (p === undefined) return next(new UnauthorizedError());
    const needed = NEEDED[level];
    if (!roleAtLeast(p.role, needed)) return next(new ForbiddenError(`this needs the ${needed} role`));
    if (p.kind === "token" && p.scope === "read" && level !== "viewer") return next(new ForbiddenError("this token is read-only"));
    next();
  };
  return Object.assign(handler, { access: level });
}
