/** GET / (default dashboard or the list) and GET /dashboards (the list, search by title or tag). */
import { Router, type Request, type Response } from "express";
import { access, principalOf } from "../../access.js";
import { homeBody } from "../../views/home-view.js";
import { sendPage } from "../../views/layout.js";
import { queryString } from "../../views/time-range.js";
import { canEdit, isAdmin, userKey, type PageDeps } from "./deps.js";

export function homePages(deps: PageDeps): Router {
  const router = Router();
  const list = (req: Request, res: Response): void => {
    const query = (queryString(req.query["query"]) ?? "").trim();
    const tag = (queryString(req.query["tag"]) ?? "").trim();
    const filter: { query?: string; tag?: string } = {};
    if (query !== "") filter.query = query;
    if (tag !== "") filter.tag = tag;
    const body = homeBody({
      list: deps.dashboards.list(filter),
      recent: deps.dashboards.recentlyViewed(userKey(principalOf(res)), 8),
      query,
      tag,
      canEdit: canEdit(res),
      isAdmin: isAdmin(res),
    });
    sendPage(req, res, { title: "Dashboards", body, nav: "dashboards", scripts: ["home.js"] });
  };
  router.get("/", access("viewer"), (req, res) => {
    const home = deps.defaultHome ?? "";
    if (home !== "" && Object.keys(req.query).length === 0 && deps.dashboards.get(home) !== undefined) {
      res.redirect(302, `/d/${encodeURIComponent(home)}`);
      return;
    }
    list(req, res);
  });
  router.get("/dashboards", access("viewer"), list);
  return router;
}
