/**
 * Every registered route of an express 5 app, walked from its router stack, with the access level each
 * declares through access(...) (http/access.ts). Shared by the route-table, route-access and CSRF tests.
 */
import type { Express } from "express";

export interface RouteInfo {
  readonly method: string;
  readonly path: string;
  readonly access: string | undefined;
}

interface LayerLike {
  route?: { path: unknown; stack: Array<{ method?: string; handle: { access?: string } }> };
  handle: { stack?: LayerLike[]; access?: string };
  rawPath?: unknown;
  name?: string;
}

/** Routes of an express 5 app, with mount prefixes; `others` lists non-router middleware mounted on a path. */
export function listRoutes(app: Express): { routes: RouteInfo[]; others: string[] } {
  const routes: RouteInfo[] = [];
  const others: string[] = [];
  const root = (app as unknown as { router: { stack: LayerLike[] } }).router;
  const walk = (stack: LayerLike[], prefix: string, inherited: string | undefined): void => {
    let mountAccess = inherited;
    for (const layer of stack) {
      const raw = typeof layer.rawPath === "string" ? layer.rawPath : undefined;
      if (layer.route !== undefined) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const guard = layer.route.stack.find((l) => typeof l.handle.access === "string")?.handle.access ?? mountAccess;
        const methods = [...new Set(layer.route.stack.map((l) => l.method).filter((m): m is string => m !== undefined))];
        for (const p of paths) for (const m of methods) routes.push({ method: m.toUpperCase(), path: `${prefix}${String(p)}`, access: guard });
      } else if (Array.isArray(layer.handle.stack)) {
        walk(layer.handle.stack, prefix + (raw === undefined || raw === "/" ? "" : raw), mountAccess);
      } else if (typeof layer.handle.access === "string") {
        // router.use(access("x")) guards every later route of that router
        mountAccess = layer.handle.access;
      } else if (raw !== undefined && raw !== "/") {
        others.push(`${prefix}${raw} (${layer.name ?? "?"})`);
      }
    }
  };
  walk(root.stack, "", undefined);
  return { routes, others };
}
